"""Validation of a normalized order (the shape in normalize.py) before
anything of it is written.

``validate_normalized(values)`` returns the header, the receiver's place
(country code and province as sent), the status and the line values of one
order, or raises
``InvalidOrder`` with the reason; the upsert reports that order as failed
and stores the others.

What is accepted:

- texts are ``str`` (numbers are taken as their text), at most
  ``TEXT_LIMITS`` characters: identifiers and codes longer than that are
  refused, since a cut one would name another record; the other texts are
  cut with an ellipsis;
- NUL and lone surrogates are refused: they mean the text was damaged on
  the way, and neither database can store them; the other control
  characters are cleaned: in one-line texts line breaks and tabs become
  spaces (and the text is stripped, as its Char field stores it), the rest
  are dropped;
- amounts and prices are finite, non-negative and below ``MAX_AMOUNT``;
  quantities are whole, positive and at most ``MAX_QUANTITY``;
- times are naive ``datetime`` between ``EARLIEST`` and ``LATEST``.
"""
import datetime as dt
import re
import reprlib
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext

STATUSES = {'unpaid', 'paid', 'shipped', 'finished', 'cancelled'}
REFUND_STATUSES = {'none', 'requested', 'refused', 'refunded'}

# Longest text per field, in characters.  The indexed ones (ids, buyer,
# outer code) stay far below PostgreSQL's btree row limit of 2,704 bytes at
# 4 bytes a character; the order's Char fields are sized from these.
TEXT_LIMITS = {
    'platform_order_id': 64,
    'platform_line_id': 64,
    'platform_item_id': 64,
    'platform_sku_id': 64,
    'outer_code': 100,
    'buyer': 255,
    'carrier_code': 50,
    'currency': 3,
    'platform_status': 100,
    'receiver_name': 100,
    'receiver_phone': 64,
    'receiver_country': 2,
    'receiver_province': 50,
    'receiver_zip': 20,
    'receiver_city': 100,
    'receiver_district': 100,
    'receiver_address': 500,
    'title': 255,
    'buyer_message': 2000,
    'seller_memo': 2000,
    }
# refused when longer, the others are cut
IDENTIFIERS = {'platform_order_id', 'platform_line_id', 'platform_item_id',
    'platform_sku_id', 'outer_code', 'buyer', 'carrier_code',
    'receiver_country', 'currency'}
# texts that keep their line breaks
MULTILINE = {'buyer_message', 'seller_memo'}
MAX_QUANTITY = 10 ** 6
MAX_AMOUNT = Decimal(10) ** 10
MAX_LINES = 1000
MAX_SELLER_FLAG = 99
EARLIEST = dt.datetime(2000, 1, 1)
LATEST = dt.datetime(2100, 1, 1)

BROKEN = re.compile('[\x00\ud800-\udfff]')
LINE_BREAKS = re.compile('[\t\n\r\x0b\x0c\x85\u2028\u2029]')
CONTROLS = re.compile('[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]')
SHOWN = 60


class InvalidOrder(ValueError):
    "A normalized order that cannot be stored"


def storable(text, limit=None, lines=False):
    """text made storable whatever it holds: broken characters escaped,
    control characters dropped (line breaks too unless lines), cut with an
    ellipsis beyond limit"""
    text = BROKEN.sub(lambda m: f'\\u{ord(m.group()):04x}', str(text))
    if not lines:
        text = LINE_BREAKS.sub(' ', text)
    text = CONTROLS.sub('', text)
    if limit and len(text) > limit:
        text = text[:limit - 1] + '…'
    return text


def order_reference(values):
    "The platform order id of values as a storable text, or None"
    value = values.get('platform_order_id') if isinstance(
        values, dict) else None
    if value is None or value == '' or isinstance(value, (bool, dict, list)):
        return None
    return storable(value, TEXT_LIMITS['platform_order_id'])


def _shown(value):
    "value as a short storable text for a message"
    if not isinstance(value, str):
        try:
            value = reprlib.repr(value)
        except ValueError:
            # an integer too long to write out
            value = '…'
    return storable(value, SHOWN)


def _invalid(message, **values):
    return InvalidOrder(gettext('ecom_order_center.' + message, **{
                k: _shown(v) for k, v in values.items()}))


def _number(value, key, low, high):
    "value as a Decimal, refused when not a finite number in [low, high)"
    if (isinstance(value, bool)
            or not isinstance(value, (int, float, Decimal, str))
            or isinstance(value, str) and len(value) > SHOWN):
        raise _invalid('msg_normalized_number', field=key, value=value)
    try:
        number = Decimal(value.strip() if isinstance(value, str)
            else str(value) if isinstance(value, float) else value)
    except (InvalidOperation, ValueError):
        raise _invalid('msg_normalized_number', field=key, value=value)
    if not number.is_finite() or not low <= number < high:
        raise _invalid('msg_normalized_range', field=key, value=value,
            low=low, high=high)
    return number


