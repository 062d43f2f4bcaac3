"""What goes back to the platforms: shipments confirmed with their tracking
number, listings downloaded and mapped, available stock pushed."""
import math
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .clients import PlatformError, Retryable, SessionExpired
from .clients.base import utcnow
from .shop import API_PLATFORMS, ShopSetupError


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    platform_shipment = fields.Selection([
            (None, ""),
            ('pending', "Pending"),
            ('confirmed', "Confirmed"),
            ('failed', "Failed"),
            ], "Platform Shipment", readonly=True,
        help="Whether the platform has been told the order shipped.")
    platform_shipment_error = fields.Text("Platform Shipment Error",
        readonly=True)

    @classmethod
    @Workflow.transition('shipped')
    def ship(cls, orders):
        super().ship(orders)
        cls.queue_platform_shipments(orders)

    @classmethod
    def queue_platform_shipments(cls, orders):
        """Tell the platforms, once the transaction is committed, the
        carrier and tracking number of the shipped orders"""
        shipped = [o for o in orders
            if o.shop.platform in API_PLATFORMS
            and o.platform_shipment != 'confirmed']
        if shipped:
            cls.write(shipped, {'platform_shipment': 'pending'})
            cls.__queue__.confirm_on_platform(shipped)

    @classmethod
    def confirm_pending_shipments(cls):
        "Try again every shipment the platform has not confirmed yet"
        orders = cls.search([
                ('platform_shipment', 'in', ['pending', 'failed']),
                ])
        if orders:
            cls.confirm_on_platform(orders)

    @classmethod
    def confirm_on_platform(cls, orders):
        """Tell each order's platform the carrier and tracking number

        What to send is read first and the transaction committed, so that
        no write waits on the platforms; the outcomes are written after."""
        PlatformCarrier = Pool().get('ecom.platform.carrier')
        requests = []
        for order in orders:
            if order.platform_shipment == 'confirmed':
                continue
            try:
                client = order.shop.get_client()
            except PlatformError as error:
                requests.append((order, error, None))
                continue
            platform_order_id, lines = order.platform_shipment_part(client)
            call = None
            if lines is not None or not order.part_already_confirmed():
                call = (platform_order_id, PlatformCarrier.platform_code(
                        order.shop.platform, order.carrier),
                    order.tracking_number, lines)
            requests.append((order, client, call))
        Transaction().commit()
        results, expired = {}, {}
        for order, client, call in requests:
            try:
                if isinstance(client, Exception):
                    raise client
                if call:
                    client.confirm_shipment(*call)
                results[order] = ('confirmed', None)
            except ShopSetupError as error:
                results[order] = ('failed', str(error))
            except SessionExpired as error:
                expired[order.shop] = error
                results[order] = ('failed', str(error))
            except (PlatformError, Retryable) as error:
                results[order] = ('failed', gettext(
                        'ecom_platforms.msg_platform_error',
                        shop=order.shop.rec_name, error=str(error)))
        for shop, error in expired.items():
            shop.session_expired(error)
        for order, (state, error) in results.items():
            cls.write([order], {
                    'platform_shipment': state,
                    'platform_shipment_error': error})

    def split_parts(self):
        "All parts of the platform order this order belongs to"
        root = getattr(self, 'split_from', None) or self
        return [root] + list(getattr(root, 'split_orders', None) or [])

    def platform_shipment_part(self, client):
        """The platform order to confirm, and the lines this part ships
        when the order was split and the platform takes partial shipments
        (None: the whole order)"""
        parts = self.split_parts()
        if len(parts) > 1 and client.partial_shipment:
            return parts[0].platform_order_id, [
                line.platform_line_id for line in self.lines]
        return parts[0].platform_order_id, None

    def part_already_confirmed(self):
        "Whether another part already confirmed the whole platform order"
        return any(p.platform_shipment == 'confirmed'
            for p in self.split_parts() if p != self)


class Listing(metaclass=PoolMeta):
    __name__ = 'ecom.listing'

    platform_inventory_id = fields.Char("Platform Inventory ID",
        readonly=True,
        help="The platform's stock record of the listing, where it has one.")
    stock_cap = fields.Integer("Stock Cap",
        help="The most stock ever shown on the platform (empty: no cap).")
    pushed_quantity = fields.Integer("Pushed Quantity", readonly=True)
    pushed_at = fields.DateTime("Pushed At", readonly=True)


