"""JD (京东) open platform router (/routerjson).

The response keys really are spelled ``_responce``. Error codes: 19 for an
expired token is documented; the codes used for a bad signature (14) and
for the call limit (61) are not certain."""
import json

from trytond.modules.ecom_platforms.signing import md5_wrapped_sign

from .state import amount, order_total
from .wire import ApiError, PlatformApi, Response, cst, money, page_of, \
    parse_cst

# refund application review: 0 waiting, 1 approved, 2 refused
REFUND_STATUS = {'requested': 0, 'refunded': 1, 'refused': 2}
ORDER_STATE = {
    'paid': 'WAIT_SELLER_STOCK_OUT',
    'shipped': 'WAIT_GOODS_RECEIVE_CONFIRM',
    'finished': 'FINISHED_L',
    'cancelled': 'TRADE_CANCELED',
    }


def error(code, zh, en):
    return Response(200, {'error_response': {
                'code': code, 'zh_desc': zh, 'en_desc': en}})


def api_result(success=True, message='成功'):
    return {'success': success, 'chineseErrCode': message,
        'englishErrCode': '' if success else 'error',
        'numberCode': 10100000 if success else 10100001}


def jd_sku(listing_or_line):
    return listing_or_line['sku_id'] or listing_or_line['item_id']


def order_state(order):
    if order['status'] == 'paid' and any(
            line['refund'] == 'requested' for line in order['lines']):
        return 'LOCKED'
    return ORDER_STATE[order['status']]


def render_order(order):
    receiver = order['receiver']
    total = order_total(order)
    info = {
        'orderId': order['id'], 'venderId': '10001',
        'orderType': '22', 'payType': '4-在线支付',
        'orderTotalPrice': money(total - amount(order['post_fee'])
            + amount(order['discount'])),
        'orderSellerPrice': money(total - amount(order['post_fee'])),
        'orderPayment': money(total),
        'freightPrice': money(order['post_fee']),
        'sellerDiscount': money(order['discount']),
        'orderState': order_state(order),
        'orderStateRemark': '',
        'orderRemark': order['message'],
        'venderRemark': order['memo'],
        'orderStartTime': cst(order['created']),
        'paymentConfirmTime': cst(order['pay_time']),
        'modified': cst(order['modified']),
        'pin': order['buyer'],
        'consigneeInfo': {
            'fullname': receiver['name'], 'mobile': receiver['phone'],
            'telephone': '', 'province': receiver['province'],
            'city': receiver['city'], 'county': receiver['district'],
            'town': '',
            'fullAddress': receiver['province'] + receiver['city']
            + receiver['district'] + receiver['address'],
            },
        'itemInfoList': [{
                'skuId': jd_sku(line), 'wareId': line['item_id'],
                'outerSkuId': line['outer_code'],
                'productNo': line['outer_code'],
                'skuName': line['title'],
                'jdPrice': money(line['price']),
                'itemTotal': str(line['quantity']),
                } for line in order['lines']],
        }
    if order.get('corrupt'):
        info['orderPayment'] = 'N/A'
        info['orderStartTime'] = 'yesterday'
    return info