def _text(values, key, required=False):
    value = values.get(key)
    if value is None or value == '':
        if required:
            raise _invalid('msg_normalized_missing', field=key)
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(
            value, bool):
        try:
            value = str(value)
        except ValueError:
            # an integer too long to write out
            raise _invalid('msg_normalized_too_long', field=key,
                size=TEXT_LIMITS[key])
    if not isinstance(value, str):
        raise _invalid('msg_normalized_number', field=key, value=value)
    if BROKEN.search(value):
        raise _invalid('msg_normalized_broken_text', field=key)
    if key in MULTILINE:
        value = CONTROLS.sub('', value.replace('\r\n', '\n'))
    else:
        # stripped as the Char field stores it, so that it is found again
        value = CONTROLS.sub('', LINE_BREAKS.sub(' ', value)).strip()
    if not value:
        if required:
            raise _invalid('msg_normalized_missing', field=key)
        return None
    limit = TEXT_LIMITS[key]
    if len(value) > limit:
        if key in IDENTIFIERS:
            raise _invalid('msg_normalized_too_long', field=key, size=limit)
        value = value[:limit - 1] + '…'
    return value


def _code(values, key):
    "An ISO code in capitals, or None"
    value = _text(values, key)
    return value.upper() if value else None


def _decimal(values, key):
    value = values.get(key)
    if value is None:
        return Decimal(0)
    return _number(value, key, 0, MAX_AMOUNT).quantize(Decimal('0.01'))


def _quantity(line):
    value = line.get('quantity')
    number = _number(value, 'quantity', 1, MAX_QUANTITY + 1)
    if number != number.to_integral_value():
        raise _invalid('msg_normalized_number', field='quantity',
            value=value)
    return float(number)


def _datetime(values, key):
    value = values.get(key)
    if value is None:
        return None
    if (not isinstance(value, dt.datetime) or value.tzinfo is not None
            or not EARLIEST <= value < LATEST):
        raise _invalid('msg_normalized_date', field=key, value=value)
    return value


def _choice(values, key, choices, default=None):
    value = values.get(key) or default
    if not isinstance(value, str) or value not in choices:
        raise _invalid('msg_normalized_choice', field=key, value=value)
    return value


def _seller_flag(values):
    value = values.get('seller_flag')
    if value is None:
        return 0
    if (isinstance(value, bool) or not isinstance(value, int)
            or not 0 <= value <= MAX_SELLER_FLAG):
        raise _invalid('msg_normalized_number', field='seller_flag',
            value=value)
    return value


def _line(line):
    if not isinstance(line, dict):
        raise _invalid('msg_normalized_lines')
    return {
        'platform_line_id': _text(line, 'platform_line_id', True),
        'platform_item_id': _text(line, 'platform_item_id', True),
        'platform_sku_id': _text(line, 'platform_sku_id') or '',
        'outer_code': _text(line, 'outer_code'),
        'title': _text(line, 'title'),
        'quantity': _quantity(line),
        'unit_price': _decimal(line, 'unit_price'),
        'amount': _decimal(line, 'amount'),
        'refund_state': _choice(line, 'refund_status', REFUND_STATUSES,
            'none'),
        }


def validate_normalized(values):
    """Return the header, the receiver's place (country code, province as
    sent), the status and the line values of a normalized order, or raise
    InvalidOrder"""
    if not isinstance(values, dict):
        raise _invalid('msg_normalized_not_order')
    status = _choice(values, 'status', STATUSES)
    header = {
        'platform_order_id': _text(values, 'platform_order_id', True),
        'platform_status': _text(values, 'platform_status') or status,
        'platform_modified': _datetime(values, 'modified'),
        'buyer': _text(values, 'buyer'),
        'receiver_name': _text(values, 'receiver_name'),
        'receiver_phone': _text(values, 'receiver_phone'),
        'receiver_city': _text(values, 'receiver_city'),
        'receiver_district': _text(values, 'receiver_district'),
        'receiver_address': _text(values, 'receiver_address'),
        'receiver_zip': _text(values, 'receiver_zip'),
        'currency_code': _code(values, 'currency'),
        'buyer_message': _text(values, 'buyer_message'),
        'seller_memo': _text(values, 'seller_memo'),
        'seller_flag': _seller_flag(values),
        'order_date': _datetime(values, 'order_date'),
        'pay_date': _datetime(values, 'pay_date'),
        'total_amount': _decimal(values, 'total_amount'),
        'shipping_amount': _decimal(values, 'shipping_amount'),
        'carrier_code': _text(values, 'carrier_code'),
        }
    lines = values.get('lines')
    if not lines or not isinstance(lines, list):
        raise _invalid('msg_normalized_lines')
    if len(lines) > MAX_LINES:
        raise _invalid('msg_normalized_range', field='lines',
            value=len(lines), low=1, high=MAX_LINES + 1)
    checked = [_line(line) for line in lines]
    ids = [l['platform_line_id'] for l in checked]
    if len(set(ids)) != len(ids):
        raise _invalid('msg_normalized_duplicate_line')
    place = (_code(values, 'receiver_country'),
        _text(values, 'receiver_province'))
    return (header, place, status, checked)
