"""HTTP front of the simulator: routes platform calls to the platform
modules, applies injected faults and serves the /_sim admin endpoints."""
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import douyin, jd, pdd, shopify, taobao
from .waybill import WaybillApi
from .state import State
from .wire import ApiError, Response


class Request:

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body

    def form(self):
        "Query and urlencoded or JSON body parameters together"
        params = dict(self.query)
        content_type = self.headers.get('Content-Type', '')
        if self.body and 'json' in content_type:
            params.update(json.loads(self.body.decode('utf-8')))
        elif self.body:
            params.update(parse_qsl(self.body.decode('utf-8'),
                    keep_blank_values=True))
        return params

    def json(self):
        return json.loads(self.body.decode('utf-8')) if self.body else {}


class Simulator:
    "The platforms' side of the wire, on one loopback port"

    def __init__(self, state_path=None, rate=0.0, seed=None):
        self.state = State(state_path, seed=seed)
        self.rate = rate
        self.waybill = WaybillApi()
        self.apis = [
            ('/waybill/', self.waybill),
            ('/router/rest', taobao.api),
            ('/routerjson', jd.api),
            ('/api/router', pdd.api),
            ('/admin/api/', shopify.api),
            ('/', douyin.api),
            ]
        self.httpd = None
        self._stop = threading.Event()
        self._threads = []

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return 'http://%s:%s' % (host, port)

    def start(self, host='127.0.0.1', port=0):
        simulator = self

        class Handler(_Handler):
            sim = simulator

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        for target in (self.httpd.serve_forever, self._background):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self):
        self._stop.set()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
        self.state.save()

    def _background(self):
        "Generate orders at the configured rate and save the state"
        last = time.time()
        while not self._stop.wait(0.5):
            if self.rate:
                due = int((time.time() - last) * self.rate / 60)
                if due:
                    last = time.time()
                    shops = sorted(self.state.data['shops'])
                    for _ in range(due):
                        shop = self.state.random.choice(shops)
                        self.state.new_order(shop)
                        self.state.mutate_random(
                            self.state.random.choice(shops))
            self.state.save()

    def handle(self, req):
        if req.path.startswith('/_sim/'):
            return self.admin(req)
        for prefix, api in self.apis:
            if req.path.startswith(prefix):
                return api.handle(self, req)
        return Response(404, {'error': 'not found'})

    def apply_fault(self, shop, api, req):
        """Answer with the injected fault of shop, if any is pending.
        Returns a Response to send instead, or None to answer normally."""
        fault = self.state.take_fault(shop)
        if not fault:
            return None
        kind = fault['kind']
        if kind == 'slow':
            time.sleep(fault.get('seconds') or 3)
            return None
        if kind == 'http_500':
            return Response(500, '<html><body>500 Internal Server Error'
                '</body></html>', {'Content-Type': 'text/html'})
        if kind == 'malformed_json':
            return Response(200, '{"broken": [1, 2', {
                    'Content-Type': 'application/json'})
        if kind == 'call_limit':
            return api.call_limit()
        if kind == 'session_expired':
            return api.session_expired()
        return None

    # admin
    def admin(self, req):
        state = self.state
        action = req.path[len('/_sim/'):].strip('/')
        try:
            body = req.json() if req.method == 'POST' else {}
        except ValueError:
            return Response(400, {'error': 'invalid JSON'})
        if action == 'waybill':
            return self.waybill.admin(body)
        with state.lock:
            if action == 'state' and req.method == 'GET':
                return Response(200, self.summary())
            if action == 'orders' and req.method == 'GET':
                shop = req.query.get('shop')
                return Response(200, {'orders': list(
                            state.orders(shop).values())})
            if action == 'orders':
                return Response(200, {'orders': self._post_orders(body)})
            if action == 'generate':
                created = state.generate(int(body.get('count', 1)),
                    body.get('shops'), body.get('start'), body.get('end'))
                state.save()
                return Response(200, {'created': len(created)})
            if action == 'fault':
                state.add_fault(body['shop'], body['kind'],
                    int(body.get('count', 1)), body.get('seconds'))
                return Response(200, {'faults': state.data['faults']})
            if action == 'shops':
                code = body.pop('code')
                if code in state.data['shops']:
                    state.data['shops'][code].update(body)
                    state.dirty = True
                else:
                    state.add_shop(code, body.pop('platform'), **body)
                state.save()
                return Response(200, state.data['shops'][code])
        if action == 'webhook':
            return self._send_webhook(body)
        return Response(404, {'error': 'unknown admin call'})

    def _post_orders(self, body):
        state = self.state
        shop = body['shop']
        result = []
        for values in body.get('orders', []):
            values = dict(values)
            if values.get('id') in state.orders(shop):
                result.append(state.update_order(
                        shop, values.pop('id'), **values))
            else:
                result.append(state.new_order(shop, **values))
        for _ in range(int(body.get('count', 0))):
            result.append(state.new_order(shop))
        state.save()
        return result

    def _send_webhook(self, body):
        shop = self.state.data['shops'][body['shop']]
        order = self.state.orders(body['shop'])[body['order']]
        data = json.dumps(shopify.webhook_payload(order),
            ensure_ascii=False).encode('utf-8')
        secret = body.get('secret', shop['webhook_secret'])
        request = urllib.request.Request(body['url'], data=data,
            method='POST', headers=shopify.webhook_headers(
                body['shop'], body.get('topic', 'orders/updated'), data,
                secret))
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        return Response(200, {'status': status})

    def summary(self):
        data = self.state.data
        return {
            'shops': {code: {k: v for k, v in shop.items()
                        if k != 'listings'}
                | {'orders': len(data['orders'].get(code, {})),
                    'listings': len(shop['listings'])}
                for code, shop in data['shops'].items()},
            'faults': data['faults'],
            'shipments': data['shipments'][-100:],
            'stock_updates': data['stock_updates'][-100:],
            }


class _Handler(BaseHTTPRequestHandler):
    sim = None
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):
        pass

    def _serve(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        req = Request(self.command, parts.path,
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            self.headers, body)
        try:
            response = self.sim.handle(req)
        except ApiError as error:
            response = error.response
        except Exception as error:
            response = Response(500, {'error': repr(error)})
        data = response.payload()
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _serve
