# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Profit (利润核算) and salesperson performance (业务员业绩) on Tryton's
own records, as read-only lists over the dates, shop and salesperson of
the context, the way Tryton's sale reporting is built.

Every figure is counted on the posted order it comes from, on the day
its sale is dated, in the sale's currency:

- revenue: what its sales bill for the goods and the shipping fee;
- refunds: its credit notes (and invoiced returns) of those goods;
- cost of goods: the cost price its moves were shipped at, less what
  came back; a gift's cost is counted apart;
- freight: its parcels' cost (our tariff for the weighed parcel, the
  courier's bill once accepted), else the estimate of the order;
- platform fees: the payment bill lines of the order booked to an
  account (commissions, service fees), not received on an invoice.

profit = revenue − refunds − cost of goods − gift cost − freight − fees.
"""
from decimal import Decimal

from sql import Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc, Round
from sql.operators import Like

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.ecom_order_center.access import _move_sale_lines
from trytond.modules.sale.sale_reporting import Context
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

SALE_STATES = ['confirmed', 'processing', 'done']
AMOUNTS = ['revenue', 'refund', 'cost', 'gift_cost', 'freight', 'fee']
# The models whose rules read the user's employees
SALESPERSON_MODELS = {'ecom.salesperson_performance'}


class ProfitContext(Context):
    "Profit Context"
    __name__ = 'ecom.profit.context'

    shop = fields.Many2One('ecom.shop', "Shop")
    salesperson = fields.Many2One('company.employee', "Salesperson")

    @classmethod
    def default_from_date(cls):
        Date = Pool().get('ir.date')
        return Transaction().context.get(
            'from_date', Date.today().replace(day=1))

    @classmethod
    def default_shop(cls):
        return Transaction().context.get('shop')

    @classmethod
    def default_salesperson(cls):
        return Transaction().context.get('salesperson')


def _order_sales():
    """Return the query of the posted orders with the company, currency
    and date of their first sale"""
    pool = Pool()
    OrderSale = pool.get('ecom.order-sale.sale')
    Order = pool.get('ecom.order')
    Sale = pool.get('sale.sale')
    order_sale = OrderSale.__table__()
    order = Order.__table__()
    sale = Sale.__table__()
    first = order_sale.select(order_sale.order.as_('order'),
        Min(order_sale.sale).as_('sale'), group_by=[order_sale.order])
    return first.join(order, condition=first.order == order.id
        ).join(sale, condition=first.sale == sale.id
        ).select(order.id.as_('order'), order.shop.as_('shop'),
            order.salesperson.as_('salesperson'),
            order.freight_cost.as_('freight_cost'),
            sale.company.as_('company'), sale.currency.as_('currency'),
            sale.sale_date.as_('date'),
            where=sale.state.in_(SALE_STATES))


def _sale_orders():
    "Return the query of (sale, order): the first order of each sale"
    OrderSale = Pool().get('ecom.order-sale.sale')
    order_sale = OrderSale.__table__()
    return order_sale.select(order_sale.sale.as_('sale'),
        Min(order_sale.order).as_('order'), group_by=[order_sale.sale])


def _goods_lines():
    "Return the query of (sale line, order, gift) of the goods posted"
    pool = Pool()
    SaleLine = pool.get('sale.line')
    OrderLine = pool.get('ecom.order.line')
    line = SaleLine.__table__()
    order_line = OrderLine.__table__()
    return line.join(order_line,
        condition=line.ecom_order_line == order_line.id
        ).select(line.id.as_('line'), order_line.order.as_('order'),
            order_line.gift.as_('gift'), line.product.as_('product'),
            line.quantity.as_('quantity'), line.actual_quantity,
            line.unit_price.as_('unit_price'))


def profit_lines():
    """Return the union of the figures of each posted order: columns id,
    company, currency, date, shop, salesperson, order, product, quantity
    and the AMOUNTS"""
    parts = [_revenue, _shipping, _cost, _refund, _freight, _estimate, _fee]
    return Union(*(p(len(parts), i) for i, p in enumerate(parts)),
        all_=True)


def _select(orders, from_item, id_, index, length, product=None,
        quantity=0, where=Literal(True), **amounts):
    "Select one kind of figure with the order's dimensions"
    zero = Literal(0)
    return from_item.select(
        (id_ * length + index).as_('id'),
        orders.company.as_('company'), orders.currency.as_('currency'),
        orders.date.as_('date'), orders.shop.as_('shop'),
        orders.salesperson.as_('salesperson'), orders.order.as_('order'),
        (Literal(None) if product is None else product).as_('product'),
        (quantity if quantity != 0 else zero).as_('quantity'),
        *((amounts.get(a, zero)).as_(a) for a in AMOUNTS),
        where=where)


def _revenue(length, index):
    orders = _order_sales()
    goods = _goods_lines()
    quantity = Coalesce(goods.actual_quantity, goods.quantity)
    return _select(orders,
        goods.join(orders, condition=goods.order == orders.order),
        goods.line, index, length, product=goods.product,
        quantity=quantity, revenue=quantity * goods.unit_price)


def _shipping(length, index):
    "The shipping fee the buyer paid, on the sale's first order"
    SaleLine = Pool().get('sale.line')
    line = SaleLine.__table__()
    orders = _order_sales()
    sale_orders = _sale_orders()
    return _select(orders,
        line.join(sale_orders, condition=line.sale == sale_orders.sale
            ).join(orders, condition=sale_orders.order == orders.order),
        line.id, index, length,
        where=line.shipment_cost != Null,
        revenue=Coalesce(line.actual_quantity, line.quantity)
        * line.unit_price)


def _cost(length, index):
    "The cost of the goods shipped, less the returned; gifts apart"
    pool = Pool()
    Move = pool.get('stock.move')
    Location = pool.get('stock.location')
    move = Move.__table__()
    to_location = Location.__table__()
    from_location = Location.__table__()
    moves = _move_sale_lines()
    goods = _goods_lines()
    orders = _order_sales()
    value = Coalesce(move.internal_quantity, 0) * Coalesce(
        move.cost_price, 0) * Case(
        (to_location.type == 'customer', 1), else_=-1)
    return _select(orders,
        moves.join(move, condition=moves.move == move.id
            ).join(to_location, condition=move.to_location == to_location.id
            ).join(from_location,
                condition=move.from_location == from_location.id
            ).join(goods, condition=moves.line == goods.line
            ).join(orders, condition=goods.order == orders.order),
        move.id, index, length, product=goods.product,
        where=(move.state == 'done')
        & ((to_location.type == 'customer')
            | (from_location.type == 'customer')),
        cost=Case((goods.gift == Literal(True), 0), else_=value),
        gift_cost=Case((goods.gift == Literal(True), value), else_=0))


def _refund(length, index):
    """The credit notes of the goods' invoice lines and the invoice lines
    of their returns"""
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    SaleLine = pool.get('sale.line')
    invoice = Invoice.__table__()
    credit = InvoiceLine.__table__()
    credited = InvoiceLine.__table__()
    origin = InvoiceLine.origin
    of_sale_lines = credit.select(credit.id.as_('credit'),
        origin.sql_id(credit.origin, SaleLine).as_('line'),
        where=Like(credit.origin, 'sale.line,%') & (credit.quantity < 0))
    of_invoice_lines = credit.join(credited,
        condition=Like(credit.origin, 'account.invoice.line,%')
        & (origin.sql_id(credit.origin, InvoiceLine) == credited.id)
        ).select(credit.id.as_('credit'),
            origin.sql_id(credited.origin, SaleLine).as_('line'),
            where=Like(credited.origin, 'sale.line,%'))
    credits = Union(of_sale_lines, of_invoice_lines, all_=True)
    line = InvoiceLine.__table__()
    goods = _goods_lines()
    orders = _order_sales()
    return _select(orders,
        credits.join(line, condition=credits.credit == line.id
            ).join(invoice, condition=line.invoice == invoice.id
            ).join(goods, condition=credits.line == goods.line
            ).join(orders, condition=goods.order == orders.order),
        line.id, index, length, product=goods.product,
        where=(invoice.type == 'out')
        & invoice.state.in_(['posted', 'paid']),
        refund=-(line.quantity * line.unit_price))


def _shipped():
    "Return the query of (shipment, cost, order) of the parcels shipped"
    pool = Pool()
    Shipment = pool.get('stock.shipment.out')
    Move = pool.get('stock.move')
    SaleLine = pool.get('sale.line')
    shipment = Shipment.__table__()
    move = Move.__table__()
    line = SaleLine.__table__()
    moves = _move_sale_lines()
    sale_orders = _sale_orders()
    return shipment.join(move,
        condition=Like(move.shipment, Shipment.__name__ + ',%')
        & (Move.shipment.sql_id(move.shipment, Shipment) == shipment.id)
        ).join(moves, condition=moves.move == move.id
        ).join(line, condition=moves.line == line.id
        ).join(sale_orders, condition=line.sale == sale_orders.sale
        ).select(shipment.id.as_('shipment'), shipment.cost.as_('cost'),
            Min(sale_orders.order).as_('order'),
            where=(shipment.state == 'done') & (shipment.cost != Null),
            group_by=[shipment.id, shipment.cost])


def _freight(length, index):
    shipped = _shipped()
    orders = _order_sales()
    return _select(orders,
        shipped.join(orders, condition=shipped.order == orders.order),
        shipped.shipment, index, length, freight=shipped.cost)


def _estimate(length, index):
    "The estimated freight of the orders none of whose parcels shipped"
    shipped = _shipped()
    orders = _order_sales()
    return _select(orders, orders, orders.order, index, length,
        where=~orders.order.in_(shipped.select(shipped.order))
        & (orders.freight_cost != Null),
        freight=orders.freight_cost)


def _fee(length, index):
    pool = Pool()
    Line = pool.get('account.statement.line')
    Origin = pool.get('account.statement.origin')
    line = Line.__table__()
    origin = Origin.__table__()
    orders = _order_sales()
    return _select(orders,
        line.join(origin, condition=line.origin == origin.id
            ).join(orders, condition=origin.ecom_order == orders.order),
        line.id, index, length,
        # SQLite keeps a numeric as text, which compares as no number
        where=(line.related_to == Null)
        & (Line.amount.sql_cast(line.amount) < 0),
        fee=-line.amount)


def _user_shops():
    """Return the shops whose orders the user may count, None for all

    A product's or a day's figures sum several shops' orders: a clerk
    limited to some shops gets the sums of theirs only."""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not Transaction().user:
        return None
    shops, _ = User.get_ecom_restrictions()
    if not shops or ModelData.get_id(
            'ecom_order_center', 'group_ecom_admin') in User.get_groups():
        return None
    return list(shops)


class ProfitMixin(ModelSQL, ModelView):
    "The figures of the posted orders grouped by the model's dimensions"
    __slots__ = ()

    company = fields.Many2One('company.company', "Company", readonly=True)
    currency = fields.Many2One('currency.currency', "Currency",
        readonly=True)
    orders = fields.Integer("Orders", readonly=True)
    quantity = fields.Float("Quantity", readonly=True,
        help="The quantity of goods sold.")
    revenue = fields.Numeric("Revenue", digits=(16, 2), readonly=True,
        help="What the sales bill for the goods and the shipping fee.")
    refund = fields.Numeric("Refunds", digits=(16, 2), readonly=True,
        help="The credit notes of the goods.")
    cost = fields.Numeric("Cost of Goods", digits=(16, 2), readonly=True,
        help="The cost price the goods shipped at, less those returned.")
    gift_cost = fields.Numeric("Gift Cost", digits=(16, 2), readonly=True)
    freight = fields.Numeric("Freight", digits=(16, 2), readonly=True,
        help="The parcels' freight, else the order's estimate.")
    fee = fields.Numeric("Platform Fees", digits=(16, 2), readonly=True,
        help="The payment bill lines of the orders booked to an account.")
    profit = fields.Numeric("Profit", digits=(16, 2), readonly=True)
    margin = fields.Function(fields.Numeric("Margin (%)", digits=(16, 2),
            help="The profit per hundred of revenue less refunds."),
        'get_margin')

    @classmethod
    def _dimensions(cls, lines):
        "Return the columns of lines to group by, named as the fields"
        raise NotImplementedError

    @classmethod
    def table_query(cls):
        context = Transaction().context
        lines = profit_lines()
        dimensions = cls._dimensions(lines)
        sums = {a: Round(getattr(cls, a).sql_cast(Sum(getattr(lines, a))), 2)
            for a in AMOUNTS}
        profit = sums['revenue']
        for name in AMOUNTS[1:]:
            profit -= sums[name]
        where = lines.company == context.get('company', -1)
        for name, column in [('from_date', lines.date >= context.get(
                        'from_date')),
                ('to_date', lines.date <= context.get('to_date')),
                ('shop', lines.shop == context.get('shop')),
                ('salesperson',
                    lines.salesperson == context.get('salesperson'))]:
            if context.get(name):
                where &= column
        shops = _user_shops()
        if shops is not None:
            where &= lines.shop.in_(shops or [-1])
        return lines.select(
            Min(lines.id).as_('id'),
            lines.company.as_('company'), lines.currency.as_('currency'),
            *(c.as_(n) for n, c in dimensions),
            Count(lines.order, distinct=True).as_('orders'),
            Sum(lines.quantity).as_('quantity'),
            *(s.as_(a) for a, s in sums.items()),
            profit.as_('profit'),
            where=where,
            # by position: PostgreSQL sees a period's parameters apart
            group_by=[lines.company, lines.currency]
            + [c.as_(n) for n, c in dimensions])

    def get_margin(self, name):
        net = (self.revenue or 0) - (self.refund or 0)
        if net:
            return (Decimal(self.profit or 0) * 100 / net).quantize(
                Decimal('0.01'))


class ProfitOrder(ProfitMixin):
    "Profit per Order"
    __name__ = 'ecom.profit.order'

    order = fields.Many2One('ecom.order', "Order", readonly=True)
    shop = fields.Many2One('ecom.shop', "Shop", readonly=True)
    salesperson = fields.Many2One('company.employee', "Salesperson",
        readonly=True)
    date = fields.Date("Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('order', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _dimensions(cls, lines):
        return [('order', lines.order), ('shop', lines.shop),
            ('salesperson', lines.salesperson), ('date', lines.date)]


class ProfitShop(ProfitMixin):
    "Profit per Shop"
    __name__ = 'ecom.profit.shop'

    shop = fields.Many2One('ecom.shop', "Shop", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('profit', 'DESC'), ('shop', 'ASC'), ('id', 'DESC')]

    @classmethod
    def _dimensions(cls, lines):
        return [('shop', lines.shop)]


class ProfitProduct(ProfitMixin):
    """Profit per Product: the goods' own figures, as freight and fees
    are the order's"""
    __name__ = 'ecom.profit.product'

    product = fields.Many2One('product.product', "Product", readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('quantity', 'DESC'), ('product', 'ASC'),
            ('id', 'DESC')]

    @classmethod
    def _dimensions(cls, lines):
        return [('product', lines.product)]

    @classmethod
    def table_query(cls):
        query = super().table_query()
        query.where &= query.from_[0].product != Null
        return query


