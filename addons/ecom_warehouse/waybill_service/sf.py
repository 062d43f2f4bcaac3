"""SF Express's own API (顺丰丰桥): ``EXP_RECE_CREATE_ORDER`` per parcel
(the order id is the request id: the same id is answered with the same
number), ``EXP_RECE_UPDATE_ORDER`` with dealType 2 to cancel."""
import base64
import hashlib
import json
import time
import urllib.parse

from . import ServiceError, WaybillAnswer, WaybillService

ERRORS = {
    '8114': 'balance',      # 月结卡号余额不足
    '8019': 'address',      # 超范围
    '8037': 'collected',    # 已揽收, 不可取消
    }


def contact(kind, party):
    return {'contactType': kind, 'contact': party.name, 'tel': party.phone,
        'province': party.province, 'city': party.city,
        'county': party.district, 'address': party.address}


class Sf(WaybillService):
    code = 'sf'
    name = "SF Express API"
    errors = ERRORS

    def call(self, service, msg):
        msg_data = json.dumps(msg, ensure_ascii=False)
        timestamp = str(int(time.time() * 1000))
        digest = base64.b64encode(hashlib.md5(urllib.parse.quote_plus(
                    msg_data + timestamp + (self.account.app_secret or ''))
                .encode('utf-8')).digest()).decode('ascii')
        answer = self.post('/std/service', {
                'partnerID': self.account.app_key or '',
                'requestID': msg.get('orderId') or timestamp,
                'serviceCode': service, 'timestamp': timestamp,
                'msgDigest': digest, 'msgData': msg_data})
        if answer.get('apiResultCode') != 'A1000':
            raise ServiceError('refused', answer.get('apiResultCode'),
                answer.get('apiErrorMsg') or '')
        result = json.loads(answer['apiResultData'])
        if not result.get('success'):
            code = str(result.get('errorCode'))
            raise self.error(code, result.get('errorMsg'))
        return result['msgData']

    def get(self, requests):
        return self.one_by_one(requests, self.ask)

    def ask(self, request):
        data = self.call('EXP_RECE_CREATE_ORDER', {
                'orderId': request.request_id,
                'monthlyCard': self.account.customer_code,
                'language': 'zh-CN',
                'contactInfoList': [contact(1, request.sender),
                    contact(2, request.receiver)],
                'cargoDetails': [{'name': n, 'count': q}
                    for n, q in request.items],
                'totalWeight': request.weight,
                })
        route, = data['routeLabelInfo']
        label = route['routeLabelData']
        return WaybillAnswer(request.request_id,
            number=data['waybillNoInfoList'][0]['waybillNo'],
            sort_code=label['destRouteLabel'],
            hub=label.get('destTransitAreaCode'),
            route_code=label.get('codingMapping'))

    def cancel(self, number, request_id):
        self.call('EXP_RECE_UPDATE_ORDER', {'orderId': request_id,
                'dealType': 2, 'waybillNoInfoList': [
                    {'waybillType': 1, 'waybillNo': number}]})
