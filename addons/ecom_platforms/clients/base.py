"""The one interface every platform client offers, and what they share:
HTTP with retries, errors, time zones and the normalized order shape."""
import json
import logging
import re
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import quote, quote_plus

import requests

CST = timezone(timedelta(hours=8))
# what a payload of unexpected shape raises while it is read: missing keys,
# wrong types, unreadable texts, numbers or times out of range
NORMALIZE_ERRORS = (LookupError, TypeError, ValueError, ArithmeticError,
    AttributeError, OSError, RecursionError)
# characters of an error message kept
ERROR_SIZE = 500

# Query and form parameters that carry a credential or a signature
SIGNED_PARAMETER = re.compile(
    r'\b(sign|access_token|session|app_secret|token)=[^&\s\'"()]*')
MASK = '***'


def mask_signed(text):
    "text with the values of signature and token parameters masked"
    return SIGNED_PARAMETER.sub(r'\1=' + MASK, text)


class _MaskSignedURLs(logging.Filter):
    "Keep signed URLs out of urllib3's debug log of each request"

    def filter(self, record):
        record.msg = mask_signed(record.getMessage())
        record.args = ()
        return True


logging.getLogger('urllib3.connectionpool').addFilter(_MaskSignedURLs())


class PlatformError(Exception):
    "The platform answered with an error"

    def __init__(self, code, message, sub_code=None):
        super().__init__('%s: %s%s' % (code, message,
                ' (%s)' % sub_code if sub_code else ''))
        self.code = code
        self.message = message
        self.sub_code = sub_code


class SessionExpired(PlatformError):
    "The seller's authorisation is no longer valid"


class Retryable(PlatformError):
    "A call limit, a server error or a garbled answer: try again later"

    def __init__(self, code, message, sub_code=None, retry_after=None):
        super().__init__(code, message, sub_code)
        self.retry_after = retry_after


