"""A careless platform: old versions replayed after new ones, and webhook
bodies that are no order at all"""
import json
import unittest
from datetime import timedelta

from proteus import Model, Wizard

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.modules.ecom_platforms.clients.base import utcnow
from devtools.simulator import shopify
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, Client
from trytond.wsgi import app

from devtools.simulator import default_credentials
from .simulated import admin, as_admin, run_locked, start_simulator
from .test_download import point_shops

SECRET = default_credentials('SP01')['webhook_secret']


class PlatformCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_platforms'])
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)
        with as_admin(DB_NAME) as transaction:
            point_shops(self.simulator.url)
            transaction.commit()

    def shop(self, code):
        shop, = Pool().get('ecom.shop').search([('code', '=', code)])
        return shop

    def stored(self, order_id):
        order, = Pool().get('ecom.order').search(
            [('platform_order_id', '=', order_id)])
        return order


class NewestVersionTestCase(PlatformCase):
    "An older version of an order, replayed after a newer one, is stale"

    def test_download_replaying_an_old_version(self):
        order, = admin(self.simulator, 'orders',
            {'shop': 'TB01', 'count': 1})['orders']
        # a copy of the platform's order as it is now
        old = json.loads(json.dumps(
                self.simulator.state.orders('TB01')[order['id']]))
        admin(self.simulator, 'orders', {'shop': 'TB01', 'orders': [
                    {'id': order['id'], 'memo': '买家改地址'}]})
        start, end = utcnow() - timedelta(hours=1), utcnow() + timedelta(
            minutes=5)
        with as_admin(DB_NAME):
            log = self.shop('TB01').download(start, end)
            self.assertEqual((log.new, log.stale), (1, 0))
        # a lagging replica of the platform serves the old version again
        self.simulator.state.orders('TB01')[order['id']].update(old)
        with as_admin(DB_NAME):
            log = run_locked(lambda: self.shop('TB01').download(start, end))
            self.assertEqual((log.updated, log.stale), (0, 1))
            self.assertEqual(self.stored(order['id']).seller_memo,
                '买家改地址')

    def test_webhook_replaying_an_old_version(self):
        order, = admin(self.simulator, 'orders',
            {'shop': 'SP01', 'count': 1})['orders']
        newer = dict(order, memo='送礼', modified=order['modified'] + 60,
            receiver=dict(order['receiver'], address='文二路 1 号'))
        client = Client(app, Response)
        for version in [newer, order]:
            body = json.dumps(shopify.webhook_payload(version)).encode()
            response = client.post(self.webhook_url, data=body,
                headers=shopify.webhook_headers(
                    'SP01', 'orders/updated', body, SECRET))
            self.assertEqual(response.status_code, 200)
        with as_admin(DB_NAME):
            stored = self.stored(order['id'])
            self.assertEqual((stored.seller_memo, stored.receiver_address),
                ('送礼', '文二路 1 号'))

    webhook_url = '/%s/ecom_platforms/shopify/SP01/webhook' % DB_NAME

    def test_spreadsheet_reimport_of_an_older_file(self):
        Shop = Model.get('ecom.shop')
        shop, = Shop.find([('code', '=', 'MAN01')])

        def import_(modified, memo):
            wizard = Wizard('ecom.order.import')
            wizard.form.shop = shop
            wizard.form.file = (
                "订单号,修改时间,收货人,卖家备注,商家编码,数量,单价\n"
                "M1,%s,王芳,%s,TEA-LJ-250,1,168\n" % (modified, memo)).encode()
            wizard.form.filename = 'orders.csv'
            wizard.execute('import_')
            return wizard.form.report

        self.assertIn("New: 1", import_('2026-11-11 10:30', '原备注'))
        report = import_('2026-11-11 10:00', '旧备注')
        self.assertIn("stale: 1", report)
        self.assertIn("updated: 0", report)
        self.assertIn("updated: 1", import_('2026-11-11 11:00', '新备注'))
        Order = Model.get('ecom.order')
        order, = Order.find([('platform_order_id', '=', 'M1')])
        self.assertEqual(order.seller_memo, '新备注')


class WebhookBodyTestCase(PlatformCase):
    "Every bad webhook body is answered 4xx and kept when it was signed"

    url = NewestVersionTestCase.webhook_url

    def order_body(self, **values):
        order, = admin(self.simulator, 'orders',
            {'shop': 'SP01', 'count': 1})['orders']
        data = shopify.webhook_payload(order)
        data.update(values)
        return json.dumps(data).encode()

    def failures(self):
        with as_admin(DB_NAME):
            return [(f.platform_order_id, f.reason)
                for f in Pool().get('ecom.sync_failure').search([])]

    def test_bad_bodies(self):
        deep = b'[' * 100000 + b']' * 100000
        # kind, body (a new order each time for those of an order)
        bodies = [
            ("a list", lambda: b'[{"id": 1}]'),
            ("a string", lambda: b'"order"'),
            ("a number", lambda: b'42'),
            ("a huge number", lambda: b'1' * 5000),
            ("null", lambda: b'null'),
            ("deep nesting", lambda: deep),
            ("invalid UTF-8", lambda: b'{"id": "\xff\xfe"}'),
            ("not JSON", lambda: b'<xml/>'),
            ("empty", lambda: b''),
            ("a lone surrogate in a name", lambda: self.order_body(
                    shipping_address={'name': '王\ud800'})),
            ("a buyer of a megabyte", lambda: self.order_body(
                    customer={'first_name': 'b' * 10 ** 6})),
            ("an order without lines", lambda: self.order_body(
                    line_items=[])),
            ("NaN as price", lambda: self.order_body(
                    total_price=float('nan'))),
            ]
        client = Client(app, Response)
        for kind, make_body in bodies:
            for content_type in ['application/json', 'text/plain']:
                with self.subTest(kind=kind, content_type=content_type):
                    before = len(self.failures())
                    body = make_body()
                    headers = shopify.webhook_headers(
                        'SP01', 'orders/create', body, SECRET)
                    headers['Content-Type'] = content_type
                    response = client.post(self.url, data=body,
                        headers=headers)
                    self.assertEqual(response.status_code, 400)
                    self.assertNotIn(b'Traceback', response.data)
                    self.assertNotIn(b'Error', response.data)
                    self.assertEqual(len(self.failures()), before + 1)
        with as_admin(DB_NAME):
            self.assertEqual(Pool().get('ecom.order').search_count([]), 0)

    def test_unsigned_or_too_big_body_is_not_kept(self):
        client = Client(app, Response)
        body = b'[1, 2]'
        headers = shopify.webhook_headers(
            'SP01', 'orders/create', body, 'wrong-secret')
        self.assertEqual(client.post(self.url, data=body,
                headers=headers).status_code, 401)
        body = b'"%s"' % (b'x' * 3 * 10 ** 6)
        response = client.post(self.url, data=body,
            headers=shopify.webhook_headers(
                'SP01', 'orders/create', body, SECRET))
        self.assertEqual(response.status_code, 413)
        self.assertEqual(self.failures(), [])

    def test_good_body_after_bad_ones_is_stored(self):
        client = Client(app, Response)
        body = self.order_body()
        response = client.post(self.url, data=body,
            headers=shopify.webhook_headers(
                'SP01', 'orders/create', body, SECRET))
        self.assertEqual(response.status_code, 200)
        with as_admin(DB_NAME):
            self.assertEqual(Pool().get('ecom.order').search_count([]), 1)
