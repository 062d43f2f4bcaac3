"Every platform client against the simulator, without a database"
import base64
import hashlib
import hmac
import time
import unittest

from trytond.modules.ecom_platforms import signing
from trytond.modules.ecom_platforms.clients import (
    PlatformError, Retryable, SessionExpired)

from .simulated import (
    PLATFORM_SHOPS, admin, make_client, start_simulator, window)

PLATFORMS = ['taobao', 'tmall', 'jd', 'pdd', 'douyin', 'shopify']
# what each platform answers to a wrong signature (Shopify has no request
# signature: a wrong token is its authentication failure)
BAD_SIGNATURE = {'taobao': 25, 'tmall': 25, 'jd': '14', 'pdd': 20004,
    'douyin': 40004}
NORMALIZED_KEYS = {'platform_order_id', 'platform_status', 'status',
    'modified', 'buyer', 'receiver_name', 'receiver_phone',
    'receiver_province', 'receiver_city', 'receiver_district',
    'receiver_address', 'buyer_message', 'seller_memo', 'seller_flag',
    'order_date', 'pay_date', 'total_amount', 'shipping_amount',
    'carrier_code', 'lines', 'raw'}
# what a client may add: the platform's currency and country, the zip
OPTIONAL_KEYS = {'currency', 'receiver_country', 'receiver_zip'}


class SigningTestCase(unittest.TestCase):
    "Signatures computed as the platforms document them"

    def test_top_methods(self):
        params = {'method': 'taobao.trade.fullinfo.get', 'app_key': 'k',
            'timestamp': '2026-11-11 00:00:00', 'v': '2.0', 'sign': 'x'}
        text = ('app_keykmethodtaobao.trade.fullinfo.get'
            'timestamp2026-11-11 00:00:00v2.0')
        expected = {
            'md5': hashlib.md5(('s' + text + 's').encode()).hexdigest(),
            'hmac': hmac.new(b's', text.encode(), hashlib.md5).hexdigest(),
            'hmac-sha256': hmac.new(
                b's', text.encode(), hashlib.sha256).hexdigest(),
            }
        for method, digest in expected.items():
            with self.subTest(method=method):
                self.assertEqual(signing.top_sign(params, 's', method),
                    digest.upper())

    def test_md5_wrapped(self):
        params = {'b': '2', 'a': '1'}
        self.assertEqual(signing.md5_wrapped_sign(params, 'z'),
            hashlib.md5(b'za1b2z').hexdigest().upper())

    def test_douyin(self):
        text = 'sapp_keykmethodorder.searchListparam_json{}timestamp' \
            't1v2s'
        self.assertEqual(
            signing.douyin_sign('k', 'order.searchList', '{}', 't1', 's'),
            hmac.new(b's', text.encode(), hashlib.sha256).hexdigest())

    def test_shopify_webhook(self):
        body = b'{"id": 1}'
        header = base64.b64encode(hmac.new(
                b'secret', body, hashlib.sha256).digest()).decode()
        self.assertTrue(
            signing.verify_shopify_webhook(body, 'secret', header))
        self.assertFalse(
            signing.verify_shopify_webhook(body + b' ', 'secret', header))
        self.assertFalse(
            signing.verify_shopify_webhook(body, 'other', header))
        self.assertFalse(signing.verify_shopify_webhook(body, 'secret', ''))


