"""Finance keeps the couriers' price sheets as freight templates: the
order center ranks carriers by them, the order gets the estimated freight
of its weight, the shipment the actual freight of its weighed parcels, at
the prices of the day it ships."""
import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
from proteus import Model, Wizard

from trytond.modules.ecom_finance.freight import round_up
from trytond.modules.ecom_finance.freight_import import (
    FreightSheetError, parse_amount)
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    line, normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.tests.tools import set_user
import unittest

HEADER = ['目的地', '首重(kg)', '首重价格(元)', '续重(kg)', '续重价格(元)',
    '偏远附加费(元)']
# ZTO from Hangzhou
ZTO_SHEET = [
    ['中通快递 杭州仓 2026 年价格表'],
    [],
    HEADER,
    ['浙江、江苏、上海', '1', '３.00', '1', '1'],
    ['广东', '1', '6.00', '1', '2'],
    ['新疆、西藏', '1', '15', '1', '10', '5'],
    ['其他地区', '1', '5', '1', '2'],
    ]
# SF: dearer, but cheaper to Guangdong; not to the far west
SF_SHEET = [
    HEADER,
    ['广东', '1', '4.00', '1', '1'],
    ['浙江、江苏、上海、四川', '1', '12', '1', '6'],
    ]


def csv_bytes(rows, encoding='gbk'):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class FreightArithmeticTestCase(unittest.TestCase):
    "Weights round up to the carrier's step; sheets' amounts are read"

    def test_round_up(self):
        for weight, step, result in [
                (0.3, '0.5', 0.5), (0.5, '0.5', 0.5), (1.2, '0.5', 1.5),
                (1.2000000001, '0.1', 1.2), (1.21, '0.1', 1.3),
                (0, '1', 0), (2.01, '1', 3), (3, '1', 3)]:
            with self.subTest(weight=weight, step=step):
                self.assertEqual(round_up(weight, step), result)

    def test_parse_amount(self):
        for text, amount in [
                ('3.00', '3.00'), ('３.００', '3.00'), ('1,234.50', '1234.50'),
                ('¥12', '12'), ('12元', '12'), (' 12 ', '12'), (7, '7'),
                ('１，２３４', '1234')]:
            with self.subTest(text=text):
                self.assertEqual(parse_amount(text), Decimal(amount))
        with self.assertRaises(ValueError):
            parse_amount('三元')


class FreightTemplateTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_finance'])
        self.seller = get_seller(self.config)
        self.Order = Model.get('ecom.order')
        Subdivision = Model.get('country.subdivision')
        self.provinces = {s.code: s for s in Subdivision.find(
                [('code', 'like', 'CN-%')])}
        Selection = Model.get('carrier.selection')
        for sequence, code in [(10, 'ZTO'), (20, 'SF')]:
            carrier = self.seller.carriers[code]
            carrier.carrier_cost_method = 'ecom_freight'
            carrier.save()
            Selection(sequence=sequence, carrier=carrier).save()

    def tearDown(self):
        set_user(1, self.config)
        drop_seller()

    def import_sheet(self, carrier, data, filename, **values):
        wizard = Wizard('ecom.freight_template.import')
        start = wizard.form
        start.carrier = self.seller.carriers[carrier]
        start.warehouse = self.seller.warehouses['WH']
        start.name = filename
        start.file = data
        start.filename = filename
        for name, value in values.items():
            setattr(start, name, value)
        wizard.execute('import_')
        Template = Model.get('ecom.freight_template')
        template, = Template.find([
                ('carrier', '=', self.seller.carriers[carrier].id),
                ('name', '=', filename)])
        return template

    def upsert(self, *orders):
        shop = self.seller.shops['TB01']
        self.Order.upsert_normalized(
            shop.id, list(orders), self.config.context)
        order, = self.Order.find([
                ('platform_order_id', '=', orders[0]['platform_order_id'])])
        return order

    def test_import_and_rank_carriers(self):
        "Sheets in csv (GBK) and xlsx; the cheaper carrier takes the order"
        zto = self.import_sheet('ZTO', csv_bytes(ZTO_SHEET), 'zto.csv',
            rounding='0.5', minimum_charge=Decimal('3.50'))
        self.assertEqual(
            [(z.name, len(z.subdivisions), z.first_price, z.step_price)
                for z in zto.zones], [
                ('浙江、江苏、上海', 3, Decimal('3.00'), Decimal('1')),
                ('广东', 1, Decimal('6.00'), Decimal('2')),
                ('新疆、西藏', 2, Decimal('15'), Decimal('10')),
                ('其他地区', 0, Decimal('5'), Decimal('2')),
                ])
        self.assertEqual(zto.zones[2].remote_surcharge, Decimal('5'))
        self.import_sheet('SF', xlsx_bytes(SF_SHEET), 'sf.xlsx',
            rounding='1')

        # 0.65 + 0.45 + 0.05 for the kit, 2 × 0.32 for the tea: 1.79 kg
        lines = [line('1', 'KIT-LJ-GIFT', price='338.00'),
            line('2', 'TEA-LJ-250', quantity=2)]
        for order_id, province, city, carrier, cost in [
                # 1.79 → 2 kg: 3 + 1 step
                ('F1', '浙江', '杭州市', 'ZTO', '4.00'),
                # ZTO 6 + 2 = 8; SF 2 kg: 4 + 1 = 5
                ('F2', '广东', '深圳市', 'SF', '5.00'),
                # 15 + 10 + 5 remote; SF does not go there
                ('F3', '新疆', '乌鲁木齐市', 'ZTO', '30'),
                ('F4', '四川', '成都市', 'ZTO', '7'),
                ]:
            with self.subTest(province=province):
                order = self.upsert(normalized(order_id, *lines,
                        receiver_province=province, receiver_city=city))
                self.assertAlmostEqual(order.weight, 1.79)
                self.assertEqual(order.carrier.party.code, carrier)
                self.assertEqual(order.freight_cost, Decimal(cost))

        # A light parcel pays the minimum charge
        light = self.upsert(normalized('F5', line('1', 'TEA-JH-50')))
        self.assertEqual(light.freight_cost, Decimal('3.50'))

    def test_cities_and_warehouse(self):
        "A city's own price; the Guangzhou warehouse's template elsewhere"
        sheet = [['目的地', '城市', '首重', '续重'],
            ['广东', '深圳市、东莞', '2', '1'],
            ['广东', '', '6', '2'],
            ['1', '', '5', '2']]
        self.import_sheet('ZTO', csv_bytes(sheet, 'utf-8'), 'zto.csv')
        order = self.upsert(normalized('C1', receiver_province='广东',
                receiver_city='东莞市'))
        self.assertEqual(order.freight_cost, Decimal('2'))
        order = self.upsert(normalized('C2', receiver_province='广东',
                receiver_city='广州市'))
        self.assertEqual(order.freight_cost, Decimal('6'))

    def test_sheet_errors_name_file_and_line(self):
        "A sheet with a wrong province, amount or header imports nothing"
        Template = Model.get('ecom.freight_template')
        for rows, message in [
                (ZTO_SHEET + [['火星', '1', '5', '1', '2']],
                    'zto.csv", line 8: "火星" is not a province'),
                (ZTO_SHEET[:4] + [['广东', '1', '六元', '1', '2']],
                    'zto.csv", line 5: "六元" is not a number'),
                ([['省', '价格'], ['浙江', '3']],
                    'zto.csv" has no header row'),
                ([HEADER], 'zto.csv" has no destination rows'),
                ]:
            with self.subTest(message=message):
                with self.assertRaises(FreightSheetError) as cm:
                    self.import_sheet('ZTO', csv_bytes(rows), 'zto.csv')
                self.assertIn(message, cm.exception.message)
                self.assertEqual(Template.find([]), [])
        with self.assertRaises(FreightSheetError) as cm:
            self.import_sheet('ZTO', b'PK\x03\x04broken', 'zto.xlsx')
        self.assertIn('"zto.xlsx" cannot be read', cm.exception.message)

    def test_tariff_change_keeps_old_prices(self):
        "A new sheet ends the old one; parcels ship at their day's prices"
        old = self.import_sheet('ZTO', csv_bytes(ZTO_SHEET), 'zto-2026.csv',
            start_date=dt.date(2026, 1, 1))
        dearer = [HEADER, ['浙江', '1', '4', '1', '2'],
            ['其他', '1', '8', '1', '3']]
        self.import_sheet('ZTO', csv_bytes(dearer), 'zto-2027.csv',
            start_date=dt.date(2027, 1, 1))
        old.reload()
        self.assertEqual(old.end_date, dt.date(2026, 12, 31))

        order = self.upsert(normalized('D1',
                line('1', 'SET-TR-01', price='149.00')))
        # 1.8 kg → 2 kg: today's (2026) price 3 + 1
        self.assertEqual(order.freight_cost, Decimal('4.00'))
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        shipment, = order.sales[0].shipments
        self.assertEqual(shipment.carrier.party.code, 'ZTO')
        self.assertEqual(shipment.cost_used, Decimal('4.0000'))
        shipment.planned_date = dt.date(2027, 1, 2)
        shipment.save()
        # 4 + 2 at the 2027 prices
        self.assertEqual(shipment.cost_used, Decimal('6.0000'))

    def test_actual_freight_from_the_weighed_parcel(self):
        "Packing weighs the parcel; its volume counts when it is bulky"
        self.import_sheet('ZTO', csv_bytes(ZTO_SHEET), 'zto.csv',
            rounding='0.5', volumetric_divisor='8000')
        order = self.upsert(normalized('W1', line('1', 'TEA-LJ-250')))
        # 0.32 kg → 0.5 kg
        self.assertEqual(order.freight_cost, Decimal('3.00'))
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        shipment, = order.sales[0].shipments
        self.assertEqual(shipment.cost_used, Decimal('3.0000'))

        Uom = Model.get('product.uom')
        kg, = Uom.find([('symbol', '=', 'kg')])
        cm, = Uom.find([('symbol', '=', 'cm')])
        box = Model.get('stock.package.type')(name="纸箱")
        box.save()
        shipment.click('assign_try')
        shipment.click('pick')
        package = shipment.packages.new(type=box)
        # the scale read 1.62 kg: the box and filling weigh 1.3 kg
        package.additional_weight = 1.3
        package.additional_weight_uom = kg
        for move in shipment.outgoing_moves:
            package.moves.append(Model.get('stock.move')(move.id))
        shipment.save()
        shipment.click('pack')
        # 1.62 → 2 kg: 3 + 1
        self.assertEqual(shipment.cost_used, Decimal('4.0000'))

        # 40 × 30 × 20 cm / 8000 = 3 kg: 3 + 2
        package, = shipment.packages
        for name in ['length', 'width', 'height']:
            setattr(package, name + '_uom', cm)
        package.length, package.width, package.height = 40, 30, 20
        package.save()
        shipment.reload()
        self.assertEqual(shipment.cost_used, Decimal('5.0000'))
        shipment.click('ship')
        shipment.click('do')
        self.assertEqual(shipment.cost, Decimal('5.0000'))
