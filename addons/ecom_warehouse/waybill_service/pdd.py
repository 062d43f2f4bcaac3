"""Pinduoduo's own e-waybills (拼多多电子面单): ``pdd.waybill.get`` for a
batch, ``pdd.waybill.cancel`` to give a number back."""
import json
import time

from . import WaybillAnswer, WaybillService, md5_sign, place

ERRORS = {
    '50003': 'balance',     # 单号余额不足
    '50005': 'address',     # 地址不在服务范围
    }


class Pdd(WaybillService):
    code = 'pdd'
    name = "Pinduoduo"
    errors = ERRORS

    def call(self, type_, **params):
        params = {
            'type': type_,
            'client_id': self.account.app_key or '',
            'access_token': self.account.session_key or '',
            'timestamp': str(int(time.time())),
            'data_type': 'JSON',
            **{k: json.dumps(v, ensure_ascii=False) for k, v in
                params.items()},
            }
        params['sign'] = md5_sign(self.account.app_secret or '', params)
        answer = self.post('/api/router', params)
        if 'error_response' in answer:
            error = answer['error_response']
            code = str(error.get('error_code'))
            raise self.error(code,
                error.get('sub_msg') or error.get('error_msg'))
        return answer[type_.replace('.', '_') + '_response']

    def get(self, requests):
        sender = requests[0].sender
        answer = self.call('pdd.waybill.get',
            param_waybill_apply_new_request={
                'wp_code': self.account.carrier_code,
                'sender': {'name': sender.name, 'mobile': sender.phone,
                    'address': place(sender)},
                'trade_order_info_dto_list': [{
                        'object_id': r.request_id,
                        'order_info': {'trade_order_list': [r.order]},
                        'package_info': {'id': r.request_id,
                            'items': [{'name': n, 'count': q}
                                for n, q in r.items]},
                        'recipient': {'name': r.receiver.name,
                            'mobile': r.receiver.phone,
                            'address': place(r.receiver)},
                        } for r in requests],
                })
        answers = []
        for module in answer['modules']:
            if module.get('error_code'):
                code = str(module['error_code'])
                answers.append(WaybillAnswer(module['object_id'],
                        error=self.error(code, module.get('error_msg'))))
                continue
            routing = json.loads(module['print_data'])['routingInfo']
            answers.append(WaybillAnswer(module['object_id'],
                    number=module['waybill_code'],
                    sort_code=routing['bigShotName'],
                    hub=routing.get('endBranchName'),
                    route_code=routing.get('threeSegmentCode')))
        return answers

    def cancel(self, number, request_id):
        self.call('pdd.waybill.cancel', param_waybill_cancel_request={
                'wp_code': self.account.carrier_code,
                'waybill_code': number})
