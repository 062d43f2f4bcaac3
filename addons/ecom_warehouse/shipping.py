"""Shipping modes (发货方式): which steps a parcel goes through before it
leaves, chosen per shop, else per warehouse.

- 称重发货 (weigh): pick → verify → weigh → ship; the weighing ships it.
- 简易发货 (simple): at the station the waybill, then the order → ship.
- 一键发货 (one-click): shipped outside the system; marking it shipped
  tells the platform only if the shop wants it.
- 虚拟发货 (virtual): the tracking number goes to the platform first; the
  parcel is picked and shipped later like a simple one.

Shipping makes the Tryton shipment done; the order center's lifecycle then
ships the order, and the platform write-back runs from there.
"""
import datetime as dt

from sql import Literal, Null

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .weighing import WEIGHED

SHIPPING_MODES = [
    ('weigh', "Weigh and Ship"),
    ('simple', "Simple Shipping"),
    ('one_click', "One-Click Shipping"),
    ('virtual', "Virtual Shipping"),
    ]
# Whether a shop's parcels print a packing slip (发货单) as they ship;
# empty: as the warehouse says
SHOP_PRINT_SLIP = [
    (None, ""),
    ('print', "Print"),
    ('no', "Do Not Print"),
    ]


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    ecom_shipping_mode = fields.Selection(SHIPPING_MODES, "Shipping Mode",
        states={'invisible': Eval('type') != 'warehouse'},
        help="The steps a parcel of the warehouse goes through before it "
        "leaves, unless its shop chooses otherwise.")
    ecom_print_slip = fields.Boolean("Print Packing Slip",
        states={'invisible': Eval('type') != 'warehouse'},
        help="Whether a parcel of the warehouse that passes its weight "
        "check at a packing station prints its packing slip (发货单) there "
        "with its waybill, unless its shop chooses otherwise.")

    @staticmethod
    def default_ecom_shipping_mode():
        return 'weigh'

    @staticmethod
    def default_ecom_print_slip():
        return False


