"""Scan verification (验货) at the packing station: the packer scans the
parcel (waybill, order or shipment number), then its items; a complete
check packs the Tryton shipment and records who packed it.

The station's state travels with each scan as a plain dict, so the web
client's station screen, a benchmark or an IoT box call the same method,
:meth:`ShipmentOut.ecom_verify_scan`.
"""
import datetime as dt
import re
from collections import defaultdict

from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction

VERIFY_MODES = [
    ('waybill', "Waybill, then Items"),
    ('slip', "Packing Slip, Waybill, then Items"),
    ]
VERIFY_STATES = [
    (None, ""),
    ('verifying', "Verifying"),
    ('verified', "Verified"),
    ]
# The shipment states a verification can start from
VERIFIABLE_STATES = {'assigned', 'picked'}
# A packer's claim on a parcel lapses after this time without a scan, so a
# parcel left at a station can be taken at another
CLAIM_TIMEOUT = dt.timedelta(minutes=30)
# A quantity typed after the code (``code×3``, ``code*3``) or alone, for
# the item scanned last
QUANTITY = re.compile(r'^(?P<code>.*?)\s*[×*＊]\s*(?P<quantity>\d{1,4})$')


def station_worker():
    """The user a station's scan or weight is for: the packer whose badge
    a packing station's box read (context ``ecom_packer``), else the user
    of the call"""
    transaction = Transaction()
    return transaction.context.get('ecom_packer') or transaction.user


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    ecom_verify_mode = fields.Selection(VERIFY_MODES, "Verification Mode",
        states={'invisible': Eval('type') != 'warehouse'},
        help="What the packer scans before the items: "
        "普通验货 the waybill; 验单验货 the packing slip, then the waybill.")
    ecom_verify_unpicked = fields.Boolean("Verify Unpicked",
        states={'invisible': Eval('type') != 'warehouse'},
        help="Whether a parcel not reported picked may be verified: "
        "it is picked when its check is complete.")

    @staticmethod
    def default_ecom_verify_mode():
        return 'waybill'

    @staticmethod
    def default_ecom_verify_unpicked():
        return True


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_verify_state = fields.Selection(VERIFY_STATES, "Verification",
        readonly=True,
        help="Whether the parcel's items were checked by scanning.")
    ecom_packer = fields.Many2One('res.user', "Packer", readonly=True,
        help="The user who verifies or verified the parcel.")
    ecom_verify_started = fields.DateTime("Verification Started",
        readonly=True)
    ecom_packed_at = fields.DateTime("Packed At", readonly=True,
        help="When the verification was complete and the parcel packed.")
    ecom_tracking_number = fields.Function(fields.Char("Tracking Number",
            help="The waybill numbers of the parcel."),
        'get_ecom_tracking_number', searcher='search_ecom_tracking_number')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The station's scans come from the web client, a benchmark or a
        # station's box, all through the server
        cls.__rpc__.update({
                'ecom_verify_scan': RPC(readonly=False),
                'ecom_weigh': RPC(instantiate=0, readonly=False,
                    result=lambda blocked: [s.id for s in blocked]),
                'ecom_weigh_batch': RPC(instantiate=0, readonly=False,
                    result=lambda blocked: [s.id for s in blocked]),
                })

    def get_ecom_tracking_number(self, name):
        from trytond.modules.ecom_order_center.lifecycle import (
            shipment_references)
        return ', '.join(shipment_references(self)) or None

    @classmethod
    def search_ecom_tracking_number(cls, name, clause):
        _, operator, value = clause[:3]
        return ['OR',
            ('shipping_reference', operator, value),
            ('root_packages.shipping_reference', operator, value),
            ]

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        for name in ['ecom_verify_state', 'ecom_packer',
                'ecom_verify_started', 'ecom_packed_at']:
            default.setdefault(name)
        return super().copy(shipments, default=default)

    @classmethod
    def ecom_state_name(cls, state):
        "The translated name of the shipment state"
        return dict(cls.fields_get(['state'])['state']['selection'])[state]

    # The scan -------------------------------------------------------------

    @classmethod
    def ecom_verify_scan(cls, state, code):
        """Process one scan of the station in state (a dict, empty at
        first); return the new state and the result to show:
        ``{'ok', 'message', 'complete', 'lines'}``"""
        state = dict(state or {})
        code = (code or '').strip()
        shipment = (cls(state['shipment'])
            if state.get('shipment') else None)
        step = state.get('step') if shipment else None
        if not code:
            return state, cls._ecom_result(shipment, state, False,
                gettext('ecom_warehouse.msg_scan_empty'))
        if step in {'items', 'waybill', 'order'}:
            shipment, = cls.browse([shipment.id])
            if shipment.state not in VERIFIABLE_STATES:
                state = {}
                step = None
            elif shipment.ecom_intercepted:
                state = {}
                return state, cls._ecom_result(None, state, False,
                    gettext('ecom_warehouse.msg_scan_intercepted',
                        shipment=shipment.rec_name,
                        reason=shipment.ecom_intercept_reason or ''))
        if step == 'waybill':
            return cls._ecom_scan_waybill(shipment, state, code)
        if step == 'items':
            return cls._ecom_scan_item(shipment, state, code)
        if step == 'order':
            return cls._ecom_scan_order(shipment, state, code)
        if step == 'weigh':
            return cls._ecom_scan_weight(shipment, state, code)
        return cls._ecom_scan_parcel(state, code)

    @classmethod
    def _ecom_find_parcel(cls, code):
        """Return the shipments the code names and how: by waybill number,
        platform order id or shipment number"""
        pool = Pool()
        Order = pool.get('ecom.order')
        shipments = cls.search([
                ('ecom_tracking_number', '=', code),
                ('state', 'not in', ['cancelled']),
                ], order=[('id', 'DESC')])
        if shipments:
            return shipments, 'waybill'
        shipments = cls.search([
                ('number', '=', code),
                ], limit=1)
        if shipments:
            return shipments, 'number'
        orders = Order.search([('platform_order_id', '=', code)])
        shipments = [s for o in orders for sale in o.sales
            for s in sale.shipments if s.state != 'cancelled']
        if shipments:
            return shipments, 'order'
        return [], None

    @classmethod
    def _ecom_scan_parcel(cls, state, code, previous=None):
        "The first scan of a parcel: find it, refuse or claim it"
        shipments, kind = cls._ecom_find_parcel(code)
        if not shipments:
            return {}, cls._ecom_result(None, {}, False,
                gettext('ecom_warehouse.msg_scan_unknown', code=code))
        pending = [s for s in shipments if s.state in VERIFIABLE_STATES]
        shipment = (pending or shipments)[0]
        if shipment.ecom_intercepted:
            return {}, cls._ecom_result(None, {}, False,
                gettext('ecom_warehouse.msg_scan_intercepted',
                    shipment=shipment.rec_name,
                    reason=shipment.ecom_intercept_reason or ''))
        if shipment.state not in VERIFIABLE_STATES:
            if shipment.ecom_verify_state == 'verified':
                message = gettext('ecom_warehouse.msg_scan_already_packed',
                    shipment=shipment.rec_name,
                    packer=(shipment.ecom_packer.rec_name
                        if shipment.ecom_packer else ''))
            else:
                message = gettext('ecom_warehouse.msg_scan_not_ready',
                    shipment=shipment.rec_name,
                    state=cls.ecom_state_name(shipment.state))
            return {}, cls._ecom_result(None, {}, False, message)
        warehouse = shipment.warehouse
        if (shipment.state == 'assigned'
                and not warehouse.ecom_verify_unpicked):
            return {}, cls._ecom_result(None, {}, False,
                gettext('ecom_warehouse.msg_scan_not_picked',
                    shipment=shipment.rec_name))
        simple = shipment.ecom_get_shipping_mode() == 'simple'
        if (warehouse.ecom_verify_mode == 'slip' and kind == 'waybill'
                and not simple):
            return {}, cls._ecom_result(None, {}, False,
                gettext('ecom_warehouse.msg_scan_slip_first',
                    shipment=shipment.rec_name))
        other = cls._ecom_claim(shipment)
        if other:
            return {}, cls._ecom_result(None, {}, False,
                gettext('ecom_warehouse.msg_scan_claimed',
                    shipment=shipment.rec_name, packer=other.rec_name))
        state = {'shipment': shipment.id, 'scanned': {}, 'last': None}
        if simple:
            state['step'] = 'order'
            message = gettext('ecom_warehouse.msg_scan_order_next',
                shipment=shipment.rec_name)
        elif (warehouse.ecom_verify_mode == 'slip'
                and shipment.ecom_tracking_number):
            state['step'] = 'waybill'
            message = gettext('ecom_warehouse.msg_scan_waybill_next',
                shipment=shipment.rec_name)
        else:
            state['step'] = 'items'
            message = gettext('ecom_warehouse.msg_scan_items_next',
                shipment=shipment.rec_name)
        return state, cls._ecom_result(shipment, state, True, message)

    @classmethod
    def _ecom_claim(cls, shipment):
        """Claim the parcel for the user's verification; return the other
        packer who holds it, if any"""
        pool = Pool()
        User = pool.get('res.user')
        user = station_worker()
        cls.lock([shipment])
        shipment, = cls.browse([shipment.id])
        now = dt.datetime.now()
        if (shipment.ecom_verify_state == 'verifying'
                and shipment.ecom_packer
                and shipment.ecom_packer.id != user
                and shipment.ecom_verify_started
                and now - shipment.ecom_verify_started < CLAIM_TIMEOUT):
            return shipment.ecom_packer
        cls.write([shipment], {
                'ecom_verify_state': 'verifying',
                'ecom_packer': User(user).id if user else None,
                'ecom_verify_started': now,
                })
        return None

    @classmethod
    def _ecom_scan_waybill(cls, shipment, state, code):
        "验单验货: after the packing slip, the parcel's own waybill"
        if code in (shipment.ecom_tracking_number or '').split(', '):
            state['step'] = 'items'
            return state, cls._ecom_result(shipment, state, True,
                gettext('ecom_warehouse.msg_scan_items_next',
                    shipment=shipment.rec_name))
        return state, cls._ecom_result(shipment, state, False,
            gettext('ecom_warehouse.msg_scan_waybill_mismatch',
                code=code, shipment=shipment.rec_name))

    @classmethod
    def _ecom_scan_item(cls, shipment, state, code):
        "An item of the parcel, with an optional quantity"
        pool = Pool()
        Product = pool.get('product.product')
        match = QUANTITY.match(code)
        quantity = 1
        if match:
            code, quantity = match['code'], int(match['quantity'])
        scanned = defaultdict(int, {
                int(k): v for k, v in state.get('scanned', {}).items()})
        expected = shipment._ecom_expected_items()
        if not code:
            # ×N alone: the item scanned last counts N times
            if not state.get('last'):
                return state, cls._ecom_result(shipment, state, False,
                    gettext('ecom_warehouse.msg_scan_quantity_first'))
            product = Product(state['last'])
            quantity -= 1
        else:
            product = shipment._ecom_item_codes().get(code)
        if product is None:
            if cls._ecom_find_parcel(code)[0]:
                return cls._ecom_switch(shipment, state, code)
            known = Product.search(['OR',
                    ('code', '=', code),
                    ('identifiers.code', '=', code),
                    ], limit=1)
            if known:
                message = gettext('ecom_warehouse.msg_scan_wrong_item',
                    product=known[0].rec_name, shipment=shipment.rec_name)
            else:
                message = gettext('ecom_warehouse.msg_scan_unknown',
                    code=code)
            return state, cls._ecom_result(shipment, state, False, message)
        if scanned[product.id] + quantity > expected[product.id]:
            return state, cls._ecom_result(shipment, state, False,
                gettext('ecom_warehouse.msg_scan_extra',
                    product=product.rec_name,
                    expected=expected[product.id],
                    scanned=scanned[product.id] + quantity))
        scanned[product.id] += quantity
        state['scanned'] = {str(k): v for k, v in scanned.items()}
        state['last'] = product.id
        if any(scanned[p] < q for p, q in expected.items()):
            return state, cls._ecom_result(shipment, state, True,
                gettext('ecom_warehouse.msg_scan_item_ok',
                    product=product.rec_name,
                    scanned=scanned[product.id],
                    expected=expected[product.id]))
        try:
            cls.ecom_verified([shipment])
        except (UserError, UserWarning) as exception:
            return state, cls._ecom_result(shipment, state, False,
                gettext('ecom_warehouse.msg_scan_pack_failed',
                    shipment=shipment.rec_name, error=exception.message))
        shipment, = cls.browse([shipment.id])
        state['step'] = 'weigh' if shipment.ecom_needs_weighing else 'done'
        return state, cls._ecom_result(shipment, state, True,
            shipment._ecom_verified_message(), complete=True)

    @classmethod
    def _ecom_switch(cls, shipment, state, code):
        """Another parcel's code during a check: leave this parcel
        unverified for anyone, and start on that one"""
        if shipment.ecom_packer and (
                shipment.ecom_packer.id == station_worker()):
            cls.write([shipment], {'ecom_verify_state': None})
        return cls._ecom_scan_parcel({}, code)

    def _ecom_verified_message(self):
        return gettext('ecom_warehouse.msg_scan_complete',
            shipment=self.rec_name)

    def _ecom_expected_items(self):
        "The quantity of each product the parcel must hold, by product id"
        expected = defaultdict(int)
        for move in self.outgoing_moves:
            if move.state != 'cancelled' and move.quantity:
                expected[move.product.id] += int(move.internal_quantity)
        return expected

    def _ecom_item_codes(self):
        """The codes the parcel's items are known by: product code,
        barcodes (identifiers), platform outer code and SKU id"""
        pool = Pool()
        Product = pool.get('product.product')
        Listing = pool.get('ecom.listing')
        products = Product.browse(list(self._ecom_expected_items()))
        codes = {}
        for listing in Listing.search([('product', 'in', products)]):
            for code in [listing.outer_code, listing.platform_sku_id]:
                if code:
                    codes[code] = listing.product
        for product in products:
            for identifier in product.identifiers:
                codes[identifier.code] = product
            if product.code:
                codes[product.code] = product
        return codes

    @classmethod
    def _ecom_result(cls, shipment, state, ok, message, complete=False):
        pool = Pool()
        Product = pool.get('product.product')
        lines = []
        if shipment:
            scanned = state.get('scanned', {})
            expected = shipment._ecom_expected_items()
            for product in Product.browse(list(expected)):
                lines.append({
                        'product': product.id,
                        'name': product.rec_name,
                        'expected': expected[product.id],
                        'scanned': scanned.get(str(product.id), 0),
                        })
        return {
            'ok': ok,
            'message': message,
            'complete': complete,
            'shipment': shipment.id if shipment else None,
            'lines': lines,
            }

    @classmethod
    def ecom_verified(cls, shipments):
        """The check of the parcels is complete: pick them if needed, pack
        them, and record who packed them when"""
        user = station_worker()
        assigned = [s for s in shipments if s.state == 'assigned']
        if assigned:
            cls.pick(assigned)
        shipments = cls.browse([s.id for s in shipments])
        cls._ecom_package(shipments)
        cls.pack(shipments)
        cls.write(shipments, {
                'ecom_verify_state': 'verified',
                'ecom_packer': user or None,
                'ecom_packed_at': dt.datetime.now(),
                })

    @classmethod
    def _ecom_package(cls, shipments):
        """Put the items of each parcel without package in one of its
        warehouse's package type, whose packaging weight is the tare"""
        pool = Pool()
        Package = pool.get('stock.package')
        Move = pool.get('stock.move')
        packages, moves = [], []
        for shipment in shipments:
            type_ = shipment.warehouse.ecom_package_type
            if shipment.packages or not type_:
                continue
            package = Package(company=shipment.company, type=type_,
                shipment=shipment)
            package.on_change_type()
            packages.append(package)
            moves.append(shipment.packages_moves)
        Package.save(packages)
        for package, package_moves in zip(packages, moves):
            Move.write(package_moves, {'package': package.id})
