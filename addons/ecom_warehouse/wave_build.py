# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Building waves from the assigned shipments of a warehouse.

The candidates, their moves and orders are read with a few grouped SQL
queries (no per-shipment ORM reads), filtered and ordered oldest paid
first, then cut into waves under the caps and created in one go.  A
shipment already held by an open wave is never a candidate; one taken by
another clerk in between is refused by the database's exclusion on the
wave line, and the whole build is rolled back, so building again is safe.

The orders have no promised ship time (承诺发货时间): the build cannot
filter on it and its form says so.
"""
import datetime as dt
from collections import defaultdict

from sql import Literal, Null
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import SQLConstraintError
from trytond.model.fields import SQL_OPERATORS
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .wave import KINDS

SHIPMENT_REF = 'stock.shipment.out,%s'
# Most ids in one IN of a query
IN_MAX = 1000


def parcel_kind(quantities):
    "Return the kind of a parcel from its quantity per product"
    if len(quantities) == 1:
        quantity, = quantities.values()
        return 'single' if quantity == 1 else 'single_multi'
    return 'multi'


class Candidate:
    "An assigned shipment that can be waved, with what its orders say"
    __slots__ = ('id', 'carrier', 'quantities', 'origins', 'shops',
        'pay_date', 'ship_dates')

    def __init__(self, id_, carrier):
        self.id = id_
        self.carrier = carrier
        self.quantities = defaultdict(float)
        self.origins = set()
        self.shops = set()
        self.pay_date = None
        self.ship_dates = set()

    @property
    def kind(self):
        return parcel_kind(self.quantities)

    @property
    def items(self):
        return sum(self.quantities.values())


def wave_candidates(warehouse):
    """Return the candidates of the warehouse: assigned, not intercepted,
    in no open wave"""
    pool = Pool()
    Shipment = pool.get('stock.shipment.out')
    Line = pool.get('ecom.wave.line')
    Move = pool.get('stock.move')
    cursor = Transaction().connection.cursor()
    shipment = Shipment.__table__()
    line = Line.__table__()
    move = Move.__table__()

    held = line.select(line.shipment, where=line.wave_open == Literal(True))
    cursor.execute(*shipment.select(
            shipment.id, shipment.carrier,
            shipment.warehouse_storage, shipment.warehouse_output,
            where=(shipment.state == 'assigned')
            & (shipment.warehouse == warehouse.id)
            & (Coalesce(shipment.ecom_intercepted, Literal(False))
                == Literal(False))
            & ~shipment.id.in_(held)))
    candidates, outputs = {}, {}
    for id_, carrier, storage, output in cursor:
        candidates[id_] = Candidate(id_, carrier)
        outputs[SHIPMENT_REF % id_] = (id_, output if storage != output
            else None)

    for refs in grouped_slice(list(outputs), IN_MAX):
        cursor.execute(*move.select(
                move.shipment, move.product, move.internal_quantity,
                move.to_location, move.origin,
                where=move.shipment.in_(list(refs))
                & (move.state != 'cancelled')))
        for ref, product, quantity, to_location, origin in cursor:
            id_, output = outputs[ref]
            candidate = candidates[id_]
            if output is None or to_location == output:
                candidate.quantities[product] += quantity or 0
            if (output is None or to_location != output) and origin:
                candidate.origins.add(origin)
    _add_orders(candidates.values())
    return list(candidates.values())


def _add_orders(candidates):
    "Fill in the shop, pay date and presale dates of the candidates' orders"
    pool = Pool()
    Component = pool.get('sale.line.component')
    SaleLine = pool.get('sale.line')
    OrderSale = pool.get('ecom.order-sale.sale')
    Order = pool.get('ecom.order')
    OrderLine = pool.get('ecom.order.line')
    cursor = Transaction().connection.cursor()

    line_ids, component_ids = defaultdict(set), defaultdict(set)
    for candidate in candidates:
        for origin in candidate.origins:
            model, _, id_ = origin.partition(',')
            if model == 'sale.line':
                line_ids[int(id_)].add(candidate)
            elif model == 'sale.line.component':
                component_ids[int(id_)].add(candidate)
    component = Component.__table__()
    for sub_ids in grouped_slice(list(component_ids), IN_MAX):
        cursor.execute(*component.select(component.id, component.line,
                where=SQL_OPERATORS['in'](component.id, sub_ids)))
        for id_, line_id in cursor:
            line_ids[line_id] |= component_ids[id_]

    sale_line = SaleLine.__table__()
    sales = defaultdict(set)
    for sub_ids in grouped_slice(list(line_ids), IN_MAX):
        cursor.execute(*sale_line.select(sale_line.id, sale_line.sale,
                where=SQL_OPERATORS['in'](sale_line.id, sub_ids)))
        for id_, sale in cursor:
            sales[sale] |= line_ids[id_]

    order_sale = OrderSale.__table__()
    order = Order.__table__()
    orders = defaultdict(set)
    for sub_ids in grouped_slice(list(sales), IN_MAX):
        cursor.execute(*order_sale.join(order,
                condition=order_sale.order == order.id
                ).select(order_sale.sale, order.id, order.shop,
                order.pay_date,
                where=SQL_OPERATORS['in'](order_sale.sale, sub_ids)))
        for sale, order_id, shop, pay_date in cursor:
            if isinstance(pay_date, str):
                pay_date = dt.datetime.fromisoformat(pay_date)
            for candidate in sales[sale]:
                candidate.shops.add(shop)
                if pay_date and (not candidate.pay_date
                        or pay_date < candidate.pay_date):
                    candidate.pay_date = pay_date
                orders[order_id].add(candidate)

    order_line = OrderLine.__table__()
    for sub_ids in grouped_slice(list(orders), IN_MAX):
        cursor.execute(*order_line.select(order_line.order,
                order_line.ship_date,
                where=SQL_OPERATORS['in'](order_line.order, sub_ids)
                & (order_line.ship_date != Null)))
        for order_id, ship_date in cursor:
            if isinstance(ship_date, str):
                ship_date = dt.date.fromisoformat(ship_date)
            for candidate in orders[order_id]:
                candidate.ship_dates.add(ship_date)


def build_waves(warehouse, carrier=None, shop=None, kind=None,
        ship_date=None, max_orders=None, max_items=None, max_waves=None):
    """Build waves of the warehouse's candidates that match, oldest paid
    first, each with at most max_orders shipments and max_items items
    (a shipment bigger than max_items alone); return the waves"""
    candidates = [c for c in wave_candidates(warehouse)
        if (not carrier or c.carrier == carrier.id)
        and (not shop or c.shops == {shop.id})
        and (not kind or c.kind == kind)
        and (not ship_date or c.ship_dates == {ship_date})
        and c.quantities]
    return create_waves(warehouse, cut_waves(candidates, max_orders,
            max_items, max_waves),
        carrier=carrier, shop=shop, kind=kind)


def cut_waves(candidates, max_orders=None, max_items=None, max_waves=None):
    "Return the candidates in groups under the caps, oldest paid first"
    candidates = sorted(candidates, key=lambda c: (c.pay_date is None,
            c.pay_date or dt.datetime.min, c.id))
    groups, group, items = [], [], 0
    for candidate in candidates:
        if group and ((max_orders and len(group) >= max_orders)
                or (max_items and items + candidate.items > max_items)):
            groups.append(group)
            group, items = [], 0
            if max_waves and len(groups) >= max_waves:
                break
        group.append(candidate)
        items += candidate.items
    else:
        if group:
            groups.append(group)
    return groups


def create_waves(warehouse, groups, carrier=None, shop=None, kind=None):
    """Create a wave of each group of candidates, their bins in order

    The lines go in by plain SQL inserts, thousands a second where the
    ORM makes hundreds; the database checks them all the same (the wave
    and shipment exist, no shipment in two open waves)."""
    pool = Pool()
    Wave = pool.get('ecom.wave')
    Line = pool.get('ecom.wave.line')
    transaction = Transaction()
    if not groups:
        return []
    waves = Wave.create([{
                'warehouse': warehouse.id,
                'carrier': carrier.id if carrier else None,
                'shop': shop.id if shop else None,
                'kind': kind,
                } for _ in groups])
    line = Line.__table__()
    columns = [line.create_uid, line.create_date, line.wave, line.shipment,
        line.bin, line.items, line.state, line.wave_open]
    values = [[transaction.user, CurrentTimestamp(), wave.id, c.id, bin_,
            c.items, 'waiting', True]
        for wave, group in zip(waves, groups)
        for bin_, c in enumerate(group, 1)]
    cursor = transaction.connection.cursor()
    # read before: PostgreSQL refuses any query in a failed transaction
    refused = gettext('ecom_warehouse.msg_wave_shipment_unique')
    for rows in grouped_slice(values, IN_MAX):
        try:
            cursor.execute(*line.insert(columns, list(rows)))
        except backend.DatabaseIntegrityError:
            raise SQLConstraintError(refused)
    return waves


class BuildStart(ModelView):
    "Build Waves"
    __name__ = 'ecom.wave.build.start'

    warehouse = fields.Many2One('stock.location', "Warehouse",
        required=True, domain=[('type', '=', 'warehouse')])
    carrier = fields.Many2One('carrier', "Carrier")
    shop = fields.Many2One('ecom.shop', "Shop")
    kind = fields.Selection(KINDS, "Kind",
        help="单品单件: one product, one item; 单品多件: one product, "
        "several items; 多品: several products.")
    ship_date = fields.Date("Presale Ship Date",
        help="Only the presale orders that ship on this date.")
    max_orders = fields.Integer("Orders per Wave",
        domain=['OR', ('max_orders', '=', None), ('max_orders', '>', 0)])
    max_items = fields.Integer("Items per Wave",
        domain=['OR', ('max_items', '=', None), ('max_items', '>', 0)])
    max_waves = fields.Integer("Waves",
        domain=['OR', ('max_waves', '=', None), ('max_waves', '>', 0)],
        help="How many waves to build at most; empty: as many as needed.")
    note = fields.Text("Note", readonly=True)

    @staticmethod
    def default_max_orders():
        return 50

    @staticmethod
    def default_max_items():
        return 200

    @staticmethod
    def default_note():
        return gettext('ecom_warehouse.msg_wave_no_promised_time')


class Build(Wizard):
    "Build Waves"
    __name__ = 'ecom.wave.build'

    start = StateView('ecom.wave.build.start',
        'ecom_warehouse.wave_build_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Build", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('ecom_warehouse.act_wave')

    def do_open_(self, action):
        start = self.start
        waves = build_waves(start.warehouse, carrier=start.carrier,
            shop=start.shop, kind=start.kind, ship_date=start.ship_date,
            max_orders=start.max_orders, max_items=start.max_items,
            max_waves=start.max_waves)
        if not waves:
            raise UserError(gettext('ecom_warehouse.msg_wave_nothing_to_wave',
                    warehouse=start.warehouse.rec_name))
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', [w.id for w in waves])])
        return action, {}
