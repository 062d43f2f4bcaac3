"""Shopify Admin REST API (``/admin/api/<version>/...``) and order
webhooks. Paging follows the ``Link`` header with an opaque
``page_info``; a 429 carries ``Retry-After``."""
import base64
import json
import re
import time

from trytond.modules.ecom_platforms.signing import shopify_webhook_hmac

from .state import amount, order_total
from .wire import (
    ApiError, PlatformApi, Response, iso, money, page_of, parse_iso)

ROUTES = [
    ('GET', re.compile(r'orders\.json$'), 'orders'),
    ('GET', re.compile(r'orders/(?P<id>\d+)\.json$'), 'order'),
    ('POST', re.compile(r'orders/(?P<id>\d+)/fulfillments\.json$'),
        'fulfill'),
    ('GET', re.compile(r'orders/(?P<id>\d+)/refunds\.json$'), 'refunds'),
    ('GET', re.compile(r'products\.json$'), 'products'),
    ('POST', re.compile(r'inventory_levels/set\.json$'), 'set_inventory'),
    ]
LOCATION_ID = 65000000001
UNAUTHORIZED = ('[API] Invalid API key or access token '
    '(unrecognized login or wrong password)')


def financial_status(order):
    refunds = [line['refund'] == 'refunded' for line in order['lines']]
    if order['status'] == 'unpaid':
        return 'pending'
    if all(refunds):
        return 'refunded'
    if any(refunds):
        return 'partially_refunded'
    return 'paid'


def render_order(order):
    receiver = order['receiver']
    total = order_total(order)
    name = receiver['name']
    shipped = order['status'] in ('shipped', 'finished')
    refunded = [line for line in order['lines']
        if line['refund'] == 'refunded']
    data = {
        'id': int(order['id']),
        'name': '#%d' % (int(order['id']) % 100000),
        'email': '%s@example.com' % order['buyer'],
        'created_at': iso(order['created']),
        'updated_at': iso(order['modified']),
        'processed_at': iso(order['pay_time'] or order['created']),
        'cancelled_at': iso(order['modified'])
        if order['status'] == 'cancelled' else None,
        'closed_at': iso(order['modified'])
        if order['status'] == 'finished' else None,
        'financial_status': financial_status(order),
        'fulfillment_status': 'fulfilled' if shipped else None,
        'currency': 'CNY',
        'total_price': money(total),
        'subtotal_price': money(total - amount(order['post_fee'])),
        'total_discounts': money(order['discount']),
        'total_shipping_price_set': {'shop_money': {
                'amount': money(order['post_fee']), 'currency_code': 'CNY'}},
        'note': order['message'],
        'tags': order['memo'],
        'customer': {'first_name': name[1:], 'last_name': name[:1]},
        'shipping_address': {
            'name': name, 'phone': receiver['phone'],
            'address1': receiver['address'], 'address2': receiver['district'],
            'city': receiver['city'] or receiver['district'],
            'province': receiver['province'], 'province_code': '',
            'zip': receiver['zip'], 'country_code': 'CN',
            },
        'line_items': [{
                'id': int(line['line_id']),
                'variant_id': int(line['variant_id']),
                'product_id': int(line['item_id']),
                'sku': line['outer_code'], 'title': line['title'],
                'quantity': line['quantity'], 'price': money(line['price']),
                'grams': 300,
                'fulfillment_status': 'fulfilled' if shipped else None,
                } for line in order['lines']],
        'refunds': [{
                'id': int(line['line_id']) * 10 + 1,
                'created_at': iso(order['modified']),
                'refund_line_items': [{'line_item_id': int(line['line_id']),
                        'quantity': line['quantity']}],
                } for line in refunded],
        }
    if order.get('corrupt'):
        data['total_price'] = 'N/A'
        data['created_at'] = 'not a date'
    return data


def webhook_headers(shop, topic, body, secret):
    return {
        'Content-Type': 'application/json',
        'X-Shopify-Topic': topic,
        'X-Shopify-Hmac-Sha256': shopify_webhook_hmac(body, secret),
        'X-Shopify-Shop-Domain': '%s.myshopify.com' % shop.lower(),
        'X-Shopify-Webhook-Id': '%x' % int(time.time() * 1e6),
        }


def errors(status, message, headers=None):
    return Response(status, {'errors': message}, headers)