class JdApi(PlatformApi):

    def authenticate(self, sim, req):
        params = req.form()
        for key in ('method', 'app_key', 'timestamp', 'sign', 'v'):
            if not params.get(key):
                raise ApiError(error('66', '缺少参数%s' % key,
                        'Missing parameter %s' % key))
        shop_code, shop = sim.state.shop_by('app_key', params['app_key'])
        if not shop:
            raise ApiError(error('6', 'app_key无效', 'Invalid app_key'))
        if params['sign'] != md5_wrapped_sign(params, shop['app_secret']):
            raise ApiError(error('14', '签名无效', 'Invalid signature'))
        if params.get('access_token') != shop['session']:
            raise ApiError(self.session_expired())
        try:
            business = json.loads(params.get('360buy_param_json') or '{}')
        except ValueError:
            raise ApiError(error('67', '360buy_param_json格式错误',
                    'Invalid 360buy_param_json'))
        return shop_code, shop, params['method'], business

    def call_limit(self):
        return error('61', '调用次数超过限制', 'Call limit exceeded')

    def session_expired(self):
        return error('19', 'token已过期或者不存在，请重新授权访问',
            'Invalid access_token')

    def unknown_method(self, method):
        return error('1', '方法不存在', 'Invalid method')

    def methods(self):
        return {
            'jingdong.pop.order.search': self.order_search,
            'jingdong.pop.order.get': self.order_get,
            'jingdong.pop.order.shipment': self.order_shipment,
            'jingdong.sku.read.searchSkuList': self.sku_list,
            'jingdong.stock.write.updateSkuStock': self.update_stock,
            'jingdong.pop.afs.soa.refundapply.queryPageList': self.refunds,
            }

    def order_search(self, state, shop, params):
        try:
            start = parse_cst(params['start_date'])
            end = parse_cst(params['end_date'])
        except (KeyError, ValueError):
            return self._search_failed('start_date/end_date格式错误')
        if end < start or end - start > 30 * 86400:
            return self._search_failed('查询时间跨度不能超过30天')
        orders = [o for o in state.changed(shop, start, end)
            if o['status'] != 'unpaid']
        states = params.get('order_state')
        if states:
            states = set(states.split(','))
            orders = [o for o in orders if order_state(o) in states]
        page = int(params.get('page') or 1)
        size = min(int(params.get('page_size') or 20), 100)
        rows, _ = page_of(orders, page, size)
        return Response(200, {'jingdong_pop_order_search_responce': {
                    'code': '0', 'searchorderinfo_result': {
                        'apiResult': api_result(),
                        'orderTotal': len(orders),
                        'orderInfoList': [render_order(o) for o in rows]}}})

    @staticmethod
    def _search_failed(message):
        return Response(200, {'jingdong_pop_order_search_responce': {
                    'code': '0', 'searchorderinfo_result': {
                        'apiResult': api_result(False, message),
                        'orderTotal': 0, 'orderInfoList': []}}})

    def order_get(self, state, shop, params):
        order = state.orders(shop).get(str(params.get('order_id')))
        result = {'apiResult': api_result(bool(order),
                '成功' if order else '订单不存在')}
        if order:
            result['orderInfo'] = render_order(order)
        return Response(200, {'jingdong_pop_order_get_responce': {
                    'code': '0', 'orderDetailInfo': result}})

    def order_shipment(self, state, shop, params):
        order = state.orders(shop).get(str(params.get('order_id')))
        if not order:
            result = api_result(False, '订单不存在')
        elif order['status'] != 'paid' or order_state(order) == 'LOCKED':
            result = api_result(False, '订单状态不正确，不能出库')
        else:
            state.ship(shop, order['id'], str(params.get('logiCoprId')),
                params.get('logiNo'))
            result = api_result()
        return Response(200, {'jingdong_pop_order_shipment_responce': {
                    'code': '0', 'sopjosshipment_result': result}})

    def refunds(self, state, shop, params):
        try:
            start = parse_cst(params['applyTimeStart'])
            end = parse_cst(params['applyTimeEnd'])
        except (KeyError, ValueError):
            return error('67', 'applyTimeStart/applyTimeEnd格式错误',
                'Invalid time')
        rows = []
        for order in state.changed(shop, start, end):
            for line in order['lines']:
                if line['refund'] != 'none':
                    rows.append({'id': line['line_id'] + '9',
                            'orderId': order['id'], 'skuId': jd_sku(line),
                            'status': REFUND_STATUS[line['refund']],
                            'applyRefundSum': money(
                                amount(line['price']) * line['quantity']),
                            'applyTime': cst(order['modified']),
                            'checkTime': cst(order['modified'])})
        page = int(params.get('pageIndex') or 1)
        size = min(int(params.get('pageSize') or 50), 50)
        page_rows, _ = page_of(rows, page, size)
        return Response(200, {
                'jingdong_pop_afs_soa_refundapply_queryPageList_responce': {
                    'code': '0', 'queryResult': {
                        'success': True, 'totalCount': len(rows),
                        'result': page_rows}}})

    def sku_list(self, state, shop, params):
        page = int(params.get('page') or 1)
        size = min(int(params.get('page_size') or 50), 100)
        listings = state.data['shops'][shop]['listings']
        rows, _ = page_of(listings, page, size)
        return Response(200, {'jingdong_sku_read_searchSkuList_responce': {
                    'code': '0', 'page': {
                        'pageNo': page, 'pageSize': size,
                        'totalItem': len(listings),
                        'data': [{'wareId': li['item_id'],
                                'skuId': jd_sku(li),
                                'outerId': li['outer_code'],
                                'skuName': li['title'],
                                'stockNum': li['quantity']}
                            for li in rows]}}})

    def update_stock(self, state, shop, params):
        sku = str(params.get('skuId'))
        for listing in state.data['shops'][shop]['listings']:
            if jd_sku(listing) == sku:
                state.set_stock(shop, listing['item_id'], listing['sku_id'],
                    params.get('stockNum'))
                return Response(200, {
                        'jingdong_stock_write_updateSkuStock_responce': {
                            'code': '0', 'success': True}})
        return error('10100050', 'SKU不存在', 'sku not found')


api = JdApi()
