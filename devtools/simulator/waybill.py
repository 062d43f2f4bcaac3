"""E-waybill services (电子面单) on the simulator, each in its own wire
shape: Cainiao (TOP router), Pinduoduo, JD (JOS), Douyin and SF's own API,
under ``/waybill/<service>/``.

A service hands out numbers while its account's balance lasts, refuses
the receivers of provinces it does not serve, and answers the same
request id with the same number (ask again after a timeout).  Faults are
set through ``POST /_sim/waybill``: ``{"service": "cainiao", "balance": 0,
"unserved": ["西藏"], "faults": ["timeout"], "seconds": 2}``; a
``timeout`` fault takes the numbers, then answers too late."""
import hashlib
import json
import threading
import time
from urllib.parse import parse_qsl

from .wire import Response, request_id

PREFIXES = {'ZTO': '7731', 'YTO': 'YT', 'SF': 'SF', 'EMS': '11',
    'JD': 'JDV', 'STO': '7730', 'YUNDA': '4312'}


class Service:
    "One service's numbers, balance and faults"

    def __init__(self, code):
        self.code = code
        self.balance = 1000
        self.unserved = set()
        self.faults = []
        self.seconds = 2
        self.requests = {}      # request id -> number
        self.numbers = {}       # number -> state (issued, cancelled, ...)
        self.addresses = {}     # number -> receiver's address (JD)
        self.counter = 100000
        self.calls = 0

    def summary(self):
        return {'balance': self.balance, 'unserved': sorted(self.unserved),
            'faults': self.faults, 'numbers': self.numbers,
            'requests': self.requests, 'calls': self.calls}

    def take(self, request_id, carrier, province):
        """The number of the request: (number, None) or (None, error kind
        'balance' or 'address')"""
        if request_id in self.requests:
            return self.requests[request_id], None
        if any(province.startswith(p) for p in self.unserved):
            return None, 'address'
        if self.balance <= 0:
            return None, 'balance'
        self.balance -= 1
        self.counter += 1
        number = '%s%011d' % (PREFIXES.get(carrier, carrier[:2]),
            self.counter)
        self.requests[request_id] = number
        self.numbers[number] = 'issued'
        return number, None

    def cancel(self, number):
        "None when cancelled, else why not ('unknown' or 'collected')"
        state = self.numbers.get(number)
        if state is None:
            return 'unknown'
        if state == 'collected':
            return 'collected'
        self.numbers[number] = 'cancelled'
        return None


