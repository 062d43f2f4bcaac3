"""Pinduoduo (拼多多) open platform router (POST /api/router).

Orders are listed only once paid. ``pdd.order.list.get`` filters on the
confirm (payment) time, at most 24 hours; the incremental
``pdd.order.number.list.increment.get`` filters on the update time, at most
30 minutes. Error codes 20004 (sign) and 50001 (window) are documented;
10019 (token) and 70031 (call limit) are believed so."""
from trytond.modules.ecom_platforms.signing import md5_wrapped_sign

from .state import amount, order_total
from .wire import ApiError, PlatformApi, Response, cst, page_of, request_id

# after-sales status: 2 waiting for the seller, 6 refused, 10 refunded
AFTER_SALES = {'requested': 2, 'refused': 6, 'refunded': 10}
ORDER_STATUS = {'paid': 1, 'shipped': 2, 'finished': 3, 'cancelled': 1}


def error(code, msg, sub_msg=''):
    return Response(200, {'error_response': {
                'error_code': code, 'error_msg': msg, 'sub_msg': sub_msg,
                'sub_code': str(code), 'request_id': request_id()}})


def refund_status(order):
    refunds = {line['refund'] for line in order['lines']}
    if refunds == {'refunded'}:
        return 4
    if 'requested' in refunds:
        return 2
    return 1


def yuan(value):
    return float(amount(value))


def render_order(order):
    receiver = order['receiver']
    total = order_total(order)
    goods = total - amount(order['post_fee']) + amount(order['discount'])
    info = {
        'order_sn': order['id'],
        'order_status': ORDER_STATUS[order['status']],
        'refund_status': refund_status(order),
        'confirm_status': 1,
        'created_time': cst(order['created']),
        'confirm_time': cst(order['pay_time']),
        'pay_time': cst(order['pay_time']),
        'updated_at': cst(order['modified']),
        'shipping_time': '',
        'receiver_name': receiver['name'],
        'receiver_phone': receiver['phone'],
        'province': receiver['province'], 'city': receiver['city'],
        'town': receiver['district'],
        'address': receiver['province'] + receiver['city']
        + receiver['district'] + receiver['address'],
        'goods_amount': yuan(goods),
        'discount_amount': yuan(order['discount']),
        'postage': yuan(order['post_fee']),
        'pay_amount': yuan(total),
        'buyer_memo': order['message'],
        'remark': order['memo'],
        'remark_tag': order['flag'] or None,
        'tracking_number': (order['shipping'] or {}).get('tracking', ''),
        'item_list': [{
                'goods_id': int(line['item_id']),
                'sku_id': int(line['sku_id'] or line['item_id']),
                'outer_goods_id': line['outer_code'],
                'outer_id': line['outer_code'],
                'goods_name': line['title'],
                'goods_spec': '标准',
                'goods_count': line['quantity'],
                'goods_price': yuan(line['price']),
                } for line in order['lines']],
        }
    if order.get('corrupt'):
        info['pay_amount'] = 'N/A'
        info['created_time'] = None
    return info


