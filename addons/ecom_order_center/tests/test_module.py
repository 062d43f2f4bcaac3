from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_order_center.tests.tools import SellerDatabaseMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomOrderCenterTestCase(
        SellerDatabaseMixin, CompanyTestMixin, ModuleTestCase):
    "Test the order center module"
    module = 'ecom_order_center'


del ModuleTestCase
