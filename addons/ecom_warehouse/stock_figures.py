"""Available and book stock (可用库存 / 账面库存) per product and warehouse.

========= =============================================================
book      on hand: the done moves into the warehouse less those out
shipments promised to posted shipments not gone yet: the moves leaving
          the warehouse neither done nor cancelled
orders    promised to orders audited but not posted yet (虚拟库存), kits
          as their components
safety    kept back per product and warehouse (``ecom.stock.level``)
available book − shipments − orders − safety
========= =============================================================

One SQL query gives the figures of the goods (``figures_query``); a kit's
are those of its scarcest component. The stock list (仓储 › 库存), the
product form, the order center's stock check at intake and at audit and
the stock push to the platforms all read them.
"""
from collections import namedtuple

from sql import Cast, Literal, Null, Union
from sql.operators import Exists, Like
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Floor

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ecom_order_center.order import (
    CHECKED_STATES, UNPOSTED_STATES)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction
from trytond.wizard import StateAction

# Audited and not posted: the order already takes its stock
PROMISING_STATES = sorted(UNPOSTED_STATES - CHECKED_STATES)
# The moves that will still leave the warehouse
OPEN_MOVE_STATES = ['draft', 'assigned']
# A figure's id: its product's times this plus its warehouse's
ID_SPREAD = 1000000

Figures = namedtuple('Figures',
    ['book', 'shipments', 'orders', 'safety', 'available'])


class Level(ModelSQL, ModelView):
    "Stock Level"
    __name__ = 'ecom.stock.level'

    product = fields.Many2One('product.product', "Product", required=True,
        domain=[('type', '=', 'goods')])
    warehouse = fields.Many2One('stock.location', "Warehouse", required=True,
        domain=[('type', '=', 'warehouse')])
    safety_quantity = fields.Float("Safety Stock", digits=(16, 0),
        help="Kept back from what can be sold: "
        "available stock is book less promised less this.")
    alert_quantity = fields.Float("Alert Below", digits=(16, 0),
        help="Available stock under this raises a low-stock alert "
        "on the to-do board (empty: no alert).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('product_warehouse_unique', Unique(t, t.product, t.warehouse),
                'ecom_warehouse.msg_stock_level_unique'),
            ]

    @staticmethod
    def default_safety_quantity():
        return 0


def _warehouses(warehouse_ids=None):
    Location = Pool().get('stock.location')
    location = Location.__table__()
    where = location.type == 'warehouse'
    if warehouse_ids is not None:
        where &= location.id.in_(list(warehouse_ids) or [-1])
    return location.select(location.id, location.left, location.right,
        where=where)


def _moves_arm(warehouses, product_ids):
    "Book and shipment promises from the moves crossing the warehouse"
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    move = Move.__table__()
    from_ = Location.__table__()
    to = Location.__table__()
    wh = warehouses

    def inside(location):
        return (location.left >= wh.left) & (location.right <= wh.right)
    into, out_of = inside(to) & ~inside(from_), inside(from_) & ~inside(to)
    where = move.state.in_(['done'] + OPEN_MOVE_STATES) & (into | out_of)
    if product_ids is not None:
        where &= move.product.in_(list(product_ids) or [-1])
    quantity = move.internal_quantity
    return (move
        .join(from_, condition=move.from_location == from_.id)
        .join(to, condition=move.to_location == to.id)
        .join(wh, condition=inside(from_) | inside(to))
        .select(
            move.product.as_('product'),
            wh.id.as_('warehouse'),
            Case((move.state == 'done',
                    Case((inside(to), quantity), else_=-quantity)),
                else_=0.0).as_('book'),
            Case((move.state.in_(OPEN_MOVE_STATES) & out_of, quantity),
                else_=0.0).as_('shipments'),
            Literal(0.0).as_('orders'),
            Literal(0.0).as_('safety'),
            Cast(Null, 'FLOAT').as_('alert'),
            Case((move.state.in_(OPEN_MOVE_STATES) & into
                    & Like(move.shipment, 'stock.shipment.internal,%'),
                    quantity),
                else_=0.0).as_('in_transit'),
            where=where))


