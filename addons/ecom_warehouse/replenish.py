"""Replenishment suggestion (补货建议) per product and warehouse, made into
Tryton purchase requests (stock_supply) that a buyer turns into purchases.

For each good of the warehouse:

- velocity: what left the warehouse for customers over the last N days
  (done moves; a kit leaves as its components), per day;
- need: velocity × (the supplier's lead time + safety days);
- position: book − promised (shipments and audited orders) + on order
  (open moves in from suppliers and purchase requests not purchased yet);
- suggested: need − position when above zero, rounded up to the
  supplier's pack size.

Each line says how it came to its quantity. Slow movers (滞销: nothing
sold in the N days while in stock, or more than M days of cover) and fast
movers (the fifth that sells most) are marked.
"""
import datetime as dt
import math

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .stock_figures import OPEN_MOVE_STATES, stock_figures

MOVEMENTS = [
    (None, ""),
    ('fast', "Fast Mover"),
    ('slow', "Slow Mover"),
    ]
# The share of a warehouse's selling goods marked as fast movers
FAST_SHARE = 0.2


class ProductSupplier(metaclass=PoolMeta):
    __name__ = 'purchase.product_supplier'

    ecom_pack_size = fields.Float("Pack Size", digits=(16, 0),
        domain=['OR',
            ('ecom_pack_size', '=', None),
            ('ecom_pack_size', '>', 0),
            ],
        help="The supplier sells in packs of this many: "
        "suggestions are rounded up to it.")


class Line(ModelSQL, ModelView):
    "Replenishment Suggestion"
    __name__ = 'ecom.replenish.line'

    date = fields.Date("Date", readonly=True)
    warehouse = fields.Many2One('stock.location', "Warehouse",
        readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    supplier = fields.Many2One('party.party', "Supplier", readonly=True)
    days = fields.Integer("Sales Days", readonly=True,
        help="The days of sales the velocity is taken over.")
    sold = fields.Float("Sold", digits=(16, 0), readonly=True)
    velocity = fields.Float("Daily Sales", digits=(16, 2), readonly=True)
    lead_days = fields.Integer("Lead Time (days)", readonly=True)
    safety_days = fields.Integer("Safety Days", readonly=True)
    book = fields.Float("Book", digits=(16, 0), readonly=True)
    promised = fields.Float("Promised", digits=(16, 0), readonly=True)
    on_order = fields.Float("On Order", digits=(16, 0), readonly=True)
    cover_days = fields.Float("Cover (days)", digits=(16, 1), readonly=True,
        help="How many days of sales the stock and what is on order last.")
    pack_size = fields.Float("Pack Size", digits=(16, 0), readonly=True)
    quantity = fields.Float("Suggested", digits=(16, 0), readonly=True)
    movement = fields.Selection(MOVEMENTS, "Movement", readonly=True)
    explanation = fields.Char("Explanation", readonly=True)
    request = fields.Many2One('purchase.request', "Purchase Request",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('quantity', 'DESC'), ('product', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'create_requests': {
                    'invisible': Eval('request') | ~Eval('quantity'),
                    'depends': ['request', 'quantity'],
                    },
                })

    @classmethod
    def suggest(cls, warehouse, days=30, safety_days=7, slow_days=90):
        """Replace the warehouse's suggestions not made into requests by
        those of today; return them"""
        pool = Pool()
        Date = pool.get('ir.date')
        Product = pool.get('product.product')
        today = Date.today()
        cls.delete(cls.search([
                    ('warehouse', '=', warehouse.id),
                    ('request', '=', None)]))
        sold = _sold(warehouse, today - dt.timedelta(days=days))
        on_order = _on_order(warehouse)
        products = Product.search([
                ('type', '=', 'goods')])
        figures = stock_figures([warehouse.id], [p.id for p in products])
        selling = sorted((q for q in sold.values() if q > 0), reverse=True)
        fast_floor = (selling[max(int(len(selling) * FAST_SHARE) - 1, 0)]
            if selling else None)
        lines = []
        for product in products:
            figure = figures[warehouse.id, product.id]
            supplier = next(iter(product.product_suppliers_used()), None)
            lead = supplier.lead_time_used if supplier else None
            line = cls(date=today, warehouse=warehouse, product=product,
                supplier=supplier.party if supplier else None,
                days=days, sold=sold.get(product.id, 0),
                lead_days=lead.days if lead else 0,
                safety_days=safety_days, book=figure.book,
                promised=figure.shipments + figure.orders,
                on_order=on_order.get(product.id, 0),
                pack_size=(supplier.ecom_pack_size if supplier else None))
            line.compute(slow_days, fast_floor)
            if line.quantity or line.movement or line.book:
                lines.append(line)
        cls.save(lines)
        return lines

    def compute(self, slow_days, fast_floor):
        "Set the velocity, cover, suggested quantity and its explanation"
        velocity = self.sold / self.days if self.days else 0
        # shown to the cent, computed with in full
        self.velocity = round(velocity, 2)
        position = self.book - self.promised + self.on_order
        need = velocity * (self.lead_days + self.safety_days)
        self.cover_days = (round(position / velocity, 1)
            if velocity else None)
        short = need - position
        quantity = math.ceil(short) if short > 0 else 0
        if quantity and self.pack_size:
            quantity = math.ceil(quantity / self.pack_size) * self.pack_size
        self.quantity = quantity
        if not self.sold:
            self.movement = 'slow' if self.book > 0 else None
        elif self.cover_days is not None and self.cover_days > slow_days:
            self.movement = 'slow'
        elif fast_floor is not None and self.sold >= fast_floor:
            self.movement = 'fast'
        else:
            self.movement = None
        self.explanation = gettext('ecom_warehouse.msg_replenish_explained',
            sold=_number(self.sold), days=self.days,
            velocity='%.2f' % self.velocity, lead=self.lead_days,
            safety=self.safety_days, need=_number(need),
            book=_number(self.book), promised=_number(self.promised),
            on_order=_number(self.on_order), position=_number(position),
            quantity=_number(quantity),
            pack=_number(self.pack_size or 1))

    @classmethod
    @ModelView.button
    def create_requests(cls, lines):
        "Make purchase requests of the suggestions a buyer turns into buys"
        pool = Pool()
        Request = pool.get('purchase.request')
        Date = pool.get('ir.date')
        today = Date.today()
        lines = [l for l in lines if l.quantity and not l.request]
        company = Transaction().context.get('company')
        requests = []
        for line in lines:
            product = line.product
            supply_date = today + dt.timedelta(days=line.lead_days or 0)
            requests.append(Request(product=product,
                    description=product.rec_name,
                    party=line.supplier,
                    quantity=line.quantity, unit=product.purchase_uom,
                    computed_quantity=line.quantity,
                    computed_unit=product.default_uom,
                    purchase_date=today, supply_date=supply_date,
                    stock_level=line.book - line.promised + line.on_order,
                    warehouse=line.warehouse, company=company,
                    origin=line))
        Request.save(requests)
        for line, request in zip(lines, requests):
            line.request = request
        cls.save(lines)


def _number(value):
    return '%g' % round(value or 0, 2)


def _sold(warehouse, since):
    "The goods that left the warehouse for customers since the date"
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    move = Move.__table__()
    from_ = Location.__table__()
    to = Location.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*move
        .join(from_, condition=move.from_location == from_.id)
        .join(to, condition=move.to_location == to.id)
        .select(move.product, Sum(move.internal_quantity),
            where=(move.state == 'done')
            & (move.effective_date >= since)
            & (to.type == 'customer')
            & (from_.left >= warehouse.left)
            & (from_.right <= warehouse.right),
            group_by=[move.product]))
    return dict(cursor)


