"A clerk checks on the platform the refunds that hold orders in exception"
import time
import unittest

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from .simulated import admin, as_admin, run_locked, start_simulator
from .test_download import point_shops


def set_refunds(simulator, code, orders, refund):
    "The buyer's refund on every line of the simulator's orders is refund"
    admin(simulator, 'orders', {'shop': code, 'orders': [
                {'id': o['id'], 'lines': [
                        {'line_id': li['line_id'], 'refund': refund}
                        for li in o['lines']]}
                for o in orders]})


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
        set_refunds(self.simulator, code, orders, 'requested')
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
        set_refunds(self.simulator, code, [refused], 'refused')
        set_refunds(self.simulator, code, [agreed], 'refunded')
        with as_admin(DB_NAME) as transaction:
            Order = Pool().get('ecom.order')
            stored = Order.search([
                    ('shop.code', '=', code),
                    ('platform_order_id', 'in', ids),
                    ])
            Order.check_refund(stored)
        # What the clerk then sees, the form reloaded
        with as_admin(DB_NAME):
            Order = Pool().get('ecom.order')
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

    def test_platforms_asked_before_anything_is_written(self):
        """While a platform is asked, the clerk's transaction has written
        nothing, even after another shop's platform refused the check"""
        from trytond import backend
        from trytond.transaction import Transaction

        from trytond.modules.ecom_platforms.clients.base import Client

        asked = []
        original = Client.order_with_refunds

        def order_with_refunds(client, platform_order_id, since):
            connection = Transaction().connection
            if backend.name == 'sqlite':
                written = connection.in_transaction
            else:
                cursor = connection.cursor()
                cursor.execute('SELECT txid_current_if_assigned()')
                written = cursor.fetchone()[0] is not None
            asked.append((platform_order_id, written))
            return original(client, platform_order_id, since)
        Client.order_with_refunds = order_with_refunds
        self.addCleanup(setattr, Client, 'order_with_refunds', original)

        ids = {}
        for code in ['TB01', 'JD01']:
            orders = admin(self.simulator, 'orders',
                {'shop': code, 'count': 1})['orders']
            ids[code] = str(orders[0]['id'])
            set_refunds(self.simulator, code, orders, 'requested')
        with as_admin(DB_NAME) as transaction:
            pool = Pool()
            Order = pool.get('ecom.order')
            Shop = pool.get('ecom.shop')
            Rule = pool.get('ecom.exception_rule')
            Rule.create([{'name': "退款", 'kind': 'refund',
                        'action': 'block'}])
            point_shops(self.simulator.url)
            transaction.commit()
            time.sleep(1.1)
            for code in ['TB01', 'JD01']:
                self.download(code)
            transaction.commit()
            taobao, = Order.search([('platform_order_id', '=', ids['TB01'])])
            jd, = Order.search([('platform_order_id', '=', ids['JD01'])])
            asked.clear()
        # Taobao's session has expired by the time the clerk checks
        admin(self.simulator, 'fault', {'shop': 'TB01',
                'kind': 'session_expired', 'count': 1})
        with as_admin(DB_NAME):
            Order = Pool().get('ecom.order')
            Order.check_refund(Order.browse([taobao.id, jd.id]))
        self.assertEqual(asked, [(ids['TB01'], False),
                (ids['JD01'], False)])
        with as_admin(DB_NAME):
            Order = Pool().get('ecom.order')
            Shop = Pool().get('ecom.shop')
            shop, = Shop.search([('code', '=', 'TB01')])
            self.assertEqual(shop.auth_state, 'expired')
            taobao, jd = Order.browse([taobao.id, jd.id])
            self.assertEqual((taobao.state, taobao.refund_state),
                ('exception', 'requested'))
            # the clerk is told why nothing changed
            self.assertTrue([d for d in taobao.decisions
                    if shop.rec_name in d.outcome])
            self.assertEqual(jd.refund_state, 'requested')
