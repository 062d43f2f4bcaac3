"""Shopify GraphQL Admin API (``POST /admin/api/<version>/graphql.json``)
and order webhooks.

The stand-in reads the root field of the operation and its variables, and
answers with whole objects (it does not select fields). Connections page
with opaque cursors in ``pageInfo { hasNextPage endCursor }``; every answer
carries ``extensions.cost`` with the bucket's ``throttleStatus``, and a
call the bucket cannot pay is ``THROTTLED``. Webhooks carry the order in
the REST resource's shape, as Shopify sends them."""
import base64
import json
import re
import time

from trytond.modules.ecom_platforms.signing import shopify_webhook_hmac

from .state import amount, order_total
from .wire import ApiError, PlatformApi, Response, iso, money, parse_iso

LOCATION_ID = 65000000001
# the time zone a shop's days are counted in, set in its Shopify admin
DEFAULT_TIMEZONE = 'America/Los_Angeles'
UNAUTHORIZED = ('[API] Invalid API key or access token '
    '(unrecognized login or wrong password)')
ROOT_FIELD = re.compile(
    r'^\s*(?:(?:query|mutation)\s*\w*\s*(?:\([^)]*\))?\s*)?\{\s*(\w+)',
    re.S)
UPDATED_AT = re.compile(r"updated_at:(>=|<=|>|<)'?([^' ]+)'?")
# the bucket of query cost points of a shop (Shopify's standard plan)
MAXIMUM_AVAILABLE = 2000.0
RESTORE_RATE = 100.0
QUERY_COST = 10
MAX_PAGE = 250


def order_gid(order_id):
    return 'gid://shopify/Order/%s' % order_id


def number(gid):
    return str(gid or '').rsplit('/', 1)[-1]


def currency(order):
    return order.get('currency') or 'CNY'


def money_set(value, code):
    money_value = {'amount': money(value), 'currencyCode': code}
    return {'shopMoney': money_value, 'presentmentMoney': dict(money_value)}


def refunded_lines(order):
    return [line for line in order['lines'] if line['refund'] == 'refunded']


def fulfilled(order, line):
    "Quantity of the line fulfilled"
    if 'fulfilled' in order:
        return order['fulfilled'].get(line['line_id'], 0)
    return line['quantity'] if order['status'] in (
        'shipped', 'finished') else 0


def remaining(order, line):
    if line['refund'] == 'refunded' or order['status'] == 'cancelled':
        return 0
    return line['quantity'] - fulfilled(order, line)


def financial_status(order):
    refunds = [line['refund'] == 'refunded' for line in order['lines']]
    if order['status'] == 'unpaid':
        return 'PENDING'
    if all(refunds):
        return 'REFUNDED'
    if any(refunds):
        return 'PARTIALLY_REFUNDED'
    return 'PAID'


def fulfillment_status(order):
    done = [fulfilled(order, line) >= line['quantity']
        for line in order['lines'] if line['refund'] != 'refunded']
    if done and all(done):
        return 'FULFILLED'
    if any(fulfilled(order, line) for line in order['lines']):
        return 'PARTIALLY_FULFILLED'
    return 'UNFULFILLED'


def address(order):
    receiver = order['receiver']
    country = receiver.get('country') or 'CN'
    return {
        'name': receiver['name'], 'phone': receiver['phone'],
        'address1': receiver['address'], 'address2': receiver['district'],
        'city': receiver['city'] or receiver['district'],
        'province': receiver['province'],
        'provinceCode': receiver.get('province_code') or None,
        'zip': receiver['zip'], 'countryCodeV2': country,
        }


