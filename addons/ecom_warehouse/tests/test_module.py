from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomWarehouseTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the ecom_warehouse module"
    module = 'ecom_warehouse'


del ModuleTestCase
