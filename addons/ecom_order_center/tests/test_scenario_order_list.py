"""The order list shows at a glance what a clerk of a Chinese order center
reads there: the platform's status by name with its code beside, the
seller's flag by colour and what the order holds."""
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    ReadInChineseCase, line, normalized)


class OrderListTestCase(ReadInChineseCase):

    def test_platform_status_by_name_with_its_code(self):
        self.upsert(normalized('4100000000001'),
            normalized('4100000000002', platform_status='TRADE_CLOSED'),
            normalized('4100000000003', platform_status='SOMETHING_NEW'))
        pdd = self.seller.shops['PDD01']
        self.Order.upsert_normalized(pdd.id, [
                normalized('4100000000004', platform_status='1/2')],
            self.config.context)
        for platform_order_id, language, expected in [
                ('4100000000001', 'zh_CN',
                    "等待卖家发货（WAIT_SELLER_SEND_GOODS）"),
                ('4100000000001', 'en',
                    "Waiting for the seller to ship (WAIT_SELLER_SEND_GOODS)"),
                ('4100000000002', 'zh_CN',
                    "交易关闭（付款后退款）（TRADE_CLOSED）"),
                ('4100000000003', 'zh_CN', "SOMETHING_NEW"),
                ('4100000000004', 'zh_CN', "待发货，售后处理中（1/2）"),
                ]:
            with self.subTest(order=platform_order_id, language=language):
                self.assertEqual(
                    self.read_in(language, platform_order_id
                        ).platform_status_name, expected)

    def test_flag_named_and_searched_by_colour(self):
        self.upsert(normalized('4200000000001', seller_flag=1),
            normalized('4200000000002', seller_flag=3),
            normalized('4200000000003'))
        order = self.read_in('zh_CN', '4200000000001')
        field, = self.Order._proxy.fields_get(['flag'],
            dict(self.config.context, language='zh_CN')).values()
        self.assertEqual(
            (order.flag, dict(field['selection'])[order.flag]), ('1', "红旗"))
        self.assertEqual(sorted(o.platform_order_id
                for o in self.Order.find([('flag', '=', '3')])),
            ['4200000000002'])
        self.assertEqual(sorted(o.platform_order_id
                for o in self.Order.find([('flag', 'in', ['0', '1'])])),
            ['4200000000001', '4200000000003'])

    def test_items_summarize_codes_and_quantities(self):
        self.upsert(normalized('4300000000001', line('1', 'TEA-LJ-250'),
                line('2', 'CUP-CR-150', quantity=2, price='39.00')))
        order = self.read_in('zh_CN', '4300000000001')
        self.assertEqual(order.items, "TEA-LJ-250×1, CUP-CR-150×2")
