from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomOrderCenterTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the order center module"
    module = 'ecom_order_center'


del ModuleTestCase