class ProfitSalesperson(ProfitMixin):
    "Profit per Salesperson"
    __name__ = 'ecom.profit.salesperson'

    salesperson = fields.Many2One('company.employee', "Salesperson",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('profit', 'DESC'), ('salesperson', 'ASC'),
            ('id', 'DESC')]

    @classmethod
    def _dimensions(cls, lines):
        return [('salesperson', lines.salesperson)]


class ProfitDay(ProfitMixin):
    "Profit per Day"
    __name__ = 'ecom.profit.day'

    date = fields.Date("Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _dimensions(cls, lines):
        return [('date', lines.date)]


class SalespersonPerformance(ProfitMixin):
    """Salesperson Performance: per period of the context, the orders,
    their amount, refunds and gross margin (before freight and fees)"""
    __name__ = 'ecom.salesperson_performance'

    salesperson = fields.Many2One('company.employee', "Salesperson",
        readonly=True)
    date = fields.Date("Period", readonly=True,
        help="The first day of the year, month or day.")
    gross_margin = fields.Numeric("Gross Margin", digits=(16, 2),
        readonly=True,
        help="Revenue less refunds, cost of goods and gift cost.")
    gross_margin_rate = fields.Function(fields.Numeric("Gross Margin (%)",
            digits=(16, 2)), 'get_margin')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('revenue', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _dimensions(cls, lines):
        period = Transaction().context.get('period') or 'month'
        return [('salesperson', lines.salesperson),
            ('date', cls.date.sql_cast(DateTrunc(period, lines.date)))]

    @classmethod
    def table_query(cls):
        query = super().table_query()
        lines = query.from_[0]
        gross = Round(cls.gross_margin.sql_cast(Sum(
                    lines.revenue - lines.refund - lines.cost
                    - lines.gift_cost)), 2)
        query.columns += (gross.as_('gross_margin'),)
        return query

    def get_margin(self, name):
        if name == 'gross_margin_rate':
            net = (self.revenue or 0) - (self.refund or 0)
            if net:
                return (Decimal(self.gross_margin or 0) * 100 / net
                    ).quantize(Decimal('0.01'))
            return None
        return super().get_margin(name)


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _ecom_restricted_models(cls):
        return super()._ecom_restricted_models() | {
            ProfitOrder.__name__, ProfitShop.__name__,
            ProfitProduct.__name__, ProfitSalesperson.__name__,
            ProfitDay.__name__} | SALESPERSON_MODELS

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        key = super()._get_cache_key(model_names)
        if SALESPERSON_MODELS & set(model_names):
            key = (*key, User.get_employees())
        return key

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        if model_name in SALESPERSON_MODELS:
            context['employees'] = list(User.get_employees())
        return context

