"""A clerk routes orders: warehouse by rules or stock, carrier by selection
and price, weight from products and kits, provinces as platforms write them.
"""
import unittest
from decimal import Decimal

from proteus import Model
from proteus.config import get_config

from trytond.model.modelview import AccessButtonError
from trytond.modules.ecom_order_center.subdivision import (
    PROVINCES, province_code, province_to_subdivision,
    provinces_to_subdivisions)
from trytond.modules.ecom_order_center.tests.rules_tools import (
    create_order)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.transaction import Transaction


class ProvinceNamesTestCase(unittest.TestCase):
    "Every form of a province name gives its ISO code"

    def test_province_code(self):
        for name, code in [
                ('浙江', 'CN-ZJ'), ('浙江省', 'CN-ZJ'), (' 浙江省 ', 'CN-ZJ'),
                ('广西', 'CN-GX'), ('广西壮族自治区', 'CN-GX'),
                ('内蒙古', 'CN-NM'), ('内蒙古自治区', 'CN-NM'),
                ('新疆', 'CN-XJ'), ('新疆维吾尔自治区', 'CN-XJ'),
                ('宁夏回族自治区', 'CN-NX'), ('西藏自治区', 'CN-XZ'),
                ('香港', 'CN-HK'), ('香港特别行政区', 'CN-HK'),
                ('澳门特别行政区', 'CN-MO'), ('台湾', 'CN-TW'),
                ('上海', 'CN-SH'), ('上海市', 'CN-SH'), ('北京市', 'CN-BJ'),
                ('山西', 'CN-SX'), ('陕西省', 'CN-SN'), ('黑龙江', 'CN-HL'),
                ('Zhejiang', 'CN-ZJ'), ('Zhejiang Sheng', 'CN-ZJ'),
                ('Inner Mongolia', 'CN-NM'), ('CN-GD', 'CN-GD'),
                ('Hong Kong SAR', 'CN-HK'),
                ('', None), (None, None), ('火星', None), ('市', None),
                ]:
            with self.subTest(name=name):
                self.assertEqual(province_code(name), code)

    def test_every_province_by_its_names(self):
        for code, name, english, _ in PROVINCES:
            for form in [name, english, code, code[3:]]:
                with self.subTest(form=form):
                    self.assertEqual(province_code(form), code)


class RoutingScenarioTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller()
        self.seller = get_seller(self.config)
        Subdivision = Model.get('country.subdivision')
        self.provinces = {s.code: s for s in Subdivision.find(
                [('code', 'like', 'CN-%')])}
        self._setup_carriers()

    def tearDown(self):
        drop_seller()

    def _setup_carriers(self):
        "ZTO ≤ 3 kg from Hangzhou, YTO from Guangzhou, SF ≤ 20 kg anywhere"
        Template = Model.get('product.template')
        Uom = Model.get('product.uom')
        Selection = Model.get('carrier.selection')
        unit, = Uom.find([('name', '=', 'Unit')])
        china = self.provinces['CN-ZJ'].country
        carriers = self.seller.carriers
        for code, cost in [('ZTO', '5'), ('YTO', '4'), ('SF', '12'),
                ('EMS', '15')]:
            template = Template(name=f"{code} 快递费", type='service',
                default_uom=unit, list_price=Decimal(cost) * 2)
            product, = template.products
            product.cost_price = Decimal(cost)
            template.save()
            carrier = carriers[code]
            carrier.carrier_product, = template.products
            carrier.save()
        for sequence, code, values in [
                (10, 'ZTO', {'warehouse': self.seller.warehouses['WH'],
                        'max_weight': 3}),
                (20, 'YTO', {'warehouse': self.seller.warehouses['GZ']}),
                (30, 'SF', {'max_weight': 20}),
                (40, 'EMS', {'to_country': china,
                        'to_subdivision': self.provinces['CN-XJ']}),
                ]:
            selection = Selection(sequence=sequence, carrier=carriers[code])
            for name, value in values.items():
                setattr(selection, name, value)
            selection.save()

    def order(self, shop='TB01', province='CN-ZJ', city="杭州市",
            lines=(('TEA-LJ-250', 1),), **values):
        return create_order(self.seller, shop=shop, lines=lines,
            province=province, city=city, **values)

    def test_provinces_in_the_database(self):
        "The 34 provinces exist and platform names find them"
        self.assertEqual(len(self.provinces), 34)
        config = get_config()
        with Transaction().start(config.database_name, config.user,
                readonly=True):
            for name, code in [('浙江', 'CN-ZJ'), ('广西壮族自治区', 'CN-GX'),
                    ('内蒙古', 'CN-NM'), ('新疆维吾尔自治区', 'CN-XJ'),
                    ('香港特别行政区', 'CN-HK'), ('上海', 'CN-SH'),
                    ('上海市', 'CN-SH')]:
                with self.subTest(name=name):
                    self.assertEqual(
                        province_to_subdivision(name).code, code)
            self.assertIsNone(province_to_subdivision("火星"))
            # A batch of orders looks its provinces up at once
            found = provinces_to_subdivisions(
                ['浙江', '浙江省', 'Zhejiang', '火星', None])
            self.assertEqual({n: s.code for n, s in found.items()}, {
                    '浙江': 'CN-ZJ', '浙江省': 'CN-ZJ', 'Zhejiang': 'CN-ZJ'})

    def test_warehouse_by_rule(self):
        "Orders to Guangdong ship from Guangzhou, tea sets too"
        Rule = Model.get('ecom.warehouse_rule')
        Category = Model.get('product.category')
        sets, = Category.find([('name', '=', "茶具")])
        Rule(name="华南发广州仓", sequence=10,
            subdivision=self.provinces['CN-GD'],
            warehouse=self.seller.warehouses['GZ']).save()
        Rule(name="茶具发广州仓", sequence=20, category=sets,
            warehouse=self.seller.warehouses['GZ']).save()
        Rule(name="深圳发杭州仓", sequence=5, city="深圳",
            subdivision=self.provinces['CN-GD'],
            warehouse=self.seller.warehouses['WH']).save()

        guangzhou = self.order(province='CN-GD', city="广州市")
        guangzhou.click('route')
        self.assertEqual(guangzhou.warehouse.code, 'GZ')
        self.assertTrue(any(
                "华南发广州仓" in d.rule for d in guangzhou.decisions))

        shenzhen = self.order(province='CN-GD', city="深圳市")
        shenzhen.click('route')
        self.assertEqual(shenzhen.warehouse.code, 'WH')

        tea_set = self.order(lines=[('SET-TS-06', 1), ('TEA-JH-50', 2)])
        tea_set.click('route')
        self.assertEqual(tea_set.warehouse.code, 'GZ')

        tea = self.order()
        tea.click('route')
        self.assertEqual(tea.warehouse.code, 'WH')

    def test_rule_requiring_stock(self):
        "A rule that requires stock gives way when the warehouse lacks it"
        Rule = Model.get('ecom.warehouse_rule')
        Rule(name="浙江优先广州仓", subdivision=self.provinces['CN-ZJ'],
            require_stock=True,
            warehouse=self.seller.warehouses['GZ']).save()
        small = self.order(lines=[('TEA-BC-300', 10)])
        large = self.order(lines=[('TEA-BC-300', 100)])
        Order = Model.get('ecom.order')
        Order.click([small, large], 'route')
        small.reload()
        large.reload()
        self.assertEqual(small.warehouse.code, 'GZ')
        self.assertEqual(large.warehouse.code, 'WH')

    def test_warehouse_by_stock(self):
        "Without a rule, the first warehouse with every item ships"
        pdd = self.order(shop='PDD01', lines=[('TEA-PE-357', 50)])
        pdd.click('route')
        self.assertEqual(pdd.warehouse.code, 'GZ')

        short = self.order(shop='PDD01', lines=[('TEA-PE-357', 100)])
        short.click('route')
        self.assertEqual(short.warehouse.code, 'WH')

        # A kit needs its components: 4 cups per set, 80 cups in Guangzhou
        kits = self.order(shop='PDD01', lines=[('KIT-TEA-SET', 25)])
        kits.click('route')
        self.assertEqual(kits.warehouse.code, 'WH')

        nowhere = self.order(shop='PDD01', lines=[('TEA-PE-357', 500)])
        nowhere.click('route')
        self.assertEqual(nowhere.warehouse.code, 'GZ')
        outcomes = {d.rule for d in nowhere.decisions}
        self.assertIn(
            "No warehouse has every item available: shop warehouse",
            outcomes)

    def test_weight_and_cheapest_carrier(self):
        "Weight from products and kit components; cheapest carrier wins"
        order = self.order(lines=[('KIT-LJ-GIFT', 1), ('TEA-LJ-250', 2)])
        order.click('route')
        # 0.65 + 0.45 + 0.05 for the kit, 2 × 0.32 for the tea
        self.assertAlmostEqual(order.weight, 1.79)
        self.assertEqual(order.carrier.party.code, 'ZTO')
        self.assertEqual(order.freight_cost, Decimal('5'))

        heavy = self.order(lines=[('SET-TR-01', 3)])
        heavy.click('route')
        self.assertAlmostEqual(heavy.weight, 5.4)
        self.assertEqual(heavy.carrier.party.code, 'SF')

        from_guangzhou = self.order(shop='PDD01', lines=[('TEA-JH-50', 1)])
        from_guangzhou.click('route')
        self.assertEqual(from_guangzhou.carrier.party.code, 'YTO')
        self.assertEqual(from_guangzhou.freight_cost, Decimal('4'))

        xinjiang = self.order(province='CN-XJ', city="乌鲁木齐市",
            lines=[('SET-TR-01', 3)])
        xinjiang.click('route')
        self.assertEqual(xinjiang.carrier.party.code, 'SF')

    def test_buyer_designated_carrier(self):
        "The buyer's carrier wins; an unknown one is noted and ignored"
        order = self.order(carrier_code='sf')
        order.click('route')
        self.assertEqual(order.carrier.party.code, 'SF')
        self.assertEqual(order.freight_cost, Decimal('12'))

        unknown = self.order(carrier_code='DHL')
        unknown.click('route')
        self.assertEqual(unknown.carrier.party.code, 'ZTO')
        self.assertTrue(any('"DHL"' in d.values for d in unknown.decisions))

    def test_no_carrier(self):
        "Too heavy for every carrier: no carrier, and the order says so"
        order = self.order(lines=[('SET-TR-01', 20)])
        order.click('route')
        self.assertIsNone(order.carrier)
        self.assertIn("No carrier matches",
            [d.outcome for d in order.decisions])

    def test_cancelled_orders_are_not_routed(self):
        "Cancelled orders keep what they had"
        order = self.order()
        order.click('cancel')
        with self.assertRaises(AccessButtonError):
            order.click('route')
        order.reload()
        self.assertIsNone(order.warehouse)
