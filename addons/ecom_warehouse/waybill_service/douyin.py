"""Douyin's own e-waybills (抖音电子面单): ``logistics.newCreateOrder``
answers the numbers of a batch (and the errors of the parcels it refused
beside them), ``logistics.cancelOrder`` gives one back."""
import hashlib
import hmac
import json
import time

from . import WaybillAnswer, WaybillService

ERRORS = {
    '60501': 'balance',
    '60502': 'address',
    }


def address(party):
    return {'province_name': party.province, 'city_name': party.city,
        'district_name': party.district, 'detail_address': party.address}


class Douyin(WaybillService):
    code = 'douyin'
    name = "Douyin"
    errors = ERRORS

    def call(self, method, **params):
        param_json = json.dumps(params, ensure_ascii=False, sort_keys=True,
            separators=(',', ':'))
        query = {
            'method': method,
            'app_key': self.account.app_key or '',
            'access_token': self.account.session_key or '',
            'timestamp': str(int(time.time())),
            'v': '2', 'sign_method': 'hmac-sha256',
            }
        secret = (self.account.app_secret or '').encode('utf-8')
        text = ''.join('%s%s' % (k, query[k]) for k in sorted(query)
            if k not in {'access_token', 'sign_method'}) + param_json
        query['sign'] = hmac.new(secret, text.encode('utf-8'),
            hashlib.sha256).hexdigest()
        answer = self.post('/' + method.replace('.', '/'), query,
            body=params)
        if answer.get('code') != 10000:
            code = str(answer.get('sub_code') or answer.get('code'))
            raise self.error(code,
                answer.get('sub_msg') or answer.get('msg'))
        return answer['data']

    def get(self, requests):
        sender = requests[0].sender
        data = self.call('logistics.newCreateOrder',
            logistics_code=self.account.carrier_code,
            sender_info={'contact': {'name': sender.name,
                    'mobile': sender.phone}, 'address': address(sender)},
            order_infos=[{
                    'order_id': r.request_id,
                    'pack_id': r.order,
                    'receiver_info': {'contact': {'name': r.receiver.name,
                            'mobile': r.receiver.phone},
                        'address': address(r.receiver)},
                    'items': [{'item_name': n, 'item_count': q}
                        for n, q in r.items],
                    } for r in requests])
        answers = [WaybillAnswer(info['order_id'], number=info['track_no'],
                sort_code=info['sort_code'],
                hub=info.get('package_center_name'),
                route_code=info.get('short_address_code'))
            for info in data.get('ebill_infos') or []]
        for info in data.get('err_infos') or []:
            code = str(info['err_code'])
            answers.append(WaybillAnswer(info['order_id'],
                    error=self.error(code, info.get('err_msg'))))
        return answers

    def cancel(self, number, request_id):
        self.call('logistics.cancelOrder',
            logistics_code=self.account.carrier_code, track_no=number)
