"Taobao and Tmall through the TOP router"
from datetime import timedelta

from ..signing import top_sign
from .base import (
    Client, PlatformError, Retryable, SessionExpired, cst_text, decimal,
    from_cst, order_status, utcnow)

STATUS = {
    'TRADE_NO_CREATE_PAY': 'unpaid',
    'WAIT_BUYER_PAY': 'unpaid',
    'PAY_PENDING': 'unpaid',
    'WAIT_SELLER_SEND_GOODS': 'paid',
    'SELLER_CONSIGNED_PART': 'paid',
    'WAIT_BUYER_CONFIRM_GOODS': 'shipped',
    'TRADE_BUYER_SIGNED': 'shipped',
    'TRADE_FINISHED': 'finished',
    'TRADE_CLOSED': 'cancelled',
    'TRADE_CLOSED_BY_TAOBAO': 'cancelled',
    }
REFUND = {
    'NO_REFUND': 'none',
    'CLOSED': 'none',
    'WAIT_SELLER_AGREE': 'requested',
    'WAIT_BUYER_RETURN_GOODS': 'requested',
    'WAIT_SELLER_CONFIRM_GOODS': 'requested',
    'SELLER_REFUSE_BUYER': 'refused',
    'SUCCESS': 'refunded',
    }
# the seller's carrier party codes as Taobao logistics company codes
SESSION_CODES = {26, 27, 53}
RETRY_CODES = {7, 8, 520}
TRADE_FIELDS = ('tid,status,created,pay_time,modified,payment,post_fee,'
    'total_fee,discount_fee,seller_memo,seller_flag,buyer_message,buyer_nick,'
    'receiver_name,receiver_mobile,receiver_phone,receiver_state,'
    'receiver_city,receiver_district,receiver_town,receiver_address,'
    'receiver_zip,orders')


