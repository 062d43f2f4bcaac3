"Douyin shop (抖店) open platform"
from datetime import timedelta
from decimal import Decimal

from ..signing import douyin_sign
from .base import (
    Client, PlatformError, Retryable, SessionExpired, cst_text, dumps,
    from_timestamp, order_status, timestamp, utcnow)

STATUS = {1: 'unpaid', 105: 'paid', 2: 'paid', 101: 'paid', 3: 'shipped',
    4: 'cancelled', 5: 'finished'}
REFUND = {0: 'none', 1: 'requested', 2: 'refused', 3: 'refunded'}
# Douyin logistics company codes of the seller's carriers
SESSION_CODES = {30002, 30005}
SUCCESS = 10000


def fen(value):
    return (Decimal(int(value)) / 100).quantize(Decimal('0.01'))


class DouyinClient(Client):
    platform = 'douyin'
    window = timedelta(days=1)
    sign_method = 'hmac-sha256'

    def request(self, method, **params):
        param_json = dumps(params)
        query = {
            'app_key': self.app_key, 'method': method,
            'access_token': self.session_key,
            'timestamp': cst_text(utcnow()), 'v': '2',
            'sign_method': self.sign_method,
            }
        query['sign'] = douyin_sign(self.app_key, method, param_json,
            query['timestamp'], self.app_secret, '2', self.sign_method)
        url = '%s/%s' % (self.endpoint, method.replace('.', '/'))

        def send():
            data = self.http_json(self.post(url, params=query,
                    data=param_json.encode('utf-8'),
                    headers={'Content-Type': 'application/json'}))
            code = int(data.get('code') or 0)
            if code != SUCCESS:
                message = data.get('msg', '')
                if data.get('sub_msg'):
                    message += ': ' + data['sub_msg']
                sub_code = data.get('sub_code') or ''
                if code in SESSION_CODES:
                    raise SessionExpired(code, message, sub_code)
                if code == 20000 or 'rate-limit' in sub_code:
                    raise Retryable(code, message, sub_code)
                raise PlatformError(code, message, sub_code)
            return data.get('data') or {}
        return self.call(send)

    def _orders_changed(self, start, end):
        page = 0
        while True:
            data = self.request('order.searchList',
                update_time_start=timestamp(start),
                update_time_end=timestamp(end), order_by='update_time',
                order_asc=True, page=page, size=self.page_size)
            yield from data.get('shop_order_list') or []
            if (page + 1) * self.page_size >= int(data.get('total') or 0):
                break
            page += 1

    def _order(self, platform_order_id):
        return self.request('order.orderDetail',
            shop_order_id=platform_order_id)['shop_order_detail']

    def listings(self):
        page = 1
        while True:
            data = self.request('product.listV2', page=page,
                size=self.page_size)
            for product in data.get('data') or []:
                for sku in product.get('sku_list') or []:
                    yield {
                        'platform_item_id': str(product['product_id']),
                        'platform_sku_id': str(sku['id']),
                        'outer_code': sku.get('code') or '',
                        'title': product.get('name') or '',
                        'quantity': int(sku.get('stock_num') or 0),
                        }
            if page * self.page_size >= int(data.get('total') or 0):
                break
            page += 1

    def confirm_shipment(self, platform_order_id, carrier_code,
            tracking_number, lines=None):
        self.request('order.logisticsAdd', order_id=platform_order_id,
            company_code=carrier_code,
            logistics_code=tracking_number)
        return True

    def push_stock(self, listing, quantity):
        self.request('sku.syncStock',
            product_id=listing['platform_item_id'],
            sku_id=listing['platform_sku_id'], stock_num=quantity,
            incremental=False)
        return True

    def payload_id(self, payload):
        return str(payload.get('order_id') or '')

    def normalize(self, order):
        lines = []
        for sku in order.get('sku_order_list') or []:
            quantity = int(sku['item_num'])
            amount = fen(sku['pay_amount'])
            after_sale = sku.get('after_sale_info') or {}
            lines.append({
                    'platform_line_id': str(sku['order_id']),
                    'platform_item_id': str(sku['product_id']),
                    'platform_sku_id': str(sku['sku_id']),
                    'outer_code': sku.get('out_sku_id') or sku.get('code')
                    or '',
                    'title': sku.get('product_name') or '',
                    'quantity': quantity,
                    'unit_price': (amount / quantity).quantize(
                        Decimal('0.0001')),
                    'amount': amount,
                    'refund_status': REFUND.get(int(
                            after_sale.get('refund_status') or 0), 'none'),
                    })
        address = order.get('post_addr') or {}
        status = STATUS.get(int(order['order_status']), 'paid')
        if status != 'unpaid':
            status = order_status([li['refund_status'] for li in lines],
                status)
        created = order['create_time']
        if not isinstance(created, int):
            raise ValueError('create_time %r is not a time' % created)
        return {
            'platform_order_id': self.payload_id(order),
            'platform_status': str(order['order_status']),
            'status': status,
            'modified': from_timestamp(order['update_time']),
            'buyer': order.get('doudian_open_id') or '',
            'receiver_name': order.get('post_receiver') or '',
            'receiver_phone': order.get('post_tel') or '',
            'receiver_province': (address.get('province') or {}).get(
                'name') or '',
            'receiver_city': (address.get('city') or {}).get('name') or '',
            'receiver_district': (address.get('town') or {}).get(
                'name') or '',
            'receiver_address': ''.join(filter(None, [
                        (address.get('street') or {}).get('name'),
                        address.get('detail')])),
            'buyer_message': order.get('buyer_words') or '',
            'seller_memo': order.get('seller_words') or '',
            'seller_flag': int(order.get('seller_remark_stars') or 0),
            'order_date': from_timestamp(created),
            'pay_date': from_timestamp(order.get('pay_time')),
            'total_amount': fen(order['order_amount']),
            'shipping_amount': fen(order.get('post_amount') or 0),
            'carrier_code': None,
            'lines': lines,
            'raw': order,
            }
