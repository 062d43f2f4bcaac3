"""Property: whatever mix of good and malformed normalized orders a batch
holds, every good order is stored, every bad one is reported as failed,
and the upsert never raises.

The examples are drawn from a fixed seed; ``ECOM_FUZZ_EXAMPLES=5000``
draws more of them."""
import datetime as dt
import os
import unittest
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.modules.ecom_order_center.validate import (
    IDENTIFIERS, MAX_QUANTITY, REFUND_STATUSES, STATUSES, TEXT_LIMITS)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

FUZZ = settings(
    max_examples=int(os.environ.get('ECOM_FUZZ_EXAMPLES', 30)),
    derandomize=True, database=None, deadline=None,
    suppress_health_check=list(HealthCheck))
MEGABYTE = 10 ** 6

# good values
TEXT = st.text(st.characters(blacklist_categories=['Cs'],
        blacklist_characters='\x00'), max_size=20)
LONG_TEXT = st.sampled_from(['长' * MEGABYTE, 'x' * MEGABYTE, '路 ' * 300])
ID = st.text(st.characters(whitelist_categories=['L', 'N']), min_size=1,
    max_size=12)
DATE = st.datetimes(min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2099, 12, 31))
AMOUNT = st.decimals(min_value=0, max_value=Decimal('9999999999.99'),
    places=2)
CODES = ['TEA-LJ-250', 'KIT-LJ-GIFT', 'CUP-CR-150', 'NO-SUCH-CODE']

# malformed values
BROKEN_TEXT = st.builds(lambda a, b, c: a + b + c, TEXT,
    st.sampled_from(['\x00', '\ud800', '\udbff', '\udfff']), TEXT)
NOT_TEXT = st.one_of(st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))
BAD_NUMBER = st.sampled_from([float('nan'), float('inf'), -float('inf'),
        1e300, -1, Decimal('-0.01'), 'NaN', 'abc', Decimal('NaN'),
        Decimal('sNaN'), Decimal('Infinity'), Decimal('1e10'), [1], True,
        '1' * 100, {}])
BAD_QUANTITY = st.one_of(BAD_NUMBER, st.sampled_from(
        [0, 0.5, '2.5', MAX_QUANTITY + 1, None]))
BAD_DATE = st.sampled_from(['2026-11-11 00:05', 1793000000,
        dt.date(2026, 11, 11), dt.datetime(1999, 12, 31),
        dt.datetime(2100, 1, 1), [dt.datetime(2026, 1, 1)],
        dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)])
BAD_CHOICE = st.sampled_from(['lost', 'PAID', ['paid'], {'a': 1}, 1])


def too_long(key):
    return st.sampled_from([TEXT_LIMITS[key] + 1, MEGABYTE]).map(
        lambda n: 'i' * n)


def bad_text(key):
    strategies = [BROKEN_TEXT, NOT_TEXT]
    if key in IDENTIFIERS:
        strategies.append(too_long(key))
    return st.one_of(strategies)


# (where, key, value) that makes a good order malformed
HEADER_TEXTS = ['platform_status', 'buyer', 'receiver_name',
    'receiver_phone', 'receiver_province', 'receiver_city',
    'receiver_district', 'receiver_address', 'buyer_message',
    'seller_memo', 'carrier_code']
LINE_TEXTS = ['platform_line_id', 'platform_item_id', 'platform_sku_id',
    'outer_code', 'title']
MUTATION = st.one_of(
    st.tuples(st.just('order'), st.just('platform_order_id'),
        st.one_of(bad_text('platform_order_id'),
            st.sampled_from([None, '', ' \t ']))),
    *[st.tuples(st.just('order'), st.just(k), bad_text(k))
        for k in HEADER_TEXTS],
    st.tuples(st.just('order'), st.just('status'),
        st.one_of(BAD_CHOICE, st.none())),
    st.tuples(st.just('order'), st.sampled_from(
            ['modified', 'order_date', 'pay_date']), BAD_DATE),
    st.tuples(st.just('order'), st.sampled_from(
            ['total_amount', 'shipping_amount']), BAD_NUMBER),
    st.tuples(st.just('order'), st.just('seller_flag'),
        st.sampled_from(['red', [1], -1, 100, 1.5, True])),
    st.tuples(st.just('order'), st.just('lines'),
        st.sampled_from([[], None, 'x', [1], {'a': 1}])),
    *[st.tuples(st.just('line'), st.just(k), bad_text(k))
        for k in LINE_TEXTS],
    st.tuples(st.just('line'), st.just('platform_line_id'),
        st.sampled_from([None, ''])),
    st.tuples(st.just('line'), st.just('quantity'), BAD_QUANTITY),
    st.tuples(st.just('line'), st.sampled_from(['unit_price', 'amount']),
        BAD_NUMBER),
    st.tuples(st.just('line'), st.just('refund_status'), BAD_CHOICE),
    st.tuples(st.just('duplicate line'), st.none(), st.none()),
    st.tuples(st.just('not an order'), st.none(),
        st.sampled_from([None, [], 'T1001', 1, b'{}'])),
    )