class ClientTestCase(unittest.TestCase):
    "One client per platform, talking to the simulator"

    @classmethod
    def setUpClass(cls):
        cls.simulator = start_simulator()

    @classmethod
    def tearDownClass(cls):
        cls.simulator.stop()

    def add_orders(self, platform, count=1, **values):
        shop = PLATFORM_SHOPS[platform]
        if values:
            orders = [dict(values) for _ in range(count)]
            return admin(self.simulator, 'orders',
                {'shop': shop, 'orders': orders})['orders']
        return admin(self.simulator, 'orders',
            {'shop': shop, 'count': count})['orders']

    def fault(self, platform, kind, count=1, **extra):
        admin(self.simulator, 'fault', dict(shop=PLATFORM_SHOPS[platform],
                kind=kind, count=count, **extra))

    def test_orders_changed_pages(self):
        "Orders come complete and normalized across pages"
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                created = {o['id'] for o in self.add_orders(platform, 7)}
                client = make_client(self.simulator, platform)
                client.page_size = 3
                orders = [o for o in client.orders_changed(*window())
                    if 'error' not in o]
                ids = [o['platform_order_id'] for o in orders]
                self.assertTrue(created <= set(ids))
                self.assertEqual(len(ids), len(set(ids)))
                self.assertGreaterEqual(client.calls, 3)
                for order in orders:
                    self.assertLessEqual(NORMALIZED_KEYS, set(order))
                    self.assertLessEqual(set(order),
                        NORMALIZED_KEYS | OPTIONAL_KEYS)
                    self.assertIn(order['status'],
                        {'unpaid', 'paid', 'shipped', 'finished',
                            'cancelled'})
                    self.assertTrue(order['lines'])
                    self.assertEqual(order['total_amount'],
                        sum(li['amount'] for li in order['lines'])
                        + order['shipping_amount'])

    def test_order_by_id(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                order, = self.add_orders(platform, 1, memo="老客户",
                    message="请尽快发货")
                client = make_client(self.simulator, platform)
                normalized = client.order(order['id'])
                self.assertEqual(normalized['platform_order_id'],
                    order['id'])
                self.assertEqual(normalized['buyer_message'], "请尽快发货")
                self.assertEqual(normalized['status'], 'paid')
                self.assertEqual(
                    [li['outer_code'] for li in normalized['lines']],
                    [li['outer_code'] for li in order['lines']])
                self.assertEqual(normalized['receiver_province'],
                    order['receiver']['province'])
                self.assertEqual(normalized['receiver_district'],
                    order['receiver']['district'])

    def test_county_level_city_in_district_only(self):
        receiver = {'name': "王芳", 'phone': '13800000000',
            'province': '河南省', 'city': '', 'district': '济源市',
            'address': '人民路1号', 'zip': '459000'}
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                order, = self.add_orders(platform, 1, receiver=receiver)
                normalized = make_client(self.simulator, platform).order(
                    order['id'])
                self.assertEqual(normalized['receiver_city'], '')
                self.assertEqual(normalized['receiver_district'], '济源市')
                self.assertEqual(normalized['receiver_address'],
                    '人民路1号')

    def test_wrong_signature_rejected(self):
        for platform, code in BAD_SIGNATURE.items():
            with self.subTest(platform=platform):
                client = make_client(self.simulator, platform,
                    app_secret='wrong')
                with self.assertRaises(PlatformError) as context:
                    list(client.orders_changed(*window()))
                self.assertEqual(context.exception.code, code)
        with self.assertRaises(SessionExpired):
            list(make_client(self.simulator, 'shopify',
                    session_key='wrong').orders_changed(*window()))

    def test_taobao_sign_methods(self):
        for method in ['md5', 'hmac', 'hmac-sha256']:
            with self.subTest(method=method):
                client = make_client(self.simulator, 'taobao')
                client.sign_method = method
                list(client.orders_changed(*window()))
                client.app_secret = 'wrong'
                with self.assertRaises(PlatformError) as context:
                    list(client.orders_changed(*window()))
                self.assertEqual(context.exception.code, 25)

    def test_douyin_md5_signature(self):
        client = make_client(self.simulator, 'douyin')
        client.sign_method = 'md5'
        list(client.orders_changed(*window()))

    def test_session_expired(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                self.fault(platform, 'session_expired')
                client = make_client(self.simulator, platform)
                with self.assertRaises(SessionExpired):
                    list(client.orders_changed(*window()))
                self.assertEqual(client.calls, 1)

    def test_session_expired_code_27(self):
        self.fault('taobao', 'session_expired')
        with self.assertRaises(SessionExpired) as context:
            list(make_client(self.simulator, 'taobao').orders_changed(
                    *window()))
        self.assertEqual(context.exception.code, 27)
        self.assertEqual(context.exception.sub_code, 'session-expired')

    def test_transient_faults_retried(self):
        for platform in PLATFORMS:
            for kind in ['call_limit', 'http_500', 'malformed_json']:
                with self.subTest(platform=platform, kind=kind):
                    self.fault(platform, kind, 2)
                    client = make_client(self.simulator, platform)
                    list(client.orders_changed(*window()))
                    self.assertGreaterEqual(client.calls, 3)

    def test_call_limit_gives_up(self):
        self.fault('taobao', 'call_limit', 10)
        client = make_client(self.simulator, 'taobao', retries=2)
        with self.assertRaises(Retryable) as context:
            list(client.orders_changed(*window()))
        self.assertEqual(context.exception.code, 7)
        admin(self.simulator, 'fault', {'shop': 'TB01', 'kind': 'call_limit',
                'count': 0})
        self.simulator.state.data['faults'] = []

    def test_window_limits(self):
        start, end = window(hours=30)
        client = make_client(self.simulator, 'taobao')
        with self.assertRaises(PlatformError) as context:
            client.request('taobao.trades.sold.increment.get',
                start_modified='2026-11-01 00:00:00',
                end_modified='2026-11-03 00:00:00')
        self.assertEqual(context.exception.code, 41)
        client = make_client(self.simulator, 'pdd')
        with self.assertRaises(PlatformError) as context:
            client.request('pdd.order.list.get', start_confirm_at=0,
                end_confirm_at=90000, page=1, page_size=10)
        self.assertEqual(context.exception.code, 50001)
        # the clients split long ranges into windows the platform accepts
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                list(make_client(self.simulator, platform).orders_changed(
                        start, end))

    def test_refunds(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                order, = self.add_orders(platform, 1)
                line = order['lines'][0]
                stages = ['requested', 'refunded']
                if platform == 'shopify':
                    stages = ['refunded']
                for stage in stages:
                    admin(self.simulator, 'orders', {
                            'shop': PLATFORM_SHOPS[platform], 'orders': [{
                                    'id': order['id'], 'lines': [{
                                            'line_id': line['line_id'],
                                            'refund': stage}]}]})
                    client = make_client(self.simulator, platform)
                    refunds = [r for r in client.refunds(*window())
                        if r[0] == order['id']]
                    self.assertTrue(refunds)
                    self.assertIn(stage, {r[2] for r in refunds})
                    normalized, = [o
                        for _, _, orders in client.orders_by_window(*window())
                        for o in orders
                        if o['platform_order_id'] == order['id']]
                    self.assertEqual(normalized['lines'][0]['refund_status'],
                        stage)

    def test_cancelled_when_all_refunded(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                order, = self.add_orders(platform, 1)
                lines = [{'line_id': li['line_id'], 'refund': 'refunded'}
                    for li in order['lines']]
                admin(self.simulator, 'orders', {
                        'shop': PLATFORM_SHOPS[platform], 'orders': [{
                                'id': order['id'], 'lines': lines,
                                'status': 'cancelled'}]})
                normalized = make_client(self.simulator, platform).order(
                    order['id'])
                self.assertEqual(normalized['status'], 'cancelled')

    def test_confirm_shipment(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                order, = self.add_orders(platform, 1)
                client = make_client(self.simulator, platform)
                self.assertTrue(client.confirm_shipment(
                        order['id'], 'ZTO', '7312345678901'))
                shipment = self.simulator.state.data['shipments'][-1]
                self.assertEqual(shipment['order'], order['id'])
                self.assertEqual(shipment['tracking'], '7312345678901')
                self.assertEqual(client.order(order['id'])['status'],
                    'shipped')
                # shipping twice is refused with the platform's error
                with self.assertRaises(PlatformError) as context:
                    client.confirm_shipment(order['id'], 'ZTO', '1')
                if platform in ('taobao', 'tmall'):
                    self.assertEqual(context.exception.code, 15)

    def test_carrier_code_sent_as_given(self):
        "The client sends the platform's carrier code it is given"
        for platform, code in {'taobao': 'SF', 'jd': '467', 'pdd': '44',
                'douyin': 'shunfeng', 'shopify': 'SF Express'}.items():
            with self.subTest(platform=platform):
                order, = self.add_orders(platform, 1)
                make_client(self.simulator, platform).confirm_shipment(
                    order['id'], code, 'SF1001')
                self.assertEqual(
                    self.simulator.state.data['shipments'][-1]['carrier'],
                    code)

    def test_listings_and_stock(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                client = make_client(self.simulator, platform)
                client.page_size = 5
                listings = list(client.listings())
                self.assertEqual(len(listings), 12)
                self.assertIn('KIT-LJ-GIFT',
                    {li['outer_code'] for li in listings})
                kit = [li for li in listings
                    if li['outer_code'] == 'KIT-TEA-SET'][0]
                self.assertTrue(client.push_stock(kit, 17))
                update = self.simulator.state.data['stock_updates'][-1]
                self.assertEqual(update['quantity'], 17)
                again = [li for li in client.listings()
                    if li['outer_code'] == 'KIT-TEA-SET'][0]
                self.assertEqual(again['quantity'], 17)

    def test_malformed_order_reported(self):
        for platform in PLATFORMS:
            with self.subTest(platform=platform):
                order, = self.add_orders(platform, 1, corrupt=True)
                orders = [o for o in make_client(
                        self.simulator, platform).orders_changed(*window())
                    if o['platform_order_id'] == order['id']]
                self.assertEqual(len(orders), 1)
                self.assertIn('error', orders[0])
                self.assertTrue(orders[0]['raw'])

    def test_slow_answer_still_served(self):
        self.fault('jd', 'slow', seconds=0.3)
        client = make_client(self.simulator, 'jd')
        begin = time.monotonic()
        list(client.orders_changed(*window()))
        self.assertGreaterEqual(time.monotonic() - begin, 0.3)



CALIFORNIA = {'name': "Jane Doe", 'phone': '+1 415 555 0100',
    'province': 'California', 'province_code': 'CA', 'city': 'San Francisco',
    'district': '', 'address': '1 Market St', 'zip': '94105',
    'country': 'US'}


class ShopifyGraphqlTestCase(unittest.TestCase):
    "The Shopify client speaks the GraphQL Admin API"

    @classmethod
    def setUpClass(cls):
        cls.simulator = start_simulator()

    @classmethod
    def tearDownClass(cls):
        cls.simulator.stop()

    def add_order(self, **values):
        order, = admin(self.simulator, 'orders',
            {'shop': 'SP01', 'orders': [values]})['orders']
        return order

    def test_usd_order_in_california(self):
        order = self.add_order(currency='USD', receiver=CALIFORNIA)
        normalized = make_client(self.simulator, 'shopify').order(
            order['id'])
        self.assertEqual(normalized['currency'], 'USD')
        self.assertEqual(normalized['receiver_country'], 'US')
        self.assertEqual(normalized['receiver_province'], 'US-CA')
        self.assertEqual(normalized['receiver_zip'], '94105')
        self.assertEqual(normalized['receiver_city'], 'San Francisco')
        self.assertEqual(
            [(li['outer_code'], li['platform_sku_id'])
                for li in normalized['lines']],
            [(li['outer_code'], li['variant_id']) for li in order['lines']])

    def test_throttled_waits_for_the_bucket(self):
        "A THROTTLED call is retried after the time the bucket needs"
        admin(self.simulator, 'fault',
            {'shop': 'SP01', 'kind': 'call_limit', 'count': 1})
        client = make_client(self.simulator, 'shopify', retries=1,
            backoff=0.001)
        waits = []
        original = time.sleep
        time.sleep = waits.append
        try:
            list(client.orders_changed(*window()))
        finally:
            time.sleep = original
        # one point missing at a restore rate of 100 points a second
        self.assertEqual(waits, [0.01])
        self.assertEqual(client.calls, 2)

    def test_query_errors_raised(self):
        client = make_client(self.simulator, 'shopify')
        with self.assertRaises(PlatformError) as context:
            client.query('{ shopifyPaymentsAccount { id } }')
        self.assertEqual(context.exception.code, 'undefinedField')

    def test_partial_fulfillment_through_fulfillment_orders(self):
        order = self.add_order(lines=[
                dict(line, line_id='%s%02d' % (line['line_id'][:-2], n))
                for n, line in enumerate(
                    self.add_order()['lines'] * 2, 1)][:2])
        first, second = [li['line_id'] for li in order['lines']]
        client = make_client(self.simulator, 'shopify')
        self.assertTrue(client.confirm_shipment(order['id'], 'UPS',
                '1Z999', [first]))
        shipment = self.simulator.state.data['shipments'][-1]
        self.assertEqual((shipment['tracking'], shipment['lines']),
            ('1Z999', [first]))
        self.assertEqual(client.order(order['id'])['status'], 'paid')
        self.assertTrue(client.confirm_shipment(order['id'], 'UPS',
                '1Z998', [second]))
        self.assertEqual(client.order(order['id'])['status'], 'shipped')
        with self.assertRaises(PlatformError) as context:
            client.confirm_shipment(order['id'], 'UPS', '1Z997')
        self.assertEqual(context.exception.code, 'fulfilled')

    def test_refunded_line_not_fulfilled(self):
        order = self.add_order()
        order = admin(self.simulator, 'orders', {'shop': 'SP01', 'orders': [{
                        'id': order['id'], 'lines': [dict(li,
                                refund='refunded') for li in order['lines']]
                        }]})['orders'][0]
        with self.assertRaises(PlatformError) as context:
            make_client(self.simulator, 'shopify').confirm_shipment(
                order['id'], 'UPS', '1Z1')
        self.assertEqual(context.exception.code, 'fulfilled')
