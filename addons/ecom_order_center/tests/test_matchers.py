"""Every case of each matcher of the order center, one table a rule.

The matchers read attributes only: orders, lines and rules are unsaved
instances built from the seller's products, shops, warehouses, carriers
and provinces (only the duplicate rule reads other orders, saved); the
contexts the batch computes once (``_exception_context``,
``_strategy_context``) are written out by hand in each table."""
import datetime as dt
import functools
from decimal import Decimal
from types import SimpleNamespace

from trytond.modules.ecom_order_center.tests.tools import (
    SellerDatabaseMixin, drop_seller)
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction

# The id of the unsaved order of a row, as the contexts name it
ORDER_ID = -1
# A key left out of a pattern
ABSENT = object()


def with_seller(test):
    "Run the test in a transaction of the seller's company with its records"
    @with_transaction()
    @functools.wraps(test)
    def wrapper(self):
        pool = Pool()
        Company = pool.get('company.company')
        company, = Company.search([])
        with Transaction().set_context(company=company.id):
            return test(self, _seller())
    return wrapper


def _seller():
    pool = Pool()
    Product = pool.get('product.product')
    Location = pool.get('stock.location')
    Carrier = pool.get('carrier')
    Shop = pool.get('ecom.shop')
    Subdivision = pool.get('country.subdivision')
    Category = pool.get('product.category')
    return SimpleNamespace(
        products={p.code: p for p in Product.search([])},
        warehouses={w.code: w for w in Location.search(
                [('type', '=', 'warehouse')])},
        carriers={c.party.code: c for c in Carrier.search([])},
        shops={s.code: s for s in Shop.search([])},
        provinces={s.code: s for s in Subdivision.search(
                [('code', 'like', 'CN-%')])},
        categories={c.name: c for c in Category.search([])},
        )


def order_line(seller, code, quantity=1, amount=None, **values):
    "An unsaved order line of the product code, at list price by default"
    Line = Pool().get('ecom.order.line')
    product = seller.products[code] if code else None
    if amount is None:
        price = product.list_price_used if product else Decimal(0)
        amount = price * Decimal(str(quantity))
    defaults = dict(gift=False, refund_state='none', platform_line_id=None,
        title=product.name if product else None)
    defaults.update(values)
    # quantities are floats as the database gives them
    return Line(product=product, quantity=float(quantity),
        amount=Decimal(amount), **defaults)


def order(seller, shop='TB01', lines=(('TEA-LJ-250', 1),), province='CN-ZJ',
        **values):
    """An unsaved order of the shop to Hangzhou with lines given as product
    codes, (code, quantity) or order lines"""
    Order = Pool().get('ecom.order')
    made = []
    for line in lines:
        if isinstance(line, str):
            line = order_line(seller, line)
        elif isinstance(line, tuple):
            line = order_line(seller, *line)
        made.append(line)
    defaults = dict(id=ORDER_ID, platform_order_id='P000001',
        platform_state='paid', platform_status='WAIT_SELLER_SEND_GOODS',
        refund_state='none', warehouse=None,
        buyer="tea_lover", receiver_name="王芳",
        receiver_phone="13800000000",
        receiver_subdivision=seller.provinces.get(province),
        receiver_city="杭州市", receiver_district="西湖区",
        receiver_address="文三路 1 号", receiver_country=None,
        receiver_zip=None,
        buyer_message=None, seller_memo=None, seller_flag=0,
        order_date=dt.datetime(2026, 11, 11, 0, 5),
        pay_date=dt.datetime(2026, 11, 11, 0, 6),
        merged_into=None, merged_orders=[])
    defaults.update(values)
    if 'total_amount' not in defaults:
        defaults['total_amount'] = sum(
            (l.amount for l in made), Decimal(0))
    return Order(shop=seller.shops[shop], lines=made, **defaults)


def exception_rule(kind, **values):
    "An unsaved exception rule of the kind, blocking by default"
    Rule = Pool().get('ecom.exception_rule')
    defaults = dict(name=kind, kind=kind, action='block', shop=None)
    defaults.update(values)
    return Rule(**defaults)


def audit_strategy(seller, **conditions):
    """An unsaved customer-service strategy with only the conditions,
    provinces and products given by their codes"""
    Strategy = Pool().get('ecom.audit_strategy')
    values = dict(name="小额免审", stage='cs', shop=None,
        min_amount=None, max_amount=None, max_items=None,
        no_buyer_message=False, no_seller_memo=False, no_warning=False,
        stock_available=False, provinces=[], excluded_products=[])
    values.update(conditions)
    values['provinces'] = [seller.provinces[c] for c in values['provinces']]
    values['excluded_products'] = [seller.products[c]
        for c in values['excluded_products']]
    return Strategy(**values)