class PddApi(PlatformApi):

    def authenticate(self, sim, req):
        params = req.form()
        for key in ('type', 'client_id', 'timestamp', 'sign'):
            if not params.get(key):
                raise ApiError(error(10000, '参数错误', '缺少参数:%s' % key))
        shop_code, shop = sim.state.shop_by('app_key', params['client_id'])
        if not shop:
            raise ApiError(error(10016, 'client_id不存在'))
        if params['sign'] != md5_wrapped_sign(params, shop['app_secret']):
            raise ApiError(error(20004, '签名错误', 'sign不正确'))
        if params.get('access_token') != shop['session']:
            raise ApiError(self.session_expired())
        return shop_code, shop, params['type'], params

    def call_limit(self):
        return error(70031, '调用过于频繁', '请求被限流，请稍后重试')

    def session_expired(self):
        return error(10019, 'access_token已过期', '请重新授权')

    def unknown_method(self, method):
        return error(10001, '接口不存在', method)

    def methods(self):
        return {
            'pdd.order.list.get': self.order_list,
            'pdd.order.number.list.increment.get': self.order_increment,
            'pdd.order.information.get': self.order_information,
            'pdd.logistics.online.send': self.online_send,
            'pdd.goods.list.get': self.goods_list,
            'pdd.goods.quantity.update': self.quantity_update,
            'pdd.refund.list.increment.get': self.refund_increment,
            }

    @staticmethod
    def _paging(params):
        return (int(params.get('page') or 1),
            min(int(params.get('page_size') or 100), 100))

    @staticmethod
    def _filter(orders, params):
        status = int(params.get('order_status') or 5)
        refund = int(params.get('refund_status') or 5)
        return [o for o in orders if o['status'] != 'unpaid'
            and (status == 5 or ORDER_STATUS[o['status']] == status)
            and (refund == 5 or refund_status(o) == refund)]

    def order_list(self, state, shop, params):
        start = int(params.get('start_confirm_at') or 0)
        end = int(params.get('end_confirm_at') or 0)
        if end < start or end - start > 86400:
            return error(50001, '时间范围超出限制',
                '查询时间范围不能超过24小时')
        orders = sorted((o for o in state.orders(shop).values()
                if o['pay_time'] and start <= o['pay_time'] <= end),
            key=lambda o: (o['pay_time'], o['id']))
        orders = self._filter(orders, params)
        page, size = self._paging(params)
        rows, has_next = page_of(orders, page, size)
        return Response(200, {'order_list_get_response': {
                    'order_list': [render_order(o) for o in rows],
                    'total_count': len(orders), 'has_next': has_next}})

    def order_increment(self, state, shop, params):
        start = int(params.get('start_updated_at') or 0)
        end = int(params.get('end_updated_at') or 0)
        if end < start or end - start > 1800:
            return error(50001, '时间范围超出限制',
                '查询时间范围不能超过30分钟')
        orders = self._filter(state.changed(shop, start, end), params)
        page, size = self._paging(params)
        rows, has_next = page_of(orders, page, size)
        return Response(200, {'order_sn_increment_get_response': {
                    'order_sn_list': [render_order(o) for o in rows],
                    'total_count': len(orders), 'has_next': has_next}})

    def refund_increment(self, state, shop, params):
        start = int(params.get('start_updated_at') or 0)
        end = int(params.get('end_updated_at') or 0)
        if end < start or end - start > 1800:
            return error(50001, '时间范围超出限制',
                '查询时间范围不能超过30分钟')
        rows = []
        for order in state.changed(shop, start, end):
            for line in order['lines']:
                if line['refund'] != 'none':
                    rows.append({'id': int(order['id'][-6:] + '%02d' % (
                                    len(rows) % 100)),
                            'order_sn': order['id'],
                            'goods_id': int(line['item_id']),
                            'sku_id': int(line['sku_id'] or line['item_id']),
                            'after_sales_type': 2,
                            'after_sales_status': AFTER_SALES[line['refund']],
                            'refund_amount': int(
                                amount(line['price']) * line['quantity']
                                * 100),
                            'updated_time': cst(order['modified'])})
        page, size = self._paging(params)
        page_rows, _ = page_of(rows, page, size)
        return Response(200, {'refund_increment_get_response': {
                    'total_count': len(rows), 'refund_list': page_rows}})

    def order_information(self, state, shop, params):
        order = state.orders(shop).get(params.get('order_sn'))
        if not order or order['status'] == 'unpaid':
            return error(50000, '业务服务错误', '订单不存在')
        return Response(200, {'order_info_get_response': {
                    'order_info': render_order(order)}})

    def online_send(self, state, shop, params):
        order = state.orders(shop).get(params.get('order_sn'))
        if not order:
            return error(50000, '业务服务错误', '订单不存在')
        if order['status'] != 'paid' or refund_status(order) != 1:
            return error(50000, '业务服务错误', '订单已发货或售后中，不能发货')
        state.ship(shop, order['id'], str(params.get('logistics_id')),
            params.get('tracking_number'))
        return Response(200, {'logistics_online_send_response': {
                    'is_success': True}})

    def goods_list(self, state, shop, params):
        goods = {}
        for listing in state.data['shops'][shop]['listings']:
            item = goods.setdefault(listing['item_id'], {
                    'goods_id': int(listing['item_id']),
                    'goods_name': listing['title'],
                    'goods_quantity': 0, 'is_onsale': 1, 'sku_list': []})
            item['goods_quantity'] += listing['quantity']
            item['sku_list'].append({
                    'sku_id': int(listing['sku_id'] or listing['item_id']),
                    'outer_id': listing['outer_code'], 'spec': '标准',
                    'sku_quantity': listing['quantity'],
                    'is_sku_onsale': 1})
        page, size = self._paging(params)
        rows, _ = page_of(list(goods.values()), page, size)
        return Response(200, {'goods_list_get_response': {
                    'goods_list': rows, 'total_count': len(goods)}})

    def quantity_update(self, state, shop, params):
        sku = str(params.get('sku_id'))
        for listing in state.data['shops'][shop]['listings']:
            if (listing['item_id'] == str(params.get('goods_id'))
                    and (listing['sku_id'] or listing['item_id']) == sku):
                state.set_stock(shop, listing['item_id'], listing['sku_id'],
                    params.get('quantity'))
                return Response(200, {'goods_quantity_update_response': {
                            'is_success': True}})
        return error(50000, '业务服务错误', 'SKU不存在')


api = PddApi()