def encode_page(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_page(text):
    return json.loads(base64.urlsafe_b64decode(text.encode()))


class ShopifyApi(PlatformApi):

    def authenticate(self, sim, req):
        token = req.headers.get('X-Shopify-Access-Token')
        shop_code, shop = sim.state.shop_by('session', token)
        if not token or not shop:
            raise ApiError(errors(401, UNAUTHORIZED))
        rest = req.path.split('/', 4)[-1]
        for http_method, pattern, name in ROUTES:
            match = pattern.match(rest)
            if match and req.method == http_method:
                params = dict(req.query)
                params.update(match.groupdict())
                params['_url'] = 'http://%s%s' % (
                    req.headers.get('Host', '127.0.0.1'), req.path)
                if req.method == 'POST':
                    params['_body'] = req.json()
                return shop_code, shop, name, params
        raise ApiError(errors(404, 'Not Found'))

    def call_limit(self):
        return errors(429, 'Exceeded 2 calls per second for api client. '
            'Reduce request rates to resume uninterrupted service.',
            {'Retry-After': '1.0'})

    def session_expired(self):
        return errors(401, UNAUTHORIZED)

    def unknown_method(self, method):
        return errors(404, 'Not Found')

    def methods(self):
        return {
            'orders': self.orders,
            'order': self.order,
            'fulfill': self.fulfill,
            'refunds': self.refunds,
            'products': self.products,
            'set_inventory': self.set_inventory,
            }

    @staticmethod
    def _page(params, rows_of, render, key):
        limit = min(int(params.get('limit') or 50), 250)
        if params.get('page_info'):
            cursor = decode_page(params['page_info'])
            extra = set(params) - {'page_info', 'limit', '_url'}
            if extra:
                return errors(400, 'page_info cannot be combined with %s'
                    % ', '.join(sorted(extra)))
        else:
            cursor = {k: params[k] for k in params if not k.startswith('_')}
            cursor['offset'] = 0
        rows = rows_of(cursor)
        page, has_next = page_of(rows, cursor['offset'] // limit + 1, limit)
        headers = {}
        if has_next:
            following = dict(cursor, offset=cursor['offset'] + limit)
            headers['Link'] = '<%s?limit=%d&page_info=%s>; rel="next"' % (
                params['_url'], limit, encode_page(following))
        return Response(200, {key: [render(r) for r in page]}, headers)

    def orders(self, state, shop, params):
        def rows_of(cursor):
            start = parse_iso(cursor['updated_at_min']) \
                if cursor.get('updated_at_min') else 0
            end = parse_iso(cursor['updated_at_max']) \
                if cursor.get('updated_at_max') else time.time() + 1e9
            return state.changed(shop, start, end)
        try:
            return self._page(params, rows_of, render_order, 'orders')
        except ValueError:
            return errors(400, {'updated_at_min': ['is invalid']})

    def order(self, state, shop, params):
        order = state.orders(shop).get(params['id'])
        if not order:
            return errors(404, 'Not Found')
        return Response(200, {'order': render_order(order)})

    def fulfill(self, state, shop, params):
        order = state.orders(shop).get(params['id'])
        if not order:
            return errors(404, 'Not Found')
        fulfillment = params['_body'].get('fulfillment') or {}
        if order['status'] != 'paid':
            return errors(422, {'base': ['Line items are already '
                        'fulfilled or the order is closed']})
        line_ids = [str(li['id']) for li in fulfillment.get('line_items')
            or []] or None
        state.ship(shop, order['id'], fulfillment.get('tracking_company'),
            fulfillment.get('tracking_number'), line_ids)
        return Response(201, {'fulfillment': {
                    'id': int(time.time() * 1000), 'order_id': int(
                        order['id']),
                    'status': 'success',
                    'tracking_company': fulfillment.get('tracking_company'),
                    'tracking_number': fulfillment.get('tracking_number'),
                    }})

    def refunds(self, state, shop, params):
        order = state.orders(shop).get(params['id'])
        if not order:
            return errors(404, 'Not Found')
        return Response(200, {'refunds': render_order(order)['refunds']})

    def products(self, state, shop, params):
        products = {}
        for listing in state.data['shops'][shop]['listings']:
            product = products.setdefault(listing['item_id'], {
                    'id': int(listing['item_id']),
                    'title': listing['title'], 'variants': []})
            product['variants'].append({
                    'id': int(listing['variant_id']),
                    'product_id': int(listing['item_id']),
                    'sku': listing['outer_code'],
                    'price': listing['price'],
                    'inventory_item_id': int(listing['inventory_item_id']),
                    'inventory_quantity': listing['quantity']})
        rows = list(products.values())
        return self._page(params, lambda cursor: rows, lambda r: r,
            'products')

    def set_inventory(self, state, shop, params):
        body = params['_body']
        item = str(body.get('inventory_item_id'))
        for listing in state.data['shops'][shop]['listings']:
            if listing['inventory_item_id'] == item:
                state.set_stock(shop, listing['item_id'], listing['sku_id'],
                    body.get('available'))
                return Response(200, {'inventory_level': {
                            'inventory_item_id': int(item),
                            'location_id': body.get('location_id'),
                            'available': int(body.get('available')),
                            'updated_at': iso(time.time())}})
        return errors(422, {'inventory_item_id': ['not found']})


api = ShopifyApi()
