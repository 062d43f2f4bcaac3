"A clerk checks on the platform the refunds that hold orders in exception"
import time
import unittest

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from .simulated import admin, as_admin, run_locked, start_simulator
from .test_download import point_shops


class RefundCheckTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_platforms'])
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)

    def download(self, code):
        Shop = Pool().get('ecom.shop')
        shop, = Shop.search([('code', '=', code)])
        return run_locked(lambda: shop.download())

    def test_refund_refused_agreed_or_pending(self):
        "Refused goes on, agreed is cancelled, pending waits"
        for code in ['TB01', 'JD01']:
            with self.subTest(shop=code):
                self.check_shop(code)

    def check_shop(self, code):
        orders = admin(self.simulator, 'orders',
            {'shop': code, 'count': 3})['orders']
        ids = [str(o['id']) for o in orders]
        admin(self.simulator, 'orders', {'shop': code, 'orders': [
                    {'id': o['id'], 'lines': [
                            {'line_id': li['line_id'], 'refund': 'requested'}
                            for li in o['lines']]}
                    for o in orders]})
        with as_admin(DB_NAME) as transaction:
            pool = Pool()
            Order = pool.get('ecom.order')
            Rule = pool.get('ecom.exception_rule')
            if not Rule.search([('kind', '=', 'refund')]):
                Rule.create([{'name': "退款", 'kind': 'refund',
                            'action': 'block'}])
            point_shops(self.simulator.url)
            transaction.commit()
            # Platforms count in whole seconds: let the changes' second end
            time.sleep(1.1)
            log = self.download(code)
            self.assertEqual((log.errors, log.failed, log.new), ("", 0, 3))
            stored = {o.platform_order_id: o for o in Order.search([
                        ('shop.code', '=', code),
                        ('platform_order_id', 'in', ids),
                        ])}
            self.assertEqual(set(stored), set(ids))
            for order in stored.values():
                self.assertEqual(order.state, 'exception')
                self.assertEqual(order.refund_state, 'requested')
                finding, = [f for f in order.findings if f.kind == 'refund']
                self.assertEqual(finding.action, 'block')
                self.assertEqual(finding.message,
                    "The buyer asked for a refund.")
        refused, agreed, pending = orders
        refused_id, agreed_id, pending_id = ids
        admin(self.simulator, 'orders', {'shop': code, 'orders': [
                    {'id': refused['id'], 'lines': [
                            {'line_id': li['line_id'], 'refund': 'refused'}
                            for li in refused['lines']]},
                    {'id': agreed['id'], 'lines': [
                            {'line_id': li['line_id'], 'refund': 'refunded'}
                            for li in agreed['lines']]},
                    ]})
        with as_admin(DB_NAME) as transaction:
            Order = Pool().get('ecom.order')
            stored = Order.search([
                    ('shop.code', '=', code),
                    ('platform_order_id', 'in', ids),
                    ])
            run_locked(lambda: Order.check_refund(stored))
            transaction.commit()
            states = {o.platform_order_id: (o.state, o.refund_state)
                for o in Order.browse(stored)}
            self.assertEqual(states[refused_id][1], 'refused')
            self.assertIn(states[refused_id][0], {'draft', 'cs_approved'})
            self.assertEqual(states[agreed_id], ('cancelled', 'refunded'))
            self.assertEqual(states[pending_id],
                ('exception', 'requested'))
            released, = Order.browse(
                [o for o in stored if o.platform_order_id == refused_id])
            self.assertFalse([f for f in released.findings
                    if f.kind == 'refund'])
