"Spreadsheet orders read without a database"
import unittest
from datetime import datetime
from decimal import Decimal

from trytond.modules.ecom_platforms import spreadsheet

CSV = (
    "订单号,下单时间,收货人,手机,省,市,区,详细地址,商家编码,商品名称,数量,单价,运费\n"
    "M1,2026-11-11 10:00,王芳,13800000000,浙江省,杭州市,西湖区,文三路1号,"
    "TEA-LJ-250,龙井,2,168,10\n"
    "M1,2026-11-11 10:00,王芳,13800000000,浙江省,杭州市,西湖区,文三路1号,"
    "KIT-LJ-GIFT,礼盒,1,338.00,10\n"
    "M2,,李伟,13900000000,河南省,,济源市,人民路2号,TEA-BLC-100,碧螺春,abc,88,0\n"
    "M3,2026/11/12,李伟,13900000000,河南省,,济源市,人民路2号,TEA-BLC-100,碧螺春,"
    "1,88,0\n")


class SpreadsheetTestCase(unittest.TestCase):

    def test_csv_in_each_encoding(self):
        for encoding in ['utf-8', 'utf-8-sig', 'gbk']:
            with self.subTest(encoding=encoding):
                orders, errors = spreadsheet.parse(
                    CSV.encode(encoding), 'orders.csv')
                self.assertEqual([o['platform_order_id'] for o in orders],
                    ['M1', 'M3'])
                first = orders[0]
                self.assertEqual(len(first['lines']), 2)
                self.assertEqual(first['total_amount'], Decimal('684.00'))
                self.assertEqual(first['receiver_district'], '西湖区')
                self.assertEqual(orders[1]['receiver_city'], '')
                (row, error), = errors
                self.assertEqual(row, 4)
                self.assertEqual(error.message, 'msg_import_number')

    def test_times_are_the_shops_local_times(self):
        "10:00 typed by a shop in Beijing or in Los Angeles, kept in UTC"
        for zone, first, date_only in [
                ('Asia/Shanghai', datetime(2026, 11, 11, 2, 0),
                    datetime(2026, 11, 11, 16, 0)),
                ('America/Los_Angeles', datetime(2026, 11, 11, 18, 0),
                    datetime(2026, 11, 12, 8, 0)),
                ]:
            with self.subTest(zone=zone):
                orders, _ = spreadsheet.parse(CSV.encode(), 'orders.csv',
                    zone)
                self.assertEqual([o['order_date'] for o in orders],
                    [first, date_only])
                self.assertEqual(orders[0]['pay_date'], first)

    def test_template_reads_back(self):
        orders, errors = spreadsheet.parse(
            spreadsheet.template_xlsx(), 'template.xlsx')
        self.assertEqual(errors, [])
        order, = orders
        self.assertEqual(order['lines'][0]['outer_code'], 'TEA-LJ-250')
        self.assertEqual(order['lines'][0]['quantity'], 2)

    def test_headers_by_name_in_any_order(self):
        text = ("Quantity,SKU,Order ID,Unit Price（元）\n"
            "3,TEA-JH-50,X1,29\n")
        orders, errors = spreadsheet.parse(text.encode(), 'x.csv')
        self.assertEqual(errors, [])
        self.assertEqual(orders[0]['lines'][0]['quantity'], 3)

    def test_missing_columns(self):
        orders, errors = spreadsheet.parse("订单号,数量\nA,1\n".encode(),
            'x.csv')
        self.assertEqual(orders, [])
        self.assertEqual(errors[0][1].message, 'msg_import_columns')
