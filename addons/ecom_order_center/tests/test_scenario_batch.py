"""Clerks hold, release, reject and audit many orders at once, and read
what happened to each one: done, skipped and why, or failed and why."""
import unittest

from proteus import Model, Wizard
from proteus.config import get_config

from trytond.model.exceptions import AccessError
from trytond.modules.ecom_order_center.tests.rules_tools import (
    create_order)
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    line, normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.pool import Pool
from trytond.tests.tools import set_user
from trytond.transaction import Transaction


class BatchScenarioTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller()
        self.seller = get_seller(self.config)
        self.Order = Model.get('ecom.order')

    def tearDown(self):
        drop_seller()

    def open_batch(self, orders, action, **values):
        """Open the batch wizard on the orders and choose the action; an
        action that needs more asks for it on the next step, filled with
        the values"""
        batch = Wizard('ecom.order.batch', orders)
        batch.form.action = action
        if values:
            batch.execute('check')
            self.assertEqual(batch.form_state, 'details')
            for name, value in values.items():
                setattr(batch.form, name, value)
        return batch

    def run_batch(self, batch, refund=None):
        "Run the batch; return {order id: (outcome, reason)}"
        batch.execute('run' if batch.form_state == 'details' else 'check')
        if refund:
            self.assertEqual(batch.form_state, 'refund')
            batch.form.choice = refund
            batch.execute('run')
        self.assertEqual(batch.form_state, 'summary')
        return {r.order.id: (r.outcome, r.reason)
            for r in batch.form.results}

    def assertOutcome(self, order, results, outcome, text=None):
        "The batch had the outcome for the order, text in its reason"
        self.assertEqual(results[order.id][0], outcome)
        if text is not None:
            self.assertIn(text, results[order.id][1])

    def batch(self, orders, action, refund=None, **values):
        return self.run_batch(
            self.open_batch(orders, action, **values), refund=refund)

    def orders(self, count, state='draft', **values):
        "Return count new orders brought to state"
        orders = [create_order(self.seller, **values) for _ in range(count)]
        steps = {'cs_approved': ['cs_audit'],
            'approved': ['cs_audit', 'finance_audit']}
        for button in steps.get(state, []):
            self.Order.click(orders, button)
        for order in orders:
            order.reload()
            self.assertEqual(order.state, state)
        return orders

    def test_held_order_waits_until_released(self):
        "A held order is skipped by the audits and posting, not refused"
        held, other = self.orders(2)
        held.hold_reason = "买家要求改地址"
        held.save()
        held.click('hold')
        self.assertTrue(held.held)
        self.Order.click([held, other], 'cs_audit')
        held.reload()
        other.reload()
        self.assertEqual(held.state, 'draft')
        self.assertEqual(other.state, 'cs_approved')
        self.assertTrue(any("买家要求改地址" in d.outcome
                for d in held.decisions))

        held.click('release')
        self.assertFalse(held.held)
        self.assertIsNone(held.hold_reason)
        held.click('cs_audit')
        self.assertEqual(held.state, 'cs_approved')

        # Held in a batch while approved: posting leaves it
        self.Order.click([held, other], 'finance_audit')
        results = self.batch([held], 'hold', reason="等待补款")
        self.assertOutcome(held, results, 'done')
        results = self.batch([held, other], 'post')
        self.assertOutcome(other, results, 'done')
        self.assertOutcome(held, results, 'skipped', "等待补款")
        held.reload()
        self.assertEqual(held.state, 'approved')
        results = self.batch([held, other], 'release')
        self.assertOutcome(held, results, 'done')
        self.assertOutcome(other, results, 'skipped')

    def test_blocked_order_skipped_with_what_blocks_it(self):
        "An order in exception is skipped with its reasons, not its state"
        self.Order.upsert_normalized(self.seller.shops['TB01'].id,
            [normalized('B9001', line('1', 'NO-SUCH-CODE'))],
            self.config.context)
        blocked, = self.Order.find([('platform_order_id', '=', 'B9001')])
        self.assertEqual(blocked.state, 'exception')
        results = self.batch([blocked], 'cs_audit')
        self.assertOutcome(blocked, results, 'skipped', "Waits in exception")
        self.assertOutcome(blocked, results, 'skipped', "not mapped")
        self.assertNotIn("Nothing to do", results[blocked.id][1])

    def test_order_buttons_answer_the_web_client_nothing(self):
        """The web client takes what a button returns for an action to run
        next: each workflow button changes the order and returns nothing"""
        order, = self.orders(1)
        orders = get_config().get_proxy('ecom.order')
        for button, args, state in [
                ('hold', [], 'draft'),
                ('release', [], 'draft'),
                ('cs_audit', [], 'cs_approved'),
                ('undo_audit', [], 'draft'),
                ('cs_audit', [], 'cs_approved'),
                ('finance_audit', [], 'approved'),
                ('reject', ["金额不对"], 'draft'),
                ('cs_audit', [], 'cs_approved'),
                ('finance_audit', [], 'approved'),
                ('post', [], 'posted'),
                ]:
            with self.subTest(button=button, state=state):
                self.assertIsNone(
                    getattr(orders, button)([order.id], *args, {}))
                order.reload()
                self.assertEqual(order.state, state)
        # Newest first: every click is in the order's decision log
        self.assertEqual([d.rule for d in order.decisions[:10]], [
                'Posting', 'Finance audit', 'Customer-service audit',
                'Reject', 'Finance audit', 'Customer-service audit',
                'Undo audit', 'Customer-service audit', 'Release', 'Hold'])

    def test_mixed_batch_reports_each_order(self):
        "Each order of a mixed selection is done or skipped with why"
        draft = self.orders(2)
        audited, = self.orders(1, 'cs_approved')
        cancelled, = self.orders(1)
        cancelled.click('cancel')
        results = self.batch(draft + [audited, cancelled], 'cs_audit')
        for order in draft:
            self.assertOutcome(order, results, 'done')
            order.reload()
            self.assertEqual(order.state, 'cs_approved')
        for order in [audited, cancelled]:
            self.assertOutcome(order, results, 'skipped', "Nothing to do")

        # Rejected with a reason back to the customer-service clerks
        results = self.batch([draft[0], cancelled], 'reject',
            reason="地址不详")
        self.assertOutcome(draft[0], results, 'done', "地址不详")
        self.assertOutcome(cancelled, results, 'skipped')
        draft[0].reload()
        self.assertEqual(draft[0].state, 'draft')
        self.assertTrue(any("地址不详" in d.outcome
                for d in draft[0].decisions))

    def test_failing_order_is_reported_and_the_rest_posted(self):
        "A product no longer salable fails its order; the others post"
        good = self.orders(2, 'approved')
        bad, = self.orders(1, 'approved', lines=[('POT-ZS-200', 1)])
        template = self.seller.products['POT-ZS-200'].template
        template.salable = False
        template.save()

        batch = self.open_batch(good + [bad], 'post')
        results = self.run_batch(batch)
        for order in good:
            self.assertOutcome(order, results, 'done')
            order.reload()
            self.assertEqual(order.state, 'posted')
            self.assertEqual(len(order.sales), 1)
        self.assertOutcome(bad, results, 'failed', "Product")
        reason = results[bad.id][1]
        self.assertEqual(
            (batch.form.done, batch.form.skipped, batch.form.failed),
            (2, 0, 1))
        bad.reload()
        self.assertEqual(bad.state, 'approved')
        self.assertEqual(bad.sales, [])
        self.assertTrue(any(reason in d.outcome for d in bad.decisions))
        Sale = Model.get('sale.sale')
        self.assertEqual(len(Sale.find([])), 2)

    def test_overlapping_batches(self):
        "The second clerk finds the orders the first one audited"
        orders = self.orders(4)
        first = self.open_batch(orders[:3], 'cs_audit')
        second = self.open_batch(orders[1:], 'cs_audit')
        results = self.run_batch(first)
        self.assertEqual({o for o, _ in results.values()}, {'done'})
        results = self.run_batch(second)
        for order in orders[1:3]:
            self.assertOutcome(order, results, 'skipped', "Already processed")
        self.assertEqual(results[orders[3].id][0], 'done')

    def request_refund(self, order):
        "The buyer asks the platform for a refund (read-only to clerks)"
        config = get_config()
        with Transaction().start(config.database_name, config.user,
                context=config.context) as transaction:
            Order = Pool().get('ecom.order')
            Order.write([Order(order.id)], {'refund_state': 'requested'})
            transaction.commit()

    def test_finance_audit_with_refund_requests(self):
        "The clerk skips the refund requests, then audits one anyway"
        plain, refunding = self.orders(2, 'cs_approved')
        self.request_refund(refunding)
        results = self.batch([plain, refunding], 'finance_audit',
            refund='skip')
        self.assertOutcome(plain, results, 'done')
        self.assertOutcome(refunding, results, 'skipped', "refund")
        refunding.reload()
        self.assertEqual(refunding.state, 'cs_approved')

        results = self.batch([refunding], 'finance_audit',
            refund='continue')
        self.assertOutcome(refunding, results, 'done')
        refunding.reload()
        self.assertEqual(refunding.state, 'approved')
        self.assertTrue(any("continue" in d.outcome
                for d in refunding.decisions))

    def test_set_carrier_and_salesperson_skip_posted(self):
        "Posted orders keep their carrier; the others take the new one"
        Employee = Model.get('company.employee')
        Party = Model.get('party.party')
        posted, = self.orders(1, 'approved')
        posted.click('post')
        waiting = self.orders(2)
        sf = self.seller.carriers['SF']
        results = self.batch(waiting + [posted], 'set_carrier', carrier=sf)
        for order in waiting:
            self.assertOutcome(order, results, 'done')
            order.reload()
            self.assertEqual(order.carrier, sf)
        self.assertOutcome(posted, results, 'skipped')
        posted.reload()
        self.assertNotEqual(posted.carrier, sf)

        party = Party(name="李客服")
        party.save()
        clerk = Employee(party=party, company=self.seller.company)
        clerk.save()
        results = self.batch(waiting + [posted], 'set_salesperson',
            salesperson=clerk)
        self.assertEqual(results[waiting[0].id][0], 'done')
        self.assertOutcome(posted, results, 'skipped')
        waiting[0].reload()
        self.assertEqual(waiting[0].salesperson, clerk)

    def clerk(self, login, group_name):
        User = Model.get('res.user')
        Group = Model.get('res.group')
        Company = Model.get('company.company')
        user = User(name=login, login=login)
        group, = Group.find([('name', '=', group_name)])
        user.groups.append(group)
        user.companies.append(Company(self.seller.company.id))
        user.company = self.seller.company
        user.save()
        return user

    def test_merge_in_batch_and_held_member(self):
        "A batch merges one buyer's orders; a held member stops the group"
        first, second = self.orders(2)
        elsewhere, = self.orders(1, receiver_address="文二路 9 号")
        results = self.batch([first, elsewhere], 'merge')
        self.assertEqual({o for o, _ in results.values()}, {'failed'})
        results = self.batch([first, second], 'merge')
        self.assertEqual({o for o, _ in results.values()}, {'done'})
        second.reload()
        self.assertEqual(second.merged_into, first)

        self.Order.click([first, second], 'cs_audit')
        self.Order.click([first, second], 'finance_audit')
        self.batch([second], 'hold', reason="缺货待补")
        self.assertOutcome(first, self.batch([first], 'post'), 'skipped',
            second.platform_order_id)
        first.reload()
        self.assertEqual(first.state, 'approved')

        clerk = self.clerk('kefu', "E-commerce Customer Service")
        set_user(clerk, self.config)
        try:
            with self.assertRaises(AccessError):
                self.batch([first], 'post')
            results = self.batch([second], 'release')
            self.assertOutcome(second, results, 'done')
        finally:
            set_user(1, self.config)
        results = self.batch([first], 'post')
        self.assertOutcome(first, results, 'done')
        second.reload()
        self.assertEqual(second.state, 'posted')
