"""Cainiao (菜鸟) e-waybills for Taobao and Tmall shops, through the TOP
router: ``cainiao.waybill.ii.get`` takes a batch of parcels and answers a
number with its print data (routing: 大头笔, 集包地, 三段码) for each;
``cainiao.waybill.ii.cancel`` gives a number back (refused once the
courier has collected it)."""
import json
import time

from . import WaybillAnswer, WaybillService, md5_sign, place

ERRORS = {
    'isv.BALANCE_NOT_ENOUGH': 'balance',
    'isv.ADDRESS_NOT_SERVICEABLE': 'address',
    'isv.WAYBILL_ALREADY_COLLECTED': 'collected',
    }


class Cainiao(WaybillService):
    code = 'cainiao'
    name = "Cainiao"
    errors = ERRORS

    def call(self, method, **params):
        params = {
            'method': method,
            'app_key': self.account.app_key or '',
            'session': self.account.session_key or '',
            'timestamp': time.strftime('%Y-%m-%d %H:%M:%S'),
            'format': 'json', 'v': '2.0', 'sign_method': 'md5',
            **{k: json.dumps(v, ensure_ascii=False) for k, v in
                params.items()},
            }
        params['sign'] = md5_sign(self.account.app_secret or '', params)
        answer = self.post('/router/rest', params)
        if 'error_response' in answer:
            error = answer['error_response']
            code = error.get('sub_code') or str(error.get('code'))
            raise self.error(code,
                error.get('sub_msg') or error.get('msg'))
        return answer[method.replace('.', '_') + '_response']

    def get(self, requests):
        sender = requests[0].sender
        answer = self.call('cainiao.waybill.ii.get',
            param_waybill_cloud_print_apply_new_request={
                'cp_code': self.account.carrier_code,
                'sender': {'name': sender.name, 'mobile': sender.phone,
                    'address': place(sender)},
                'trade_order_info_dtos': [{
                        'object_id': r.request_id,
                        'order_info': {'order_channels_type': 'TB',
                            'trade_order_list': [r.order]},
                        'package_info': {'id': r.request_id,
                            'items': [{'name': n, 'count': q}
                                for n, q in r.items]},
                        'recipient': {'name': r.receiver.name,
                            'mobile': r.receiver.phone,
                            'address': place(r.receiver)},
                        'user_id': self.account.customer_code,
                        } for r in requests],
                })
        answers = []
        for module in answer['modules']['waybill_cloud_print_response']:
            if module.get('error_code'):
                code = module['error_code']
                answers.append(WaybillAnswer(module['object_id'],
                        error=self.error(code, module.get('error_msg'))))
                continue
            routing = json.loads(module['print_data'])['data'][
                'routingInfo']
            answers.append(WaybillAnswer(module['object_id'],
                    number=module['waybill_code'],
                    sort_code=routing['sortation']['name'],
                    hub=routing['consolidation']['name'],
                    route_code=routing.get('routeCode')))
        return answers

    def cancel(self, number, request_id):
        self.call('cainiao.waybill.ii.cancel',
            cp_code=self.account.carrier_code, waybill_code=number)
