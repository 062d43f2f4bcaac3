"Pinduoduo through POST /api/router"
from datetime import timedelta

from ..signing import md5_wrapped_sign
from .base import (
    Client, PlatformError, Retryable, SessionExpired, decimal, from_cst,
    order_status, timestamp, utcnow)

STATUS = {1: 'paid', 2: 'shipped', 3: 'finished'}
# order-level after-sale status: 1 none or closed, 2 in progress,
# 3 refunding, 4 refunded
REFUND = {1: 'none', 2: 'requested', 3: 'requested', 4: 'refunded'}
# after-sales status of one line
AFTER_SALES = {6: 'refused', 9: 'refused', 10: 'refunded', 16: 'none'}
# Pinduoduo logistics company ids of the seller's carriers
SESSION_CODES = {10019, 10035}
RETRY_CODES = {70031, 70032, 70033, 21001}


class PddClient(Client):
    platform = 'pdd'
    # order payloads carry the refund state of the order, not of its lines
    line_refunds = True
    # the incremental list allows half an hour per query
    window = timedelta(minutes=30)

    def request(self, method, **params):
        params.update({
                'type': method, 'client_id': self.app_key,
                'access_token': self.session_key,
                'timestamp': str(timestamp(utcnow())),
                'data_type': 'JSON',
                })
        params = {k: str(v) for k, v in params.items() if v is not None}
        params['sign'] = md5_wrapped_sign(params, self.app_secret)

        def send():
            data = self.http_json(self.post(self.endpoint + '/api/router',
                    data=params))
            if 'error_response' in data:
                error = data['error_response']
                code = int(error.get('error_code') or 0)
                message = error.get('error_msg', '')
                if error.get('sub_msg'):
                    message += ': ' + error['sub_msg']
                if code in SESSION_CODES:
                    raise SessionExpired(code, message)
                if code in RETRY_CODES:
                    raise Retryable(code, message)
                raise PlatformError(code, message, error.get('sub_code'))
            return data
        return self.call(send)

    def _orders_changed(self, start, end):
        page = 1
        while True:
            data = self.request('pdd.order.number.list.increment.get',
                is_lucky_flag=0, order_status=5, refund_status=5,
                start_updated_at=timestamp(start),
                end_updated_at=timestamp(end), page=page,
                page_size=self.page_size, use_has_next='true',
                )['order_sn_increment_get_response']
            yield from data.get('order_sn_list') or []
            if not data.get('has_next'):
                break
            page += 1

    def _order(self, platform_order_id):
        return self.request('pdd.order.information.get',
            order_sn=platform_order_id)['order_info_get_response'][
            'order_info']

    def refunds(self, start, end):
        for window_start, window_end in self.windows(start, end):
            page = 1
            while True:
                data = self.request('pdd.refund.list.increment.get',
                    after_sales_status=1, after_sales_type=1,
                    start_updated_at=timestamp(window_start),
                    end_updated_at=timestamp(window_end), page=page,
                    page_size=self.page_size,
                    )['refund_increment_get_response']
                for row in data.get('refund_list') or []:
                    yield (str(row['order_sn']), str(row['sku_id']),
                        AFTER_SALES.get(int(row['after_sales_status']),
                            'requested'))
                if page * self.page_size >= int(data.get('total_count')
                        or 0):
                    break
                page += 1

    def listings(self):
        page = 1
        while True:
            data = self.request('pdd.goods.list.get', page=page,
                page_size=self.page_size)['goods_list_get_response']
            for goods in data.get('goods_list') or []:
                for sku in goods.get('sku_list') or []:
                    yield {
                        'platform_item_id': str(goods['goods_id']),
                        'platform_sku_id': str(sku['sku_id']),
                        'outer_code': sku.get('outer_id') or '',
                        'title': goods.get('goods_name') or '',
                        'quantity': int(sku.get('sku_quantity') or 0),
                        }
            if page * self.page_size >= int(data.get('total_count') or 0):
                break
            page += 1

    def confirm_shipment(self, platform_order_id, carrier_code,
            tracking_number, lines=None):
        data = self.request('pdd.logistics.online.send',
            order_sn=platform_order_id,
            logistics_id=carrier_code,
            tracking_number=tracking_number)
        return data['logistics_online_send_response']['is_success']

    def push_stock(self, listing, quantity):
        data = self.request('pdd.goods.quantity.update',
            goods_id=listing['platform_item_id'],
            sku_id=listing['platform_sku_id'], quantity=quantity,
            update_type=1)
        return data['goods_quantity_update_response']['is_success']

    def payload_id(self, payload):
        return str(payload.get('order_sn') or '')

    def normalize(self, order):
        refund = REFUND.get(int(order.get('refund_status') or 1), 'none')
        lines = [{
                'platform_line_id': str(item['sku_id']),
                'platform_item_id': str(item['goods_id']),
                'platform_sku_id': str(item['sku_id']),
                'outer_code': item.get('outer_id')
                or item.get('outer_goods_id') or '',
                'title': item.get('goods_name') or '',
                'quantity': int(item['goods_count']),
                'unit_price': decimal(item['goods_price'], '0.0001'),
                'amount': decimal(item['goods_price'])
                * int(item['goods_count']),
                'refund_status': refund,
                } for item in order.get('item_list') or []]
        address = order.get('address') or ''
        prefix = ''.join(order.get(k) or '' for k in (
                'province', 'city', 'town'))
        if prefix and address.startswith(prefix):
            address = address[len(prefix):]
        status = order_status([li['refund_status'] for li in lines],
            STATUS.get(int(order['order_status']), 'paid'))
        return {
            'platform_order_id': self.payload_id(order),
            'platform_status': '%s/%s' % (order['order_status'],
                order.get('refund_status')),
            'status': status,
            'modified': from_cst(order['updated_at']),
            'buyer': '',
            'receiver_name': order.get('receiver_name') or '',
            'receiver_phone': order.get('receiver_phone') or '',
            'receiver_province': order.get('province') or '',
            'receiver_city': order.get('city') or '',
            'receiver_district': order.get('town') or '',
            'receiver_address': address,
            'buyer_message': order.get('buyer_memo') or '',
            'seller_memo': order.get('remark') or '',
            'seller_flag': int(order.get('remark_tag') or 0),
            'order_date': from_cst(order['created_time']),
            'pay_date': from_cst(order.get('pay_time')
                or order.get('confirm_time')),
            'total_amount': decimal(order['pay_amount']),
            'shipping_amount': decimal(order.get('postage')),
            'carrier_code': None,
            'lines': lines,
            'raw': order,
            }