def _orders_arms(warehouse_ids, product_ids):
    """The audited orders' lines not refunded, goods as they are, kits as
    their components (the product's own or else its template's)"""
    pool = Pool()
    Order = pool.get('ecom.order')
    Line = pool.get('ecom.order.line')
    Shop = pool.get('ecom.shop')
    Product = pool.get('product.product')
    Template = pool.get('product.template')
    Component = pool.get('product.component')
    arms = []
    for kit in [False, True]:
        line = Line.__table__()
        order = Order.__table__()
        shop = Shop.__table__()
        product = Product.__table__()
        template = Template.__table__()
        warehouse = Coalesce(order.warehouse, shop.warehouse)
        from_ = (line
            .join(order, condition=line.order == order.id)
            .join(shop, condition=order.shop == shop.id)
            .join(product, condition=line.product == product.id)
            .join(template, condition=product.template == template.id))
        where = (order.state.in_(PROMISING_STATES)
            & (line.quantity > 0)
            & (Coalesce(line.refund_state, '') != 'refunded'))
        if warehouse_ids is not None:
            where &= warehouse.in_(list(warehouse_ids) or [-1])
        if kit:
            component = Component.__table__()
            own = Component.__table__()
            from_ = from_.join(component, condition=(
                    (component.parent_product == product.id)
                    | ((component.parent_template == template.id)
                        & (component.parent_product == Null)
                        & ~Exists(own.select(own.id,
                                where=own.parent_product == product.id)))))
            goods = component.product
            # the component's unit is taken as its product's
            quantity = Case((component.fixed == Literal(True),
                    component.quantity),
                else_=component.quantity * line.quantity)
            where &= template.type == 'kit'
        else:
            goods = line.product
            quantity = line.quantity
            where &= template.type == 'goods'
        if product_ids is not None:
            where &= goods.in_(list(product_ids) or [-1])
        arms.append(from_.select(
                goods.as_('product'),
                warehouse.as_('warehouse'),
                Literal(0.0).as_('book'),
                Literal(0.0).as_('shipments'),
                Cast(quantity, 'FLOAT').as_('orders'),
                Literal(0.0).as_('safety'),
                Cast(Null, 'FLOAT').as_('alert'),
                Literal(0.0).as_('in_transit'),
                where=where))
    return arms


def _levels_arm(warehouse_ids, product_ids):
    Level = Pool().get('ecom.stock.level')
    level = Level.__table__()
    where = Literal(True)
    if warehouse_ids is not None:
        where &= level.warehouse.in_(list(warehouse_ids) or [-1])
    if product_ids is not None:
        where &= level.product.in_(list(product_ids) or [-1])
    return level.select(
        level.product.as_('product'),
        level.warehouse.as_('warehouse'),
        Literal(0.0).as_('book'),
        Literal(0.0).as_('shipments'),
        Literal(0.0).as_('orders'),
        Coalesce(level.safety_quantity, 0.0).as_('safety'),
        Cast(level.alert_quantity, 'FLOAT').as_('alert'),
        Literal(0.0).as_('in_transit'),
        where=where)


def goods_query(warehouse_ids=None, product_ids=None):
    """The figures of goods per product and warehouse: columns product,
    warehouse, book, shipments, orders, safety, alert, available,
    in_transit"""
    warehouses = _warehouses(warehouse_ids)
    parts = Union(_moves_arm(warehouses, product_ids),
        *_orders_arms(warehouse_ids, product_ids),
        _levels_arm(warehouse_ids, product_ids), all_=True)
    book, shipments = Sum(parts.book), Sum(parts.shipments)
    orders, safety = Sum(parts.orders), Sum(parts.safety)
    return parts.select(
        parts.product.as_('product'),
        parts.warehouse.as_('warehouse'),
        book.as_('book'),
        shipments.as_('shipments'),
        orders.as_('orders'),
        safety.as_('safety'),
        Max(parts.alert).as_('alert'),
        (book - shipments - orders - safety).as_('available'),
        Sum(parts.in_transit).as_('in_transit'),
        group_by=[parts.product, parts.warehouse])


def kits_query(goods, warehouse_ids=None, kit_ids=None):
    """The figures of kits per kit and warehouse from those of their
    components (goods): as many kits as the scarcest component makes; a
    component without figures makes none"""
    pool = Pool()
    Product = pool.get('product.product')
    Template = pool.get('product.template')
    Component = pool.get('product.component')
    product = Product.__table__()
    template = Template.__table__()
    component = Component.__table__()
    own = Component.__table__()
    warehouses = _warehouses(warehouse_ids)
    where = template.type == 'kit'
    if kit_ids is not None:
        where &= product.id.in_(list(kit_ids) or [-1])

    def kits(column):
        figure = Coalesce(column, 0.0)
        return Min(Case((component.fixed == Literal(True),
                    Case((figure >= component.quantity, 1e9), else_=0.0)),
                else_=Floor(figure / component.quantity)))
    return (product
        .join(template, condition=product.template == template.id)
        .join(component, condition=(
                (component.parent_product == product.id)
                | ((component.parent_template == template.id)
                    & (component.parent_product == Null)
                    & ~Exists(own.select(own.id,
                            where=own.parent_product == product.id)))))
        .join(warehouses, condition=Literal(True))
        .join(goods, 'LEFT', condition=(goods.product == component.product)
            & (goods.warehouse == warehouses.id))
        .select(
            product.id.as_('product'),
            warehouses.id.as_('warehouse'),
            kits(goods.book).as_('book'),
            Cast(Null, 'FLOAT').as_('shipments'),
            Cast(Null, 'FLOAT').as_('orders'),
            Cast(Null, 'FLOAT').as_('safety'),
            Cast(Null, 'FLOAT').as_('alert'),
            kits(goods.available).as_('available'),
            Cast(Null, 'FLOAT').as_('in_transit'),
            where=where & (component.quantity > 0),
            group_by=[product.id, warehouses.id]))