class Client:
    """Speak one platform's API for one shop.

    Subclasses implement the ``_`` methods; the public methods return
    normalized orders (see ``normalize``)."""
    platform = None
    # longest modification window one query may cover
    window = timedelta(days=1)
    page_size = 100
    # whether line refund states come from refunds() rather than the order
    line_refunds = False
    # whether one order can be confirmed shipped part by part
    partial_shipment = False

    def __init__(self, endpoint, app_key, app_secret, session_key,
            retries=5, backoff=1.0, max_backoff=30, timeout=30):
        self.endpoint = (endpoint or '').rstrip('/')
        self.app_key = app_key
        self.app_secret = app_secret
        self.session_key = session_key
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.http = requests.Session()
        self.calls = 0

    # interface
    def orders_changed(self, start, end):
        """Yield the orders modified in [start, end] (naive UTC), normalized;
        an order that cannot be normalized comes as a dict with ``error``."""
        for _, _, orders in self._windows_of_orders(start, end):
            yield from orders

    def orders_by_window(self, start, end):
        """Yield (window start, window end, orders) for each window of
        [start, end], the orders as orders_changed gives them with their
        line refund states completed from refunds()"""
        for window_start, window_end, orders in self._windows_of_orders(
                start, end):
            if self.line_refunds:
                states = {(o, li): s
                    for o, li, s in self.refunds(window_start, window_end)}
                for order in orders:
                    for line in order.get('lines', []):
                        key = (order['platform_order_id'],
                            line['platform_line_id'])
                        if key in states:
                            line['refund_status'] = states[key]
            yield window_start, window_end, orders

    def _windows_of_orders(self, start, end):
        "Yield (window start, window end, normalized orders) per window"
        # platforms count in whole seconds, so an order changed on the
        # second between two windows comes in both: give it once
        seen = {}
        for window_start, window_end in self.windows(start, end):
            orders = []
            for payload in self._orders_changed(window_start, window_end):
                order = self.safe_normalize(payload)
                version = order.get('modified') or order.get('error')
                if seen.get(order['platform_order_id']) == version:
                    continue
                seen[order['platform_order_id']] = version
                orders.append(order)
            yield window_start, window_end, orders

    def order(self, platform_order_id):
        return self.normalize(self._order(platform_order_id))

    def order_with_refunds(self, platform_order_id, since):
        """The order as it is now, normalized (or with ``error``), its line
        refund states completed from the refunds changed since then"""
        order = self.safe_normalize(self._order(platform_order_id))
        if self.line_refunds and 'error' not in order:
            states = {line: state
                for order_id, line, state in self.refunds(since, utcnow())
                if order_id == platform_order_id}
            for line in order['lines']:
                if line['platform_line_id'] in states:
                    line['refund_status'] = states[line['platform_line_id']]
        return order

    def timezone(self):
        """The time zone the shop's days are counted in, where the platform
        lets each shop set its own; None: the platform's, fixed"""
        return None

    def refunds(self, start, end):
        """Refund states of order lines changed in [start, end] as
        (platform_order_id, platform_line_id, refund_status)"""
        for order in self.orders_changed(start, end):
            for line in order.get('lines', []):
                if line['refund_status'] != 'none':
                    yield (order['platform_order_id'],
                        line['platform_line_id'], line['refund_status'])

    def listings(self):
        "Yield dicts with platform_item_id, platform_sku_id, outer_code, "
        "title and quantity"
        raise NotImplementedError

    def confirm_shipment(self, platform_order_id, carrier_code,
            tracking_number, lines=None):
        raise NotImplementedError

    def push_stock(self, listing, quantity):
        "Set the platform stock of listing (platform_item_id/sku_id)"
        raise NotImplementedError

    def normalize(self, payload):
        raise NotImplementedError

    def normalize_webhook(self, payload):
        "The normalized order of a payload the platform pushed"
        return self.normalize(payload)

    # helpers
    def windows(self, start, end):
        while start < end:
            stop = min(start + self.window, end)
            yield start, stop
            start = stop

    def safe_normalize(self, payload, normalize=None):
        """The normalized order of payload (read by normalize, by default
        the client's), or a dict with the order id (if any), the ``error``
        and the payload as ``raw``: never raises"""
        if not isinstance(payload, dict):
            return {'platform_order_id': None,
                'error': 'TypeError: the payload is %s, not an order' % (
                    type(payload).__name__), 'raw': payload}
        try:
            return (normalize or self.normalize)(payload)
        except NORMALIZE_ERRORS as error:
            try:
                platform_order_id = self.payload_id(payload)
            except NORMALIZE_ERRORS:
                platform_order_id = None
            return {'platform_order_id': platform_order_id,
                'error': '%s: %s' % (error.__class__.__name__,
                    str(error)[:ERROR_SIZE]),
                'raw': payload}

    def payload_id(self, payload):
        raise NotImplementedError

    def redact(self, text):
        """text without the shop's credentials and signatures: error
        messages end up in sync logs, on orders and in the server log"""
        text = mask_signed(str(text))
        for secret in [self.app_secret, self.session_key, self.app_key]:
            if secret:
                for form in {secret, quote(secret, safe=''),
                        quote_plus(secret)}:
                    text = text.replace(form, MASK)
        return text

    def call(self, send):
        """Run send() (one HTTP exchange returning parsed JSON), retrying
        call limits, server errors and garbled answers with backoff"""
        attempt = 0
        while True:
            try:
                self.calls += 1
                return send()
            except Retryable as error:
                attempt += 1
                if attempt > self.retries:
                    raise self._redacted(error)
                delay = min(self.backoff * 2 ** (attempt - 1),
                    self.max_backoff)
                if error.retry_after is not None:
                    delay = min(max(delay, error.retry_after),
                        self.max_backoff)
                time.sleep(delay)
            except PlatformError as error:
                raise self._redacted(error)

    def _redacted(self, error):
        "error with its message redacted, as the only error raised"
        error.message = self.redact(error.message)
        error.args = (self.redact(error.args[0]),)
        error.__cause__ = error.__context__ = None
        error.__suppress_context__ = True
        return error

    def http_json(self, response):
        "Parse response, turning 5xx and bad JSON into retryable errors"
        if response.status_code >= 500:
            raise Retryable(response.status_code,
                'HTTP %s' % response.status_code)
        try:
            return response.json()
        except (ValueError, RecursionError):
            raise Retryable('malformed', 'Malformed JSON answer')

    def post(self, url, **kwargs):
        return self._send(self.http.post, url, **kwargs)

    def get(self, url, **kwargs):
        return self._send(self.http.get, url, **kwargs)

    def _send(self, method, url, **kwargs):
        """One HTTP exchange; a failure raises a platform error whose
        message (and traceback) holds neither the signed URL nor the
        credentials"""
        try:
            return method(url, timeout=self.timeout, **kwargs)
        except requests.ConnectionError as error:
            message = self.redact(error)
            error_class = Retryable
        except requests.RequestException as error:
            message = self.redact(error)
            error_class = PlatformError
        raise error_class('connection', message) from None


def cst_text(value):
    "Naive UTC datetime as China time text 'yyyy-MM-dd HH:mm:ss'"
    return value.replace(tzinfo=timezone.utc).astimezone(CST).strftime(
        '%Y-%m-%d %H:%M:%S')


def from_cst(text):
    "China time text to naive UTC datetime (None for empty)"
    if not text:
        return None
    return datetime.strptime(text, '%Y-%m-%d %H:%M:%S').replace(
        tzinfo=CST).astimezone(timezone.utc).replace(tzinfo=None)


def from_timestamp(value):
    if not value:
        return None
    return datetime.fromtimestamp(int(value), timezone.utc).replace(
        tzinfo=None)


def timestamp(value):
    return int(value.replace(tzinfo=timezone.utc).timestamp())


def decimal(value, exp='0.01'):
    if value in (None, ''):
        return Decimal(0)
    return Decimal(str(value)).quantize(Decimal(exp))


def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'),
        sort_keys=True)


def order_status(refund_states, status):
    "Cancelled when every line was refunded, else status"
    if refund_states and all(s == 'refunded' for s in refund_states):
        return 'cancelled'
    return status


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)
