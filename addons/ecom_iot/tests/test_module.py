from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_order_center.tests.tools import SuiteDatabaseMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomIotTestCase(
        SuiteDatabaseMixin, CompanyTestMixin, ModuleTestCase):
    "Test the ecom_iot module"
    module = 'ecom_iot'


del ModuleTestCase
