from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EcomPlatformsTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the ecom_platforms module"
    module = 'ecom_platforms'


del ModuleTestCase
