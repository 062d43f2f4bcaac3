"""Gifts: rules that add zero-price lines to orders, with exact caps.

A rule says: in this shop, between these dates (of order or of payment), for
this quantity or amount of these products, give these gifts (all of them or
one of them). Tiers are the rule's gift lines grouped by threshold: the
highest threshold reached gives its gifts.

Caps count the orders that hold a gift line of the rule. Two clerks auditing
at once must not both give the last gift, so the capped rules are locked
(``ModelSQL.lock``: the transaction restarts holding ``SELECT … FOR UPDATE``
on the rule rows before it reads anything) and the count is read afterwards.
"""
from collections import defaultdict
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .order import CHECKED_STATES



class GiftRule(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "E-commerce Gift Rule"
    __name__ = 'ecom.gift_rule'

    name = fields.Char("Name", required=True, translate=True)
    shop = fields.Many2One('ecom.shop', "Shop", ondelete='CASCADE',
        help="Apply only to orders of this shop.\n"
        "Leave empty for every shop.")
    date_basis = fields.Selection([
            ('order', "Order Date"),
            ('pay', "Pay Date"),
            ], "Date Basis", required=True,
        help="Which date of the order must fall in the validity window.")
    start_date = fields.DateTime("Start Date")
    end_date = fields.DateTime("End Date",
        domain=[
            If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')),
                ()),
            ])
    products = fields.Many2Many('ecom.gift_rule-product.product', 'rule',
        'product', "Products",
        help="The products whose purchase counts.\n"
        "Leave empty to count every product.")
    threshold_type = fields.Selection([
            ('quantity', "Quantity"),
            ('amount', "Amount"),
            ], "Threshold On", required=True,
        help="Whether the tiers' thresholds are quantities bought "
        "or amounts paid for the products.")
    choice = fields.Selection([
            ('all', "All Gifts"),
            ('one', "One Gift"),
            ], "Choice", required=True,
        help="Give every gift of the tier reached, "
        "or only the first one that is in stock.")
    gifts = fields.One2Many('ecom.gift_rule.line', 'rule', "Gifts",
        help="The gifts by tier: the highest threshold reached gives "
        "its gifts.")
    total_cap = fields.Integer("Total Cap",
        domain=['OR', ('total_cap', '=', None), ('total_cap', '>', 0)],
        help="How many orders at most get the gifts.\n"
        "Leave empty for no limit.")
    buyer_cap = fields.Integer("Cap per Buyer",
        domain=['OR', ('buyer_cap', '=', None), ('buyer_cap', '>', 0)],
        help="How many orders of one buyer in one shop at most get the "
        "gifts.\nLeave empty for no limit.")
    given = fields.Function(fields.Integer("Given",
            help="How many orders hold the gifts of this rule."),
        'get_given')

    @classmethod
    def default_date_basis(cls):
        return 'pay'

    @classmethod
    def default_threshold_type(cls):
        return 'quantity'

    @classmethod
    def default_choice(cls):
        return 'all'

    @classmethod
    def get_given(cls, rules, name):
        given = dict.fromkeys(map(int, rules), 0)
        given.update(cls.count_given(rules)[0])
        return given

    @classmethod
    def count_given(cls, rules, buyers=None):
        """Return the number of orders holding gifts of each rule and,
        for the (shop, buyer) pairs, of each rule per shop and buyer"""
        pool = Pool()
        Line = pool.get('ecom.order.line')
        Order = pool.get('ecom.order')
        line = Line.__table__()
        order = Order.__table__()
        cursor = Transaction().connection.cursor()
        rule_ids = list(map(int, rules))
        if not rule_ids:
            return {}, {}
        from_ = line.join(order, condition=line.order == order.id)
        where = ((line.gift_rule.in_(rule_ids))
            & (order.state != 'cancelled'))
        cursor.execute(*from_.select(
                line.gift_rule, Count(order.id, distinct=True),
                where=where, group_by=[line.gift_rule]))
        totals = dict(cursor)
        per_buyer = {}
        shop_ids = {s for s, _ in buyers or []}
        if shop_ids:
            names = [b for _, b in buyers if b is not None]
            of_buyers = order.buyer.in_(names) if names else Literal(False)
            if any(b is None for _, b in buyers):
                of_buyers |= order.buyer == Null
            cursor.execute(*from_.select(
                    line.gift_rule, order.shop, order.buyer,
                    Count(order.id, distinct=True),
                    where=where & order.shop.in_(list(shop_ids))
                    & of_buyers,
                    group_by=[line.gift_rule, order.shop, order.buyer]))
            for rule_id, shop_id, buyer, count in cursor:
                if (shop_id, buyer) in buyers:
                    per_buyer[rule_id, shop_id, buyer] = count
        return totals, per_buyer

    @property
    def capped(self):
        return bool(self.total_cap or self.buyer_cap)

    def counted_lines(self, order):
        "The lines of the order that count towards the thresholds"
        products = set(self.products)
        return [l for l in order.lines
            if not l.gift and l.product and l.refund_state != 'refunded'
            and (not products or l.product in products)]

    def counted_value(self, order):
        """Return the quantity or amount that counts, or None when the
        order is outside the rule's shop or dates"""
        if self.shop and self.shop != order.shop:
            return None
        date = order.order_date if self.date_basis == 'order' else (
            order.pay_date)
        if self.start_date and (not date or date < self.start_date):
            return None
        if self.end_date and (not date or date > self.end_date):
            return None
        lines = self.counted_lines(order)
        if self.threshold_type == 'quantity':
            return Decimal(str(sum(l.quantity for l in lines)))
        return sum((l.amount for l in lines), Decimal(0))

    def describe(self, value):
        "Return the value the rule looked at as a clerk reads it"
        if self.threshold_type == 'quantity':
            return f'quantity={float(value):g}'
        return f'amount={value}'

    def tier(self, value):
        "Return the gift lines of the highest threshold reached by value"
        if not value:
            return []
        reached = [g.threshold for g in self.gifts if g.threshold <= value]
        if not reached:
            return []
        return [g for g in self.gifts if g.threshold == max(reached)]