@st.composite
def lines(draw):
    count = draw(st.integers(1, 3))
    return [{
            'platform_line_id': 'L%d%s' % (n, draw(ID)),
            'platform_item_id': draw(st.sampled_from(['1001', '1002'])),
            'platform_sku_id': draw(st.sampled_from(['', 'a', 'b'])),
            'outer_code': draw(st.sampled_from(CODES)),
            'title': draw(st.one_of(TEXT, LONG_TEXT)),
            'quantity': draw(st.one_of(st.integers(1, MAX_QUANTITY),
                    st.just(2.0))),
            'unit_price': draw(AMOUNT),
            'amount': draw(st.one_of(AMOUNT, st.just(12.5))),
            'refund_status': draw(st.sampled_from(sorted(REFUND_STATUSES))),
            } for n in range(count)]


@st.composite
def normalized_orders(draw):
    "A good normalized order"
    order = {key: draw(st.one_of(TEXT, LONG_TEXT, st.none()))
        for key in HEADER_TEXTS
        if key not in {'buyer', 'carrier_code'}}
    order.update({
            'platform_order_id': draw(ID),
            'status': draw(st.sampled_from(sorted(STATUSES))),
            'modified': draw(st.one_of(DATE, st.none())),
            'buyer': draw(st.one_of(TEXT, st.just('b' * 255))),
            'carrier_code': draw(st.sampled_from([None, 'ZTO', 'DHL'])),
            'seller_flag': draw(st.one_of(st.integers(0, 99), st.none())),
            'order_date': draw(DATE),
            'pay_date': draw(st.one_of(DATE, st.none())),
            'total_amount': draw(AMOUNT),
            'shipping_amount': draw(st.one_of(AMOUNT, st.none())),
            'lines': draw(lines()),
            'raw': {},
            })
    return order


def malformed(order, mutation):
    where, key, value = mutation
    if where == 'order':
        order[key] = value
    elif where == 'line':
        order['lines'][0][key] = value
    elif where == 'duplicate line':
        order['lines'].append(dict(order['lines'][0]))
    else:
        return value
    return order


class FuzzUpsertTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller()
        self.addCleanup(drop_seller)
        self.shop_id = get_seller(self.config).shops['TB01'].id

    @FUZZ
    @given(st.lists(st.tuples(normalized_orders(), st.one_of(
                    st.none(), MUTATION)), min_size=1, max_size=10))
    def test_good_orders_stored_bad_ones_reported(self, entries):
        batch, good = [], set()
        for n, (order, mutation) in enumerate(entries):
            # unique in the batch
            order['platform_order_id'] = 'F%d-%s' % (
                n, order['platform_order_id'])
            if mutation is None:
                good.add(order['platform_order_id'])
                batch.append(order)
            else:
                batch.append(malformed(order, mutation))
        with Transaction().start(DB_NAME, self.config.user,
                context=self.config.context) as transaction:
            try:
                Order = Pool().get('ecom.order')
                results = Order.upsert_normalized(self.shop_id, batch)
                failed = [r for r in results if r[1] == 'failed']
                self.assertEqual(len(failed), len(batch) - len(good))
                for _, _, order_id, reason in failed:
                    self.assertIsNone(order_id)
                    self.assertTrue(reason)
                self.assertEqual(
                    {r[0] for r in results if r[1] != 'failed'}, good)
                self.assertEqual({r[1] for r in results} - {'failed'},
                    {'new'} if good else set())
                self.assertEqual({o.platform_order_id for o in Order.search(
                                [('shop', '=', self.shop_id)])}, good)
            finally:
                transaction.rollback()
