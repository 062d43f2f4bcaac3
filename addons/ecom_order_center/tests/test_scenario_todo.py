"""The to-do board counts the orders of each shop at each step and opens
them."""
from collections import Counter

from proteus import Model, Wizard

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    OrderCenterCase, line, normalized)


class TodoTestCase(OrderCenterCase):

    def test_counts_match_the_orders_and_open_them(self):
        pdd = self.seller.shops['PDD01']
        self.upsert(
            normalized('D1001', buyer='a'),
            normalized('D1002', buyer='b'),
            normalized('D1003', buyer='c'),
            normalized('D1004', line('1', 'NO-SUCH-CODE'), buyer='d'))
        self.Order.upsert_normalized(pdd.id, [
                normalized('D2001', buyer='e'),
                normalized('D2002', buyer='f')], self.config.context)
        self.Order.click(self.Order.find([
                    ('platform_order_id', 'in', ['D1001', 'D2001'])]),
            'cs_audit')
        d1002, = self.Order.find([('platform_order_id', '=', 'D1002')])
        for button in ['cs_audit', 'finance_audit', 'post']:
            d1002.click(button)

        expected = Counter((o.shop.code, o.state)
            for o in self.Order.find([]))
        Todo = Model.get('ecom.order.todo')
        rows = Todo.find([])
        self.assertEqual({(r.shop.code, r.state): r.count for r in rows},
            dict(expected))
        self.assertEqual(expected[('TB01', 'draft')], 1)
        self.assertEqual(expected[('TB01', 'exception')], 1)
        self.assertEqual(expected[('PDD01', 'draft')], 1)

        row, = [r for r in rows
            if (r.shop.code, r.state) == ('TB01', 'cs_approved')]
        wizard = Wizard('ecom.order.todo.open', [row])
        orders, = wizard.actions
        self.assertEqual([o.platform_order_id for o in orders], ['D1001'])
