"""The seller memo names the order's salesperson: through the shop's
patterns and aliases, on the order and on its sale, never over the choice
of a person; a name of nobody is a warning, a bad pattern is refused."""
from proteus import Model, Wizard

from trytond.modules.ecom_order_center.salesperson import (
    SalespersonPatternError)
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    OrderCenterCase, normalized)
from trytond.modules.ecom_order_center.tests.tools import make_employees


class SalespersonMemoTestCase(OrderCenterCase):

    def setUp(self):
        super().setUp()
        self.employees = make_employees(
            self.seller.company, ["王小明", "李四"])
        for pattern in [r'业务员[:：]\s*(\S+)', r'#(\S+)']:
            self.shop.salesperson_patterns.new(pattern=pattern)
        alias = self.shop.salesperson_aliases.new()
        alias.name = "小王"
        alias.employee = self.employees["王小明"]
        self.shop.save()

    def download(self, order_id, memo):
        "The order as the platform sends it now, with the memo"
        self.upsert(normalized(order_id, seller_memo=memo))
        order, = self.Order.find([('platform_order_id', '=', order_id)])
        return order

    def memo_decisions(self, order):
        return [d for d in order.decisions
            if d.rule == "Salesperson from Seller Memo"]

    def warnings(self, order):
        "The salesperson findings of the order"
        return [f for f in order.findings if f.kind == 'salesperson']

    def post(self, order):
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        self.assertEqual(order.state, 'posted')

    def test_alias_names_salesperson_of_order_and_sale(self):
        "业务员：小王 is 王小明 through the alias, on the order and the sale"
        wang = self.employees["王小明"]
        order = self.download('S1001', "业务员：小王 周末前发货")
        self.assertEqual(order.salesperson, wang)
        self.assertFalse(order.salesperson_by_hand)
        decision, = self.memo_decisions(order)
        self.assertEqual(decision.values, r'业务员[:：]\s*(\S+) → 小王')
        self.assertEqual(decision.outcome, wang.rec_name)
        self.assertEqual(self.warnings(order), [])

        self.post(order)
        sale, = order.sales
        self.assertEqual(sale.ecom_salesperson, wang)
        Sale = Model.get('sale.sale')
        self.assertEqual(
            Sale.find([('ecom_salesperson', '=', wang.id)]), [sale])
        # The same memo downloaded again decides nothing new.
        self.upsert(normalized('S1001', seller_memo="业务员：小王 周末前发货",
                platform_status='WAIT_BUYER_CONFIRM_GOODS'))
        order.reload()
        self.assertEqual(len(self.memo_decisions(order)), 1)

    def test_hash_pattern_names_employee_by_name(self):
        "#李四 names the employee 李四 without an alias"
        order = self.download('S2001', "#李四 老客户")
        self.assertEqual(order.salesperson, self.employees["李四"])
        decision, = self.memo_decisions(order)
        self.assertEqual(decision.values, r'#(\S+) → 李四')

    def test_unknown_name_warns_and_leaves_no_salesperson(self):
        "A name of nobody is a warning: the order goes on without salesperson"
        order = self.download('S3001', "业务员：老赵")
        self.assertIsNone(order.salesperson)
        self.assertEqual(order.state, 'draft')
        finding, = self.warnings(order)
        self.assertEqual((finding.kind, finding.action),
            ('salesperson', 'warn'))
        self.assertIn('"老赵"', finding.message)
        self.assertIn("no alias or employee", finding.message)
        decision, = self.memo_decisions(order)
        self.assertEqual(decision.outcome, finding.message)

        # The memo corrected, the salesperson is found and the warning goes.
        order = self.download('S3001', "业务员：小王")
        self.assertEqual(order.salesperson, self.employees["王小明"])
        self.assertEqual(self.warnings(order), [])
        # Changed to a name of nobody, the memo's salesperson goes too.
        order = self.download('S3001', "业务员：老赵")
        self.assertIsNone(order.salesperson)
        self.assertEqual(len(self.warnings(order)), 1)

    def test_salesperson_set_by_hand_stays(self):
        "The form, the batch action and the sale keep what a person chose"
        li = self.employees["李四"]
        by_form = self.download('S4001', "业务员：小王")
        by_form.salesperson = li
        by_form.save()
        self.assertTrue(by_form.salesperson_by_hand)
        by_batch = self.download('S4002', "业务员：小王")
        batch = Wizard('ecom.order.batch', [by_batch])
        batch.form.action = 'set_salesperson'
        batch.execute('check')
        batch.form.salesperson = li
        batch.execute('run')

        for order_id in ['S4001', 'S4002']:
            order = self.download(order_id, "#王小明 改了备注")
            self.assertEqual(order.salesperson, li)
            self.assertTrue(order.salesperson_by_hand)
            self.assertEqual(len(self.memo_decisions(order)), 1)

        # After posting the memo still names the salesperson, until a
        # person sets it on the sale.
        posted = self.download('S4003', "业务员：小王")
        self.post(posted)
        posted = self.download('S4003', "#李四")
        self.assertEqual(posted.state, 'posted')
        self.assertEqual(posted.salesperson, li)
        sale, = posted.sales
        self.assertEqual(sale.ecom_salesperson, li)
        sale.ecom_salesperson = self.employees["王小明"]
        sale.save()
        posted = self.download('S4003', "#李四 再改")
        self.assertEqual(posted.salesperson, self.employees["王小明"])
        self.assertTrue(posted.salesperson_by_hand)

    def test_invalid_pattern_is_refused(self):
        "A pattern that does not compile or captures no name is refused"
        for pattern, text in [
                (r'业务员[:：\s*(\S+)', "not a valid regular expression "
                    "(wrong near character 4)"),
                (r'业务员[:：]\s*\S+', "has no group in parentheses"),
                ]:
            with self.subTest(pattern=pattern):
                self.shop.reload()
                self.shop.salesperson_patterns.new(pattern=pattern)
                with self.assertRaises(SalespersonPatternError) as raised:
                    self.shop.save()
                self.assertIn(f'"{pattern}"', raised.exception.message)
                self.assertIn(text, raised.exception.message)
