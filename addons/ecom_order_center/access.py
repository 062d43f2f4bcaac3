"""Who sees what: clerks see the orders of their shops, warehouse staff the
shipments of their warehouses.

A user with no shops (or no warehouses) set is not restricted by them: a
small seller's clerks work on every shop without any set-up, and a new shop
is not hidden from everybody until an admin thinks of it. Restricting is a
choice made per user by listing shops or warehouses on the user.

The records that hold a shop's data reach their shop through other
records (a shipment through its moves, sale lines and sales to the orders).
Their rules test a field of the record itself, ``ecom_shops`` (or
``order_shop``), searched in SQL and computed per record, because Tryton
checks the rules of ``export_data`` in Python on each record, where a
dotted or ``where`` clause is taken as true and would let every record
through. And as those checks also take the rules a model inherits through
``__access__`` (a sale line's sale) as true, ``export_data`` checks the
exported records and those its fields reach in SQL first; ``delete`` checks
the rules before a model's own checks name the records in their errors.
"""
from collections import defaultdict

from sql import Union
from sql.operators import Like

from trytond.cache import Cache
from trytond.model import Model, ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The models whose record rules read the user's shops and warehouses
RESTRICTED_MODELS = {
    'ecom.order', 'ecom.order.line', 'ecom.order.decision',
    'ecom.order.finding', 'ecom.listing',
    'sale.sale', 'sale.line', 'stock.shipment.out',
    'stock.shipment.out.return', 'account.invoice', 'party.address',
    }


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    ecom_shops = fields.Many2Many('res.user-ecom.shop', 'user', 'shop',
        "Shops",
        help="The shops whose orders the user works on "
        "(customer service and finance); none means all shops.")
    ecom_warehouses = fields.Many2Many('res.user-stock.location', 'user',
        'warehouse', "Warehouses",
        domain=[('type', '=', 'warehouse')],
        help="The warehouses whose shipments the user handles "
        "(warehouse staff); none means all warehouses.")

    # The rules ask for them on every search and read of a shop's data
    _ecom_restrictions_cache = Cache('res_user.get_ecom_restrictions',
        context=False)

    @classmethod
    def get_ecom_restrictions(cls):
        "Return the shop and warehouse ids of the transaction's user"
        pool = Pool()
        UserShop = pool.get('res.user-ecom.shop')
        UserWarehouse = pool.get('res.user-stock.location')
        user = Transaction().user
        restrictions = cls._ecom_restrictions_cache.get(user)
        if restrictions is not None:
            return restrictions
        cursor = Transaction().connection.cursor()
        result = []
        # Plain SQL: reading through the ORM would apply the rules again.
        for Relation, column in [
                (UserShop, 'shop'), (UserWarehouse, 'warehouse')]:
            table = Relation.__table__()
            cursor.execute(*table.select(getattr(table, column),
                    where=table.user == user,
                    order_by=[getattr(table, column)]))
            result.append(tuple(r for r, in cursor))
        return cls._ecom_restrictions_cache.set(user, tuple(result))


class RestrictionMixin:
    "A user's shops or warehouses: the rules' cache of them is cleared"
    __slots__ = ()

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        Pool().get('res.user')._ecom_restrictions_cache.clear()
        return records

    @classmethod
    def write(cls, *args):
        super().write(*args)
        Pool().get('res.user')._ecom_restrictions_cache.clear()

    @classmethod
    def delete(cls, records):
        super().delete(records)
        Pool().get('res.user')._ecom_restrictions_cache.clear()


class UserShop(RestrictionMixin, ModelSQL):
    "User - E-commerce Shop"
    __name__ = 'res.user-ecom.shop'

    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')
    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        ondelete='CASCADE')


class UserWarehouse(RestrictionMixin, ModelSQL):
    "User - Warehouse"
    __name__ = 'res.user-stock.location'

    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')
    warehouse = fields.Many2One('stock.location', "Warehouse",
        required=True, ondelete='CASCADE',
        domain=[('type', '=', 'warehouse')])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _ecom_restricted_models(cls):
        "Return the names of the models whose rules read the user's shops"
        return RESTRICTED_MODELS

    @classmethod
    def domain_get(cls, model_name, mode='read'):
        # A user in a group whose rule lets every record through (an
        # admin's, or a clerk's with no shops set) is not restricted by the
        # other groups' rules: without the rule domain, no subquery is
        # added to each of the user's searches and no check to each write.
        domain = super().domain_get(model_name, mode=mode)
        return _without_true_alternatives(domain)

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        if cls._ecom_restricted_models() & set(model_names):
            key = (*key, User.get_ecom_restrictions())
        return key

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        if model_name in cls._ecom_restricted_models():
            shops, warehouses = User.get_ecom_restrictions()
            context['ecom_shops'] = list(shops)
            context['ecom_warehouses'] = list(warehouses)
        return context


