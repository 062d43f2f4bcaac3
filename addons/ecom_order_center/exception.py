"""Exception rules: what stops an order, or warns the clerk, before audit."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .order import CHECKED_STATES, UNPOSTED_STATES


def one_line(text):
    "text on one line: a finding is one line of the order's exceptions"
    return ' '.join(text.split())


KINDS = [
    ('stock', "Insufficient available stock"),
    ('address', "Incomplete or unknown address"),
    ('buyer_message', "Buyer message present"),
    ('seller_memo', "Seller memo or flag present"),
    ('price_floor', "Price below floor"),
    ('blacklist', "Blacklisted buyer or phone"),
    ('status', "Platform status not shippable"),
    ('refund', "Refund requested"),
    ('duplicate', "Possible duplicate or mergeable"),
    ]
RULE_KINDS = {k for k, _ in KINDS}
# countries whose post needs the state and the postal code
STATE_COUNTRIES = {'US', 'CA', 'AU', 'BR', 'MX', 'IN', 'MY', 'JP'}


def address_needs(order):
    """The receiver fields the destination country's post needs: in China
    (where the Chinese platforms send no country) the phone and province,
    where states are in the address the state, city and postal code,
    elsewhere the country and city"""
    needs = ['receiver_name', 'receiver_address']
    country = order.receiver_country or (
        order.receiver_subdivision.country
        if order.receiver_subdivision else None)
    code = country.code if country else None
    if code in (None, 'CN'):
        return needs + ['receiver_phone', 'receiver_subdivision']
    if code in STATE_COUNTRIES:
        return needs + ['receiver_subdivision', 'receiver_city',
            'receiver_zip']
    return needs + ['receiver_country', 'receiver_city']


class ExceptionRule(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Exception Rule"
    __name__ = 'ecom.exception_rule'

    name = fields.Char("Name", required=True, translate=True)
    shop = fields.Many2One('ecom.shop', "Shop", ondelete='CASCADE',
        help="Leave empty to check the orders of every shop.")
    kind = fields.Selection(KINDS, "Check", required=True)
    action = fields.Selection([
            ('block', "Block"),
            ('warn', "Warn"),
            ], "Action", required=True,
        help="Block puts the order in exception; "
        "warn only records the finding on the order.")
    floor_percentage = fields.Numeric("Floor (% of list price)",
        digits=(16, 0),
        states={
            'invisible': Eval('kind') != 'price_floor',
            'required': Eval('kind') == 'price_floor',
            },
        help="A line paid below this share of the product's list price "
        "fires the rule.")

    @staticmethod
    def default_action():
        return 'block'

    def check(self, order, context):
        """Return the finding of the rule on the order (not saved) or None

        context holds what is computed once for the batch: available stock
        per warehouse and product, blacklisted values, mergeable orders."""
        Finding = Pool().get('ecom.order.finding')
        found = self.match(order, context)
        if found is not None:
            message, values = found
            return Finding.new(order, self.kind, self.action,
                'ecom_order_center.' + message, rule=self, **values)

    def match(self, order, context):
        """Return the message name and the values the rule found on the
        order, or None"""
        return getattr(self, '_check_' + self.kind)(order, context)

    def _check_stock(self, order, context):
        warehouse = order.warehouse or order.shop.warehouse
        needs = {}
        # The lines that will leave the warehouse (refunded ones stay)
        for line in order._routed_lines():
            if line.product.type in {'goods', 'kit'}:
                needs[line.product] = (
                    needs.get(line.product, 0) + line.quantity)
        available = context['stock'].get(warehouse.id, {})
        short = [p.code or p.rec_name for p, q in needs.items()
            if available.get(p.id, 0) < q]
        if short:
            return 'msg_exception_stock', {
                'warehouse': warehouse.rec_name,
                'products': ', '.join(short)}

    def _check_address(self, order, context):
        missing = [name for name in address_needs(order)
            if not getattr(order, name)]
        if missing:
            Order = Pool().get('ecom.order')
            strings = Order.fields_get(missing)
            return 'msg_exception_address', {
                'fields': ', '.join(strings[n]['string'] for n in missing)}

    def _check_buyer_message(self, order, context):
        if order.buyer_message:
            return 'msg_exception_buyer_message', {
                'message': one_line(order.buyer_message)}

    def _check_seller_memo(self, order, context):
        if order.seller_memo or order.seller_flag:
            return 'msg_exception_seller_memo', {
                'memo': one_line(order.seller_memo or ''),
                'flag': order.seller_flag or 0}

    def _check_price_floor(self, order, context):
        cheap = []
        for line in order.lines:
            if not line.product or line.gift or not line.quantity:
                continue
            # A variant without a price of its own sells at its template's.
            floor = (line.product.list_price_used or 0) * (
                self.floor_percentage or 0) / 100
            paid = line.amount / Decimal(str(line.quantity))
            if paid < floor:
                cheap.append('%s %s < %s' % (
                        line.product.code, paid, round(floor, 2)))
        if cheap:
            return 'msg_exception_price_floor', {'lines': '; '.join(cheap)}

    def _check_blacklist(self, order, context):
        listed = [v for v in [order.buyer, order.receiver_phone]
            if v and v in context['blacklist']]
        if listed:
            return 'msg_exception_blacklist', {'values': ', '.join(listed)}

    def _check_status(self, order, context):
        if order.platform_state != 'paid':
            return 'msg_exception_status', {
                'status': order.platform_status or order.platform_state}

    def _check_refund(self, order, context):
        if order.refund_state == 'requested':
            return 'msg_exception_refund', {
                'lines': ', '.join(l.platform_line_id or l.title or ''
                    for l in order.lines if l.refund_state == 'requested')}

    def _check_duplicate(self, order, context):
        together = order.shipped_with()
        others = [o for o in context['mergeable'].get(
                order.merge_key(), []) if o not in together]
        if others:
            Order = Pool().get('ecom.order')
            return 'msg_exception_duplicate', {
                'orders': ', '.join(
                    o.platform_order_id for o in Order.browse(others))}


class Blacklist(ModelSQL, ModelView):
    "Blacklist"
    __name__ = 'ecom.blacklist'

    value = fields.Char("Buyer or Phone", required=True,
        help="A buyer nickname or a phone number whose orders are stopped.")
    reason = fields.Char("Reason")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('value_unique', Unique(t, t.value),
                'ecom_order_center.msg_blacklist_unique'),
            ]


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'recheck': {
                    'invisible': ~Eval('state').in_(list(CHECKED_STATES)),
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def recheck(cls, orders):
        """Run the checks again on the orders waiting for them, once a
        clerk fixed what they found (an address completed, stock received)"""
        orders = [o for o in cls.lock_current(orders)
            if o.state in CHECKED_STATES]
        if not orders:
            return
        cls.intake(orders)
        cls._log_each(cls.browse([o.id for o in orders]),
            gettext('ecom_order_center.msg_rule_recheck'),
            lambda o: cls.state_name(o.state))

    def merge_key(self):
        "Orders with the same key ship to the same person at one address"
        def clean(value):
            return ''.join((value or '').split())
        return (self.shop.id, clean(self.buyer), clean(self.receiver_name),
            clean(self.receiver_phone),
            self.receiver_subdivision.id if self.receiver_subdivision
            else None,
            clean(self.receiver_city), clean(self.receiver_district),
            clean(self.receiver_address))

    @classmethod
    def _exception_context(cls, orders):
        pool = Pool()
        Blacklist = pool.get('ecom.blacklist')
        by_warehouse = {}
        for order in orders:
            warehouse = order.warehouse or order.shop.warehouse
            by_warehouse.setdefault(warehouse, set()).update(
                l.product.id for l in order.lines if l.product)
        stock = cls._available_stock(by_warehouse)
        values = {v for o in orders for v in [o.buyer, o.receiver_phone]
            if v}
        mergeable = {}
        for other in cls.search([
                    ('shop', 'in', list({o.shop.id for o in orders})),
                    ('buyer', 'in', list({o.buyer for o in orders})),
                    ('state', 'in', list(UNPOSTED_STATES)),
                    ]):
            mergeable.setdefault(other.merge_key(), []).append(other.id)
        return {
            'stock': stock,
            'blacklist': {b.value for b in Blacklist.search(
                    [('value', 'in', list(values))])},
            'mergeable': mergeable,
            }

    @classmethod
    def _available_stock(cls, by_warehouse):
        """Return the stock the shops may still sell of the product ids
        per warehouse in by_warehouse, by warehouse id and product id"""
        pool = Pool()
        Product = pool.get('product.product')
        Date = pool.get('ir.date')
        stock = {}
        for warehouse, product_ids in by_warehouse.items():
            with Transaction().set_context(locations=[warehouse.id],
                    stock_date_end=Date.today(), with_childs=True):
                stock[warehouse.id] = {p.id: p.forecast_quantity
                    for p in Product.browse(list(product_ids))}
        return stock

    @classmethod
    def _intake_exceptions(cls, orders):
        """Run the exception rules in sequence on the orders in draft or
        exception; each rule that fires leaves a finding and a decision,
        and the blocking findings put the order in exception"""
        pool = Pool()
        Rule = pool.get('ecom.exception_rule')
        Finding = pool.get('ecom.order.finding')
        orders = [o for o in orders if o.state in CHECKED_STATES]
        if not orders:
            return
        rules = Rule.search([])
        context = cls._exception_context(orders)
        findings, entries = [], []
        for order in orders:
            for rule in rules:
                if rule.shop and rule.shop != order.shop:
                    continue
                finding = rule.check(order, context)
                if finding is None:
                    continue
                findings.append(finding)
                entries.append((order, rule.name, finding.render(),
                        gettext('ecom_order_center.msg_exception_'
                            + rule.action)))
        Finding.replace(orders, findings, RULE_KINDS)
        cls._log_decisions(entries)
        cls.set_checked_state(cls.browse([o.id for o in orders]))
