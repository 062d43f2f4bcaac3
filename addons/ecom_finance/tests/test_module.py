from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomFinanceTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the ecom_finance module"
    module = 'ecom_finance'


del ModuleTestCase
