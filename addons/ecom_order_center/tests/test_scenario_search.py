"""A clerk finds orders by typing in the order list's search box what the
buyer or the warehouse tells her: no filter syntax, only the text."""
from proteus import Model

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    OrderCenterCase, line, normalized)


def titled(line_id, outer_code, title, **values):
    result = line(line_id, outer_code, **values)
    result['title'] = title
    return result


class SearchBoxTestCase(OrderCenterCase):

    def setUp(self):
        super().setUp()
        self.upsert(
            normalized('3950000000001',
                titled('1', 'TEA-LJ-250', '明前西湖龙井 250g 礼盒'),
                buyer='tea_lover_88', receiver_name='王小明',
                receiver_phone='13800138000'),
            normalized('3950000000002',
                titled('1', 'CUP-CR-150', '汝窑茶杯', price='39.00'),
                buyer='碧螺春爱好者', receiver_name='李四',
                receiver_phone='13912345678',
                seller_memo='客户要求周五前发出，加急'),
            normalized('3950000000003',
                titled('1', 'TEA-LJ-250', '西湖龙井 250g'),
                buyer='shopper_cn', receiver_name='张三',
                receiver_phone='13700001111'))
        order, = self.Order.find([
                ('platform_order_id', '=', '3950000000003')])
        order.tracking_number = '78120000999012'
        order.save()

    def found(self, *clauses):
        "The platform ids of the orders the search box text finds"
        return sorted(o.platform_order_id
            for o in self.Order.find(list(clauses)))

    def typed(self, text):
        "What sao sends for text typed without filter syntax"
        return ('rec_name', 'ilike', f'%{text}%')

    def test_finds_by_what_the_clerk_knows(self):
        for text, expected in [
                ('3950000000002', ['3950000000002']),
                ('tea_lover', ['3950000000001']),
                ('碧螺春爱好者', ['3950000000002']),
                ('张三', ['3950000000003']),
                ('13912345678', ['3950000000002']),
                ('5678', ['3950000000002']),
                ('78120000999012', ['3950000000003']),
                ('CUP-CR', ['3950000000002']),
                ('TEA-LJ-250', ['3950000000001', '3950000000003']),
                ('礼盒', ['3950000000001']),
                ('周五前发出', ['3950000000002']),
                ('no-such-order', []),
                ]:
            with self.subTest(text=text):
                self.assertEqual(self.found(self.typed(text)), expected)

    def test_finds_several_pasted_order_ids(self):
        "Ids pasted from a spreadsheet come one a line or side by side"
        pasted = '3950000000001\r\n3950000000003\r\n'
        self.assertEqual(self.found(self.typed(pasted)),
            ['3950000000001', '3950000000003'])
        self.assertEqual(
            self.found(self.typed('3950000000001, 3950000000002')),
            ['3950000000001', '3950000000002'])
        # sao splits the text on spaces into clauses that must all hold
        self.assertEqual(
            self.found(self.typed('3950000000002'),
                self.typed('3950000000003')),
            ['3950000000002', '3950000000003'])

    def test_words_that_are_not_ids_must_all_match(self):
        "A name and a phone ending narrow the search down"
        self.assertEqual(
            self.found(self.typed('西湖龙井'), self.typed('1111')),
            ['3950000000003'])

    def test_the_search_box_keeps_the_tabs(self):
        "Searching within a tab finds only the tab's orders"
        Order = Model.get('ecom.order')
        first, = Order.find([('platform_order_id', '=', '3950000000001')])
        first.click('cs_audit')
        self.assertEqual(
            self.found(('state', '=', 'draft'), self.typed('3950000000001'),
                self.typed('3950000000002')),
            ['3950000000002'])
