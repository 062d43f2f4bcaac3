"""Property: every platform client turns any payload into a normalized order
or an error entry, and storing a mix of good and damaged payloads keeps
every good order and reports every other one, without raising.

The examples are drawn from a fixed seed; ``ECOM_FUZZ_EXAMPLES=5000``
draws more of them."""
import copy
import unittest

from hypothesis import given
from hypothesis import strategies as st

from trytond.modules.ecom_order_center.tests.test_fuzz_upsert import FUZZ
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.modules.ecom_order_center.validate import order_reference
from trytond.modules.ecom_platforms.clients import client_class
from devtools.simulator import (
    douyin, jd, pdd, shopify, taobao)
from devtools.simulator.state import State
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from .simulated import PLATFORM_SHOPS, as_admin

RENDER = {'taobao': taobao.render_trade, 'tmall': taobao.render_trade,
    'jd': jd.render_order, 'pdd': pdd.render_order,
    'douyin': douyin.render_order, 'shopify': shopify.render_order}
# payloads of every platform as the simulator renders them
PAYLOADS = 8

JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
    st.text(max_size=8),
    st.sampled_from(['\ud800', '王\x00', 'x' * 10 ** 6, '9' * 5000,
            '2026-13-45 25:61:61', 10 ** 30, -1]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def paths(value, path=()):
    "Every path to a value inside value"
    yield path
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield from paths(child, path + (key,))


@st.composite
def damaged(draw, payload):
    "payload with one value replaced by junk or left out"
    payload = copy.deepcopy(payload)
    path = draw(st.sampled_from(list(paths(payload))))
    if not path:
        return draw(JUNK)
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JUNK)
    return payload


@st.composite
def batches(draw, payloads):
    "(platform, [(payload, damaged)]) of one platform's payloads"
    platform = draw(st.sampled_from(sorted(payloads)))
    chosen = draw(st.lists(st.integers(0, PAYLOADS - 1), min_size=1,
            max_size=PAYLOADS, unique=True))
    entries = []
    for index in chosen:
        payload = payloads[platform][index]
        if draw(st.booleans()):
            entries.append((draw(damaged(payload)), True))
        else:
            entries.append((payload, False))
    return platform, entries


def rendered_payloads():
    state = State(seed=3)
    return {platform: [RENDER[platform](state.new_order(code))
            for _ in range(PAYLOADS)]
        for platform, code in PLATFORM_SHOPS.items()}


class FuzzPayloadTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_platforms'])
        self.addCleanup(drop_seller)

    @FUZZ
    @given(batches(rendered_payloads()))
    def test_good_payloads_stored_damaged_ones_reported(self, batch):
        platform, entries = batch
        client = client_class(platform)('http://127.0.0.1:9', 'key',
            'secret', 'session')
        normalized = [client.safe_normalize(p) for p, _ in entries]
        good = {order_reference(o) for o, (_, bad) in zip(
                normalized, entries) if not bad}
        with as_admin(DB_NAME) as transaction:
            try:
                Shop = Pool().get('ecom.shop')
                shop, = Shop.search(
                    [('code', '=', PLATFORM_SHOPS[platform])])
                outcomes = shop.store_orders(normalized)
                by_id = {r[0]: r[1] for r in outcomes}
                for order_id in good:
                    self.assertEqual(by_id.get(order_id), 'new')
                for order in normalized:
                    self.assertIn(order_reference(order), by_id)
                stored = {r[0] for r in outcomes if r[1] != 'failed'}
                self.assertEqual({o.platform_order_id for o in Pool().get(
                                'ecom.order').search(
                                [('shop', '=', shop.id)])}, stored)
                failures = Pool().get('ecom.sync_failure').search([])
                self.assertEqual({f.platform_order_id for f in failures},
                    {r[0] for r in outcomes if r[1] == 'failed'})
            finally:
                transaction.rollback()