class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    stock_safety = fields.Numeric("Stock Safety %", digits=(5, 2),
        help="Share of the available stock kept back from the platform.")
    stock_push = fields.Boolean("Push Stock",
        help="Push available stock to the platform on schedule and "
        "whenever stock moves in or out of the shop's warehouse.")

    @staticmethod
    def default_stock_safety():
        return Decimal(0)

    @staticmethod
    def default_stock_push():
        return False

    def download_listings(self):
        "Fetch the shop's listings, update known ones, map new ones"
        pool = Pool()
        Listing = pool.get('ecom.listing')
        SyncLog = pool.get('ecom.sync_log')
        log = SyncLog.start(self, 'listings')
        try:
            remote = list(self.get_client().listings())
        except SessionExpired as error:
            self.session_expired(error)
            log.add_error(str(error))
            remote = []
        except (PlatformError, Retryable) as error:
            log.add_error(str(error))
            remote = []
        known = {(li.platform_item_id, li.platform_sku_id or ''): li
            for li in Listing.search([('shop', '=', self.id)])}
        to_save, missing = [], []
        for values in remote:
            key = (values['platform_item_id'], values['platform_sku_id'])
            listing = known.get(key)
            if listing is None:
                missing.append(values)
                continue
            changes = {'title': values['title'],
                'outer_code': values['outer_code'],
                'platform_inventory_id': values.get('inventory_item_id')}
            if any(getattr(listing, k) != v for k, v in changes.items()):
                for name, value in changes.items():
                    setattr(listing, name, value)
                to_save.append(listing)
                log.updated += 1
            else:
                log.unchanged += 1
        products = Listing.find_products(v['outer_code'] for v in missing)
        for values in missing:
            product = products.get(values['outer_code'])
            to_save.append(Listing(shop=self,
                    platform_item_id=values['platform_item_id'],
                    platform_sku_id=values['platform_sku_id'],
                    outer_code=values['outer_code'], title=values['title'],
                    platform_inventory_id=values.get('inventory_item_id'),
                    product=product.id if product else None))
            log.new += 1
        Listing.save(to_save)
        log.save()
        return log

    def stock_to_push(self, listings):
        "Quantity to show per listing: available less safety, capped"
        Order = Pool().get('ecom.order')
        products = {li.product.id for li in listings if li.product}
        available = Order._available_stock(
            {self.warehouse: products})[self.warehouse.id]
        keep = 1 - (self.stock_safety or 0) / 100
        result = {}
        for listing in listings:
            if not listing.product:
                continue
            quantity = max(math.floor(
                    Decimal(str(available[listing.product.id] or 0)) * keep),
                0)
            if listing.stock_cap is not None:
                quantity = min(quantity, listing.stock_cap)
            result[listing] = quantity
        return result

    def push_stock(self, force=False):
        """Send the available stock of every mapped listing to the platform

        The quantities are read first and the transaction committed, so
        that no write waits on the platform; what was pushed is stored
        after."""
        pool = Pool()
        Listing = pool.get('ecom.listing')
        SyncLog = pool.get('ecom.sync_log')
        log = SyncLog.start(self, 'stock')
        listings = Listing.search([
                ('shop', '=', self.id), ('product', '!=', None)])
        to_push = []
        for listing, quantity in self.stock_to_push(listings).items():
            if not force and listing.pushed_quantity == quantity:
                log.unchanged += 1
            else:
                to_push.append((listing, quantity))
        Transaction().commit()
        pushed, expired = [], None
        try:
            client = self.get_client() if to_push else None
        except ShopSetupError as error:
            log.add_error(str(error))
            to_push = []
        for listing, quantity in to_push:
            try:
                client.push_stock({
                        'platform_item_id': listing.platform_item_id,
                        'platform_sku_id': listing.platform_sku_id or '',
                        'inventory_item_id': listing.platform_inventory_id,
                        }, quantity)
            except SessionExpired as error:
                expired = error
                log.add_error(str(error))
                break
            except (PlatformError, Retryable) as error:
                log.failed += 1
                log.add_error('%s: %s' % (listing.rec_name, error))
                continue
            pushed.append((listing, quantity))
        if expired:
            self.session_expired(expired)
        now = utcnow()
        for listing, quantity in pushed:
            listing.pushed_quantity = quantity
            listing.pushed_at = now
        Listing.save([listing for listing, _ in pushed])
        log.updated += len(pushed)
        log.save()
        return log

    @classmethod
    def push_stock_due(cls):
        "Queue a stock push per shop that pushes stock"
        for shop in cls.search([
                    ('platform', 'in', API_PLATFORMS),
                    ('stock_push', '=', True),
                    ('auth_state', '=', 'authorized'),
                    ]):
            cls.__queue__.push_stock_queued([shop])

    @classmethod
    def push_stock_queued(cls, shops):
        for shop in shops:
            shop.push_stock()


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @classmethod
    def do(cls, moves):
        super().do(moves)
        cls._push_stock_changed(moves)

    @classmethod
    def cancel(cls, moves):
        super().cancel(moves)
        cls._push_stock_changed(moves)

    @classmethod
    def _push_stock_changed(cls, moves):
        "Queue a stock push for the shops selling from the moves' warehouses"
        Shop = Pool().get('ecom.shop')
        warehouses = set()
        for move in moves:
            for location in [move.from_location, move.to_location]:
                warehouse = location.warehouse if location else None
                if warehouse:
                    warehouses.add(warehouse.id)
        if not warehouses:
            return
        shops = Shop.search([
                ('platform', 'in', API_PLATFORMS),
                ('stock_push', '=', True),
                ('auth_state', '=', 'authorized'),
                ('warehouse', 'in', list(warehouses)),
                ])
        if shops:
            Shop.__queue__.push_stock_queued(shops)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('ecom.shop|push_stock_due', "Push Stock to Platforms"),
                ('ecom.order|confirm_pending_shipments',
                    "Confirm Shipments on Platforms"),
                ])
