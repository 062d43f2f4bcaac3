"Small helpers shared by the simulated platform APIs"
import json
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

CST = timezone(timedelta(hours=8))


class Response:

    def __init__(self, status=200, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def payload(self):
        if isinstance(self.body, (bytes, str)):
            data = self.body
        else:
            data = json.dumps(self.body, ensure_ascii=False, default=str)
            self.headers.setdefault('Content-Type',
                'application/json;charset=UTF-8')
        if isinstance(data, str):
            data = data.encode('utf-8')
        return data


class ApiError(Exception):
    "Stops a request and answers it with response"

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def cst(ts):
    "Unix seconds as 'yyyy-MM-dd HH:mm:ss' in China time (GMT+8)"
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, CST).strftime('%Y-%m-%d %H:%M:%S')


def parse_cst(text):
    return datetime.strptime(text, '%Y-%m-%d %H:%M:%S').replace(
        tzinfo=CST).timestamp()


def iso(ts):
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, CST).isoformat()


def parse_iso(text):
    return datetime.fromisoformat(text.replace('Z', '+00:00')).timestamp()


def money(value):
    return str(Decimal(value).quantize(Decimal('0.01')))


def fen(value):
    "Yuan as integer cents, the way Douyin counts money"
    return int(Decimal(value) * 100)


def page_of(items, page, size):
    "Items of the 1-based page and whether more follow"
    start = (page - 1) * size
    return items[start:start + size], start + size < len(items)


def request_id():
    return '%x' % int(time.time() * 1e6)


class PlatformApi:
    """One platform's API: authenticate the call, apply a pending fault,
    then run the method. Subclasses answer in their platform's shapes."""

    def handle(self, sim, req):
        try:
            shop_code, shop, method, params = self.authenticate(sim, req)
            fault = sim.apply_fault(shop_code, self, req)
            if fault is not None:
                return fault
            if not shop.get('session_valid', True):
                return self.session_expired()
            handler = self.methods().get(method)
            if handler is None:
                return self.unknown_method(method)
            with sim.state.lock:
                return handler(sim.state, shop_code, params)
        except ApiError as error:
            return error.response

    def methods(self):
        raise NotImplementedError

    def authenticate(self, sim, req):
        raise NotImplementedError

    def call_limit(self):
        raise NotImplementedError

    def session_expired(self):
        raise NotImplementedError

    def unknown_method(self, method):
        raise NotImplementedError