def render_order(order):
    "The order as the GraphQL Admin API's Order object"
    code = currency(order)
    name = order['receiver']['name']
    data = {
        'id': order_gid(order['id']),
        'legacyResourceId': order['id'],
        'name': '#%d' % (int(order['id']) % 100000),
        'email': '%s@example.com' % order['buyer'],
        'createdAt': iso(order['created']),
        'updatedAt': iso(order['modified']),
        'processedAt': iso(order['pay_time'] or order['created']),
        'cancelledAt': iso(order['modified'])
        if order['status'] == 'cancelled' else None,
        'closedAt': iso(order['modified'])
        if order['status'] == 'finished' else None,
        'displayFinancialStatus': financial_status(order),
        'displayFulfillmentStatus': fulfillment_status(order),
        'currencyCode': code,
        'presentmentCurrencyCode': code,
        'totalPriceSet': money_set(order_total(order), code),
        'subtotalPriceSet': money_set(
            order_total(order) - amount(order['post_fee']), code),
        'totalShippingPriceSet': money_set(order['post_fee'], code),
        'note': order['message'],
        'tags': [tag for tag in [order['memo']] if tag],
        'customer': {'firstName': name[1:], 'lastName': name[:1]},
        'shippingAddress': address(order),
        'lineItems': {'nodes': [{
                    'id': 'gid://shopify/LineItem/%s' % line['line_id'],
                    'variant': {'id': 'gid://shopify/ProductVariant/%s'
                        % line['variant_id']},
                    'product': {'id': 'gid://shopify/Product/%s'
                        % line['item_id']},
                    'sku': line['outer_code'], 'title': line['title'],
                    'quantity': line['quantity'],
                    'originalUnitPriceSet': money_set(line['price'], code),
                    } for line in order['lines']]},
        'refunds': [{
                'id': 'gid://shopify/Refund/%s1' % line['line_id'],
                'createdAt': iso(order['modified']),
                'refundLineItems': {'nodes': [{
                            'lineItem': {'id': 'gid://shopify/LineItem/%s'
                                % line['line_id']},
                            'quantity': line['quantity']}]},
                } for line in refunded_lines(order)],
        }
    if order.get('corrupt'):
        data['totalPriceSet'] = {'shopMoney': {'amount': 'N/A'}}
        data['createdAt'] = 'not a date'
    return data


def render_fulfillment_order(order):
    if order['status'] == 'cancelled':
        status = 'CANCELLED'
    elif any(remaining(order, line) for line in order['lines']):
        status = 'OPEN'
    else:
        status = 'CLOSED'
    return {
        'id': 'gid://shopify/FulfillmentOrder/%s' % order['id'],
        'status': status,
        'lineItems': {'nodes': [{
                    'id': 'gid://shopify/FulfillmentOrderLineItem/%s'
                    % line['line_id'],
                    'remainingQuantity': remaining(order, line),
                    'lineItem': {'id': 'gid://shopify/LineItem/%s'
                        % line['line_id']},
                    } for line in order['lines']]},
        }