def _without_true_alternatives(domain):
    """The rules' domain with an 'OR' that has an empty (true) alternative
    dropped, as Tryton combines the rule groups: ['OR', rules...] or
    ['AND', ['AND', global rules...], ['OR', rules...]]"""
    if not domain:
        return domain
    if domain[0] == 'OR':
        return [] if any(d == [] for d in domain[1:]) else domain
    if domain[0] == 'AND' and len(domain) == 3 and domain[2] \
            and domain[2][0] == 'OR':
        if _without_true_alternatives(domain[2]) == []:
            return domain[1]
    return domain


class RuleCheckedMixin:
    """Check the rules in SQL before anything else looks at the records:
    the exported records and those their fields reach, the records to
    delete (whose checks would otherwise name another shop's records)"""
    __slots__ = ()

    @classmethod
    def delete(cls, records):
        Rule = Pool().get('ir.rule')
        Rule.check(cls.__name__, [r.id for r in records], mode='delete')
        super().delete(records)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        to_check = defaultdict(set)
        to_check[cls.__name__].update(r.id for r in records)
        for path in fields_names:
            level = records
            for name in path.split('/'):
                name = name.split('.')[0].split(':')[0]
                reached = []
                for record in level:
                    value = getattr(record, name, None)
                    if isinstance(value, Model):
                        reached.append(value)
                    elif isinstance(value, (list, tuple)):
                        reached.extend(
                            v for v in value if isinstance(v, Model))
                for record in reached:
                    to_check[record.__name__].add(record.id)
                level = reached
        pool = Pool()
        for model_name, ids in to_check.items():
            # raises the access error a read of these records raises
            pool.get(model_name).read(list(ids), ['id'])
        return super().export_data(records, fields_names, header=header)


