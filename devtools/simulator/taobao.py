"Taobao/Tmall TOP router (POST /router/rest)"
import time

from trytond.modules.ecom_platforms.signing import top_sign

from .state import amount, order_total
from .wire import (
    ApiError, PlatformApi, Response, cst, money, page_of, parse_cst,
    request_id)

TRADE_STATUS = {
    'unpaid': 'WAIT_BUYER_PAY',
    'paid': 'WAIT_SELLER_SEND_GOODS',
    'shipped': 'WAIT_BUYER_CONFIRM_GOODS',
    'finished': 'TRADE_FINISHED',
    }
REFUND_STATUS = {
    'none': 'NO_REFUND',
    'requested': 'WAIT_SELLER_AGREE',
    'refused': 'SELLER_REFUSE_BUYER',
    'refunded': 'SUCCESS',
    }
SIGN_METHODS = {'md5', 'hmac', 'hmac-sha256'}


def error(code, msg, sub_code=None, sub_msg=None):
    body = {'code': code, 'msg': msg, 'request_id': request_id()}
    if sub_code:
        body['sub_code'] = sub_code
    if sub_msg:
        body['sub_msg'] = sub_msg
    return Response(200, {'error_response': body})


def trade_status(order):
    if order['status'] == 'cancelled':
        return 'TRADE_CLOSED' if order['pay_time'] else \
            'TRADE_CLOSED_BY_TAOBAO'
    if order['status'] == 'paid' and any(
            line.get('shipped') for line in order['lines']):
        return 'SELLER_CONSIGNED_PART'
    return TRADE_STATUS[order['status']]


def render_trade(order):
    receiver = order['receiver']
    total = order_total(order)
    lines = []
    for line in order['lines']:
        line_total = amount(line['price']) * line['quantity']
        lines.append({
                'oid': int(line['line_id']), 'oid_str': line['line_id'],
                'num_iid': int(line['item_id']),
                'sku_id': line['sku_id'],
                'outer_iid': line['outer_code'] if not line['sku_id']
                else '',
                'outer_sku_id': line['outer_code'] if line['sku_id'] else '',
                'title': line['title'],
                'sku_properties_name': '规格:标准' if line['sku_id'] else '',
                'num': line['quantity'],
                'price': money(line['price']),
                'total_fee': money(line_total),
                'payment': money(line_total),
                'divide_order_fee': money(line_total),
                'refund_status': REFUND_STATUS[line['refund']],
                'status': trade_status(order),
                })
    trade = {
        'tid': int(order['id']), 'tid_str': order['id'],
        'status': trade_status(order),
        'created': cst(order['created']),
        'pay_time': cst(order['pay_time']),
        'modified': cst(order['modified']),
        'payment': money(total),
        'post_fee': money(order['post_fee']),
        'total_fee': money(total - amount(order['post_fee'])),
        'discount_fee': money(order['discount']),
        'seller_memo': order['memo'],
        'seller_flag': order['flag'],
        'buyer_message': order['message'],
        'buyer_nick': order['buyer'],
        'receiver_name': receiver['name'],
        'receiver_mobile': receiver['phone'],
        'receiver_phone': '',
        'receiver_state': receiver['province'],
        'receiver_city': receiver['city'],
        'receiver_district': receiver['district'],
        'receiver_town': '',
        'receiver_address': receiver['address'],
        'receiver_zip': receiver['zip'],
        'orders': {'order': lines},
        }
    if order.get('corrupt'):
        trade['payment'] = 'N/A'
        trade['created'] = '0000-00-00'
    return trade


