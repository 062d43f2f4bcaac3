from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_order_center.tests.tools import SuiteDatabaseMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomWarehouseTestCase(
        SuiteDatabaseMixin, CompanyTestMixin, ModuleTestCase):
    "Test the ecom_warehouse module"
    module = 'ecom_warehouse'


del ModuleTestCase