def warehouse_rule(seller, warehouse='WH', **conditions):
    """An unsaved warehouse rule with only the conditions, shop and
    province by their codes and category by its name"""
    Rule = Pool().get('ecom.warehouse_rule')
    values = dict(name="规则", shop=None, subdivision=None, city=None,
        category=None, require_stock=False)
    values.update(conditions)
    if values['shop']:
        values['shop'] = seller.shops[values['shop']]
    if values['subdivision']:
        values['subdivision'] = seller.provinces[values['subdivision']]
    if isinstance(values['category'], str):
        values['category'] = seller.categories[values['category']]
    return Rule(warehouse=seller.warehouses[warehouse], **values)


def warehouse_pattern(seller, **values):
    """The pattern an order of the shop TB01 to Hangzhou for tea makes when
    the main warehouse has its items, province and warehouses by code"""
    pattern = dict(shop='TB01', subdivision='CN-ZJ', city="杭州市",
        categories={seller.categories["茶叶"].id},
        available_warehouses=['WH'])
    pattern.update(values)
    pattern['shop'] = seller.shops[pattern['shop']].id
    if pattern['subdivision']:
        pattern['subdivision'] = seller.provinces[pattern['subdivision']].id
    if pattern['available_warehouses'] is not None:
        pattern['available_warehouses'] = [seller.warehouses[w].id
            for w in pattern['available_warehouses']]
    return pattern


def carrier_selection(seller, carrier='ZTO', **conditions):
    """An unsaved carrier selection with only the conditions, warehouse,
    shop and province by their codes"""
    Selection = Pool().get('carrier.selection')
    values = dict(to_country=None, to_subdivision=None, warehouse=None,
        ecom_shop=None, min_weight=None, max_weight=None)
    values.update(conditions)
    for name, records in [('warehouse', seller.warehouses),
            ('ecom_shop', seller.shops),
            ('to_subdivision', seller.provinces)]:
        if values[name]:
            values[name] = records[values[name]]
    return Selection(carrier=seller.carriers[carrier], **values)


def carrier_pattern(seller, **values):
    """The pattern a parcel of 0.5 kg of the shop TB01 from the main
    warehouse to Zhejiang makes, by codes"""
    province = seller.provinces['CN-ZJ']
    pattern = dict(to_country=province.country.id,
        to_subdivision=province.id, warehouse='WH', ecom_shop='TB01',
        weight=0.5)
    pattern.update(values)
    if pattern['warehouse']:
        pattern['warehouse'] = seller.warehouses[pattern['warehouse']].id
    pattern['ecom_shop'] = seller.shops[pattern['ecom_shop']].id
    return {k: v for k, v in pattern.items() if v is not ABSENT}


def gift_rule(seller, gifts=(), **conditions):
    """An unsaved gift rule counting quantities paid for with the gifts
    as (threshold, product code), products and shop by their codes"""
    pool = Pool()
    Rule = pool.get('ecom.gift_rule')
    Gift = pool.get('ecom.gift_rule.line')
    values = dict(name="满赠", shop=None, date_basis='pay',
        start_date=None, end_date=None, products=[],
        threshold_type='quantity', choice='all')
    values.update(conditions)
    if values['shop']:
        values['shop'] = seller.shops[values['shop']]
    values['products'] = [seller.products[c] for c in values['products']]
    return Rule(gifts=[
            Gift(threshold=Decimal(t), product=seller.products[c],
                quantity=1)
            for t, c in gifts], **values)


