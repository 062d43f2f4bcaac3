from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.ecom_order_center.tests.tools import SuiteDatabaseMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomFinanceTestCase(
        SuiteDatabaseMixin, CompanyTestMixin, ModuleTestCase):
    "Test the ecom_finance module"
    module = 'ecom_finance'


del ModuleTestCase
