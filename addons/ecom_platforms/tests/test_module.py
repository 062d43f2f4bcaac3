from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_order_center.tests.tools import SellerDatabaseMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomPlatformsTestCase(
        SellerDatabaseMixin, CompanyTestMixin, ModuleTestCase):
    "Test the ecom_platforms module"
    module = 'ecom_platforms'


del ModuleTestCase
