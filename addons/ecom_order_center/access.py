"""Who sees what: clerks see the orders of their shops, warehouse staff the
shipments of their warehouses.

A user with no shops (or no warehouses) set is not restricted by them: a
small seller's clerks work on every shop without any set-up, and a new shop
is not hidden from everybody until an admin thinks of it. Restricting is a
choice made per user by listing shops or warehouses on the user.
"""
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The models whose record rules read the user's shops and warehouses
RESTRICTED_MODELS = {'ecom.order', 'stock.shipment.out'}


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

    @classmethod
    def get_ecom_restrictions(cls):
        "Return the shop and warehouse ids of the transaction's user"
        pool = Pool()
        UserShop = pool.get('res.user-ecom.shop')
        UserWarehouse = pool.get('res.user-stock.location')
        user = Transaction().user
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
        return tuple(result)


class UserShop(ModelSQL):
    "User - E-commerce Shop"
    __name__ = 'res.user-ecom.shop'

    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')
    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        ondelete='CASCADE')


class UserWarehouse(ModelSQL):
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
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        if RESTRICTED_MODELS & set(model_names):
            key = (*key, User.get_ecom_restrictions())
        return key

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        if model_name in RESTRICTED_MODELS:
            shops, warehouses = User.get_ecom_restrictions()
            context['ecom_shops'] = list(shops)
            context['ecom_warehouses'] = list(warehouses)
        return context


class OrderLine(metaclass=PoolMeta):
    __name__ = 'ecom.order.line'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The shop rules of the orders apply to their lines.
        cls.__access__.add('order')


class OrderDecision(metaclass=PoolMeta):
    __name__ = 'ecom.order.decision'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('order')