class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    ecom_shipping_mode = fields.Selection(
        [(None, "")] + SHIPPING_MODES, "Shipping Mode",
        help="The steps the shop's parcels go through before they leave; "
        "empty: the warehouse's.")
    ecom_one_click_writeback = fields.Boolean("One-Click Write-Back",
        states={'invisible': Eval('ecom_shipping_mode') != 'one_click'},
        help="Whether parcels shipped outside the system are confirmed to "
        "the platform with their tracking number.")
    ecom_print_slip = fields.Selection(SHOP_PRINT_SLIP, "Print Packing Slip",
        help="Whether the shop's parcels that pass their weight check at a "
        "packing station print their packing slip (发货单) there with their "
        "waybill; empty: as the warehouse says.")

    @staticmethod
    def default_ecom_one_click_writeback():
        return False


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_shipping_mode = fields.Selection(
        [(None, "")] + SHIPPING_MODES, "Shipping Mode", readonly=True,
        help="The steps the parcel goes through, from its shop or "
        "warehouse when it was packed.")
    ecom_needs_weighing = fields.Function(fields.Boolean("Needs Weighing"),
        'get_ecom_needs_weighing')
    ecom_virtual_shipped_at = fields.DateTime("Virtually Shipped At",
        readonly=True,
        help="When the tracking number was sent to the platform before "
        "the parcel left (虚拟发货).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ecom_ship': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'picked', 'packed']),
                    'depends': ['state'],
                    },
                'ecom_ship_virtual': {
                    'invisible': (~Eval('state').in_(
                            ['waiting', 'assigned', 'picked', 'packed'])
                        | Eval('ecom_virtual_shipped_at')),
                    'depends': ['state', 'ecom_virtual_shipped_at'],
                    },
                })

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_shipping_mode')
        default.setdefault('ecom_virtual_shipped_at')
        return super().copy(shipments, default=default)

    def get_ecom_needs_weighing(self, name):
        return self.ecom_get_shipping_mode() == 'weigh'

    def ecom_get_shipping_mode(self):
        "The shipping mode of the parcel: its own, its shop's, its warehouse's"
        if self.ecom_shipping_mode:
            return self.ecom_shipping_mode
        # Walking the parcel's moves to its orders' shops reads its moves,
        # sale lines, sales and orders: a good part of a station's scan.
        # No shop choosing a mode, none of them can.
        if self._ecom_any_shop_shipping_mode():
            for order in sorted(self.ecom_orders, key=lambda o: o.id):
                if order.shop.ecom_shipping_mode:
                    return order.shop.ecom_shipping_mode
        if self.warehouse:
            return self.warehouse.ecom_shipping_mode or 'weigh'
        return 'weigh'

    @staticmethod
    def _ecom_any_shop_shipping_mode():
        "Whether a shop, of any user, active or not, chooses a mode"
        Shop = Pool().get('ecom.shop')
        shop = Shop.__table__()
        cursor = Transaction().connection.cursor()
        # Plain SQL: the user's rules must not hide another's shop
        cursor.execute(*shop.select(Literal(1),
                where=(shop.ecom_shipping_mode != Null)
                & (shop.ecom_shipping_mode != ''),
                limit=1))
        return bool(cursor.fetchone())

    def ecom_get_print_slip(self):
        """Whether the parcel's packing slip prints with its waybill when it
        ships from a station: its shop's choice, else its warehouse's"""
        for order in sorted(self.ecom_orders, key=lambda o: o.id):
            if order.shop.ecom_print_slip:
                return order.shop.ecom_print_slip == 'print'
        return bool(self.warehouse and self.warehouse.ecom_print_slip)

    @classmethod
    def pack(cls, shipments):
        super().pack(shipments)
        cls._ecom_set_shipping_mode(shipments)

    @classmethod
    def _ecom_set_shipping_mode(cls, shipments):
        to_write = []
        for shipment in shipments:
            if not shipment.ecom_shipping_mode:
                to_write.extend(([shipment], {
                            'ecom_shipping_mode':
                            shipment.ecom_get_shipping_mode(),
                            }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    def ecom_ship(cls, shipments):
        """Ship the parcels as their mode says: a weighed parcel once its
        weight let it go, the others from wherever they stand"""
        shipments = cls.browse(shipments)
        for shipment in shipments:
            if (shipment.ecom_get_shipping_mode() == 'weigh'
                    and not (shipment.state == 'packed'
                        and shipment.ecom_weight_state in WEIGHED)):
                raise UserError(gettext('ecom_warehouse.msg_ship_not_weighed',
                        shipment=shipment.rec_name,
                        reason=shipment.ecom_weight_reason or ''))
        assigned = [s for s in shipments if s.state == 'assigned']
        if assigned:
            cls.pick(assigned)
        picked = [s for s in cls.browse(shipments) if s.state == 'picked']
        if picked:
            cls.pack(picked)
        shipments = cls.browse(shipments)
        cls._ecom_skip_writeback(shipments)
        cls.do(shipments)

    @classmethod
    def _ecom_skip_writeback(cls, shipments):
        """Parcels shipped outside the system (一键发货) tell their platform
        only if the shop wants it: the others' orders count as confirmed"""
        Order = Pool().get('ecom.order')
        if 'platform_shipment' not in Order._fields:
            return
        orders = [o for s in shipments
            if s.ecom_get_shipping_mode() == 'one_click'
            for o in s.ecom_orders
            if not o.shop.ecom_one_click_writeback]
        if orders:
            Order.write(orders, {'platform_shipment': 'confirmed'})

    @classmethod
    @ModelView.button
    def ecom_ship_virtual(cls, shipments):
        """虚拟发货: tell the platforms the tracking numbers now; the parcels
        are picked and shipped later"""
        Order = Pool().get('ecom.order')
        for shipment in shipments:
            if not shipment.ecom_tracking_number:
                raise UserError(gettext(
                        'ecom_warehouse.msg_ship_virtual_no_waybill',
                        shipment=shipment.rec_name))
        cls.write(list(shipments), {
                'ecom_virtual_shipped_at': dt.datetime.now(),
                'ecom_shipping_mode': 'virtual',
                })
        orders, to_write = [], []
        for shipment in shipments:
            to_write.extend((list(shipment.ecom_orders), {
                        'tracking_number': shipment.ecom_tracking_number,
                        }))
            orders.extend(shipment.ecom_orders)
        if to_write:
            Order.write(*to_write)
        if hasattr(Order, 'queue_platform_shipments'):
            Order.queue_platform_shipments(orders)

    # 简易发货 at the station: the waybill, then the order ------------------

    @classmethod
    def _ecom_scan_order(cls, shipment, state, code):
        "简易发货: the order scanned after the waybill ships the parcel"
        if code not in {o.platform_order_id for o in shipment.ecom_orders}:
            return state, cls._ecom_result(shipment, state, False,
                gettext('ecom_warehouse.msg_scan_order_mismatch',
                    code=code, shipment=shipment.rec_name))
        try:
            cls.ecom_ship([shipment])
        except UserError as exception:
            return state, cls._ecom_result(shipment, state, False,
                exception.message)
        cls.write([shipment], {
                'ecom_packer': Transaction().user or None,
                'ecom_packed_at': dt.datetime.now(),
                })
        state['step'] = 'done'
        return state, cls._ecom_result(shipment, state, True,
            gettext('ecom_warehouse.msg_scan_simple_shipped',
                shipment=shipment.rec_name), complete=True)