class GiftRuleProduct(ModelSQL):
    "E-commerce Gift Rule - Product"
    __name__ = 'ecom.gift_rule-product.product'

    rule = fields.Many2One('ecom.gift_rule', "Rule", required=True,
        ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='CASCADE')


class GiftRuleLine(sequence_ordered(), ModelSQL, ModelView):
    "E-commerce Gift Rule Line"
    __name__ = 'ecom.gift_rule.line'

    rule = fields.Many2One('ecom.gift_rule', "Rule", required=True,
        ondelete='CASCADE')
    threshold = fields.Numeric("Threshold", digits=(16, 2), required=True,
        domain=[('threshold', '>', 0)],
        help="The quantity or amount from which this gift is given.")
    product = fields.Many2One('product.product', "Gift", required=True,
        ondelete='RESTRICT', domain=[('type', 'in', ['goods', 'kit'])])
    quantity = fields.Float("Quantity", digits=(16, 0), required=True,
        domain=[('quantity', '>', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('threshold', 'ASC'))

    @classmethod
    def default_quantity(cls):
        return 1


class OrderLine(metaclass=PoolMeta):
    __name__ = 'ecom.order.line'

    gift_rule = fields.Many2One('ecom.gift_rule', "Gift Rule", readonly=True,
        ondelete='RESTRICT',
        help="The rule that gave this gift; empty for gifts added by hand.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The caps count the orders holding a rule's gifts.
        cls._sql_indexes.add(Index(t, (t.gift_rule, Index.Range()),
                where=t.gift_rule != Null))


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    gifts_by_hand = fields.Boolean("Gifts by Hand", readonly=True,
        help="A clerk replaced the gifts: the gift rules leave them alone.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'apply_gifts': {
                    'invisible': ~Eval('state').in_(list(CHECKED_STATES)),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_gifts_by_hand(cls):
        return False

    @classmethod
    def _intake_gifts(cls, orders):
        "Give the gifts to the mapped orders"
        cls.apply_gifts([o for o in orders if o.state == 'draft'])

    @classmethod
    @ModelView.button
    def apply_gifts(cls, orders):
        """Give the gifts of the matching rules to the orders (in draft or
        exception) and record each rule's outcome as a decision"""
        pool = Pool()
        Rule = pool.get('ecom.gift_rule')
        Line = pool.get('ecom.order.line')
        orders = [o for o in orders
            if o.state in CHECKED_STATES and not o.gifts_by_hand]
        if not orders:
            return
        # First paid, first served when the cap is near
        orders.sort(key=lambda o: (
                o.pay_date or o.order_date or o.create_date, o.id))
        rules = Rule.search([])
        matches = []
        for order in orders:
            for rule in rules:
                value = rule.counted_value(order)
                tier = rule.tier(value)
                if tier:
                    matches.append((order, rule, value, tier))
        capped = {r for _, r, _, _ in matches if r.capped}
        if capped:
            Rule.lock(capped)
        Line.delete(Line.search([
                    ('order', 'in', [o.id for o in orders]),
                    ('gift_rule', '!=', None),
                    ]))
        totals, per_buyer = Rule.count_given(
            capped, {(o.shop.id, o.buyer) for o, r, _, _ in matches})
        totals = defaultdict(int, totals)
        per_buyer = defaultdict(int, per_buyer)
        lines, decisions = [], []
        for order, rule, value, tier in matches:
            buyer_key = (rule.id, order.shop.id, order.buyer)
            if rule.total_cap and totals[rule.id] >= rule.total_cap:
                outcome = gettext('ecom_order_center.msg_gift_total_cap',
                    cap=rule.total_cap)
            elif rule.buyer_cap and per_buyer[buyer_key] >= rule.buyer_cap:
                outcome = gettext('ecom_order_center.msg_gift_buyer_cap',
                    cap=rule.buyer_cap)
            else:
                if rule.choice == 'one':
                    tier = [order._gift_in_stock(tier)]
                lines.extend(order._gift_line(g.product, g.quantity, rule)
                    for g in tier)
                totals[rule.id] += 1
                per_buyer[buyer_key] += 1
                outcome = ', '.join(
                    f'{g.product.rec_name} ×{g.quantity:g}' for g in tier)
            decisions.append((order,
                    gettext('ecom_order_center.msg_gift_rule',
                        rule=rule.rec_name),
                    rule.describe(value), outcome))
        Line.save(lines)
        cls._log_decisions(decisions)

    def _gift_line(self, product, quantity, rule=None):
        pool = Pool()
        Line = pool.get('ecom.order.line')
        return Line(order=self, product=product, title=product.name,
            quantity=quantity, unit_price=Decimal(0), amount=Decimal(0),
            gift=True, gift_rule=rule)

    def _gift_in_stock(self, gifts):
        "Return the first gift the order's warehouse can give"
        pool = Pool()
        Product = pool.get('product.product')
        warehouse = self.warehouse or self.shop.warehouse
        if warehouse:
            with Transaction().set_context(locations=[warehouse.id]):
                for gift in gifts:
                    if Product(gift.product.id).quantity >= gift.quantity:
                        return gift
        return gifts[0]


class GiveGiftStart(ModelView):
    "Give Gift"
    __name__ = 'ecom.order.give_gift.start'

    mode = fields.Selection([
            ('add', "Add"),
            ('replace', "Replace"),
            ], "Mode", required=True,
        help="Add the gift to the order's gifts, "
        "or replace all its gifts by this one.")
    product = fields.Many2One('product.product', "Gift", required=True,
        domain=[('type', 'in', ['goods', 'kit'])])
    quantity = fields.Float("Quantity", digits=(16, 0), required=True,
        domain=[('quantity', '>', 0)])

    @classmethod
    def default_mode(cls):
        return 'add'

    @classmethod
    def default_quantity(cls):
        return 1


class GiveGift(Wizard):
    "Give Gift"
    __name__ = 'ecom.order.give_gift'

    start = StateView('ecom.order.give_gift.start',
        'ecom_order_center.order_give_gift_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Give", 'give', 'tryton-ok', default=True),
            ])
    give = StateTransition()

    def transition_give(self):
        pool = Pool()
        Order = pool.get('ecom.order')
        Line = pool.get('ecom.order.line')
        User = pool.get('res.user')
        orders = self.records
        locked = [o for o in orders if o.state not in CHECKED_STATES]
        if locked:
            raise AccessError(gettext(
                    'ecom_order_center.msg_gift_order_not_editable',
                    orders=', '.join(o.rec_name for o in locked[:10])))
        Order.lock(orders)
        mode, product, quantity = (
            self.start.mode, self.start.product, self.start.quantity)
        if mode == 'replace':
            Line.delete(Line.search([
                        ('order', 'in', [o.id for o in orders]),
                        ('gift', '=', True),
                        ]))
            Order.write(list(orders), {'gifts_by_hand': True})
        Line.save([o._gift_line(product, quantity) for o in orders])
        user = User(Transaction().user)
        Order._log_decisions((o,
                gettext('ecom_order_center.msg_gift_by_hand',
                    user=user.rec_name),
                mode, f'{product.rec_name} ×{quantity:g}') for o in orders)
        return 'end'
