"""Which warehouse ships an order and which carrier takes it.

Warehouse rules are records ordered by sequence (like ``carrier.selection``);
when none matches, the order goes to the first warehouse, the shop's own
first, that has every item available. Carriers are chosen by Tryton's
``carrier.selection``, extended here with warehouse, weight range and shop;
among the carriers that match, the cheapest through the carrier price API wins
unless the buyer designated one.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, MatchMixin, ModelSQL, ModelView, fields,
    sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .order import UNPOSTED_STATES



class WarehouseRule(
        DeactivableMixin, sequence_ordered(), MatchMixin, ModelSQL, ModelView):
    "E-commerce Warehouse Rule"
    __name__ = 'ecom.warehouse_rule'

    name = fields.Char("Name", required=True, translate=True)
    shop = fields.Many2One('ecom.shop', "Shop", ondelete='CASCADE',
        help="Apply only to orders of this shop.\n"
        "Leave empty for every shop.")
    subdivision = fields.Many2One('country.subdivision', "Province",
        ondelete='RESTRICT',
        help="Apply only to orders shipped to this province.\n"
        "Leave empty for every province.")
    city = fields.Char("City",
        help="Apply only to orders shipped to this city "
        "(with or without 市).\nLeave empty for every city.")
    category = fields.Many2One('product.category', "Product Category",
        ondelete='RESTRICT',
        help="Apply only to orders with a product of this category "
        "or of one of its sub-categories.\nLeave empty for every product.")
    warehouse = fields.Many2One('stock.location', "Warehouse", required=True,
        ondelete='RESTRICT', domain=[('type', '=', 'warehouse')])
    require_stock = fields.Boolean("Require Stock",
        help="Apply only when the warehouse has every item available.")

    def match(self, pattern, match_none=False):
        pattern = pattern.copy()
        city = pattern.pop('city', None)
        categories = pattern.pop('categories', set())
        available = pattern.pop('available_warehouses', None)
        if self.city and _city(self.city) != _city(city):
            return False
        if self.category and self.category.id not in categories:
            return False
        if (self.require_stock and available is not None
                and self.warehouse.id not in available):
            return False
        return super().match(pattern, match_none=match_none)


def _city(name):
    name = (name or '').strip()
    return name[:-1] if name.endswith('市') and len(name) > 2 else name


class CarrierSelection(metaclass=PoolMeta):
    __name__ = 'carrier.selection'

    warehouse = fields.Many2One('stock.location', "Warehouse",
        ondelete='CASCADE', domain=[('type', '=', 'warehouse')],
        help="Apply only when shipping from this warehouse.\n"
        "Leave empty for every warehouse.")
    ecom_shop = fields.Many2One('ecom.shop', "Shop", ondelete='CASCADE',
        help="Apply only to orders of this online shop.\n"
        "Leave empty for every shop.")
    min_weight = fields.Float("Minimal Weight (kg)", digits=(16, 3),
        help="Apply only to parcels of at least this weight.")
    max_weight = fields.Float("Maximal Weight (kg)", digits=(16, 3),
        help="Apply only to parcels up to this weight.")

    def match(self, pattern, match_none=False):
        if 'weight' in pattern:
            pattern = pattern.copy()
            weight = pattern.pop('weight') or 0
            if self.min_weight is not None and weight < self.min_weight:
                return False
            if self.max_weight is not None and weight > self.max_weight:
                return False
        return super().match(pattern, match_none=match_none)


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    carrier_code = fields.Char("Designated Carrier",
        states={'readonly': ~Eval('state').in_(list(UNPOSTED_STATES))},
        help="The code of the carrier the buyer asked for; "
        "it wins over the carrier rules.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'route': {
                    'invisible': ~Eval('state').in_(list(UNPOSTED_STATES)),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _intake_route(cls, orders):
        "Route the mapped orders"
        cls.route([o for o in orders if o.state == 'draft'])

    @classmethod
    @ModelView.button
    def route(cls, orders):
        """Set the warehouse, the estimated weight, the carrier and its
        freight cost of the orders and record why"""
        pool = Pool()
        orders = [o for o in orders if o.state in UNPOSTED_STATES]
        if not orders:
            return
        rules = pool.get('ecom.warehouse_rule').search([])
        availability = cls._warehouses_with_stock(orders)
        decisions = []
        # orders routed alike are written together
        to_write = defaultdict(list)
        # orders to the same place by the same carriers cost the same
        memo = {}
        for order in orders:
            warehouse, decision = order._choose_warehouse(
                rules, availability[order.id])
            decisions.append(decision)
            weight = order.estimate_weight()
            decisions.append(order._decision(
                gettext('ecom_order_center.msg_route_weight_rule'),
                ', '.join(
                    f'{l.product.code}×{l.quantity:g}'
                    for l in order._routed_lines()),
                f'{weight:.3f} kg'))
            carrier, cost, decision = order._choose_carrier(
                warehouse, weight, memo)
            decisions.append(decision)
            to_write[(
                    ('warehouse', warehouse.id if warehouse else None),
                    ('weight', weight),
                    ('carrier', carrier.id if carrier else None),
                    ('freight_cost', cost),
                    )].append(order)
        cls.write(*(v for values, routed in to_write.items()
                for v in (routed, dict(values))))
        cls._log_decisions(decisions)

    def _decision(self, rule, values, outcome):
        return (self, rule, values, outcome)

    def _routed_lines(self):
        "The lines that will leave the warehouse"
        return [l for l in self.lines
            if l.product and l.quantity and l.refund_state != 'refunded']

    def estimate_weight(self):
        "Return the weight in kg of the order's products (kits from parts)"
        return round(sum(
                _product_weight(l.product) * l.quantity
                for l in self._routed_lines()), 3)

    @classmethod
    def _warehouses_with_stock(cls, orders):
        """Return for each order id the ids of the warehouses that have
        every item of the order available"""
        pool = Pool()
        Location = pool.get('stock.location')
        Product = pool.get('product.product')
        warehouses = Location.search([('type', '=', 'warehouse')])
        needs = {}
        product_ids = set()
        for order in orders:
            need = defaultdict(float)
            for line in order._routed_lines():
                if line.product.type in {'goods', 'kit'}:
                    need[line.product.id] += line.quantity
            needs[order.id] = need
            product_ids.update(need)
        available = {}
        for warehouse in warehouses:
            # Current stock can be promised to shipments already and
            # forecast stock may still be on its way: take the smaller.
            with Transaction().set_context(locations=[warehouse.id]):
                rows = Product.read(
                    list(product_ids), ['quantity', 'forecast_quantity'])
            available[warehouse.id] = {
                r['id']: min(r['quantity'] or 0, r['forecast_quantity'] or 0)
                for r in rows}
        return {
            order_id: [w.id for w in warehouses
                if all(available[w.id].get(p, 0) >= q
                    for p, q in need.items())]
            for order_id, need in needs.items()}

    def _warehouse_pattern(self, available):
        # A rule on a category takes the products of its sub-categories.
        categories = set()
        for line in self._routed_lines():
            for category in line.product.template.categories_all:
                while category and category.id not in categories:
                    categories.add(category.id)
                    category = category.parent
        return {
            'shop': self.shop.id,
            'subdivision': (
                self.receiver_subdivision.id
                if self.receiver_subdivision else None),
            'city': self.receiver_city,
            'categories': categories,
            'available_warehouses': available,
            }

    def _choose_warehouse(self, rules, available):
        pool = Pool()
        Location = pool.get('stock.location')
        pattern = self._warehouse_pattern(available)
        values = ', '.join(filter(None, [
                    self.receiver_subdivision.name
                    if self.receiver_subdivision else None,
                    self.receiver_city]))
        for rule in rules:
            if rule.match(pattern):
                return rule.warehouse, self._decision(
                    gettext('ecom_order_center.msg_route_warehouse_rule',
                        rule=rule.rec_name),
                    values, rule.warehouse.rec_name)
        preferred = [self.shop.warehouse.id] if self.shop.warehouse else []
        for warehouse_id in preferred + available:
            if warehouse_id in available:
                warehouse = Location(warehouse_id)
                return warehouse, self._decision(
                    gettext('ecom_order_center.msg_route_warehouse_stock'),
                    values, warehouse.rec_name)
        warehouse = self.shop.warehouse
        return warehouse, self._decision(
            gettext('ecom_order_center.msg_route_warehouse_no_stock'),
            values, warehouse.rec_name if warehouse else '')

    def _carrier_pattern(self, warehouse, weight):
        subdivision = self.receiver_subdivision
        return {
            'to_country': subdivision.country.id if subdivision else None,
            'to_subdivision': subdivision.id if subdivision else None,
            'warehouse': warehouse.id if warehouse else None,
            'ecom_shop': self.shop.id,
            'weight': weight,
            }

    def _get_carrier_context(self, carrier, weight):
        "The context in which the carrier prices this order"
        return {
            'company': self.shop.company.id,
            'weights': [weight],
            'ecom_order': self.id,
            }

    def freight_price(self, carrier, weight):
        "Return what the carrier charges the seller for the order"
        pool = Pool()
        Carrier = pool.get('carrier')
        Currency = pool.get('currency.currency')
        with Transaction().set_context(
                self._get_carrier_context(carrier, weight)):
            carrier = Carrier(carrier.id)
            price, currency_id = carrier.get_purchase_price()
            if price is None:
                price, currency_id = carrier.get_sale_price()
        if price is None:
            return None
        return Currency.compute(
            Currency(currency_id), price, self.shop.company.currency)

    def _freight_key(self, carrier, warehouse, weight):
        "Orders with the same key cost the same to ship with the carrier"
        if carrier.carrier_cost_method == 'product':
            # the carrier's product price: the same for every parcel
            return (carrier.id, self.shop.company.id)
        return (carrier.id, warehouse.id if warehouse else None, weight,
            self.receiver_subdivision.id if self.receiver_subdivision
            else None, self.shop.company.id)

    def _choose_carrier(self, warehouse, weight, memo=None):
        """Return the carrier, its freight price and the decision; memo
        keeps prices and matching carriers between orders"""
        pool = Pool()
        Carrier = pool.get('carrier')
        Selection = pool.get('carrier.selection')
        if memo is None:
            memo = {}

        def freight(carrier):
            key = ('price',) + self._freight_key(carrier, warehouse, weight)
            if key not in memo:
                memo[key] = self.freight_price(carrier, weight)
            return memo[key]

        def names(carrier):
            "The carrier's code (or name) and name"
            key = ('names', carrier.id)
            if key not in memo:
                memo[key] = (
                    carrier.party.code or carrier.rec_name, carrier.rec_name)
            return memo[key]
        if self.carrier_code:
            carriers = Carrier.search([
                    ('party.code', '=', self.carrier_code.strip().upper()),
                    ], limit=1)
            if carriers:
                carrier, = carriers
                return carrier, freight(carrier), (
                    self._decision(
                        gettext('ecom_order_center.msg_route_carrier_buyer'),
                        self.carrier_code, carrier.rec_name))
        pattern = self._carrier_pattern(warehouse, weight)
        key = ('carriers',) + tuple(sorted(pattern.items()))
        if key not in memo:
            memo[key] = Selection.get_carriers(pattern)
        prices = []
        for carrier in memo[key]:
            cost = freight(carrier)
            prices.append((
                    cost if cost is not None else Decimal('Infinity'),
                    carrier))
        values = ', '.join(f'{names(c)[0]}={p}' for p, c in prices)
        if self.carrier_code:
            values = gettext(
                'ecom_order_center.msg_route_carrier_unknown',
                code=self.carrier_code) + ' ' + values
        if not prices:
            return None, None, self._decision(
                gettext('ecom_order_center.msg_route_carrier_rule'),
                values, gettext('ecom_order_center.msg_route_no_carrier'))
        # min keeps the first of equal prices: the selection's sequence
        price, carrier = min(prices, key=lambda p: p[0])
        if price == Decimal('Infinity'):
            price = None
        return carrier, price, self._decision(
            gettext('ecom_order_center.msg_route_carrier_rule'),
            values, names(carrier)[1])


def _product_weight(product):
    "Return the weight in kg of one unit of the product"
    pool = Pool()
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
    if product.weight and product.weight_uom:
        return Uom.compute_qty(
            product.weight_uom, product.weight, kilogram, round=False)
    if product.type == 'kit':
        return sum(
            _product_weight(c.product) * c.quantity
            for c in product.components_used)
    return 0