class MatchersTestCase(SellerDatabaseMixin, TestCase):
    "Each matcher of the order center, case by case"
    module = 'ecom_order_center'

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_seller()

    def assertMatches(self, rule, order, context, expected):
        "The rule finds on the order the expected (message, values) or None"
        found = rule.match(order, context)
        if expected is None:
            self.assertIsNone(found)
        else:
            self.assertEqual(
                found, ('msg_exception_' + rule.kind, expected))

    # exception rules
    @with_seller
    def test_exception_stock(self, seller):
        "Stock: the warehouse's available quantity covers each product"
        short = {'warehouse': "[WH] 杭州仓", 'products': 'TEA-LJ-250'}
        for name, lines, available, values, expected in [
                ("more than needed", [('TEA-LJ-250', 2)],
                    {'WH': {'TEA-LJ-250': 3}}, {}, None),
                ("quantity equal to stock", [('TEA-LJ-250', 3)],
                    {'WH': {'TEA-LJ-250': 3}}, {}, None),
                ("one more than stock", [('TEA-LJ-250', 4)],
                    {'WH': {'TEA-LJ-250': 3}}, {}, short),
                ("lines of one product add up",
                    [('TEA-LJ-250', 2), ('TEA-LJ-250', 2)],
                    {'WH': {'TEA-LJ-250': 3}}, {}, short),
                ("product unknown to the context",
                    [('TEA-LJ-250', 1)], {'WH': {}}, {}, short),
                ("warehouse unknown to the context",
                    [('TEA-LJ-250', 1)], {}, {}, short),
                ("negative forecast", [('TEA-LJ-250', 1)],
                    {'WH': {'TEA-LJ-250': -2}}, {}, short),
                ("only the short products named",
                    [('TEA-LJ-250', 1), ('CUP-GL-300', 5),
                        ('POT-ZS-200', 1)],
                    {'WH': {'TEA-LJ-250': 0, 'CUP-GL-300': 4,
                            'POT-ZS-200': 1}}, {},
                    {'warehouse': "[WH] 杭州仓",
                        'products': 'TEA-LJ-250, CUP-GL-300'}),
                ("a kit counts as itself", [('KIT-LJ-GIFT', 1)],
                    {'WH': {'KIT-LJ-GIFT': 0, 'TEA-LJ-500': 5}}, {},
                    {'warehouse': "[WH] 杭州仓", 'products': 'KIT-LJ-GIFT'}),
                ("a service needs no stock", [('SHIP', 1)],
                    {'WH': {}}, {}, None),
                ("a line without product needs no stock", [(None, 1)],
                    {'WH': {}}, {}, None),
                ("a gift needs stock too",
                    [('TEA-LJ-250', 1), order_line(seller, 'GFT-SP-01', 1,
                            0, gift=True)],
                    {'WH': {'TEA-LJ-250': 1, 'GFT-SP-01': 0}}, {},
                    {'warehouse': "[WH] 杭州仓", 'products': 'GFT-SP-01'}),
                ("a refunded line leaves nothing to ship",
                    [('TEA-LJ-250', 1), order_line(seller, 'CUP-GL-300', 1,
                            refund_state='refunded')],
                    {'WH': {'TEA-LJ-250': 1, 'CUP-GL-300': 0}}, {}, None),
                ("a requested refund still ships",
                    [order_line(seller, 'CUP-GL-300', 1,
                            refund_state='requested')],
                    {'WH': {'CUP-GL-300': 0}}, {},
                    {'warehouse': "[WH] 杭州仓", 'products': 'CUP-GL-300'}),
                ("the shop's warehouse without the order's",
                    [('TEA-LJ-250', 1)],
                    {'WH': {'TEA-LJ-250': 0}, 'GZ': {'TEA-LJ-250': 9}},
                    {'shop': 'PDD01'}, None),
                ("the order's warehouse over the shop's",
                    [('TEA-LJ-250', 1)],
                    {'WH': {'TEA-LJ-250': 9}, 'GZ': {'TEA-LJ-250': 0}},
                    {'warehouse': 'GZ'},
                    {'warehouse': "[GZ] 广州仓", 'products': 'TEA-LJ-250'}),
                ]:
            with self.subTest(name):
                if 'warehouse' in values:
                    values = dict(values,
                        warehouse=seller.warehouses[values['warehouse']])
                context = {'stock': {
                        seller.warehouses[w].id: {
                            seller.products[c].id: q for c, q in q.items()}
                        for w, q in available.items()}}
                self.assertMatches(exception_rule('stock'),
                    order(seller, lines=lines, **values), context, expected)

    @with_seller
    def test_exception_address(self, seller):
        "Address: receiver, phone, address and province are all given"
        for name, values, expected in [
                ("complete", {}, None),
                ("no city nor district",
                    {'receiver_city': None, 'receiver_district': None},
                    None),
                ("no receiver", {'receiver_name': None},
                    {'fields': "Receiver"}),
                ("empty phone", {'receiver_phone': ''},
                    {'fields': "Phone"}),
                ("no province", {'province': None},
                    {'fields': "Province"}),
                ("nothing",
                    {'receiver_name': None, 'receiver_phone': None,
                        'receiver_address': '', 'province': None},
                    {'fields': "Receiver, Address, Phone, Province"}),
                ]:
            with self.subTest(name):
                self.assertMatches(exception_rule('address'),
                    order(seller, **values), {}, expected)

    @with_seller
    def test_exception_buyer_message(self, seller):
        "Buyer message: any message the buyer left"
        for message, expected in [
                (None, None),
                ('', None),
                ("请发顺丰", {'message': "请发顺丰"}),
                ]:
            with self.subTest(message=message):
                self.assertMatches(exception_rule('buyer_message'),
                    order(seller, buyer_message=message), {}, expected)

    @with_seller
    def test_exception_seller_memo(self, seller):
        "Seller memo: a memo or a flag other than 0"
        for memo, flag, expected in [
                (None, None, None),
                (None, 0, None),
                ('', 0, None),
                (None, 1, {'memo': '', 'flag': 1}),
                ("送试饮装", None, {'memo': "送试饮装", 'flag': 0}),
                ("送试饮装", 4, {'memo': "送试饮装", 'flag': 4}),
                ]:
            with self.subTest(memo=memo, flag=flag):
                self.assertMatches(exception_rule('seller_memo'),
                    order(seller, seller_memo=memo, seller_flag=flag), {},
                    expected)

    @with_seller
    def test_exception_price_floor(self, seller):
        "Price floor: a unit paid below the share of the list price"
        # TEA-LJ-250 lists at 168.00: 60% is 100.80
        for name, percentage, lines, expected in [
                ("above the floor", 60, [('TEA-LJ-250', 1, '120.00')],
                    None),
                ("exactly at the floor", 60, [('TEA-LJ-250', 1, '100.80')],
                    None),
                ("a cent below", 60, [('TEA-LJ-250', 1, '100.79')],
                    {'lines': 'TEA-LJ-250 100.79 < 100.80'}),
                ("at the floor per unit", 60, [('TEA-LJ-250', 2, '201.60')],
                    None),
                ("below the floor per unit", 60,
                    [('TEA-LJ-250', 2, '201.58')],
                    {'lines': 'TEA-LJ-250 100.79 < 100.80'}),
                ("each cheap line", 60,
                    [('TEA-LJ-250', 1, '50.00'), ('CUP-GL-300', 1, '59.00'),
                        ('POT-ZS-200', 1, '100.00')],
                    {'lines': 'TEA-LJ-250 50.0 < 100.80; '
                        'POT-ZS-200 100.0 < 232.80'}),
                ("a gift is free", 60,
                    [order_line(seller, 'GFT-SP-01', 1, 0, gift=True)],
                    None),
                ("a line without quantity", 60,
                    [('TEA-LJ-250', 0, '0')], None),
                ("a line without product", 60, [(None, 1, '0')], None),
                ("a floor of 100%", 100, [('TEA-LJ-250', 1, '167.99')],
                    {'lines': 'TEA-LJ-250 167.99 < 168.00'}),
                ("no floor", 0, [('TEA-LJ-250', 1, '0.01')], None),
                ]:
            with self.subTest(name):
                self.assertMatches(
                    exception_rule('price_floor',
                        floor_percentage=Decimal(percentage)),
                    order(seller, lines=lines), {}, expected)

    @with_seller
    def test_exception_blacklist(self, seller):
        "Blacklist: the buyer or the phone is listed"
        for name, values, blacklist, expected in [
                ("nobody listed", {}, set(), None),
                ("others listed", {}, {'scalper', '13900000000'}, None),
                ("buyer listed", {}, {'tea_lover'},
                    {'values': 'tea_lover'}),
                ("phone listed", {}, {'13800000000'},
                    {'values': '13800000000'}),
                ("both listed", {}, {'tea_lover', '13800000000'},
                    {'values': 'tea_lover, 13800000000'}),
                ("no buyer nor phone",
                    {'buyer': None, 'receiver_phone': ''}, {''}, None),
                ]:
            with self.subTest(name):
                self.assertMatches(exception_rule('blacklist'),
                    order(seller, **values), {'blacklist': blacklist},
                    expected)

    @with_seller
    def test_exception_status(self, seller):
        "Status: only paid orders ship; the platform's own status is shown"
        for state, status, expected in [
                ('paid', 'WAIT_SELLER_SEND_GOODS', None),
                ('unpaid', 'WAIT_BUYER_PAY', {'status': 'WAIT_BUYER_PAY'}),
                ('cancelled', 'TRADE_CLOSED', {'status': 'TRADE_CLOSED'}),
                ('shipped', None, {'status': 'shipped'}),
                ('finished', '', {'status': 'finished'}),
                ]:
            with self.subTest(state=state, status=status):
                self.assertMatches(exception_rule('status'),
                    order(seller, platform_state=state,
                        platform_status=status), {}, expected)

    @with_seller
    def test_exception_refund(self, seller):
        "Refund: a refund requested names the lines asked for"
        def lines(*states):
            return [order_line(seller, 'TEA-LJ-250', refund_state=s,
                    platform_line_id=f'L{i}')
                for i, s in enumerate(states, 1)]
        for name, state, lines_, expected in [
                ("none", 'none', lines('none'), None),
                ("refused", 'refused', lines('refused'), None),
                ("refunded", 'refunded', lines('refunded'), None),
                ("requested", 'requested', lines('requested', 'none'),
                    {'lines': 'L1'}),
                ("requested on lines", 'requested',
                    lines('requested', 'refunded', 'requested'),
                    {'lines': 'L1, L3'}),
                ("a line without platform id by its title", 'requested',
                    [order_line(seller, 'TEA-LJ-250',
                            refund_state='requested'),
                        order_line(seller, None, refund_state='requested',
                            title=None)],
                    {'lines': "西湖龙井 250g 罐装, "}),
                ]:
            with self.subTest(name):
                self.assertMatches(exception_rule('refund'),
                    order(seller, refund_state=state, lines=lines_), {},
                    expected)

    @with_seller
    def test_exception_duplicate(self, seller):
        "Duplicate: other unposted orders to the same person and address"
        pool = Pool()
        Order = pool.get('ecom.order')
        saved = {}
        for number in ['P1', 'P2', 'P3', 'P4']:
            saved[number] = order(seller, id=None, platform_order_id=number)
        Order.save(list(saved.values()))
        saved['P3'].merged_into = saved['P1']
        saved['P3'].save()
        saved = {n: Order(o.id) for n, o in saved.items()}
        key = saved['P1'].merge_key()
        for name, number, mergeable, expected in [
                ("alone", 'P1', {key: ['P1']}, None),
                ("another order", 'P1', {key: ['P1', 'P2']},
                    {'orders': 'P2'}),
                ("every other order", 'P2', {key: ['P1', 'P2', 'P4']},
                    {'orders': 'P1, P4'}),
                ("merged into it", 'P1', {key: ['P1', 'P3']}, None),
                ("merged into the same", 'P3', {key: ['P1', 'P3']}, None),
                ("merged into another", 'P2', {key: ['P1', 'P2', 'P3']},
                    {'orders': 'P1, P3'}),
                ("others of another key", 'P1',
                    {key: ['P1'], key[:-1] + ("文三路 2 号",): ['P2']},
                    None),
                ]:
            with self.subTest(name):
                context = {'mergeable': {
                        k: [saved[n].id for n in v]
                        for k, v in mergeable.items()}}
                self.assertMatches(exception_rule('duplicate'),
                    saved[number], context, expected)

    @with_seller
    def test_exception_check(self, seller):
        "A rule that fires returns its finding, unsaved; otherwise None"
        rule = exception_rule('buyer_message', action='warn')
        quiet = order(seller)
        self.assertIsNone(rule.check(quiet, {}))

        talking = order(seller, buyer_message="请发顺丰")
        finding = rule.check(talking, {})
        self.assertEqual(
            (finding.id, finding.order, finding.rule, finding.kind,
                finding.action, finding.message_id, finding.arguments),
            (None, talking, rule, 'buyer_message', 'warn',
                'ecom_order_center.msg_exception_buyer_message',
                {'message': "请发顺丰"}))
        self.assertIn("请发顺丰", finding.render())

    # audit strategies
    @with_seller
    def test_strategy_refusal(self, seller):
        "A strategy audits an order unless one of its conditions fails"
        nothing = {'warned': set(), 'short': set()}
        for name, conditions, values, context, expected in [
                ("no condition", {}, {}, nothing, None),
                ("a cent below the minimum",
                    {'min_amount': Decimal('100.00')},
                    {'total_amount': Decimal('99.99')}, nothing,
                    "Minimal Amount"),
                ("exactly the minimum", {'min_amount': Decimal('100.00')},
                    {'total_amount': Decimal('100.00')}, nothing, None),
                ("exactly the maximum", {'max_amount': Decimal('500.00')},
                    {'total_amount': Decimal('500.00')}, nothing, None),
                ("a cent above the maximum",
                    {'max_amount': Decimal('500.00')},
                    {'total_amount': Decimal('500.01')}, nothing,
                    "Maximal Amount"),
                ("a minimum of zero", {'min_amount': Decimal(0)},
                    {'total_amount': Decimal(0)}, nothing, None),
                ("as many items as allowed", {'max_items': 3},
                    {'lines': [('TEA-LJ-250', 2), ('CUP-GL-300', 1)]},
                    nothing, None),
                ("one item too many", {'max_items': 3},
                    {'lines': [('TEA-LJ-250', 2), ('CUP-GL-300', 2)]},
                    nothing, "Maximal Items"),
                ("gifts left out of the items", {'max_items': 1},
                    {'lines': ['TEA-LJ-250', order_line(seller, 'GFT-SP-01',
                                3, 0, gift=True)]},
                    nothing, None),
                ("no item allowed", {'max_items': 0},
                    {'lines': ['TEA-LJ-250']}, nothing, "Maximal Items"),
                ("buyer message", {'no_buyer_message': True},
                    {'buyer_message': "请发顺丰"}, nothing,
                    "No Buyer Message"),
                ("empty buyer message", {'no_buyer_message': True},
                    {'buyer_message': ''}, nothing, None),
                ("buyer message allowed", {},
                    {'buyer_message': "请发顺丰"}, nothing, None),
                ("seller memo", {'no_seller_memo': True},
                    {'seller_memo': "送试饮装"}, nothing,
                    "No Seller Memo or Flag"),
                ("seller flag without memo", {'no_seller_memo': True},
                    {'seller_flag': 2}, nothing, "No Seller Memo or Flag"),
                ("flag 0 is no flag", {'no_seller_memo': True},
                    {'seller_flag': 0, 'seller_memo': ''}, nothing, None),
                ("warned", {'no_warning': True}, {},
                    {'warned': {ORDER_ID}, 'short': set()}, "No Warning"),
                ("another order warned", {'no_warning': True}, {},
                    {'warned': {42}, 'short': set()}, None),
                ("warned, warnings allowed", {}, {},
                    {'warned': {ORDER_ID}, 'short': set()}, None),
                ("short of stock", {'stock_available': True}, {},
                    {'warned': set(), 'short': {ORDER_ID}},
                    "Stock Available"),
                ("stock available", {'stock_available': True}, {},
                    nothing, None),
                ("short, stock not required", {}, {},
                    {'warned': set(), 'short': {ORDER_ID}}, None),
                ("an allowed province", {'provinces': ['CN-ZJ', 'CN-SH']},
                    {'province': 'CN-SH'}, nothing, None),
                ("another province", {'provinces': ['CN-ZJ', 'CN-SH']},
                    {'province': 'CN-XJ'}, nothing, "Allowed Provinces"),
                ("no province", {'provinces': ['CN-ZJ']},
                    {'province': None}, nothing, "Allowed Provinces"),
                ("every province", {}, {'province': None}, nothing, None),
                ("an excluded product", {'excluded_products': ['POT-ZS-200']},
                    {'lines': ['TEA-LJ-250', 'POT-ZS-200']}, nothing,
                    "Excluded Products"),
                ("an excluded product as a gift",
                    {'excluded_products': ['GFT-SP-01']},
                    {'lines': ['TEA-LJ-250', order_line(seller, 'GFT-SP-01',
                                1, 0, gift=True)]},
                    nothing, "Excluded Products"),
                ("no excluded product", {'excluded_products': ['POT-ZS-200']},
                    {'lines': ['TEA-LJ-250', (None, 1)]}, nothing, None),
                ("the first failed condition",
                    {'min_amount': Decimal(1000), 'provinces': ['CN-SH']},
                    {}, nothing, "Minimal Amount"),
                ]:
            with self.subTest(name):
                self.assertEqual(
                    audit_strategy(seller, **conditions).refusal(
                        order(seller, **values), context),
                    expected)

    @with_seller
    def test_strategy_refusal_translated(self, seller):
        "The refusal names the failed condition in the reader's language"
        Lang = Pool().get('ir.lang')
        chinese, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([chinese])
        strategy = audit_strategy(seller, max_items=1)
        with Transaction().set_context(language='zh_CN'):
            self.assertEqual(
                strategy.refusal(order(seller, lines=[('TEA-LJ-250', 2)]),
                    {'warned': set(), 'short': set()}),
                "最多件数")

    # warehouse rules
    @with_seller
    def test_warehouse_rule(self, seller):
        "A warehouse rule matches on shop, province, city, category, stock"
        tea = seller.categories["茶叶"].id
        cups = seller.categories["茶杯"].id
        for name, rule, pattern, expected in [
                ("no condition", {}, {}, True),
                ("its shop", {'shop': 'TB01'}, {}, True),
                ("another shop", {'shop': 'JD01'}, {}, False),
                ("its province", {'subdivision': 'CN-ZJ'}, {}, True),
                ("another province", {'subdivision': 'CN-GD'}, {}, False),
                ("no province", {'subdivision': 'CN-ZJ'},
                    {'subdivision': None}, False),
                ("its city", {'city': "杭州市"}, {}, True),
                ("its city without 市", {'city': "杭州"}, {}, True),
                ("its city, the order without 市", {'city': "杭州市"},
                    {'city': "杭州"}, True),
                ("its city, spaces around", {'city': " 杭州市 "},
                    {'city': "杭州 "}, True),
                ("another city", {'city': "杭州"}, {'city': "宁波市"},
                    False),
                ("no city", {'city': "杭州"}, {'city': None}, False),
                ("a city of two characters keeps its 市", {'city': "沙市"},
                    {'city': "沙"}, False),
                ("a city of two characters", {'city': "沙市"},
                    {'city': "沙市"}, True),
                ("an empty city", {'city': ''}, {'city': "宁波市"}, True),
                ("its category", {'category': "茶叶"},
                    {'categories': {tea, cups}}, True),
                ("another category", {'category': "茶叶"},
                    {'categories': {cups}}, False),
                ("no category", {'category': "茶叶"},
                    {'categories': set()}, False),
                ("stock required and there", {'require_stock': True},
                    {'available_warehouses': ['GZ', 'WH']}, True),
                ("stock required, elsewhere", {'require_stock': True},
                    {'available_warehouses': ['GZ']}, False),
                ("stock required, nowhere", {'require_stock': True},
                    {'available_warehouses': []}, False),
                ("stock required, not known", {'require_stock': True},
                    {'available_warehouses': None}, True),
                ("stock not required, nowhere", {},
                    {'available_warehouses': []}, True),
                ("every condition", {'shop': 'TB01',
                        'subdivision': 'CN-ZJ', 'city': "杭州",
                        'category': "茶叶", 'require_stock': True},
                    {}, True),
                ("every condition but one", {'shop': 'TB01',
                        'subdivision': 'CN-ZJ', 'city': "杭州",
                        'category': "茶杯", 'require_stock': True},
                    {'categories': {tea}}, False),
                ]:
            with self.subTest(name):
                self.assertEqual(
                    warehouse_rule(seller, **rule).match(
                        warehouse_pattern(seller, **pattern)),
                    expected)

    @with_seller
    def test_warehouse_pattern_categories(self, seller):
        """The categories of an order are those of its products that ship
        and their parents, so a rule on a category takes its sub-categories
        """
        pool = Pool()
        Category = pool.get('product.category')
        Template = pool.get('product.template')
        tea = seller.categories["茶叶"]
        green, black = Category.create([
                {'name': "绿茶", 'parent': tea.id},
                {'name': "红茶", 'parent': tea.id},
                ])
        longjing = seller.products['TEA-LJ-250'].template
        Template.write([longjing], {'categories': [
                    ('remove', [tea.id]), ('add', [green.id])]})
        for name, category, lines, expected in [
                ("its category", "绿茶", ['TEA-LJ-250'], True),
                ("the parent of its category", "茶叶", ['TEA-LJ-250'],
                    True),
                ("a sister category", "红茶", ['TEA-LJ-250'], False),
                ("only the parent category", "绿茶", ['TEA-BLC-100'],
                    False),
                ("the category of one line", "茶杯",
                    ['TEA-LJ-250', 'CUP-GL-300'], True),
                ("the category of a refunded line", "茶杯",
                    ['TEA-LJ-250', order_line(seller, 'CUP-GL-300',
                            refund_state='refunded')], False),
                ]:
            with self.subTest(name):
                category = {"绿茶": green, "红茶": black}.get(
                    category, seller.categories.get(category))
                rule = warehouse_rule(seller, category=category)
                self.assertEqual(
                    rule.match(order(seller, lines=lines)
                        ._warehouse_pattern(None)),
                    expected)

    # carrier selection
    @with_seller
    def test_carrier_selection(self, seller):
        "A carrier selection matches on weight range, warehouse and shop"
        for name, selection, pattern, expected in [
                ("no condition", {}, {}, True),
                ("below the minimal weight", {'min_weight': 1.0},
                    {'weight': 0.999}, False),
                ("at the minimal weight", {'min_weight': 1.0},
                    {'weight': 1.0}, True),
                ("at the maximal weight", {'max_weight': 3.0},
                    {'weight': 3.0}, True),
                ("above the maximal weight", {'max_weight': 3.0},
                    {'weight': 3.001}, False),
                ("within the range", {'min_weight': 1.0, 'max_weight': 3.0},
                    {'weight': 2.0}, True),
                ("no weight is nothing", {'min_weight': 0.5},
                    {'weight': None}, False),
                ("no weight, no range", {}, {'weight': None}, True),
                ("a weight of zero below a maximum", {'max_weight': 3.0},
                    {'weight': 0}, True),
                ("the range without weight to compare",
                    {'min_weight': 5.0}, {'weight': ABSENT}, True),
                ("its warehouse", {'warehouse': 'WH'}, {}, True),
                ("another warehouse", {'warehouse': 'GZ'}, {}, False),
                ("no warehouse", {'warehouse': 'WH'}, {'warehouse': None},
                    False),
                ("its shop", {'ecom_shop': 'TB01'}, {}, True),
                ("another shop", {'ecom_shop': 'JD01'}, {}, False),
                ("its province", {'to_subdivision': 'CN-ZJ'}, {}, True),
                ("another province", {'to_subdivision': 'CN-SH'}, {},
                    False),
                ("every condition", {'min_weight': 0.0, 'max_weight': 1.0,
                        'warehouse': 'WH', 'ecom_shop': 'TB01',
                        'to_subdivision': 'CN-ZJ'}, {}, True),
                ("every condition but the weight", {'min_weight': 0.0,
                        'max_weight': 1.0, 'warehouse': 'WH',
                        'ecom_shop': 'TB01', 'to_subdivision': 'CN-ZJ'},
                    {'weight': 1.2}, False),
                ]:
            with self.subTest(name):
                self.assertEqual(
                    carrier_selection(seller, **selection).match(
                        carrier_pattern(seller, **pattern)),
                    expected)

    # gift rules
    @with_seller
    def test_gift_counted_value(self, seller):
        """A gift rule counts the quantity or amount of the products bought
        in its shop and window, refunded lines and gifts left out"""
        start = dt.datetime(2026, 11, 11, 0, 0)
        end = dt.datetime(2026, 11, 11, 23, 59, 59)
        window = {'start_date': start, 'end_date': end}
        second = dt.timedelta(seconds=1)
        lines = [('TEA-LJ-250', 2), ('CUP-GL-300', 1)]  # 336.00 + 59.00
        for name, rule, values, expected in [
                ("quantity", {}, {'lines': lines}, Decimal(3)),
                ("amount", {'threshold_type': 'amount'}, {'lines': lines},
                    Decimal('395.00')),
                ("amounts paid, not list prices",
                    {'threshold_type': 'amount'},
                    {'lines': [('TEA-LJ-250', 2, '300.00')]},
                    Decimal('300.00')),
                ("its shop", {'shop': 'TB01'}, {'lines': lines}, Decimal(3)),
                ("another shop", {'shop': 'JD01'}, {'lines': lines}, None),
                ("paid as the window opens", window, {'pay_date': start},
                    Decimal(1)),
                ("paid before the window", window,
                    {'pay_date': start - second}, None),
                ("paid as the window closes", window, {'pay_date': end},
                    Decimal(1)),
                ("paid after the window", window,
                    {'pay_date': end + second}, None),
                ("not paid, a window", window, {'pay_date': None}, None),
                ("not paid, no window", {}, {'pay_date': None}, Decimal(1)),
                ("ordered in the window, paid after",
                    dict(window, date_basis='order'),
                    {'order_date': end, 'pay_date': end + second},
                    Decimal(1)),
                ("ordered before the window, paid in it",
                    dict(window, date_basis='order'),
                    {'order_date': start - second, 'pay_date': start},
                    None),
                ("only a start", {'start_date': start},
                    {'pay_date': dt.datetime(2027, 1, 1)}, Decimal(1)),
                ("only an end", {'end_date': end},
                    {'pay_date': dt.datetime(2026, 1, 1)}, Decimal(1)),
                ("its products", {'products': ['TEA-LJ-250']},
                    {'lines': lines}, Decimal(2)),
                ("none of its products", {'products': ['POT-ZS-200']},
                    {'lines': lines}, Decimal(0)),
                ("a refunded line",
                    {'threshold_type': 'amount'},
                    {'lines': [('TEA-LJ-250', 2), order_line(seller,
                                'CUP-GL-300', refund_state='refunded')]},
                    Decimal('336.00')),
                ("a refund requested still counts", {},
                    {'lines': [('TEA-LJ-250', 2), order_line(seller,
                                'CUP-GL-300', refund_state='requested')]},
                    Decimal(3)),
                ("gifts",  {'products': ['GFT-SP-01']},
                    {'lines': [('TEA-LJ-250', 2), order_line(seller,
                                'GFT-SP-01', 2, 0, gift=True)]},
                    Decimal(0)),
                ("a line without product", {},
                    {'lines': [('TEA-LJ-250', 2), (None, 5)]}, Decimal(2)),
                ("no lines", {'threshold_type': 'amount'}, {'lines': []},
                    Decimal(0)),
                ]:
            with self.subTest(name):
                self.assertEqual(
                    gift_rule(seller, **rule).counted_value(
                        order(seller, **values)),
                    expected)

    @with_seller
    def test_gift_tier(self, seller):
        "The highest threshold reached gives all the gifts of its tier"
        tiers = {
            'tiers': [(2, 'GFT-SP-01'), (5, 'GFT-TS-01'), (5, 'BOX-GF-S'),
                (10, 'CUP-CR-150')],
            'tiers listed backwards': [(10, 'CUP-CR-150'), (5, 'BOX-GF-S'),
                (5, 'GFT-TS-01'), (2, 'GFT-SP-01')],
            'no gift': [],
            }
        for value, gifts, expected in [
                (None, 'tiers', []),
                (Decimal(0), 'tiers', []),
                (Decimal('1.99'), 'tiers', []),
                (Decimal(2), 'tiers', ['GFT-SP-01']),
                (Decimal('4.99'), 'tiers', ['GFT-SP-01']),
                (Decimal(5), 'tiers', ['GFT-TS-01', 'BOX-GF-S']),
                (Decimal(9), 'tiers', ['GFT-TS-01', 'BOX-GF-S']),
                (Decimal(10), 'tiers', ['CUP-CR-150']),
                (Decimal(1000), 'tiers', ['CUP-CR-150']),
                (Decimal(7), 'tiers listed backwards',
                    ['BOX-GF-S', 'GFT-TS-01']),
                (Decimal(7), 'no gift', []),
                ]:
            with self.subTest(value=value, gifts=gifts):
                rule = gift_rule(seller, gifts=tiers[gifts])
                self.assertEqual(
                    [g.product.code for g in rule.tier(value)], expected)
