"""JD's own e-waybills (京东无界电子面单) through the JOS router: one
``jingdong.ldop.alpha.waybill.receive`` per parcel, its 大头笔 from
``jingdong.ldop.alpha.vendor.bigshot.query``, and
``jingdong.ldop.alpha.vendor.recycled`` to give a number back."""
import json
import time

from . import ServiceError, WaybillAnswer, WaybillService, md5_sign

ERRORS = {
    '1204': 'balance',
    '1206': 'address',
    }


def address(party):
    return {'provinceName': party.province, 'cityName': party.city,
        'countryName': party.district, 'address': party.address,
        'contact': party.name, 'mobile': party.phone}


class Jd(WaybillService):
    code = 'jd'
    name = "JD"
    errors = ERRORS

    def call(self, method, **params):
        params = {
            'method': method,
            'app_key': self.account.app_key or '',
            'access_token': self.account.session_key or '',
            'timestamp': time.strftime('%Y-%m-%d %H:%M:%S'),
            'v': '2.0',
            '360buy_param_json': json.dumps(params, ensure_ascii=False),
            }
        params['sign'] = md5_sign(self.account.app_secret or '', params)
        answer = self.post('/routerjson', params)
        if 'error_response' in answer:
            error = answer['error_response']
            raise ServiceError('refused', str(error.get('code')),
                error.get('zh_desc') or error.get('en_desc') or '')
        result = answer[method.replace('.', '_') + '_responce']['resultInfo']
        if result['statusCode'] != 0:
            code = str(result['statusCode'])
            raise self.error(code, result.get('statusMessage'))
        return result['data']

    def get(self, requests):
        return self.one_by_one(requests, self.ask)

    def ask(self, request):
        data = self.call('jingdong.ldop.alpha.waybill.receive',
            waybillType=1, waybillCount=1,
            providerCode=self.account.carrier_code,
            branchCode=self.account.customer_code,
            platformOrderNo=request.request_id,
            vendorOrderCode=request.order,
            fromAddress=address(request.sender),
            toAddress=address(request.receiver),
            weight=request.weight)
        number, = data['waybillCodeList']
        routing = self.call('jingdong.ldop.alpha.vendor.bigshot.query',
            waybillCode=number, providerCode=self.account.carrier_code)
        return WaybillAnswer(request.request_id, number=number,
            sort_code=routing['bigShotName'],
            hub=routing.get('gatherCenterName'),
            route_code=routing.get('secondSectionCode'))

    def cancel(self, number, request_id):
        self.call('jingdong.ldop.alpha.vendor.recycled',
            waybillCode=number, providerCode=self.account.carrier_code)