class Order(RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'ecom.order'


class Listing(RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'ecom.listing'


class OrderShopMixin:
    "The shop of the record's order, for the rules of the user's shops"
    __slots__ = ()

    order_shop = fields.Function(fields.Many2One('ecom.shop', "Shop"),
        'get_order_shop', searcher='search_order_shop')

    def get_order_shop(self, name):
        return self.order.shop.id

    @classmethod
    def search_order_shop(cls, name, clause):
        return [('order.shop' + clause[0][len(name):], *clause[1:])]


class OrderLine(
        OrderShopMixin, RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'ecom.order.line'


class OrderDecision(
        OrderShopMixin, RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'ecom.order.decision'


class OrderFinding(
        OrderShopMixin, RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'ecom.order.finding'


class ShopDataMixin(RuleCheckedMixin):
    """The shops of the orders a record comes from, for the rules of the
    user's shops; none for a record made outside the order center"""
    __slots__ = ()

    ecom_shops = fields.Function(fields.Many2Many('ecom.shop', None, None,
            "E-commerce Shops",
            help="The shops of the e-commerce orders this comes from."),
        'get_ecom_shops', searcher='search_ecom_shops')

    @classmethod
    def _ecom_shop_query(cls):
        "Return a query of (record, shop) columns"
        raise NotImplementedError

    @classmethod
    def get_ecom_shops(cls, records, name):
        cursor = Transaction().connection.cursor()
        query = cls._ecom_shop_query()
        result = {r.id: [] for r in records}
        cursor.execute(*query.select(query.record, query.shop,
                where=query.record.in_(list(result)),
                order_by=[query.record, query.shop]))
        for record, shop in cursor:
            if shop not in result[record]:
                result[record].append(shop)
        return result

    @classmethod
    def search_ecom_shops(cls, name, clause):
        _, operator, value = clause[:3]
        query = cls._ecom_shop_query()
        if value is None and operator in {'=', '!='}:
            return [('id', 'not in' if operator == '=' else 'in',
                    query.select(query.record))]
        return [('id', 'in', query.select(query.record,
                    where=fields.SQL_OPERATORS[operator](
                        query.shop, value)))]


def _sale_shops():
    "Return the query of (sale, shop) of the posted orders"
    pool = Pool()
    OrderSale = pool.get('ecom.order-sale.sale')
    Order = pool.get('ecom.order')
    order_sale = OrderSale.__table__()
    order = Order.__table__()
    return order_sale.join(order, condition=order_sale.order == order.id
        ).select(order_sale.sale.as_('sale'), order.shop.as_('shop'))


def _sale_line_shops():
    "Return the query of (sale line, shop) of the posted orders"
    SaleLine = Pool().get('sale.line')
    line = SaleLine.__table__()
    sales = _sale_shops()
    return line.join(sales, condition=line.sale == sales.sale
        ).select(line.id.as_('line'), sales.shop.as_('shop'))


def _move_sale_lines():
    """Return the query of (move, sale line) of the moves of sale lines,
    of kit components and of the customer returns of those moves"""
    pool = Pool()
    Move = pool.get('stock.move')
    SaleLine = pool.get('sale.line')
    Component = pool.get('sale.line.component')
    move = Move.__table__()
    component = Component.__table__()
    returned = Move.__table__()
    of_lines = move.select(move.id.as_('move'),
        Move.origin.sql_id(move.origin, SaleLine).as_('line'),
        where=Like(move.origin, 'sale.line,%'))
    of_components = move.join(component,
        condition=Like(move.origin, 'sale.line.component,%')
        & (Move.origin.sql_id(move.origin, Component) == component.id)
        ).select(move.id.as_('move'), component.line.as_('line'))
    sold = Union(of_lines, of_components, all_=True)
    of_returns = returned.join(sold,
        condition=Like(returned.origin, 'stock.move,%')
        & (Move.origin.sql_id(returned.origin, Move) == sold.move)
        ).select(returned.id.as_('move'), sold.line.as_('line'))
    return Union(sold, of_returns, all_=True)


def _shipment_shops(shipment_model):
    "Return the query of (shipment, shop) through the moves' sale lines"
    pool = Pool()
    Move = pool.get('stock.move')
    Shipment = pool.get(shipment_model)
    move = Move.__table__()
    move_lines = _move_sale_lines()
    lines = _sale_line_shops()
    return move.join(move_lines, condition=move.id == move_lines.move
        ).join(lines, condition=move_lines.line == lines.line
        ).select(Move.shipment.sql_id(move.shipment, Shipment).as_('record'),
        lines.shop.as_('shop'),
        where=Like(move.shipment, shipment_model + ',%'))


class Sale(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def _ecom_shop_query(cls):
        sales = _sale_shops()
        return sales.select(sales.sale.as_('record'), sales.shop.as_('shop'))


class SaleLine(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'sale.line'

    @classmethod
    def _ecom_shop_query(cls):
        lines = _sale_line_shops()
        return lines.select(lines.line.as_('record'), lines.shop.as_('shop'))


class ShipmentOut(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    def _ecom_shop_query(cls):
        return _shipment_shops(cls.__name__)


class ShipmentOutReturn(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'

    @classmethod
    def _ecom_shop_query(cls):
        return _shipment_shops(cls.__name__)


class Invoice(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def _ecom_shop_query(cls):
        "The shops of the sale lines the invoice lines come from"
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        SaleLine = pool.get('sale.line')
        line = InvoiceLine.__table__()
        lines = _sale_line_shops()
        return line.join(lines, condition=Like(line.origin, 'sale.line,%')
            & (InvoiceLine.origin.sql_id(line.origin, SaleLine)
                == lines.line)
            ).select(line.invoice.as_('record'), lines.shop.as_('shop'))


class Address(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'party.address'

    @classmethod
    def _ecom_shop_query(cls):
        "The receivers' addresses are the shipment addresses of the sales"
        Sale = Pool().get('sale.sale')
        sale = Sale.__table__()
        sales = _sale_shops()
        return sale.join(sales, condition=sale.id == sales.sale
            ).select(sale.shipment_address.as_('record'),
            sales.shop.as_('shop'))


class InvoiceLine(RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'account.invoice.line'


class Move(RuleCheckedMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'