class TaobaoClient(Client):
    platform = 'taobao'
    partial_shipment = True
    window = timedelta(days=1)
    sign_method = 'hmac-sha256'

    def __init__(self, *args, sign_method=None, **kwargs):
        super().__init__(*args, **kwargs)
        # as the seller's application is set up on the open platform
        self.sign_method = sign_method or self.sign_method

    def request(self, method, **params):
        params.update({
                'method': method, 'app_key': self.app_key,
                'session': self.session_key,
                'timestamp': cst_text(utcnow()),
                'v': '2.0', 'format': 'json', 'simplify': 'false',
                'sign_method': self.sign_method,
                })
        params = {k: str(v) for k, v in params.items() if v is not None}
        params['sign'] = top_sign(params, self.app_secret, self.sign_method)

        def send():
            data = self.http_json(self.post(self.endpoint + '/router/rest',
                    data=params))
            if 'error_response' in data:
                error = data['error_response']
                code = int(error.get('code', 0))
                message = error.get('sub_msg') or error.get('msg', '')
                sub_code = error.get('sub_code')
                if code in SESSION_CODES:
                    raise SessionExpired(code, message, sub_code)
                if code in RETRY_CODES:
                    raise Retryable(code, message, sub_code)
                raise PlatformError(code, message, sub_code)
            return data
        return self.call(send)

    def _pages(self, method, key, list_path, **params):
        page = 1
        while True:
            data = self.request(method, page_no=page,
                page_size=self.page_size, use_has_next='true', **params)
            body = data[key]
            container = body
            for step in list_path:
                container = (container or {}).get(step) or {}
            yield from container or []
            if 'has_next' in body:
                if not body['has_next']:
                    break
            elif page * self.page_size >= int(body.get('total_results')
                    or 0):
                break
            page += 1

    def _orders_changed(self, start, end):
        return self._pages('taobao.trades.sold.increment.get',
            'trades_sold_increment_get_response', ('trades', 'trade'),
            fields=TRADE_FIELDS, start_modified=cst_text(start),
            end_modified=cst_text(end))

    def _order(self, platform_order_id):
        return self.request('taobao.trade.fullinfo.get',
            fields=TRADE_FIELDS, tid=platform_order_id,
            )['trade_fullinfo_get_response']['trade']

    def refunds(self, start, end):
        for window_start, window_end in self.windows(start, end):
            for refund in self._pages('taobao.refunds.receive.get',
                    'refunds_receive_get_response', ('refunds', 'refund'),
                    fields='refund_id,tid,oid,status,refund_fee,modified',
                    start_modified=cst_text(window_start),
                    end_modified=cst_text(window_end)):
                yield (str(refund['tid']), str(refund['oid']),
                    REFUND.get(refund['status'], 'requested'))

    def listings(self):
        for item in self._pages('taobao.items.onsale.get',
                'items_onsale_get_response', ('items', 'item'),
                fields='num_iid,title,outer_id,num,skus'):
            skus = (item.get('skus') or {}).get('sku') or []
            for sku in skus or [None]:
                yield {
                    'platform_item_id': str(item['num_iid']),
                    'platform_sku_id': str(sku['sku_id']) if sku else '',
                    'outer_code': (sku or item).get('outer_id') or '',
                    'title': item['title'],
                    'quantity': int((sku or {}).get('quantity')
                        or item.get('num') or 0),
                    }

    def confirm_shipment(self, platform_order_id, carrier_code,
            tracking_number, lines=None):
        params = {'tid': platform_order_id, 'out_sid': tracking_number,
            'company_code': carrier_code}
        if lines:
            params.update(sub_tid=','.join(lines), is_split=1)
        data = self.request('taobao.logistics.offline.send', **params)
        return data['logistics_offline_send_response']['shipping'][
            'is_success']

    def push_stock(self, listing, quantity):
        if listing['platform_sku_id']:
            self.request('taobao.skus.quantity.update',
                num_iid=listing['platform_item_id'], type=1,
                skuid_quantities='%s:%d' % (
                    listing['platform_sku_id'], quantity))
        else:
            self.request('taobao.item.quantity.update',
                num_iid=listing['platform_item_id'], quantity=quantity,
                type=1)
        return True

    def payload_id(self, payload):
        return str(payload.get('tid_str') or payload.get('tid') or '')

    def normalize(self, trade):
        lines = []
        for order in (trade.get('orders') or {}).get('order') or []:
            lines.append({
                    'platform_line_id': str(order['oid']),
                    'platform_item_id': str(order['num_iid']),
                    'platform_sku_id': str(order.get('sku_id') or ''),
                    'outer_code': order.get('outer_sku_id')
                    or order.get('outer_iid') or '',
                    'title': order.get('title') or '',
                    'quantity': int(order['num']),
                    'unit_price': decimal(order['price'], '0.0001'),
                    'amount': decimal(order.get('divide_order_fee')
                        or order.get('payment')),
                    'refund_status': REFUND.get(
                        order.get('refund_status'), 'none'),
                    })
        status = order_status([li['refund_status'] for li in lines],
            STATUS.get(trade['status'], 'paid'))
        return {
            'platform_order_id': self.payload_id(trade),
            'platform_status': trade['status'],
            'status': status,
            'modified': from_cst(trade['modified']),
            'buyer': trade.get('buyer_nick') or '',
            'receiver_name': trade.get('receiver_name') or '',
            'receiver_phone': trade.get('receiver_mobile')
            or trade.get('receiver_phone') or '',
            'receiver_province': trade.get('receiver_state') or '',
            'receiver_city': trade.get('receiver_city') or '',
            'receiver_district': trade.get('receiver_district') or '',
            'receiver_address': ''.join(filter(None, [
                        trade.get('receiver_town'),
                        trade.get('receiver_address')])),
            'buyer_message': trade.get('buyer_message') or '',
            'seller_memo': trade.get('seller_memo') or '',
            'seller_flag': int(trade.get('seller_flag') or 0),
            'order_date': from_cst(trade['created']),
            'pay_date': from_cst(trade.get('pay_time')),
            'total_amount': decimal(trade['payment']),
            'shipping_amount': decimal(trade.get('post_fee')),
            'carrier_code': None,
            'lines': lines,
            'raw': trade,
            }
