from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomIotTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the ecom_iot module"
    module = 'ecom_iot'


del ModuleTestCase
