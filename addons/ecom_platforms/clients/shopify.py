"""Shopify GraphQL Admin API

Every call is one POST of a query to ``/admin/api/<version>/graphql.json``.
Lists are connections paged with ``pageInfo { hasNextPage endCursor }``;
calls are paid from a bucket of query cost points: an answer carries
``extensions.cost.throttleStatus`` and a throttled call (``THROTTLED``) is
retried once the bucket has refilled the points the query asked for.

Ids are kept as the numbers of the global ids (``gid://shopify/Order/1``
is order ``1``), the ids order webhooks carry too. Webhooks still deliver
the order in the REST resource's shape: ``normalize_webhook`` reads it."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .base import (
    Client, PlatformError, Retryable, SessionExpired, decimal, order_status)

API_VERSION = '2025-01'
# most line items, refunds and fulfillment orders read with an order
NESTED = 250

MONEY = 'shopMoney { amount currencyCode } ' \
    'presentmentMoney { amount currencyCode }'
ORDER_FIELDS = '''
    id name createdAt updatedAt processedAt cancelledAt closedAt
    displayFinancialStatus displayFulfillmentStatus
    currencyCode presentmentCurrencyCode email note tags
    totalPriceSet { %(money)s }
    totalShippingPriceSet { %(money)s }
    customer { firstName lastName }
    shippingAddress { name phone address1 address2 city province
        provinceCode zip countryCodeV2 }
    lineItems(first: %(nested)d) { nodes { id sku title quantity
        variant { id } product { id }
        originalUnitPriceSet { %(money)s } } }
    refunds(first: %(nested)d) { id createdAt
        refundLineItems(first: %(nested)d) { nodes { quantity
            lineItem { id } } } }
''' % {'money': MONEY, 'nested': NESTED}
ORDERS_QUERY = '''
query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { %s }
  }
}''' % ORDER_FIELDS
ORDER_QUERY = '''
query Order($id: ID!) { order(id: $id) { %s } }''' % ORDER_FIELDS
FULFILLMENT_ORDERS_QUERY = '''
query FulfillmentOrders($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: %d) { nodes { id status
      lineItems(first: %d) { nodes { id remainingQuantity
        lineItem { id } } } } }
  }
}''' % (NESTED, NESTED)
FULFILLMENT_CREATE = '''
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { company number } }
    userErrors { field message }
  }
}'''
VARIANTS_QUERY = '''
query Variants($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku inventoryQuantity product { id title }
      inventoryItem { id } }
  }
}'''
LOCATIONS_QUERY = '''
query Locations { locations(first: 1) { nodes { id } } }'''
SHOP_QUERY = '''
query Shop { shop { ianaTimezone } }'''
SET_QUANTITIES = '''
mutation SetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { field message code }
  }
}'''
# Shopify's order states the suite reads
UNPAID = {'PENDING', 'AUTHORIZED', 'EXPIRED'}
SHIPPED = {'FULFILLED'}


def parse_time(text):
    "ISO 8601 with offset to naive UTC"
    if not text:
        return None
    return datetime.fromisoformat(text.replace('Z', '+00:00')).astimezone(
        timezone.utc).replace(tzinfo=None)


def iso(value):
    return value.replace(tzinfo=timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def number(gid):
    "The number at the end of a global id (or the id itself)"
    return str(gid or '').rsplit('/', 1)[-1]


def gid(kind, value):
    value = str(value)
    return value if value.startswith('gid://') else (
        'gid://shopify/%s/%s' % (kind, value))


def shop_money(price_set):
    return ((price_set or {}).get('shopMoney') or {}).get('amount')


def throttle_wait(extensions):
    """Seconds until the bucket holds the points the query asked for, from
    the answer's cost extension"""
    cost = (extensions or {}).get('cost') or {}
    status = cost.get('throttleStatus') or {}
    restore = float(status.get('restoreRate') or 0)
    if not restore:
        return None
    missing = float(cost.get('requestedQueryCost') or 0) - float(
        status.get('currentlyAvailable') or 0)
    return max(missing, 0) / restore


def order_state(cancelled, financial, fulfillment, closed):
    if cancelled:
        return 'cancelled'
    if financial in UNPAID:
        return 'unpaid'
    if closed:
        return 'finished'
    if fulfillment in SHIPPED:
        return 'shipped'
    return 'paid'