def webhook_payload(order):
    "The order as an orders/* webhook carries it: the REST resource"
    code = currency(order)
    receiver = order['receiver']
    total = order_total(order)
    name = receiver['name']
    shipped = fulfillment_status(order) == 'FULFILLED'
    data = {
        'id': int(order['id']),
        'admin_graphql_api_id': order_gid(order['id']),
        'name': '#%d' % (int(order['id']) % 100000),
        'email': '%s@example.com' % order['buyer'],
        'created_at': iso(order['created']),
        'updated_at': iso(order['modified']),
        'processed_at': iso(order['pay_time'] or order['created']),
        'cancelled_at': iso(order['modified'])
        if order['status'] == 'cancelled' else None,
        'closed_at': iso(order['modified'])
        if order['status'] == 'finished' else None,
        'financial_status': financial_status(order).lower(),
        'fulfillment_status': 'fulfilled' if shipped else None,
        'currency': code,
        'total_price': money(total),
        'subtotal_price': money(total - amount(order['post_fee'])),
        'total_discounts': money(order['discount']),
        'total_shipping_price_set': {'shop_money': {
                'amount': money(order['post_fee']), 'currency_code': code}},
        'note': order['message'],
        'tags': order['memo'],
        'customer': {'first_name': name[1:], 'last_name': name[:1]},
        'shipping_address': {
            'name': name, 'phone': receiver['phone'],
            'address1': receiver['address'], 'address2': receiver['district'],
            'city': receiver['city'] or receiver['district'],
            'province': receiver['province'],
            'province_code': receiver.get('province_code') or None,
            'zip': receiver['zip'],
            'country_code': receiver.get('country') or 'CN',
            },
        'line_items': [{
                'id': int(line['line_id']),
                'variant_id': int(line['variant_id']),
                'product_id': int(line['item_id']),
                'sku': line['outer_code'], 'title': line['title'],
                'quantity': line['quantity'], 'price': money(line['price']),
                'grams': 300,
                } for line in order['lines']],
        'refunds': [{
                'id': int(line['line_id']) * 10 + 1,
                'created_at': iso(order['modified']),
                'refund_line_items': [{'line_item_id': int(line['line_id']),
                        'quantity': line['quantity']}],
                } for line in refunded_lines(order)],
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


def cost(available, requested=QUERY_COST, actual=QUERY_COST):
    return {'cost': {
            'requestedQueryCost': requested, 'actualQueryCost': actual,
            'throttleStatus': {'maximumAvailable': MAXIMUM_AVAILABLE,
                'currentlyAvailable': available,
                'restoreRate': RESTORE_RATE}}}


def data(value, available=MAXIMUM_AVAILABLE - QUERY_COST):
    return Response(200, {'data': value, 'extensions': cost(available)})


def errors(message, code, status=200):
    return Response(status, {'errors': [{'message': message,
                    'extensions': {'code': code}}]})


def user_errors(name, message, field=None, **payload):
    return data({name: dict(payload, userErrors=[
                    {'field': field, 'message': message}])})


def encode_cursor(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_cursor(text):
    return json.loads(base64.urlsafe_b64decode(text.encode()))


def connection(rows, variables):
    "The page of rows the connection's first/after ask for"
    first = int(variables.get('first') or 0)
    if not 0 < first <= MAX_PAGE:
        raise ApiError(errors('The first argument must be between 1 and '
                '%d' % MAX_PAGE, 'BAD_REQUEST'))
    offset = decode_cursor(variables['after'])['offset'] \
        if variables.get('after') else 0
    page = rows[offset:offset + first]
    following = offset + first < len(rows)
    return {'nodes': page, 'pageInfo': {'hasNextPage': following,
            'endCursor': encode_cursor({'offset': offset + len(page)})
            if page else None}}


class ShopifyApi(PlatformApi):

    def authenticate(self, sim, req):
        token = req.headers.get('X-Shopify-Access-Token')
        shop_code, shop = sim.state.shop_by('session', token)
        if not token or not shop:
            raise ApiError(Response(401, {'errors': UNAUTHORIZED}))
        if req.method != 'POST' or not req.path.endswith('/graphql.json'):
            raise ApiError(Response(404, {'errors': 'Not Found'}))
        try:
            body = req.json()
            match = ROOT_FIELD.match(body.get('query') or '')
        except (ValueError, AttributeError):
            match = None
        if not match:
            raise ApiError(errors('syntax error, unexpected end of file',
                    'BAD_REQUEST', 400))
        return shop_code, shop, match.group(1), dict(
            body.get('variables') or {})

    def call_limit(self):
        # the bucket holds a little less than the query asks for
        return Response(200, {
                'errors': [{'message': 'Throttled',
                        'extensions': {'code': 'THROTTLED'}}],
                'extensions': cost(QUERY_COST - 1, actual=None)})

    def session_expired(self):
        return Response(401, {'errors': UNAUTHORIZED})

    def unknown_method(self, method):
        return errors("Field '%s' doesn't exist on type 'QueryRoot'"
            % method, 'undefinedField')

    def methods(self):
        return {
            'orders': self.orders,
            'order': self.order,
            'fulfillmentCreate': self.fulfillment_create,
            'productVariants': self.product_variants,
            'locations': self.locations,
            'shop': self.shop,
            'inventorySetQuantities': self.set_quantities,
            }

    def orders(self, state, shop, variables):
        start, end = 0, time.time() + 1e9
        try:
            for operator, value in UPDATED_AT.findall(
                    variables.get('query') or ''):
                if operator.startswith('>'):
                    start = parse_iso(value)
                else:
                    end = parse_iso(value)
        except ValueError:
            return errors("Invalid search query '%s'" % variables['query'],
                'BAD_REQUEST')
        rows = state.changed(shop, start, end)
        page = connection(rows, variables)
        page['nodes'] = [render_order(o) for o in page['nodes']]
        return data({'orders': page})

    def order(self, state, shop, variables):
        order = state.orders(shop).get(number(variables.get('id')))
        if not order:
            return data({'order': None})
        value = render_order(order)
        value['fulfillmentOrders'] = {
            'nodes': [render_fulfillment_order(order)]}
        return data({'order': value})

    def fulfillment_create(self, state, shop, variables):
        name = 'fulfillmentCreate'
        fulfillment = variables.get('fulfillment') or {}
        tracking = fulfillment.get('trackingInfo') or {}
        shipped = []
        for group in fulfillment.get('lineItemsByFulfillmentOrder') or []:
            order = state.orders(shop).get(
                number(group.get('fulfillmentOrderId')))
            if order is None:
                return user_errors(name, 'Fulfillment order does not exist.',
                    ['fulfillment', 'lineItemsByFulfillmentOrder'],
                    fulfillment=None)
            if render_fulfillment_order(order)['status'] != 'OPEN':
                return user_errors(name, 'Fulfillment order %s has an '
                    'unfulfillable status= closed.' % order['id'],
                    fulfillment=None)
            lines = {line['line_id']: line for line in order['lines']}
            items = group.get('fulfillmentOrderLineItems') or [
                {'id': line_id, 'quantity': remaining(order, line)}
                for line_id, line in lines.items()
                if remaining(order, line)]
            for item in items:
                line = lines.get(number(item['id']))
                quantity = int(item.get('quantity') or 0)
                if line is None or not 0 < quantity <= remaining(
                        order, line):
                    return user_errors(name, 'Invalid fulfillment order '
                        'line item quantity requested.',
                        fulfillment=None)
            shipped.append((order, [(lines[number(i['id'])],
                            int(i['quantity'])) for i in items]))
        if not shipped:
            return user_errors(name, 'Line items by fulfillment order '
                'must not be empty.', fulfillment=None)
        for order, items in shipped:
            done = {line['line_id']: fulfilled(order, line)
                for line in order['lines']}
            for line, quantity in items:
                done[line['line_id']] += quantity
            order['fulfilled'] = done
            state.ship(shop, order['id'], tracking.get('company'),
                tracking.get('number'),
                [line['line_id'] for line, _ in items])
        return data({name: {'fulfillment': {
                        'id': 'gid://shopify/Fulfillment/%d' % int(
                            time.time() * 1000),
                        'status': 'SUCCESS',
                        'trackingInfo': [{'company': tracking.get('company'),
                                'number': tracking.get('number')}]},
                    'userErrors': []}})

    def product_variants(self, state, shop, variables):
        rows = [{
                'id': 'gid://shopify/ProductVariant/%s'
                % listing['variant_id'],
                'sku': listing['outer_code'],
                'price': listing['price'],
                'inventoryQuantity': listing['quantity'],
                'product': {'id': 'gid://shopify/Product/%s'
                    % listing['item_id'], 'title': listing['title']},
                'inventoryItem': {'id': 'gid://shopify/InventoryItem/%s'
                    % listing['inventory_item_id']},
                } for listing in state.data['shops'][shop]['listings']]
        return data({'productVariants': connection(rows, variables)})

    def locations(self, state, shop, variables):
        return data({'locations': {'nodes': [
                        {'id': 'gid://shopify/Location/%d' % LOCATION_ID}]}})

    def shop(self, state, shop, variables):
        return data({'shop': {'ianaTimezone': state.data['shops'][shop].get(
                        'timezone', DEFAULT_TIMEZONE)}})

    def set_quantities(self, state, shop, variables):
        name = 'inventorySetQuantities'
        values = variables.get('input') or {}
        if values.get('name') != 'available':
            return user_errors(name, 'The quantity name must be available.',
                ['input', 'name'], inventoryAdjustmentGroup=None)
        listings = {listing['inventory_item_id']: listing
            for listing in state.data['shops'][shop]['listings']}
        quantities = values.get('quantities') or []
        for quantity in quantities:
            if number(quantity.get('locationId')) != str(LOCATION_ID):
                return user_errors(name, 'The specified location could '
                    'not be found.', ['input', 'quantities', 'locationId'],
                    inventoryAdjustmentGroup=None)
            if number(quantity.get('inventoryItemId')) not in listings:
                return user_errors(name, 'The specified inventory item '
                    'could not be found.',
                    ['input', 'quantities', 'inventoryItemId'],
                    inventoryAdjustmentGroup=None)
        for quantity in quantities:
            listing = listings[number(quantity['inventoryItemId'])]
            state.set_stock(shop, listing['item_id'], listing['sku_id'],
                quantity['quantity'])
        return data({name: {'inventoryAdjustmentGroup': {
                        'reason': values.get('reason')},
                    'userErrors': []}})


api = ShopifyApi()