def _on_order(warehouse):
    """What is on its way from suppliers into the warehouse, and what
    purchase requests not purchased yet will bring"""
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    Request = pool.get('purchase.request')
    move = Move.__table__()
    from_ = Location.__table__()
    to = Location.__table__()
    request = Request.__table__()
    cursor = Transaction().connection.cursor()
    incoming = (move
        .join(from_, condition=move.from_location == from_.id)
        .join(to, condition=move.to_location == to.id)
        .select(move.product.as_('product'),
            move.internal_quantity.as_('quantity'),
            where=move.state.in_(OPEN_MOVE_STATES)
            & (from_.type == 'supplier')
            & (to.left >= warehouse.left) & (to.right <= warehouse.right)))
    requested = request.select(request.product.as_('product'),
        Case((request.computed_quantity != None,  # noqa: E711
                request.computed_quantity),
            else_=request.quantity).as_('quantity'),
        where=(request.warehouse == warehouse.id)
        & (request.purchase_line == None)  # noqa: E711
        & (request.state == 'draft'))
    both = incoming | requested
    cursor.execute(*both.select(both.product, Sum(both.quantity),
            where=Literal(True), group_by=[both.product]))
    return dict(cursor)


class PurchaseRequest(metaclass=PoolMeta):
    __name__ = 'purchase.request'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() | {'ecom.replenish.line'}


class SuggestStart(ModelView):
    "Replenishment Suggestion"
    __name__ = 'ecom.replenish.suggest.start'

    warehouse = fields.Many2One('stock.location', "Warehouse", required=True,
        domain=[('type', '=', 'warehouse')])
    days = fields.Integer("Sales Days", required=True,
        domain=[('days', '>', 0)],
        help="The daily sales are taken over this many last days.")
    safety_days = fields.Integer("Safety Days", required=True,
        domain=[('safety_days', '>=', 0)],
        help="Days of sales kept on top of the supplier's lead time.")
    slow_days = fields.Integer("Slow Mover Cover (days)", required=True,
        domain=[('slow_days', '>', 0)],
        help="A good whose stock lasts longer than this is a slow mover.")

    @staticmethod
    def default_days():
        return 30

    @staticmethod
    def default_safety_days():
        return 7

    @staticmethod
    def default_slow_days():
        return 90


class Suggest(Wizard):
    "Replenishment Suggestion"
    __name__ = 'ecom.replenish.suggest'

    start = StateView('ecom.replenish.suggest.start',
        'ecom_warehouse.replenish_suggest_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Suggest", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('ecom_warehouse.act_replenish_line')

    def do_open_(self, action):
        Line = Pool().get('ecom.replenish.line')
        start = self.start
        Line.suggest(start.warehouse, days=start.days,
            safety_days=start.safety_days, slow_days=start.slow_days)
        action['name'] = '%s (%s)' % (action['name'],
            start.warehouse.rec_name)
        action['pyson_domain'] = (
            '[["warehouse", "=", %d]]' % start.warehouse.id)
        return action, {}