class ShopifyClient(Client):
    platform = 'shopify'
    partial_shipment = True
    window = timedelta(days=30)
    page_size = 250
    location_id = None

    @property
    def url(self):
        return '%s/admin/api/%s/graphql.json' % (self.endpoint, API_VERSION)

    def query(self, text, **variables):
        "The data of one GraphQL call, throttled calls retried"
        headers = {'X-Shopify-Access-Token': self.session_key}

        def send():
            response = self.post(self.url, headers=headers,
                json={'query': text, 'variables': variables})
            if response.status_code == 429:
                raise Retryable(429, 'Too Many Requests',
                    retry_after=float(response.headers.get(
                            'Retry-After') or 1))
            if response.status_code == 401:
                raise SessionExpired(401, str(
                        self.http_json(response).get('errors')))
            data = self.http_json(response)
            errors = data.get('errors')
            if response.status_code >= 400:
                raise PlatformError(response.status_code, str(errors))
            if errors:
                codes = [(e.get('extensions') or {}).get('code')
                    for e in errors]
                message = '; '.join(str(e.get('message')) for e in errors)
                if 'THROTTLED' in codes:
                    raise Retryable('THROTTLED', message,
                        retry_after=throttle_wait(data.get('extensions')))
                raise PlatformError(codes[0] or 'error', message)
            return data.get('data') or {}
        return self.call(send)

    def mutate(self, text, name, **variables):
        "The payload of the mutation name, its user errors raised"
        payload = self.query(text, **variables)[name] or {}
        errors = payload.get('userErrors')
        if errors:
            raise PlatformError('userErrors', '; '.join(
                    str(e.get('message')) for e in errors))
        return payload

    def _nodes(self, text, key, **variables):
        "Every node of the connection key, page after page"
        after = None
        while True:
            connection = self.query(text, first=self.page_size,
                after=after, **variables)[key]
            yield from connection.get('nodes') or []
            page = connection.get('pageInfo') or {}
            if not page.get('hasNextPage'):
                return
            after = page['endCursor']

    def _orders_changed(self, start, end):
        return self._nodes(ORDERS_QUERY, 'orders',
            query="updated_at:>='%s' AND updated_at:<='%s'" % (
                iso(start), iso(end)))

    def _order(self, platform_order_id):
        order = self.query(ORDER_QUERY,
            id=gid('Order', platform_order_id))['order']
        if order is None:
            raise PlatformError('not_found',
                'Order %s not found' % platform_order_id)
        return order

    def refunds(self, start, end):
        for order in self.orders_changed(start, end):
            for line in order.get('lines', []):
                if line['refund_status'] == 'refunded':
                    yield (order['platform_order_id'],
                        line['platform_line_id'], 'refunded')

    def listings(self):
        for variant in self._nodes(VARIANTS_QUERY, 'productVariants'):
            product = variant.get('product') or {}
            yield {
                'platform_item_id': number(product.get('id')),
                'platform_sku_id': number(variant['id']),
                'outer_code': variant.get('sku') or '',
                'title': product.get('title') or '',
                'quantity': int(variant.get('inventoryQuantity') or 0),
                'inventory_item_id': number(
                    (variant.get('inventoryItem') or {}).get('id')),
                }

    def fulfillment_orders(self, platform_order_id):
        "The order's fulfillment orders still open, with their line items"
        order = self.query(FULFILLMENT_ORDERS_QUERY,
            id=gid('Order', platform_order_id))['order'] or {}
        return [fo for fo in (order.get('fulfillmentOrders') or {}).get(
                'nodes') or []
            if fo.get('status') in ('OPEN', 'IN_PROGRESS')]

    def confirm_shipment(self, platform_order_id, carrier_code,
            tracking_number, lines=None):
        """Fulfill the order's lines (all when lines is None) with the
        tracking number, through the fulfillment orders that hold them"""
        lines = {str(line) for line in lines} if lines else None
        by_order = []
        for fulfillment_order in self.fulfillment_orders(platform_order_id):
            items = [{'id': item['id'],
                    'quantity': item['remainingQuantity']}
                for item in fulfillment_order['lineItems']['nodes']
                if item['remainingQuantity'] > 0 and (lines is None
                    or number(item['lineItem']['id']) in lines)]
            if items:
                by_order.append({
                        'fulfillmentOrderId': fulfillment_order['id'],
                        'fulfillmentOrderLineItems': items})
        if not by_order:
            raise PlatformError('fulfilled',
                'Order %s has nothing left to fulfill' % platform_order_id)
        self.mutate(FULFILLMENT_CREATE, 'fulfillmentCreate', fulfillment={
                'lineItemsByFulfillmentOrder': by_order,
                'trackingInfo': {'company': carrier_code,
                    'number': tracking_number},
                'notifyCustomer': True,
                })
        return True

    def timezone(self):
        "The time zone set in the shop's Shopify admin"
        return self.query(SHOP_QUERY)['shop']['ianaTimezone']

    def location(self):
        "The location stock is set at: the shop's first"
        if self.location_id is None:
            nodes = self.query(LOCATIONS_QUERY)['locations']['nodes']
            if not nodes:
                raise PlatformError('location', 'The shop has no location')
            self.location_id = nodes[0]['id']
        return gid('Location', self.location_id)

    def push_stock(self, listing, quantity):
        self.mutate(SET_QUANTITIES, 'inventorySetQuantities', input={
                'name': 'available', 'reason': 'correction',
                'ignoreCompareQuantity': True,
                'quantities': [{
                        'inventoryItemId': gid('InventoryItem',
                            listing['inventory_item_id']),
                        'locationId': self.location(),
                        'quantity': int(quantity)}],
                })
        return True

    def payload_id(self, payload):
        return number(payload.get('id'))

    def normalize(self, order):
        refunded = {number(item['lineItem']['id'])
            for refund in order.get('refunds') or []
            for item in (refund.get('refundLineItems') or {}).get('nodes')
            or []}
        lines = []
        for item in (order.get('lineItems') or {}).get('nodes') or []:
            price = shop_money(item['originalUnitPriceSet'])
            lines.append({
                    'platform_line_id': number(item['id']),
                    'platform_item_id': number(
                        (item.get('product') or {}).get('id')),
                    'platform_sku_id': number(
                        (item.get('variant') or {}).get('id')),
                    'outer_code': item.get('sku') or '',
                    'title': item.get('title') or '',
                    'quantity': int(item['quantity']),
                    'unit_price': decimal(price, '0.0001'),
                    'amount': decimal(price) * int(item['quantity']),
                    'refund_status': 'refunded'
                    if number(item['id']) in refunded else 'none',
                    })
        status = order_state(order.get('cancelledAt'),
            order.get('displayFinancialStatus'),
            order.get('displayFulfillmentStatus'), order.get('closedAt'))
        address = order.get('shippingAddress') or {}
        customer = order.get('customer') or {}
        return self._normalized(order, lines, status, {
                'platform_status': '%s/%s' % (
                    order.get('displayFinancialStatus'),
                    order.get('displayFulfillmentStatus')),
                'modified': parse_time(order['updatedAt']),
                'buyer': ' '.join(filter(None, [customer.get('firstName'),
                            customer.get('lastName')]))
                or order.get('email') or '',
                'country': address.get('countryCodeV2'),
                'province_code': address.get('provinceCode'),
                'seller_memo': ', '.join(order.get('tags') or []),
                'order_date': parse_time(order['createdAt']),
                'pay_date': parse_time(order.get('processedAt')),
                'total_amount': shop_money(order['totalPriceSet']),
                'shipping_amount': shop_money(
                    order.get('totalShippingPriceSet')),
                'currency': order.get('currencyCode'),
                })

    def normalize_webhook(self, order):
        "The order of an orders/* webhook, in the REST resource's shape"
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
        financial = (order.get('financial_status') or '').upper()
        fulfillment = (order.get('fulfillment_status') or '').upper()
        status = order_state(order.get('cancelled_at'), financial,
            fulfillment, order.get('closed_at'))
        address = order.get('shipping_address') or {}
        customer = order.get('customer') or {}
        return self._normalized(order, lines, status, {
                'platform_status': '%s/%s' % (order.get('financial_status'),
                    order.get('fulfillment_status') or 'unfulfilled'),
                'modified': parse_time(order['updated_at']),
                'buyer': ' '.join(filter(None, [customer.get('first_name'),
                            customer.get('last_name')]))
                or order.get('email') or '',
                'country': address.get('country_code'),
                'province_code': address.get('province_code'),
                'seller_memo': order.get('tags') or '',
                'order_date': parse_time(order['created_at']),
                'pay_date': parse_time(order.get('processed_at')),
                'total_amount': order['total_price'],
                'shipping_amount': ((order.get('total_shipping_price_set')
                        or {}).get('shop_money') or {}).get('amount'),
                'currency': order.get('currency'),
                })

    def _normalized(self, order, lines, status, values):
        "The normalized order of either shape from what was read of it"
        status = order_status([li['refund_status'] for li in lines], status)
        address = order.get('shippingAddress') \
            or order.get('shipping_address') or {}
        district = address.get('address2') or ''
        city = address.get('city') or ''
        country = values['country'] or ''
        province = (values['province_code'] or address.get('province')
            or '')
        if province and country and '-' not in province and (
                province == values['province_code']):
            # Shopify's province codes leave out the country: CA, not US-CA
            province = '%s-%s' % (country, province)
        return {
            'platform_order_id': self.payload_id(order),
            'platform_status': values['platform_status'],
            'status': status,
            'modified': values['modified'],
            'buyer': values['buyer'],
            'receiver_name': address.get('name') or '',
            'receiver_phone': address.get('phone') or '',
            'receiver_country': country,
            'receiver_province': province,
            'receiver_city': '' if city == district else city,
            'receiver_district': district,
            'receiver_address': address.get('address1') or '',
            'receiver_zip': address.get('zip') or '',
            'buyer_message': order.get('note') or '',
            'seller_memo': values['seller_memo'],
            'seller_flag': 0,
            'order_date': values['order_date'],
            'pay_date': values['pay_date'] if status != 'unpaid' else None,
            'total_amount': decimal(values['total_amount']),
            'shipping_amount': decimal(
                values['shipping_amount'] or Decimal(0)),
            'currency': values['currency'] or '',
            'carrier_code': None,
            'lines': lines,
            'raw': order,
            }
