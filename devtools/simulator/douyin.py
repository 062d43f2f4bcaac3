"""Douyin shop (抖店) open platform: ``POST /<group>/<action>`` with the
method, app key, token, timestamp, version and signature in the query and
``param_json`` as the body. Money is counted in fen.

Success is code 10000. The error codes used here for a bad signature
(40004), an expired token (30002) and the call limit (50002 with an
``isp.*`` sub code) follow SDKs seen in the wild and are not certain."""
import json

from trytond.modules.ecom_platforms.signing import douyin_sign

from .state import amount, order_total
from .wire import ApiError, PlatformApi, Response, fen, page_of, request_id

# 1 waiting for payment, 105 paid, 2 preparing, 3 shipped, 4 cancelled,
# 5 completed
ORDER_STATUS = {'unpaid': 1, 'paid': 2, 'shipped': 3, 'cancelled': 4,
    'finished': 5}
# after-sale refund status: 0 none, 1 refunding, 2 refused, 3 refunded
REFUND_STATUS = {'none': 0, 'requested': 1, 'refused': 2, 'refunded': 3}


def answer(data=None, code=10000, msg='success', sub_code='', sub_msg=''):
    return Response(200, {'data': data if data is not None else {},
            'code': code, 'msg': msg, 'sub_code': sub_code,
            'sub_msg': sub_msg, 'log_id': request_id()})


def render_order(order):
    receiver = order['receiver']
    total = order_total(order)
    info = {
        'order_id': order['id'], 'shop_order_id': order['id'],
        'order_status': ORDER_STATUS[order['status']],
        'order_status_desc': order['status'],
        'create_time': int(order['created']),
        'pay_time': int(order['pay_time'] or 0),
        'update_time': int(order['modified']),
        'order_amount': fen(total), 'pay_amount': fen(total),
        'post_amount': fen(order['post_fee']),
        'buyer_words': order['message'],
        'seller_words': order['memo'],
        'seller_remark_stars': order['flag'],
        'doudian_open_id': order['buyer'],
        'post_receiver': receiver['name'],
        'post_tel': receiver['phone'],
        'post_addr': {
            'province': {'name': receiver['province'], 'id': ''},
            'city': {'name': receiver['city'], 'id': ''},
            'town': {'name': receiver['district'], 'id': ''},
            'street': {'name': '', 'id': ''},
            'detail': receiver['address'],
            },
        'sku_order_list': [{
                'order_id': line['line_id'],
                'parent_order_id': order['id'],
                'product_id': line['item_id'],
                'sku_id': line['sku_id'] or line['item_id'],
                'out_product_id': line['outer_code'],
                'out_sku_id': line['outer_code'],
                'code': line['outer_code'],
                'product_name': line['title'],
                'spec': [{'name': '规格', 'value': '标准'}],
                'item_num': line['quantity'],
                'origin_amount': fen(amount(line['price'])
                    * line['quantity']),
                'pay_amount': fen(amount(line['price']) * line['quantity']),
                'after_sale_info': {
                    'after_sale_status': REFUND_STATUS[line['refund']],
                    'refund_status': REFUND_STATUS[line['refund']]},
                } for line in order['lines']],
        }
    if order.get('corrupt'):
        info['order_amount'] = 'N/A'
        info['create_time'] = None
    return info


