"""E-waybill services (电子面单): one adapter file per service, one
interface for all.

An adapter is a subclass of :class:`WaybillService` in a module of this
package, named by its ``code``; :data:`SERVICES` finds them all, so a new
service is one new file.  An adapter speaks its service's wire format and
nothing else: it takes :class:`WaybillRequest` values and gives
:class:`WaybillAnswer` values, it never reads or writes the database
(except the number pool, whose "service" is the database itself).

Every request carries its own request id, kept on the waybill before the
service is called: asked again with the same id (after a timeout), a
service hands back the same number, so a number is never lost or taken
twice.
"""
import hashlib
import importlib
import json
import pkgutil
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

TIMEOUT = 10


class ServiceError(Exception):
    """The service refused the request (or the whole batch): code is the
    service's own error code, kind one of KINDS"""

    def __init__(self, kind, code, message):
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message


# what went wrong, whatever the service's own code
KINDS = ['balance', 'address', 'timeout', 'refused', 'collected']


@dataclass
class Party:
    name: str
    phone: str
    province: str
    city: str
    district: str
    address: str


@dataclass
class WaybillRequest:
    request_id: str
    order: str
    sender: Party
    receiver: Party
    items: list = field(default_factory=list)   # (name, quantity)
    weight: float = 0.0


@dataclass
class WaybillAnswer:
    request_id: str
    number: str = None
    sort_code: str = None       # 大头笔
    hub: str = None             # 集包地
    route_code: str = None      # 三段码
    error: ServiceError = None


class WaybillService:
    "One e-waybill service; subclasses speak its wire format"
    code = None
    name = None
    # the service hands out numbers from the database, not over the wire
    local = False
    # the service's error codes that say what went wrong; others: refused
    errors = {}

    def __init__(self, account):
        self.account = account

    def get(self, requests):
        "The answers to the requests, one each, in any order"
        raise NotImplementedError

    def cancel(self, number, request_id):
        """Give the number back to the service (回收); request_id is the
        one it was asked with"""
        raise NotImplementedError

    def recall(self, request):
        """The answer with the number the service handed out for the
        request, asked again with its request id (the first answer lost
        to a timeout, or never read); None when it handed out none"""
        try:
            answer, = self.get([request])
        except ServiceError as error:
            if error.kind == 'timeout':
                raise
            return None
        return answer if answer.number else None

    # helpers for the adapters
    def error(self, code, message=None):
        "The service's error code as the ServiceError of its kind"
        code = str(code)
        return ServiceError(self.errors.get(code, 'refused'), code,
            message or code)

    def one_by_one(self, requests, ask):
        """The answers of a service asked one parcel at a time: ask(request)
        gives the parcel's answer; a refused parcel is answered with its
        error and the next is asked, a timeout stops the batch"""
        answers = []
        for request in requests:
            try:
                answers.append(ask(request))
            except ServiceError as error:
                if error.kind == 'timeout':
                    raise
                answers.append(WaybillAnswer(request.request_id,
                        error=error))
        return answers

    @property
    def endpoint(self):
        return (self.account.endpoint or '').rstrip('/')

    def post(self, path, params=None, body=None, headers=None):
        """POST form params (or a JSON body) to the service, the JSON answer
        decoded; a timeout or a broken connection is a ServiceError
        'timeout' (the request may have been served: ask again with the
        same request id)"""
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode('utf-8')
            content_type = 'application/json;charset=UTF-8'
        else:
            data = urllib.parse.urlencode(params or {}).encode('utf-8')
            content_type = 'application/x-www-form-urlencoded;charset=UTF-8'
        url = self.endpoint + path
        if body is not None and params:
            url += '?' + urllib.parse.urlencode(params)
        request = urllib.request.Request(url, data=data, method='POST',
            headers={'Content-Type': content_type, **(headers or {})})
        try:
            with urllib.request.urlopen(request,
                    timeout=self.account.timeout or TIMEOUT) as answer:
                return json.loads(answer.read().decode('utf-8'))
        except (TimeoutError, socket.timeout) as error:
            raise ServiceError('timeout', 'timeout', str(error))
        except urllib.error.HTTPError as error:
            raise ServiceError('refused', str(error.code), str(error))
        except (urllib.error.URLError, ConnectionError, ValueError) as error:
            reason = getattr(error, 'reason', error)
            kind = ('timeout' if isinstance(reason, (TimeoutError,
                        socket.timeout)) else 'refused')
            raise ServiceError(kind, 'network', str(reason))


def place(party):
    "The address as Cainiao's and Pinduoduo's services take it"
    return {'province': party.province, 'city': party.city,
        'district': party.district, 'detail': party.address}


def md5_sign(secret, params, wrap=True):
    "TOP style sign: uppercase MD5 of the sorted key+value pairs"
    text = ''.join('%s%s' % (k, params[k]) for k in sorted(params)
        if k != 'sign')
    if wrap:
        text = secret + text + secret
    return hashlib.md5(text.encode('utf-8')).hexdigest().upper()


def _services():
    services = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(__name__ + '.' + info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, WaybillService)
                    and value.code):
                services[value.code] = value
    return services


SERVICES = _services()


def selection():
    "The services as a selection, in the order of their code"
    return sorted((s.code, s.name) for s in SERVICES.values())
