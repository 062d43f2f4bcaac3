"""The HTTP routes a box calls, under the database, with its key as a
bearer token (``Authorization: Bearer iot_…``).

- ``GET  /<db>/ecom_iot/box``: the box's name and last report taken;
- ``GET  /<db>/ecom_iot/jobs?wait=30``: the box's print jobs, waiting up
  to 30 s for one (long poll); the box's new poll ends the wait of its
  poll before, without a job;
- ``POST /<db>/ecom_iot/jobs/<id>/ack``: ``{copy, printed, error}``;
- ``POST /<db>/ecom_iot/weight``: ``{seq, device, value, unit, stable}``;
- ``POST /<db>/ecom_iot/scan``: ``{seq, device, code}``;
- ``POST /<db>/ecom_iot/device``: ``{seq, device, state, message}``.

A report's ``seq`` grows with each report of the box: one at or below the
last taken is a replay and changes nothing.  A wrong or revoked key gets
401 and a log line; a box calling too often gets 429.
"""
import datetime as dt
import logging
import secrets
import threading
import time
from collections import defaultdict, deque

from trytond.protocols.wrappers import (
    HTTPStatus, Response, abort, with_pool, with_transaction)
from trytond.protocols.jsonrpc import JSONEncoder, json
from trytond.transaction import Transaction
from trytond.wsgi import app

logger = logging.getLogger('trytond.modules.ecom_iot')

MAX_WAIT = 30
POLL_INTERVAL = 0.25
# At most so many calls of a box within the window (seconds)
RATE_LIMIT, RATE_WINDOW = 120, 10
# At most so many refused keys from one address within the window
REFUSALS_LIMIT = 30
UNITS = {'kg': 1, 'g': 0.001, 'lb': 0.45359237}


class RateLimiter:
    "Calls per box within a sliding window, in this process"

    def __init__(self, limit, window):
        self.limit, self.window = limit, window
        self.calls = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, key):
        now = time.monotonic()
        with self.lock:
            calls = self.calls[key]
            while calls and calls[0] < now - self.window:
                calls.popleft()
            if len(calls) >= self.limit:
                return False
            calls.append(now)
            return True


rate_limiter = RateLimiter(RATE_LIMIT, RATE_WINDOW)
refusals = RateLimiter(REFUSALS_LIMIT, RATE_WINDOW)


def bearer(request):
    header = request.headers.get('Authorization', '')
    scheme, _, token = header.partition(' ')
    if scheme.lower() != 'bearer':
        return None
    return token.strip() or None


def box_route(func, rate_limited=True):
    """Run the route as the box whose key the request carries: 401 for a
    missing, wrong or revoked key, 429 for a box calling too often"""
    def wrapper(request, pool, *args, **kwargs):
        Box = pool.get('ecom.iot.box')
        key = bearer(request)
        box = Box.authenticate(key)
        if not box:
            logger.warning("IoT box refused: %s key from %s on %s",
                'wrong or revoked' if key else 'no', request.remote_addr,
                request.path)
            # guessing keys from one address is slowed down
            if not refusals.allow(request.remote_addr):
                abort(HTTPStatus.TOO_MANY_REQUESTS)
            abort(HTTPStatus.UNAUTHORIZED)
        if rate_limited and not rate_limiter.allow(box.id):
            logger.warning("IoT box %s calls too often", box.identifier)
            abort(HTTPStatus.TOO_MANY_REQUESTS)
        with Transaction().set_context(company=box.company.id):
            result = func(request, pool, box, *args, **kwargs)
        return Response(json.dumps(result, cls=JSONEncoder),
            content_type='application/json')
    wrapper.__name__ = func.__name__
    return wrapper


def report(request, pool, box, take):
    "Take the report once: a replayed sequence number changes nothing"
    data = request.parsed_data or {}
    box.touch()
    if not box.take_report(data.get('seq')):
        return {'seq': data.get('seq'), 'replayed': True}
    device = box.device(data.get('device'))
    result = take(data, device)
    return {'seq': data.get('seq'), 'replayed': False, 'result': result}