def routing(address):
    "大头笔, 集包地 and 三段码 of a receiver's address"
    province = address.get('province') or ''
    city = (address.get('city') or '').rstrip('市')
    district = (address.get('district') or '').rstrip('区县')
    digest = int(hashlib.md5((province + city + district).encode(
                'utf-8')).hexdigest(), 16)
    return {
        'sort': '-'.join(filter(None, [province[:1], city, district])),
        'hub': (city or province) + '转运中心',
        'route': '%03d-%02d-%02d' % (digest % 1000, digest // 1000 % 100,
            digest // 100000 % 100),
        }


class WaybillApi:

    def __init__(self):
        self.lock = threading.Lock()
        self.services = {}

    def service(self, code):
        if code not in self.services:
            self.services[code] = Service(code)
        return self.services[code]

    def admin(self, body):
        with self.lock:
            if 'service' not in body:
                return Response(200, {code: s.summary()
                        for code, s in self.services.items()})
            service = self.service(body['service'])
            if 'balance' in body:
                service.balance = int(body['balance'])
            if 'unserved' in body:
                service.unserved = set(body['unserved'])
            if 'faults' in body:
                service.faults = list(body['faults'])
            if 'seconds' in body:
                service.seconds = float(body['seconds'])
            for number in body.get('collected', []):
                service.numbers[number] = 'collected'
            return Response(200, service.summary())

    def handle(self, sim, req):
        parts = req.path[len('/waybill/'):].split('/', 1)
        code = parts[0]
        handler = getattr(self, 'serve_' + code, None)
        if handler is None:
            return Response(404, {'error': 'unknown waybill service'})
        with self.lock:
            service = self.service(code)
            service.calls += 1
            fault = service.faults.pop(0) if service.faults else None
            response = handler(service, req)
        if fault == 'timeout':
            # the numbers are taken; the answer comes too late
            time.sleep(service.seconds)
        return response

    # Cainiao: TOP router, cainiao.waybill.ii.get / .cancel
    def serve_cainiao(self, service, req):
        params = dict(parse_qsl(req.body.decode('utf-8')))
        method = params.get('method')

        def error(sub_code, sub_msg):
            return Response(200, {'error_response': {'code': 15,
                        'msg': 'Remote service error', 'sub_code': sub_code,
                        'sub_msg': sub_msg, 'request_id': request_id()}})
        if method == 'cainiao.waybill.ii.get':
            apply = json.loads(
                params['param_waybill_cloud_print_apply_new_request'])
            modules = []
            for dto in apply['trade_order_info_dtos']:
                address = dto['recipient']['address']
                number, failed = service.take(dto['object_id'],
                    apply['cp_code'], address['province'])
                if failed == 'balance':
                    return error('isv.BALANCE_NOT_ENOUGH', '电子面单余额不足')
                if failed == 'address':
                    modules.append({'object_id': dto['object_id'],
                            'error_code': 'isv.ADDRESS_NOT_SERVICEABLE',
                            'error_msg': '收件地址超出网点服务范围'})
                    continue
                route = routing(address)
                modules.append({'object_id': dto['object_id'],
                        'waybill_code': number,
                        'print_data': json.dumps({'data': {
                                    'waybillCode': number,
                                    'routingInfo': {
                                        'sortation': {'name': route['sort']},
                                        'consolidation': {
                                            'name': route['hub'],
                                            'code': route['route'][:3]},
                                        'routeCode': route['route'],
                                        }}, 'signature': 'SIM',
                                'templateURL': 'standard'},
                            ensure_ascii=False)})
            return Response(200, {'cainiao_waybill_ii_get_response': {
                        'modules': {'waybill_cloud_print_response': modules},
                        'request_id': request_id()}})
        if method == 'cainiao.waybill.ii.cancel':
            failed = service.cancel(json.loads(params['waybill_code']))
            if failed == 'collected':
                return error('isv.WAYBILL_ALREADY_COLLECTED',
                    '快递员已揽收，不能取消')
            return Response(200, {'cainiao_waybill_ii_cancel_response': {
                        'cancel_result': failed is None}})
        return error('isv.invalid-method', method or '')

    # Pinduoduo: /api/router, pdd.waybill.get / .cancel
    def serve_pdd(self, service, req):
        params = dict(parse_qsl(req.body.decode('utf-8')))
        type_ = params.get('type')

        def error(code, msg):
            return Response(200, {'error_response': {'error_code': code,
                        'error_msg': msg, 'sub_msg': msg,
                        'request_id': request_id()}})
        if type_ == 'pdd.waybill.get':
            apply = json.loads(params['param_waybill_apply_new_request'])
            modules = []
            for dto in apply['trade_order_info_dto_list']:
                address = dto['recipient']['address']
                number, failed = service.take(dto['object_id'],
                    apply['wp_code'], address['province'])
                if failed == 'balance':
                    return error(50003, '电子面单余额不足')
                if failed == 'address':
                    modules.append({'object_id': dto['object_id'],
                            'error_code': 50005,
                            'error_msg': '地址不在服务范围'})
                    continue
                route = routing(address)
                modules.append({'object_id': dto['object_id'],
                        'waybill_code': number,
                        'print_data': json.dumps({'routingInfo': {
                                    'bigShotName': route['sort'],
                                    'endBranchName': route['hub'],
                                    'threeSegmentCode': route['route']}},
                            ensure_ascii=False)})
            return Response(200, {'pdd_waybill_get_response': {
                        'modules': modules}})
        if type_ == 'pdd.waybill.cancel':
            cancel = json.loads(params['param_waybill_cancel_request'])
            failed = service.cancel(cancel['waybill_code'])
            return Response(200, {'pdd_waybill_cancel_response': {
                        'cancel_result': failed is None}})
        return error(10000, 'unknown type')

    # JD: JOS router, one parcel per receive
    def serve_jd(self, service, req):
        params = dict(parse_qsl(req.body.decode('utf-8')))
        method = params.get('method', '')
        data = json.loads(params.get('360buy_param_json') or '{}')
        key = method.replace('.', '_') + '_responce'

        def result(status, message='', data=None):
            return Response(200, {key: {'resultInfo': {
                            'statusCode': status, 'statusMessage': message,
                            'data': data}}})
        if method == 'jingdong.ldop.alpha.waybill.receive':
            to = data['toAddress']
            number, failed = service.take(data['platformOrderNo'],
                data['providerCode'], to['provinceName'])
            if failed == 'balance':
                return result(1204, '商家余额不足')
            if failed == 'address':
                return result(1206, '超区')
            service.addresses[number] = {'province': to['provinceName'],
                'city': to['cityName'], 'district': to['countryName']}
            return result(0, '成功', {
                    'platformOrderNo': data['platformOrderNo'],
                    'waybillCodeList': [number]})
        if method == 'jingdong.ldop.alpha.vendor.bigshot.query':
            route = routing(service.addresses.get(data['waybillCode'], {}))
            return result(0, '成功', {'bigShotName': route['sort'],
                    'gatherCenterName': route['hub'],
                    'secondSectionCode': route['route']})
        if method == 'jingdong.ldop.alpha.vendor.recycled':
            failed = service.cancel(data['waybillCode'])
            return result(0 if failed is None else 1300, failed or '成功')
        return Response(200, {'error_response': {'code': '19',
                    'zh_desc': '无效方法', 'en_desc': 'invalid method'}})

    # Douyin: /logistics/newCreateOrder, /logistics/cancelOrder
    def serve_douyin(self, service, req):
        body = req.json()
        method = req.query.get('method')
        if method == 'logistics.newCreateOrder':
            infos, errors = [], []
            for info in body['order_infos']:
                address = info['receiver_info']['address']
                number, failed = service.take(info['order_id'],
                    body['logistics_code'], address['province_name'])
                if failed:
                    errors.append({'order_id': info['order_id'],
                            'err_code': 60501 if failed == 'balance'
                            else 60502,
                            'err_msg': ('电子面单余额不足'
                                if failed == 'balance' else '地址不可达')})
                    continue
                route = routing({'province': address['province_name'],
                        'city': address['city_name'],
                        'district': address['district_name']})
                infos.append({'order_id': info['order_id'],
                        'track_no': number, 'sort_code': route['sort'],
                        'package_center_code': route['route'][:3],
                        'package_center_name': route['hub'],
                        'short_address_code': route['route']})
            return Response(200, {'code': 10000, 'msg': 'success',
                    'data': {'ebill_infos': infos, 'err_infos': errors},
                    'log_id': request_id()})
        if method == 'logistics.cancelOrder':
            failed = service.cancel(body['track_no'])
            return Response(200, {'code': 10000, 'msg': 'success',
                    'data': {'success': failed is None}})
        return Response(200, {'code': 40004, 'msg': 'unknown method'})

    # SF: /std/service, EXP_RECE_CREATE_ORDER / EXP_RECE_UPDATE_ORDER
    def serve_sf(self, service, req):
        params = dict(parse_qsl(req.body.decode('utf-8')))
        code = params.get('serviceCode')
        msg = json.loads(params.get('msgData') or '{}')

        def answer(success, error_code='S0000', error_msg=None, data=None):
            return Response(200, {'apiResultCode': 'A1000',
                    'apiErrorMsg': '', 'apiResponseID': request_id(),
                    'apiResultData': json.dumps({'success': success,
                            'errorCode': error_code, 'errorMsg': error_msg,
                            'msgData': data}, ensure_ascii=False)})
        if code == 'EXP_RECE_CREATE_ORDER':
            to = next(c for c in msg['contactInfoList']
                if c['contactType'] == 2)
            number, failed = service.take(msg['orderId'], 'SF',
                to['province'])
            if failed == 'balance':
                return answer(False, '8114', '月结卡号余额不足')
            if failed == 'address':
                return answer(False, '8019', '收件地址超范围')
            route = routing({'province': to['province'], 'city': to['city'],
                    'district': to['county']})
            return answer(True, data={'orderId': msg['orderId'],
                    'waybillNoInfoList': [{'waybillType': 1,
                            'waybillNo': number}],
                    'routeLabelInfo': [{'code': '1000', 'routeLabelData': {
                                'destRouteLabel': route['sort'],
                                'destTransitAreaCode': route['hub'],
                                'codingMapping': route['route']}}]})
        if code == 'EXP_RECE_UPDATE_ORDER':
            number = service.requests.get(msg['orderId'])
            failed = service.cancel(number) if number else 'unknown'
            if failed == 'collected':
                return answer(False, '8037', '已揽收，不可取消')
            return answer(failed is None, '' if failed is None else '8018',
                failed)
        return Response(200, {'apiResultCode': 'A1004',
                'apiErrorMsg': 'unknown service code'})
