"""Weighing (称重): the parcel's weight, typed at the station or read from
its scale, against what its items and package should weigh.

Out of the warehouse's tolerance the parcel is blocked with the reason; a
supervisor may let it go, and who did so and when stays on the shipment.
The weight is kept on the shipment and on its package (the package's
additional weight takes the difference, so its total weight is what the
scale read), where the freight cost reads it.
"""
import datetime as dt
import re

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .packing import station_worker

WEIGHT_STATES = [
    (None, ""),
    ('ok', "Within Tolerance"),
    ('blocked', "Blocked"),
    ('overridden', "Overridden"),
    ]
# The weights that let a parcel go
WEIGHED = {'ok', 'overridden'}
# A weight typed at the station: kilograms unless it says grams
WEIGHT = re.compile(r'^(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>kg|g|公斤|克)?$',
    re.IGNORECASE)


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    ecom_weight_tolerance_percent = fields.Float("Weight Tolerance (%)",
        domain=['OR', ('ecom_weight_tolerance_percent', '=', None),
            ('ecom_weight_tolerance_percent', '>=', 0)],
        states={'invisible': Eval('type') != 'warehouse'},
        help="How far, in percent of the expected weight, a parcel may "
        "weigh more or less; the larger of this and the grams applies.")
    ecom_weight_tolerance_grams = fields.Float("Weight Tolerance (g)",
        domain=['OR', ('ecom_weight_tolerance_grams', '=', None),
            ('ecom_weight_tolerance_grams', '>=', 0)],
        states={'invisible': Eval('type') != 'warehouse'},
        help="How many grams a parcel may weigh more or less.")
    ecom_package_type = fields.Many2One('stock.package.type',
        "Parcel Package Type",
        states={'invisible': Eval('type') != 'warehouse'},
        help="The box or bag a verified parcel is packed in; "
        "its packaging weight is the tare.")

    @staticmethod
    def default_ecom_weight_tolerance_percent():
        return 5.0

    @staticmethod
    def default_ecom_weight_tolerance_grams():
        return 50.0


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_expected_weight = fields.Float("Expected Weight (kg)",
        digits=(16, 3), readonly=True,
        help="What the items and the package should weigh.")
    ecom_weight = fields.Float("Weighed Weight (kg)", digits=(16, 3),
        readonly=True, help="What the parcel weighed on the scale.")
    ecom_weight_state = fields.Selection(WEIGHT_STATES, "Weighing",
        readonly=True)
    ecom_weight_reason = fields.Char("Weighing Reason", readonly=True,
        help="Why the weight blocked the parcel.")
    ecom_weighed_by = fields.Many2One('res.user', "Weighed By",
        readonly=True)
    ecom_weighed_at = fields.DateTime("Weighed At", readonly=True)
    ecom_weight_override_by = fields.Many2One('res.user',
        "Weight Override By", readonly=True,
        help="The supervisor who let the parcel go out of tolerance.")
    ecom_weight_override_at = fields.DateTime("Weight Override At",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ecom_weight_override': {
                    'invisible': Eval('ecom_weight_state') != 'blocked',
                    'depends': ['ecom_weight_state'],
                    },
                })

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        for name in ['ecom_expected_weight', 'ecom_weight',
                'ecom_weight_state', 'ecom_weight_reason', 'ecom_weighed_by',
                'ecom_weighed_at', 'ecom_weight_override_by',
                'ecom_weight_override_at']:
            default.setdefault(name)
        return super().copy(shipments, default=default)

    def ecom_get_expected_weight(self):
        "The weight in kg of the parcel's items and of its package"
        pool = Pool()
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        kg = Uom(ModelData.get_id('product', 'uom_kilogram'))
        weight = 0
        for move in self.outgoing_moves:
            product = move.product
            if (move.state == 'cancelled' or not move.quantity
                    or not product.weight):
                continue
            weight += move.internal_quantity * Uom.compute_qty(
                product.weight_uom, product.weight, kg, round=False)
        packages = list(self.root_packages)
        if packages:
            for package in packages:
                if package.packaging_weight:
                    weight += Uom.compute_qty(package.packaging_weight_uom,
                        package.packaging_weight, kg, round=False)
        else:
            type_ = self.warehouse.ecom_package_type
            if type_ and type_.packaging_weight:
                weight += Uom.compute_qty(type_.packaging_weight_uom,
                    type_.packaging_weight, kg, round=False)
        return round(weight, 3)

    def ecom_weight_tolerance(self, expected):
        "The deviation in kg the warehouse allows around the expected weight"
        warehouse = self.warehouse
        percent = warehouse.ecom_weight_tolerance_percent or 0
        grams = warehouse.ecom_weight_tolerance_grams or 0
        return max(expected * percent / 100, grams / 1000)

    @classmethod
    def ecom_weigh(cls, shipments, weight):
        """Record the weight in kg the scale read for each parcel: within
        tolerance it may go, else it is blocked with the reason; return
        the blocked ones"""
        user = station_worker() or None
        now = dt.datetime.now()
        to_write, blocked = [], []
        for shipment in shipments:
            expected = shipment.ecom_get_expected_weight()
            tolerance = shipment.ecom_weight_tolerance(expected)
            values = {
                'ecom_expected_weight': expected,
                'ecom_weight': weight,
                'ecom_weighed_by': user,
                'ecom_weighed_at': now,
                'ecom_weight_override_by': None,
                'ecom_weight_override_at': None,
                }
            if abs(weight - expected) <= tolerance + 1e-9:
                values.update(ecom_weight_state='ok', ecom_weight_reason=None)
            else:
                blocked.append(shipment)
                values.update(ecom_weight_state='blocked',
                    ecom_weight_reason=gettext(
                        'ecom_warehouse.msg_weight_out_of_tolerance',
                        weight='%.3f' % weight, expected='%.3f' % expected,
                        tolerance='%.3f' % tolerance))
            to_write.extend(([shipment], values))
        if to_write:
            cls.write(*to_write)
        cls._ecom_weight_packages(shipments, weight)
        return blocked

    @classmethod
    def _ecom_weight_packages(cls, shipments, weight):
        "The package of a one-package parcel weighs what the scale read"
        pool = Pool()
        Package = pool.get('stock.package')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        kg = Uom(ModelData.get_id('product', 'uom_kilogram'))
        gram = Uom(ModelData.get_id('product', 'uom_gram'))
        to_save = []
        for shipment in cls.browse(shipments):
            if len(shipment.root_packages) != 1:
                continue
            package, = shipment.root_packages
            package.additional_weight = None
            contents = Uom.compute_qty(package.weight_uom,
                package.get_total_measurements('total_weight', round=False),
                kg, round=False)
            package.additional_weight = gram.round(
                (weight - contents) * 1000)
            package.additional_weight_uom = gram
            to_save.append(package)
        Package.save(to_save)

    @classmethod
    def ecom_weigh_batch(cls, shipments, weight):
        """批量称重: one weight for identical single-item parcels, weighed
        one of them; return the blocked ones"""
        kinds = {tuple(s._ecom_expected_items().items()) for s in shipments}
        if len(kinds) != 1 or sum(q for _, q in next(iter(kinds))) != 1:
            raise UserError(gettext(
                    'ecom_warehouse.msg_weigh_batch_not_identical'))
        return cls.ecom_weigh(shipments, weight)

    @classmethod
    @ModelView.button
    def ecom_weight_override(cls, shipments):
        """Let the parcels blocked by their weight go (a supervisor's
        decision, recorded with who and when)"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user = Transaction().user
        supervisor = ModelData.get_id('ecom_warehouse', 'group_supervisor')
        if user and supervisor not in User.get_groups():
            raise AccessError(gettext(
                    'ecom_warehouse.msg_weight_override_supervisor',
                    shipments=', '.join(s.rec_name for s in shipments)))
        blocked = [s for s in shipments if s.ecom_weight_state == 'blocked']
        cls.write(blocked, {
                'ecom_weight_state': 'overridden',
                'ecom_weight_override_by': user or None,
                'ecom_weight_override_at': dt.datetime.now(),
                })
        weighed = [s for s in cls.browse(blocked)
            if s.ecom_needs_weighing and s.state == 'packed']
        if weighed:
            cls.ecom_ship(weighed)

    # At the station, after the check ---------------------------------------

    def _ecom_verified_message(self):
        if self.ecom_needs_weighing:
            return gettext('ecom_warehouse.msg_scan_complete_weigh',
                shipment=self.rec_name)
        return super()._ecom_verified_message()

    @classmethod
    def _ecom_scan_weight(cls, shipment, state, code):
        "The weight typed or read for the parcel just verified"
        match = WEIGHT.match(code.replace(' ', ''))
        # A waybill number or platform order id of digits alone is the next
        # parcel, not a weight of billions of kilograms
        if not match or not (match['unit'] or '.' in match['value']):
            if cls._ecom_find_parcel(code)[0]:
                return cls._ecom_scan_parcel({}, code)
        if not match:
            return state, cls._ecom_result(shipment, state, False,
                gettext('ecom_warehouse.msg_scan_weight_expected',
                    code=code))
        weight = float(match['value'])
        if (match['unit'] or '').lower() in {'g', '克'}:
            weight /= 1000
        if cls.ecom_weigh([shipment], weight):
            shipment, = cls.browse([shipment.id])
            return state, cls._ecom_result(shipment, state, False,
                shipment.ecom_weight_reason)
        try:
            cls.ecom_ship([shipment])
        except UserError as exception:
            return state, cls._ecom_result(shipment, state, False,
                exception.message)
        state['step'] = 'done'
        return state, cls._ecom_result(shipment, state, True,
            gettext('ecom_warehouse.msg_scan_weighed_shipped',
                shipment=shipment.rec_name, weight='%.3f' % weight),
            complete=True)