def stock_figures(warehouse_ids, product_ids):
    """Return the Figures of the products (goods and kits) in the
    warehouses by (warehouse id, product id); those without any are
    zero"""
    pool = Pool()
    Product = pool.get('product.product')
    cursor = Transaction().connection.cursor()
    products = Product.browse(list(product_ids))
    kits = [p for p in products if p.type == 'kit']
    goods_ids = {p.id for p in products if p.type != 'kit'}
    goods_ids.update(c.product.id for k in kits for c in k.components_used)
    goods = goods_query(warehouse_ids, goods_ids)
    queries = [goods]
    if kits:
        queries.append(kits_query(goods, warehouse_ids, [k.id for k in kits]))
    result = {}
    for query in queries:
        cursor.execute(*query.select(query.warehouse, query.product,
                query.book, query.shipments, query.orders, query.safety,
                query.available))
        for warehouse, product, *values in cursor:
            result[warehouse, product] = Figures(*values)
    zero = Figures(0, 0, 0, 0, 0)
    return {(w, p): result.get((w, p), zero)
        for w in warehouse_ids for p in product_ids}


class Figure(ModelSQL, ModelView):
    "Stock Figure"
    __name__ = 'ecom.stock.figure'

    product = fields.Many2One('product.product', "Product", readonly=True)
    template = fields.Many2One('product.template', "Product Template",
        readonly=True)
    warehouse = fields.Many2One('stock.location', "Warehouse",
        readonly=True)
    book = fields.Float("Book", digits=(16, 0), readonly=True,
        help="On hand: what came into the warehouse less what left it.")
    shipments = fields.Float("Promised to Shipments", digits=(16, 0),
        readonly=True,
        help="Held for posted shipments that have not left yet.")
    orders = fields.Float("Promised to Orders", digits=(16, 0),
        readonly=True,
        help="Held for orders audited but not posted yet (虚拟库存).")
    safety = fields.Float("Safety Stock", digits=(16, 0), readonly=True)
    available = fields.Float("Available", digits=(16, 0), readonly=True,
        help="Book less promised less safety stock: "
        "what the shops may still sell.")
    alert = fields.Float("Alert Below", digits=(16, 0), readonly=True)
    in_transit = fields.Float("In Transit", digits=(16, 0), readonly=True,
        help="On its way to the warehouse by transfers (调拨), "
        "not in the book yet.")
    low = fields.Boolean("Low Stock", readonly=True,
        help="Available stock is under the alert quantity.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('warehouse', 'ASC'), ('product', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Product = pool.get('product.product')
        goods = goods_query()
        rows = Union(goods.select(*(getattr(goods, c) for c in [
                        'product', 'warehouse', 'book', 'shipments',
                        'orders', 'safety', 'alert', 'available',
                        'in_transit'])),
            kits_query(goods_query()), all_=True)
        product = Product.__table__()
        return rows.join(product, condition=rows.product == product.id
            ).select(
                (Cast(rows.product, 'BIGINT') * ID_SPREAD
                    + rows.warehouse).as_('id'),
                rows.product.as_('product'),
                product.template.as_('template'),
                rows.warehouse.as_('warehouse'),
                rows.book.as_('book'),
                rows.shipments.as_('shipments'),
                rows.orders.as_('orders'),
                rows.safety.as_('safety'),
                rows.alert.as_('alert'),
                rows.available.as_('available'),
                rows.in_transit.as_('in_transit'),
                Coalesce(rows.available < rows.alert, False).as_('low'))


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    ecom_stock_figures = fields.One2Many('ecom.stock.figure', 'template',
        "Stock per Warehouse", readonly=True,
        help="Book, promised and available stock in each warehouse.")


# The variant form inherits the template's page: a variant shows its own
# figures.
class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    ecom_stock_figures = fields.One2Many('ecom.stock.figure', 'product',
        "Stock per Warehouse", readonly=True,
        help="Book, promised and available stock in each warehouse.")


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def _available_stock(cls, by_warehouse):
        figures = stock_figures(
            [w.id for w in by_warehouse],
            {p for ids in by_warehouse.values() for p in ids})
        return {w.id: {p: figures[w.id, p].available for p in ids}
            for w, ids in by_warehouse.items()}

    @classmethod
    def _audit_filters(cls):
        return super()._audit_filters() + ['stock']

    @classmethod
    def _filter_stock(cls, orders, state):
        """At the customer-service audit, an order takes its stock: the
        orders that a blocking stock rule checks go on while what is
        available covers them, one after the other; the others go to
        exception with the stock finding

        The orders' warehouses are locked first: two audits wanting the
        last unit wait for each other, and the second sees it taken."""
        pool = Pool()
        Rule = pool.get('ecom.exception_rule')
        Location = pool.get('stock.location')
        Finding = pool.get('ecom.order.finding')
        if state != 'draft':
            return orders
        rules = Rule.search([('kind', '=', 'stock'), ('action', '=', 'block')])
        checked = {}
        for order in orders:
            rule = next((r for r in rules
                    if not r.shop or r.shop == order.shop), None)
            if rule:
                checked[order] = rule
        if not checked:
            return orders
        warehouses = {o.warehouse or o.shop.warehouse for o in checked}
        Location.lock(list(warehouses))
        needs = {order: order._stock_needs() for order in checked}
        figures = stock_figures([w.id for w in warehouses],
            {p for need in needs.values() for p in need})
        left = {key: f.available for key, f in figures.items()}
        passed, findings = [], []
        for order in orders:
            if order not in checked:
                passed.append(order)
                continue
            warehouse = order.warehouse or order.shop.warehouse
            short = [p for p, q in needs[order].items()
                if left[warehouse.id, p] < q]
            if short:
                findings.append(Finding.new(order, 'stock', 'block',
                        'ecom_order_center.msg_exception_stock',
                        rule=checked[order], warehouse=warehouse.rec_name,
                        products=', '.join(sorted(
                                order._stock_short_codes(short)))))
                continue
            for p, q in needs[order].items():
                left[warehouse.id, p] -= q
            passed.append(order)
        if findings:
            refused = [f.order for f in findings]
            Finding.save(findings)
            cls._log_decisions([(f.order, checked[f.order].name,
                        f.render(),
                        gettext('ecom_order_center.msg_exception_block'))
                    for f in findings])
            cls.set_checked_state(refused, ['stock'])
        return passed

    def _stock_needs(self):
        "The goods that the order's lines take from stock, kits as parts"
        needs = {}
        for line in self._routed_lines():
            product = line.product
            if product.type == 'kit':
                for component in product.components_used:
                    quantity = component.quantity * (
                        1 if component.fixed else line.quantity)
                    needs[component.product.id] = (
                        needs.get(component.product.id, 0) + quantity)
            elif product.type == 'goods':
                needs[product.id] = needs.get(product.id, 0) + line.quantity
        return needs

    def _stock_short_codes(self, short):
        "The codes of the order's products that the short goods are in"
        codes = set()
        short = set(short)
        for line in self._routed_lines():
            product = line.product
            parts = ({c.product.id for c in product.components_used}
                if product.type == 'kit' else {product.id})
            if parts & short:
                codes.add(product.code or product.rec_name)
        return codes


class OrderTodo(metaclass=PoolMeta):
    __name__ = 'ecom.order.todo'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.state.selection = list(cls.state.selection) + [
            ('wh_low_stock', "Low Stock")]

    @classmethod
    def table_query(cls):
        """The board's rows, and per warehouse how many products are
        under their alert; the ids of the others are spread to make room"""
        Figure = Pool().get('ecom.stock.figure')
        board = super().table_query()
        figure = Figure.__table__()
        # The user's record rules on figures (warehouses) apply.
        visible = Figure.search([('low', '=', True)], query=True, order=[])
        first = board
        while isinstance(first, Union):
            first = first.queries[0]
        rows = board.select(*(
                (board.id * 2).as_('id') if c.output_name == 'id'
                else getattr(board, c.output_name) for c in first.columns))
        return rows | figure.select(
            (figure.warehouse * 2 + 1).as_('id'),
            Cast(Null, 'INTEGER').as_('shop'),
            Literal('wh_low_stock').as_('state'),
            Count(figure.id).as_('count'),
            figure.warehouse.as_('warehouse'),
            where=figure.id.in_(visible),
            group_by=[figure.warehouse])


class OrderTodoOpen(metaclass=PoolMeta):
    __name__ = 'ecom.order.todo.open'

    low_stock = StateAction('ecom_warehouse.act_stock_figure')

    def transition_start(self):
        if self.record.state == 'wh_low_stock':
            return 'low_stock'
        return super().transition_start()

    def do_low_stock(self, action):
        action['name'] = '%s (%s)' % (action['name'], ', '.join(
                [self.record.warehouse.rec_name, self.record.state_string]))
        action['pyson_domain'] = PYSONEncoder().encode([
                ('warehouse', '=', self.record.warehouse.id),
                ('low', '=', True),
                ])
        action['domains'] = []
        return action, {}

