"""Finance checks the courier's monthly bill before paying it: each row is
matched to our parcel by its waybill number and weighed and priced against
our freight template; the clerk accepts or disputes the lines, the accepted
ones become the courier's supplier invoice spread over the shipments by
weight, and the disputed ones go back to the courier as a file."""
import csv
import datetime as dt
import io
import unittest
from decimal import Decimal

from proteus import Model, Wizard

from trytond.modules.ecom_finance.carrier_bill import CarrierBillError
from trytond.modules.ecom_finance.courier_bill import (
    parse_date, parse_number)
from trytond.modules.ecom_finance.tests.test_scenario_freight import (
    ZTO_SHEET, csv_bytes, xlsx_bytes)
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    line, normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.tests.tools import set_user

TODAY = dt.date.today()
# ZTO's bill: a title, the header in its own words, the rows, a total
HEADER = ['序号', '运单编号', '发件日期', '目的地', '结算重量(kg)', '运费(元)',
    '备注']


def zto_bill(*rows, title=True):
    result = [['中通快递 月结账单 客户编码 571-0001']] if title else []
    result.append(HEADER)
    for number, row in enumerate(rows, 1):
        result.append([str(number)] + list(row))
    result.append(['合计', '', '', '', '', '', ''])
    return result


class CourierBillArithmeticTestCase(unittest.TestCase):
    "Amounts and dates as couriers write them"

    def test_parse_number(self):
        for text, number in [
                ('3.00', '3.00'), ('１２.５', '12.5'), ('1,008.00', '1008.00'),
                ('¥12', '12'), ('12元', '12'), ('0.5kg', '0.5'), (7, '7'),
                ('１，２３４.５０', '1234.50'), ("'3", '3')]:
            with self.subTest(text=text):
                self.assertEqual(parse_number(text), Decimal(number))
        with self.assertRaises(ValueError):
            parse_number('十元')

    def test_parse_date(self):
        for text in ['2026-11-03', '2026/11/3', '20261103',
                '2026-11-03 18:22:01', '2026年11月3日',
                dt.datetime(2026, 11, 3, 9, 0)]:
            with self.subTest(text=text):
                self.assertEqual(parse_date(text), dt.date(2026, 11, 3))


class ShippedParcelsCase(unittest.TestCase):
    "ZTO priced by its freight template ships the seller's parcels"

    def setUp(self):
        self.config = activate_seller(['ecom_finance'])
        self.seller = get_seller(self.config)
        self.Order = Model.get('ecom.order')
        self.zto = self.seller.carriers['ZTO']
        self.zto.carrier_cost_method = 'ecom_freight'
        self.zto.save()
        Model.get('carrier.selection')(carrier=self.zto).save()
        product = self.zto.carrier_product
        template = product.template
        template.shipment_cost = True
        template.save()
        wizard = Wizard('ecom.freight_template.import')
        wizard.form.carrier = self.zto
        wizard.form.name = wizard.form.filename = 'zto.csv'
        wizard.form.file = csv_bytes(ZTO_SHEET)
        wizard.form.rounding = '0.5'
        wizard.execute('import_')

    def tearDown(self):
        set_user(1, self.config)
        drop_seller()

    def ship(self, order_id, waybill, *lines, **values):
        "The order is shipped today with the waybill number"
        shop = self.seller.shops['TB01']
        self.Order.upsert_normalized(shop.id,
            [normalized(order_id, *lines, **values)], self.config.context)
        order, = self.Order.find([('platform_order_id', '=', order_id)])
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        shipment, = order.sales[0].shipments
        shipment.shipping_reference = waybill
        shipment.save()
        for button in ['assign_try', 'pick', 'pack', 'ship', 'do']:
            shipment.click(button)
        return shipment

    def import_bill(self, data, filename, carrier=None):
        wizard = Wizard('ecom.carrier_bill.import')
        wizard.form.carrier = carrier or self.zto
        wizard.form.file = data
        wizard.form.filename = filename
        wizard.execute('import_')
        Bill = Model.get('ecom.carrier_bill')
        bill, = Bill.find([('name', '=', filename)])
        return bill


