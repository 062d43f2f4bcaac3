"JD POP orders through /routerjson (responses spelled ``_responce``)"
from datetime import timedelta

from ..signing import md5_wrapped_sign
from .base import (
    Client, PlatformError, Retryable, SessionExpired, cst_text, decimal,
    dumps, from_cst, order_status, utcnow)

STATUS = {
    'WAIT_SELLER_STOCK_OUT': 'paid',
    'WAIT_SELLER_DELIVERY': 'paid',
    'LOCKED': 'paid',
    'POP_ORDER_PAUSE': 'paid',
    'SEND_TO_DISTRIBUTION_CENER': 'shipped',
    'DISTRIBUTION_CENTER_RECEIVED': 'shipped',
    'WAIT_GOODS_RECEIVE_CONFIRM': 'shipped',
    'RECEIPTS_CONFIRM': 'finished',
    'FINISHED_L': 'finished',
    'TRADE_CANCELED': 'cancelled',
    }
# refund application review status
REFUND = {0: 'requested', 1: 'refunded', 2: 'refused', 3: 'refunded',
    4: 'refused', 5: 'refunded', 6: 'refunded', 9: 'refunded'}
ALL_STATES = ','.join(STATUS)
# JD logistics company ids (logiCoprId) of the seller's carriers
SESSION_CODES = {'19', '18'}
RETRY_CODES = {'61', '62'}


class JdClient(Client):
    platform = 'jd'
    window = timedelta(days=1)
    # order payloads carry the refund state of the order, not of its lines
    line_refunds = True

    def request(self, method, **params):
        system = {
            'method': method, 'app_key': self.app_key,
            'access_token': self.session_key,
            'timestamp': cst_text(utcnow()), 'v': '2.0',
            '360buy_param_json': dumps(params),
            }
        system['sign'] = md5_wrapped_sign(system, self.app_secret)
        key = method.replace('.', '_') + '_responce'

        def send():
            data = self.http_json(self.post(self.endpoint + '/routerjson',
                    data=system))
            if 'error_response' in data:
                error = data['error_response']
                code = str(error.get('code'))
                message = error.get('zh_desc') or error.get('en_desc', '')
                if code in SESSION_CODES:
                    raise SessionExpired(code, message)
                if code in RETRY_CODES:
                    raise Retryable(code, message)
                raise PlatformError(code, message)
            return data[key]
        return self.call(send)

    @staticmethod
    def check(result):
        api = result.get('apiResult') or result
        if not api.get('success'):
            raise PlatformError(api.get('numberCode') or 'failed',
                api.get('chineseErrCode') or '')

    def _orders_changed(self, start, end):
        page = 1
        while True:
            data = self.request('jingdong.pop.order.search',
                start_date=cst_text(start), end_date=cst_text(end),
                order_state=ALL_STATES, dateType=0, page=page,
                page_size=self.page_size)
            result = data['searchorderinfo_result']
            self.check(result)
            orders = result.get('orderInfoList') or []
            yield from orders
            if page * self.page_size >= int(result.get('orderTotal') or 0):
                break
            page += 1

    def _order(self, platform_order_id):
        data = self.request('jingdong.pop.order.get',
            order_id=platform_order_id)['orderDetailInfo']
        self.check(data)
        return data['orderInfo']

    def refunds(self, start, end):
        for window_start, window_end in self.windows(start, end):
            page = 1
            while True:
                data = self.request(
                    'jingdong.pop.afs.soa.refundapply.queryPageList',
                    applyTimeStart=cst_text(window_start),
                    applyTimeEnd=cst_text(window_end), pageIndex=page,
                    pageSize=50)['queryResult']
                self.check(data)
                for row in data.get('result') or []:
                    yield (str(row['orderId']), str(row['skuId']),
                        REFUND.get(int(row['status']), 'requested'))
                if page * 50 >= int(data.get('totalCount') or 0):
                    break
                page += 1

    def listings(self):
        page = 1
        while True:
            data = self.request('jingdong.sku.read.searchSkuList',
                page=page, page_size=self.page_size)['page']
            for sku in data.get('data') or []:
                yield {
                    'platform_item_id': str(sku['wareId']),
                    'platform_sku_id': str(sku['skuId']),
                    'outer_code': sku.get('outerId') or '',
                    'title': sku.get('skuName') or '',
                    'quantity': int(sku.get('stockNum') or 0),
                    }
            if page * self.page_size >= int(data.get('totalItem') or 0):
                break
            page += 1

    def confirm_shipment(self, platform_order_id, carrier_code,
            tracking_number, lines=None):
        result = self.request('jingdong.pop.order.shipment',
            order_id=platform_order_id,
            logiCoprId=carrier_code,
            logiNo=tracking_number)['sopjosshipment_result']
        self.check(result)
        return True

    def push_stock(self, listing, quantity):
        data = self.request('jingdong.stock.write.updateSkuStock',
            skuId=listing['platform_sku_id'], stockNum=quantity)
        if not data.get('success'):
            raise PlatformError('failed', 'stock update refused')
        return True

    def payload_id(self, payload):
        return str(payload.get('orderId') or '')

    def normalize(self, order):
        state = order['orderState']
        refund = {'LOCKED': 'requested', 'TRADE_CANCELED': 'refunded'}.get(
            state, 'none')
        if state == 'TRADE_CANCELED' and not order.get('paymentConfirmTime'):
            refund = 'none'
        consignee = order.get('consigneeInfo') or {}
        lines = [{
                'platform_line_id': str(item['skuId']),
                'platform_item_id': str(item.get('wareId') or ''),
                'platform_sku_id': str(item['skuId']),
                'outer_code': item.get('outerSkuId')
                or item.get('productNo') or '',
                'title': item.get('skuName') or '',
                'quantity': int(item['itemTotal']),
                'unit_price': decimal(item['jdPrice'], '0.0001'),
                'amount': decimal(item['jdPrice']) * int(item['itemTotal']),
                'refund_status': refund,
                } for item in order.get('itemInfoList') or []]
        address = consignee.get('fullAddress') or ''
        prefix = ''.join(consignee.get(k) or ''
            for k in ('province', 'city', 'county', 'town'))
        if prefix and address.startswith(prefix):
            address = address[len(prefix):]
        status = STATUS.get(state, 'paid')
        if state != 'TRADE_CANCELED':
            status = order_status([li['refund_status'] for li in lines],
                status)
        return {
            'platform_order_id': self.payload_id(order),
            'platform_status': state,
            'status': status,
            'modified': from_cst(order['modified']),
            'buyer': order.get('pin') or '',
            'receiver_name': consignee.get('fullname') or '',
            'receiver_phone': consignee.get('mobile')
            or consignee.get('telephone') or '',
            'receiver_province': consignee.get('province') or '',
            'receiver_city': consignee.get('city') or '',
            'receiver_district': consignee.get('county') or '',
            'receiver_address': address,
            'buyer_message': order.get('orderRemark') or '',
            'seller_memo': order.get('venderRemark') or '',
            'seller_flag': 0,
            'order_date': from_cst(order['orderStartTime']),
            'pay_date': from_cst(order.get('paymentConfirmTime')),
            'total_amount': decimal(order['orderPayment']),
            'shipping_amount': decimal(order.get('freightPrice')),
            'carrier_code': None,
            'lines': lines,
            'raw': order,
            }