class TopApi(PlatformApi):

    def authenticate(self, sim, req):
        params = req.form()
        for key in ('method', 'app_key', 'timestamp', 'sign', 'sign_method'):
            if not params.get(key):
                raise ApiError(error(40, 'Missing required arguments:%s'
                        % key))
        shop_code, shop = sim.state.shop_by('app_key', params['app_key'])
        if not shop:
            raise ApiError(error(29, 'Invalid app Key'))
        if params['sign_method'] not in SIGN_METHODS:
            raise ApiError(error(40, 'Invalid sign_method'))
        if shop.get('sign_method', params['sign_method']) != params[
                'sign_method']:
            # the application's sign method is set on the open platform
            raise ApiError(error(25, 'Invalid signature'))
        expected = top_sign(params, shop['app_secret'],
            params['sign_method'])
        if params['sign'] != expected:
            raise ApiError(error(25, 'Invalid signature'))
        if params.get('session') != shop['session']:
            raise ApiError(self.session_expired())
        return shop_code, shop, params['method'], params

    def call_limit(self):
        return error(7, 'App Call Limited',
            'accesscontrol.limited-by-api-access-count',
            'This ban will last for 1 more seconds')

    def session_expired(self):
        return error(27, 'Invalid session', 'session-expired')

    def unknown_method(self, method):
        return error(22, 'Invalid method')

    def methods(self):
        return {
            'taobao.trades.sold.increment.get': self.increment_get,
            'taobao.trade.fullinfo.get': self.fullinfo_get,
            'taobao.refunds.receive.get': self.refunds_get,
            'taobao.logistics.offline.send': self.offline_send,
            'taobao.items.onsale.get': self.items_onsale_get,
            'taobao.skus.quantity.update': self.skus_quantity_update,
            'taobao.item.quantity.update': self.item_quantity_update,
            }

    @staticmethod
    def _window(params):
        try:
            start = parse_cst(params['start_modified'])
            end = parse_cst(params['end_modified'])
        except (KeyError, ValueError):
            raise ApiError(error(41, 'Invalid arguments:start_modified',
                    'isv.invalid-parameter'))
        if end < start or end - start > 86400:
            raise ApiError(error(41, 'Invalid arguments',
                    'isv.invalid-parameter:start_modified-end_modified',
                    'start_modified and end_modified must be within '
                    'one day'))
        return start, end

    @staticmethod
    def _paging(params):
        page = int(params.get('page_no') or 1)
        size = min(int(params.get('page_size') or 40), 100)
        return page, size

    def increment_get(self, state, shop, params):
        start, end = self._window(params)
        orders = state.changed(shop, start, end)
        if params.get('status'):
            orders = [o for o in orders
                if trade_status(o) == params['status']]
        page, size = self._paging(params)
        rows, has_next = page_of(orders, page, size)
        body = {'total_results': len(orders),
            'trades': {'trade': [render_trade(o) for o in rows]}}
        if params.get('use_has_next') in ('true', True):
            body['has_next'] = has_next
        return Response(200, {'trades_sold_increment_get_response': body})

    def fullinfo_get(self, state, shop, params):
        order = state.orders(shop).get(str(params.get('tid')))
        if not order:
            return error(15, 'Remote service error', 'isv.trade-not-exist',
                '交易不存在')
        return Response(200, {'trade_fullinfo_get_response': {
                    'trade': render_trade(order)}})

    def refunds_get(self, state, shop, params):
        start, end = self._window(params)
        refunds = []
        for order in state.changed(shop, start, end):
            for line in order['lines']:
                if line['refund'] == 'none':
                    continue
                refunds.append({
                        'refund_id': line['line_id'] + '9',
                        'tid': int(order['id']), 'oid': int(line['line_id']),
                        'status': REFUND_STATUS[line['refund']],
                        'refund_fee': money(
                            amount(line['price']) * line['quantity']),
                        'num': line['quantity'],
                        'reason': '不想要了',
                        'created': cst(order['modified']),
                        'modified': cst(order['modified']),
                        })
        page, size = self._paging(params)
        rows, has_next = page_of(refunds, page, size)
        return Response(200, {'refunds_receive_get_response': {
                    'total_results': len(refunds), 'has_next': has_next,
                    'refunds': {'refund': rows}}})

    def offline_send(self, state, shop, params):
        order = state.orders(shop).get(str(params.get('tid')))
        if not order:
            return error(15, 'Remote service error', 'isv.trade-not-exist',
                '交易不存在')
        if order['status'] != 'paid':
            return error(15, 'Remote service error',
                'isv.logistics-offline-service-error:B04',
                '订单已发货或已关闭')
        if not params.get('out_sid') or not params.get('company_code'):
            return error(40, 'Missing required arguments:out_sid')
        line_ids = None
        if params.get('sub_tid'):
            line_ids = params['sub_tid'].split(',')
            for line in order['lines']:
                if line['line_id'] in line_ids:
                    line['shipped'] = True
            if not all(line.get('shipped') for line in order['lines']):
                state.data['shipments'].append({'shop': shop,
                        'order': order['id'], 'lines': line_ids,
                        'carrier': params['company_code'],
                        'tracking': params['out_sid']})
                state.update_order(shop, order['id'])
                return self._shipped()
        state.ship(shop, order['id'], params['company_code'],
            params['out_sid'], line_ids)
        return self._shipped()

    @staticmethod
    def _shipped():
        return Response(200, {'logistics_offline_send_response': {
                    'shipping': {'is_success': True}}})

    def items_onsale_get(self, state, shop, params):
        items = {}
        for listing in state.data['shops'][shop]['listings']:
            item = items.setdefault(listing['item_id'], {
                    'num_iid': int(listing['item_id']),
                    'title': listing['title'],
                    'outer_id': listing['outer_code'],
                    'price': listing['price'], 'num': 0,
                    'skus': {'sku': []}})
            item['num'] += listing['quantity']
            if listing['sku_id']:
                item['skus']['sku'].append({
                        'sku_id': int(listing['sku_id']),
                        'outer_id': listing['outer_code'],
                        'quantity': listing['quantity'],
                        'properties_name': '规格:标准'})
        page, size = self._paging(params)
        rows, _ = page_of(list(items.values()), page, size)
        return Response(200, {'items_onsale_get_response': {
                    'total_results': len(items), 'items': {'item': rows}}})

    def skus_quantity_update(self, state, shop, params):
        item_id = params.get('num_iid')
        for pair in (params.get('skuid_quantities') or '').split(';'):
            if not pair:
                continue
            sku_id, quantity = pair.split(':')
            if not state.set_stock(shop, item_id, sku_id, quantity):
                return error(15, 'Remote service error',
                    'isv.item-quantity-update-service-error', 'SKU不存在')
        return Response(200, {'skus_quantity_update_response': {
                    'item': {'num_iid': int(item_id),
                        'modified': cst(time.time())}}})

    def item_quantity_update(self, state, shop, params):
        listing = state.set_stock(shop, params.get('num_iid'),
            params.get('sku_id'), params.get('quantity'))
        if not listing:
            return error(15, 'Remote service error',
                'isv.item-not-exist', '商品不存在')
        return Response(200, {'item_quantity_update_response': {
                    'item': {'num_iid': int(listing['item_id']),
                        'num': listing['quantity']}}})


api = TopApi()