class CarrierBillTestCase(ShippedParcelsCase):

    def test_check_accept_dispute_and_invoice(self):
        "The bill is checked, decided and invoiced onto the shipments"
        tea = line('1', 'TEA-LJ-250')
        # 1.79 kg to Guangdong: 2 kg, 6 + 2 at our tariff
        heavy = [line('1', 'KIT-LJ-GIFT', price='338.00'),
            line('2', 'TEA-LJ-250', quantity=2)]
        s1 = self.ship('B1', 'ZT7001', tea)
        s2 = self.ship('B2', 'ZT7002', *heavy, receiver_province='广东',
            receiver_city='深圳市')
        s3 = self.ship('B3', 'ZT7003', tea)
        s4 = self.ship('B4', 'ZT7004', *heavy, receiver_province='广东',
            receiver_city='广州市')
        day = TODAY.strftime('%Y/%m/%d')
        rows = zto_bill(
            ['ZT7001\t', day, '浙江', '0.5', '3.00', ''],
            # weighed 2 kg, billed 3 kg
            ['ZT7002', day, '广东', '3.0', '10.00', ''],
            ['ZT7001', day, '浙江', '0.5', '3.00', '重复'],
            ['ZT9999', day, '湖南', '1', '5.00', ''],
            # our tariff for 2 kg to Guangdong is 8
            ['ZT7004', day, '广东', '２.０', '１２.００', ''])
        bill = self.import_bill(csv_bytes(rows), 'zto-2026-11.csv')

        self.assertEqual([(l.line_number, l.waybill, l.category,
                    l.our_weight, l.our_amount, l.tariff_amount)
                for l in bill.lines], [
                (3, 'ZT7001', 'matched', 0.5, Decimal('3.00'),
                    Decimal('3.00')),
                (4, 'ZT7002', 'weight', 2.0, Decimal('8.00'),
                    Decimal('10.00')),
                (5, 'ZT7001', 'duplicate', 0.5, Decimal('3.00'),
                    Decimal('3.00')),
                (6, 'ZT9999', 'not_ours', None, None, None),
                (7, 'ZT7004', 'price', 2.0, Decimal('8.00'),
                    Decimal('8.00')),
                (None, 'ZT7003', 'not_billed', 0.5, Decimal('3.00'), None),
                ])
        self.assertEqual(bill.lines[1].shipment, s2)
        self.assertEqual((bill.start_date, bill.end_date), (TODAY, TODAY))
        self.assertEqual(bill.billed_amount, Decimal('33.00'))
        # the header names of the first bill are the carrier's mapping
        Mapping = Model.get('ecom.carrier_bill.mapping')
        mapping, = Mapping.find([('carrier', '=', self.zto.id)])
        self.assertEqual((mapping.waybill_column, mapping.weight_column,
                mapping.amount_column, mapping.date_column),
            ('运单编号', '结算重量(kg)', '运费(元)', '发件日期'))

        # in batch: the matched accepted, the rest disputed
        bill.click('accept_matched')
        bill.click('dispute_over_billed')
        self.assertEqual([l.decision for l in bill.lines], ['accepted',
                'disputed', 'disputed', 'disputed', 'disputed', 'pending'])
        # the courier shows the tariff was raised: that line is accepted
        price_line = bill.lines[4]
        price_line.click('accept')
        with self.assertRaises(CarrierBillError) as cm:
            bill.lines[5].click('accept')
        self.assertIn('ZT7003 is invoiced or was not billed',
            cm.exception.message)
        bill.reload()
        self.assertEqual(bill.accepted_amount, Decimal('15.00'))
        self.assertEqual(bill.disputed_amount, Decimal('18.00'))

        disputed = list(csv.reader(io.StringIO(
                    bill.disputed_file.decode('utf-8-sig'))))
        self.assertEqual(bill.disputed_filename,
            'disputed-zto-2026-11.csv')
        self.assertEqual([r[:4] for r in disputed[1:]], [
                ['4', 'ZT7002', '3.0', '10.00'],
                ['5', 'ZT7001', '0.5', '3.00'],
                ['6', 'ZT9999', '1.0', '5.00'],
                ])

        bill.click('invoice')
        invoice, = bill.invoices
        self.assertEqual((invoice.type, invoice.state, invoice.party.code,
                invoice.total_amount, invoice.reference),
            ('in', 'posted', 'ZTO', Decimal('15.00'), 'zto-2026-11.csv'))
        # 15 spread by weight over 0.32 and 1.79 kg
        s1.reload()
        s4.reload()
        self.assertEqual(s1.cost, Decimal('2.2749'))
        self.assertEqual(s4.cost, Decimal('12.7251'))
        s2.reload()
        self.assertEqual(s2.cost, Decimal('8.0000'))
        with self.assertRaises(CarrierBillError) as cm:
            bill.click('invoice')
        self.assertIn('no accepted line left to invoice',
            cm.exception.message)

        # the same file again adds nothing
        with self.assertRaises(CarrierBillError) as cm:
            self.import_bill(csv_bytes(rows), 'zto-2026-11-again.csv')
        self.assertIn('"zto-2026-11-again.csv" is imported already, as the '
            'bill "zto-2026-11.csv"', cm.exception.message)

        # next month's xlsx bills the parcel missed, and the paid one again
        late = zto_bill(['ZT7003', TODAY, '浙江', 0.5, 3],
            ['ZT7001', TODAY, '浙江', 0.5, 3], title=False)
        late_bill = self.import_bill(xlsx_bytes(late), 'zto-2026-12.xlsx')
        self.assertEqual([(l.waybill, l.category) for l in late_bill.lines],
            [('ZT7003', 'matched'), ('ZT7001', 'duplicate')])
        self.assertEqual(s3.state, 'done')

    def test_bad_files_name_file_line_and_reason(self):
        "A bad file imports nothing: no bill, no mapping"
        self.ship('E1', 'ZT8001', line('1', 'TEA-LJ-250'))
        good = ['ZT8001', '2026-11-03', '浙江', '0.5', '3.00', '']
        Bill = Model.get('ecom.carrier_bill')
        Mapping = Model.get('ecom.carrier_bill.mapping')
        gbk = csv_bytes(zto_bill(good, good))
        for data, filename, message in [
                (gbk[:-30], 'cut.csv',
                    '"cut.csv", line 4: the line has fewer cells'),
                (gbk.replace(b'ZT8001', b'ZT\xff001', 1), 'latin.csv',
                    '"latin.csv", line 3: the text is neither UTF-8 nor GBK'),
                (csv_bytes(zto_bill(good, good[:4] + ['十元', ''])),
                    'words.csv', '"words.csv", line 4: "十元" in the column '
                    '"运费(元)" is not a number'),
                (csv_bytes(zto_bill(good, ['', '2026-11-03', '浙江', '1', '3',
                            ''])),
                    'nowaybill.csv',
                    '"nowaybill.csv", line 4: the waybill number is missing'),
                (csv_bytes(zto_bill(good[:1] + ['11月3日'] + good[2:])),
                    'date.csv', '"date.csv", line 3: "11月3日" in the column '
                    '"发件日期" is not a date'),
                (csv_bytes([['账务流水号', '业务流水号', '收入金额'],
                            ['2026', 'T1', '3']]),
                    'alipay.csv', '"alipay.csv" is not a courier bill'),
                (csv_bytes(zto_bill(good)[:-1] + [
                            ['合计', '', '', '', '', '6.00', '']]),
                    'total.csv', '"total.csv", line 4: the total 6.00 differs '
                    'from the sum 3.00 of the rows'),
                (csv_bytes(zto_bill()), 'empty.csv',
                    '"empty.csv" has no waybill rows'),
                (b'PK\x03\x04broken', 'zto.xlsx', '"zto.xlsx" cannot be read'),
                ]:
            with self.subTest(filename=filename):
                with self.assertRaises(CarrierBillError) as cm:
                    self.import_bill(data, filename)
                self.assertIn(message, cm.exception.message)
                self.assertEqual(Bill.find([]), [])
                self.assertEqual(Mapping.find([]), [])
        # thousands separators and full-width digits are read
        bill = self.import_bill(csv_bytes(zto_bill(
                    good[:4] + ['１,０００.００', ''])), 'dear.csv')
        self.assertEqual([(l.billed_amount, l.category) for l in bill.lines],
            [(Decimal('1000.00'), 'price')])