class DouyinApi(PlatformApi):

    def authenticate(self, sim, req):
        query = req.query
        method = query.get('method') or req.path.strip('/').replace('/', '.')
        for key in ('app_key', 'timestamp', 'sign'):
            if not query.get(key):
                raise ApiError(answer(code=40001, msg='缺少参数',
                        sub_code='isv.missing-parameter', sub_msg=key))
        shop_code, shop = sim.state.shop_by('app_key', query['app_key'])
        if not shop:
            raise ApiError(answer(code=30001, msg='app_key不存在',
                    sub_code='isv.app-key-not-exist'))
        param_json = req.body.decode('utf-8') or '{}'
        expected = douyin_sign(query['app_key'], method, param_json,
            query['timestamp'], shop['app_secret'], query.get('v', '2'),
            query.get('sign_method', 'md5'))
        if query['sign'] != expected:
            raise ApiError(answer(code=40004, msg='签名校验失败',
                    sub_code='isv.signature-invalid'))
        if query.get('access_token') != shop['session']:
            raise ApiError(self.session_expired())
        try:
            params = json.loads(param_json)
        except ValueError:
            raise ApiError(answer(code=40001, msg='param_json格式错误',
                    sub_code='isv.parameter-invalid'))
        return shop_code, shop, method, params

    def call_limit(self):
        return answer(code=50002, msg='调用频率超限',
            sub_code='isp.rate-limited', sub_msg='请稍后重试')

    def session_expired(self):
        return answer(code=30002, msg='access_token已过期',
            sub_code='isv.access-token-expired')

    def unknown_method(self, method):
        return answer(code=40001, msg='方法不存在',
            sub_code='isv.method-not-exist', sub_msg=method)

    def methods(self):
        return {
            'order.searchList': self.search_list,
            'order.orderDetail': self.order_detail,
            'order.logisticsAdd': self.logistics_add,
            'product.listV2': self.product_list,
            'sku.syncStock': self.sync_stock,
            }

    def search_list(self, state, shop, params):
        start = int(params.get('update_time_start') or 0)
        end = int(params.get('update_time_end') or 0)
        if end < start or end - start > 7 * 86400:
            return answer(code=40001, msg='参数错误',
                sub_code='isv.parameter-invalid',
                sub_msg='更新时间跨度不能超过7天')
        page = int(params.get('page') or 0)
        size = min(int(params.get('size') or 20), 100)
        orders = state.changed(shop, start, end)
        rows, _ = page_of(orders, page + 1, size)
        return answer({'shop_order_list': [render_order(o) for o in rows],
                'page': page, 'size': size, 'total': len(orders)})

    def order_detail(self, state, shop, params):
        order = state.orders(shop).get(str(params.get('shop_order_id')))
        if not order:
            return answer(code=50002, msg='业务处理失败',
                sub_code='isv.business-failed:order-not-exist',
                sub_msg='订单不存在')
        return answer({'shop_order_detail': render_order(order)})

    def logistics_add(self, state, shop, params):
        order = state.orders(shop).get(str(params.get('order_id')))
        if not order or order['status'] != 'paid':
            return answer(code=50002, msg='业务处理失败',
                sub_code='isv.business-failed:order-status',
                sub_msg='订单已发货或已取消')
        state.ship(shop, order['id'], params.get('company_code'),
            params.get('logistics_code'))
        return answer({})

    def product_list(self, state, shop, params):
        page = int(params.get('page') or 1)
        size = min(int(params.get('size') or 20), 100)
        products = {}
        for listing in state.data['shops'][shop]['listings']:
            product = products.setdefault(listing['item_id'], {
                    'product_id': listing['item_id'],
                    'name': listing['title'], 'sku_list': []})
            product['sku_list'].append({
                    'id': listing['sku_id'] or listing['item_id'],
                    'code': listing['outer_code'],
                    'stock_num': listing['quantity']})
        rows, _ = page_of(list(products.values()), page, size)
        return answer({'data': rows, 'total': len(products), 'page': page,
                'size': size})

    def sync_stock(self, state, shop, params):
        sku = str(params.get('sku_id'))
        for listing in state.data['shops'][shop]['listings']:
            if (listing['item_id'] == str(params.get('product_id'))
                    and (listing['sku_id'] or listing['item_id']) == sku):
                state.set_stock(shop, listing['item_id'], listing['sku_id'],
                    params.get('stock_num'))
                return answer({})
        return answer(code=50002, msg='业务处理失败',
            sub_code='isv.business-failed:sku-not-exist', sub_msg='SKU不存在')


api = DouyinApi()