@with_transaction(readonly=False)
@box_route
def take_jobs(request, pool, box, poll, start=False):
    """The jobs for the box's poll: started, it is the box's; waiting, none
    once the box polled anew"""
    PrintJob = pool.get('ecom.iot.print_job')
    if start:
        box.poll_jobs(poll)
    elif box.polls(poll):
        box.touch()
    else:
        return []
    return [job.to_box() for job in PrintJob.take(box)]


def _count_jobs(request, pool, box, poll):
    "The box's jobs waiting, None once the box polled anew"
    PrintJob = pool.get('ecom.iot.print_job')
    if box.jobs_poll != poll:
        return None
    return PrintJob.search_count([
            ('box', '=', box.id),
            ('state', '=', 'queued'),
            ])


count_jobs = with_transaction(readonly=True)(
    box_route(_count_jobs, rate_limited=False))


@app.route('/<database_name>/ecom_iot/box', methods={'GET'})
@with_pool
@with_transaction()
@box_route
def box_info(request, pool, box):
    """Who the box is and the last report taken: a box whose buffer was
    lost numbers its reports from there"""
    return {'name': box.name, 'identifier': box.identifier,
        'last_sequence': box.last_sequence or 0}


@app.route('/<database_name>/ecom_iot/jobs', methods={'GET'})
@with_pool
def jobs(request, pool):
    """The box's print jobs, waiting up to ``wait`` seconds for one: each
    wait is a short read, the jobs are taken in a transaction of their
    own.  The server cannot tell that the agent which polls went away
    (restarted, lost its connection): the box's next poll ends this one,
    so that the jobs queued meanwhile go to the agent that waits for
    them, not to an answer nobody reads"""
    try:
        wait = min(max(float(request.args.get('wait', 0)), 0), MAX_WAIT)
    except ValueError:
        abort(HTTPStatus.BAD_REQUEST)
    poll = secrets.token_hex(8)
    deadline = time.monotonic() + wait
    response = take_jobs(request, pool, poll, start=True)
    while response.get_data() == b'[]' and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)
        waiting = count_jobs(request, pool, poll).get_data()
        if waiting == b'null':
            break
        if waiting != b'0':
            response = take_jobs(request, pool, poll)
    return response


@app.route('/<database_name>/ecom_iot/jobs/<int:job_id>/ack',
    methods={'POST'})
@with_pool
@with_transaction()
@box_route
def acknowledge(request, pool, box, job_id):
    PrintJob = pool.get('ecom.iot.print_job')
    data = request.parsed_data or {}
    box.touch()
    printed = bool(data.get('printed'))
    changed = PrintJob.acknowledge(box, job_id, data.get('copy', 0),
        printed, data.get('error'))
    if not printed and data.get('printer'):
        device = box.device(data['printer'])
        if device:
            _set_state(device, data.get('state') or 'error',
                data.get('error'))
    return {'id': job_id, 'changed': changed}


def _set_state(device, state, message=None):
    Device = device.__class__
    if state not in dict(Device.state.selection):
        state = 'error'
    if (device.state, device.state_message) != (state, message):
        Device.write([device], {
                'state': state,
                'state_message': message,
                'state_changed': dt.datetime.now(),
                })


@app.route('/<database_name>/ecom_iot/weight', methods={'POST'})
@with_pool
@with_transaction()
@box_route
def weight(request, pool, box):
    def take(data, device):
        try:
            value = float(data['value']) * UNITS[data.get('unit', 'kg')]
        except (KeyError, TypeError, ValueError):
            abort(HTTPStatus.BAD_REQUEST)
        stable = bool(data.get('stable'))
        if device:
            device.__class__.write([device], {
                    'last_weight': round(value, 3),
                    'last_weight_stable': stable,
                    })
            _set_state(device, 'online')
        if stable:
            return box.station_weight(value)
    return report(request, pool, box, take)


@app.route('/<database_name>/ecom_iot/scan', methods={'POST'})
@with_pool
@with_transaction()
@box_route
def scan(request, pool, box):
    def take(data, device):
        if device:
            _set_state(device, 'online')
        return box.station_scan(str(data.get('code') or ''))
    return report(request, pool, box, take)


@app.route('/<database_name>/ecom_iot/device', methods={'POST'})
@with_pool
@with_transaction()
@box_route
def device_state(request, pool, box):
    def take(data, device):
        if device:
            _set_state(device, data.get('state'), data.get('message'))
        return None
    return report(request, pool, box, take)
