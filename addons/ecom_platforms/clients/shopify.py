"Shopify Admin REST API"
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .base import (
    Client, PlatformError, Retryable, SessionExpired, decimal, order_status)

API_VERSION = '2024-01'
NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')
# Shopify tracking companies of the seller's carriers


def parse_time(text):
    "ISO 8601 with offset to naive UTC"
    if not text:
        return None
    return datetime.fromisoformat(text.replace('Z', '+00:00')).astimezone(
        timezone.utc).replace(tzinfo=None)


def iso(value):
    return value.replace(tzinfo=timezone.utc).isoformat()


class ShopifyClient(Client):
    platform = 'shopify'
    partial_shipment = True
    window = timedelta(days=30)
    page_size = 250
    location_id = None

    @property
    def base(self):
        return '%s/admin/api/%s/' % (self.endpoint, API_VERSION)

    def request(self, method, path_or_url, json=None, params=None):
        url = path_or_url if path_or_url.startswith('http') \
            else self.base + path_or_url
        headers = {'X-Shopify-Access-Token': self.session_key}

        def send():
            if method == 'GET':
                response = self.get(url, params=params, headers=headers)
            else:
                response = self.post(url, json=json, headers=headers)
            if response.status_code == 429:
                raise Retryable(429, 'Too Many Requests',
                    retry_after=float(response.headers.get(
                            'Retry-After') or 2))
            if response.status_code == 401:
                raise SessionExpired(401, str(
                        self.http_json(response).get('errors')))
            data = self.http_json(response)
            if response.status_code >= 400:
                raise PlatformError(response.status_code,
                    str(data.get('errors')))
            match = NEXT_LINK.search(response.headers.get('Link') or '')
            return data, match.group(1) if match else None
        return self.call(send)

    def _pages(self, path, key, params):
        data, following = self.request('GET', path, params=params)
        yield from data.get(key) or []
        while following:
            data, following = self.request('GET', following)
            yield from data.get(key) or []

    def _orders_changed(self, start, end):
        return self._pages('orders.json', 'orders', {
                'status': 'any', 'updated_at_min': iso(start),
                'updated_at_max': iso(end), 'limit': self.page_size})

    def _order(self, platform_order_id):
        return self.request('GET', 'orders/%s.json' % platform_order_id
            )[0]['order']

    def refunds(self, start, end):
        for order in self.orders_changed(start, end):
            for line in order.get('lines', []):
                if line['refund_status'] == 'refunded':
                    yield (order['platform_order_id'],
                        line['platform_line_id'], 'refunded')

    def listings(self):
        for product in self._pages('products.json', 'products',
                {'limit': self.page_size}):
            for variant in product.get('variants') or []:
                yield {
                    'platform_item_id': str(product['id']),
                    'platform_sku_id': str(variant['id']),
                    'outer_code': variant.get('sku') or '',
                    'title': product.get('title') or '',
                    'quantity': int(variant.get('inventory_quantity') or 0),
                    'inventory_item_id': str(variant['inventory_item_id']),
                    }

    def confirm_shipment(self, platform_order_id, carrier_code,
            tracking_number, lines=None):
        fulfillment = {
            'tracking_number': tracking_number,
            'tracking_company': carrier_code,
            'notify_customer': True,
            }
        if lines:
            fulfillment['line_items'] = [{'id': int(line)} for line in lines]
        self.request('POST', 'orders/%s/fulfillments.json'
            % platform_order_id, json={'fulfillment': fulfillment})
        return True

    def push_stock(self, listing, quantity):
        self.request('POST', 'inventory_levels/set.json', json={
                'location_id': self.location_id,
                'inventory_item_id': int(listing['inventory_item_id']),
                'available': int(quantity)})
        return True

    def payload_id(self, payload):
        return str(payload.get('id') or '')

    def normalize(self, order):
        refunded = {str(item['line_item_id'])
            for refund in order.get('refunds') or []
            for item in refund.get('refund_line_items') or []}
        lines = [{
                'platform_line_id': str(item['id']),
                'platform_item_id': str(item.get('product_id') or ''),
                'platform_sku_id': str(item.get('variant_id') or ''),
                'outer_code': item.get('sku') or '',
                'title': item.get('title') or '',
                'quantity': int(item['quantity']),
                'unit_price': decimal(item['price'], '0.0001'),
                'amount': decimal(item['price']) * int(item['quantity']),
                'refund_status': 'refunded' if str(item['id']) in refunded
                else 'none',
                } for item in order.get('line_items') or []]
        if order.get('cancelled_at'):
            status = 'cancelled'
        elif order.get('financial_status') in ('pending', 'authorized'):
            status = 'unpaid'
        elif order.get('closed_at'):
            status = 'finished'
        elif order.get('fulfillment_status') == 'fulfilled':
            status = 'shipped'
        else:
            status = 'paid'
        status = order_status([li['refund_status'] for li in lines], status)
        address = order.get('shipping_address') or {}
        customer = order.get('customer') or {}
        shipping = ((order.get('total_shipping_price_set') or {}).get(
                'shop_money') or {}).get('amount')
        district = address.get('address2') or ''
        city = address.get('city') or ''
        return {
            'platform_order_id': self.payload_id(order),
            'platform_status': '%s/%s' % (order.get('financial_status'),
                order.get('fulfillment_status') or 'unfulfilled'),
            'status': status,
            'modified': parse_time(order['updated_at']),
            'buyer': ' '.join(filter(None, [customer.get('first_name'),
                        customer.get('last_name')])) or order.get('email')
            or '',
            'receiver_name': address.get('name') or '',
            'receiver_phone': address.get('phone') or '',
            'receiver_province': address.get('province') or '',
            'receiver_city': '' if city == district else city,
            'receiver_district': district,
            'receiver_address': address.get('address1') or '',
            'buyer_message': order.get('note') or '',
            'seller_memo': order.get('tags') or '',
            'seller_flag': 0,
            'order_date': parse_time(order['created_at']),
            'pay_date': parse_time(order.get('processed_at'))
            if status != 'unpaid' else None,
            'total_amount': decimal(order['total_price']),
            'shipping_amount': decimal(shipping or Decimal(0)),
            'carrier_code': None,
            'lines': lines,
            'raw': order,
            }
