"""Electronic waybill numbers (电子面单).

A waybill account (per carrier and warehouse) says which service hands
out the numbers; each number is an ``ecom.waybill`` with its routing data,
unique per carrier in the database.  A shipment's number is its
``shipping_reference`` (``stock_package_shipping``), so the order center
takes it as the tracking number once the shipment is done.

Fetching never calls a service with anything written pending: the
requests (each with its request id) are committed first, the services
are called, then the answers are stored and committed.  A timeout leaves
the request as it was: asked again with the same id, the service answers
the same number.  A service's refusal is shown on the shipment it
concerns and the other shipments go on.

A cancelled or re-routed parcel cancels its numbers and its requests
still pending; they are given back at the service once committed (a
pending one is asked again with its request id for the number it may
have taken), and an answer that comes after the cancellation never goes
on the parcel.
"""
import uuid

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import StateTransition

from .waybill_service import (
    SERVICES, Party, ServiceError, WaybillAnswer, WaybillRequest, selection)

# a number still good for a parcel
ACTIVE_STATES = {'reserved', 'printed', 'used'}
# a request the service may have answered, or a number still good: what
# a re-routed parcel gives back
LIVE_STATES = ACTIVE_STATES | {'requested'}


class Carrier(metaclass=PoolMeta):
    __name__ = 'carrier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.shipping_service.selection.append(('ecom_waybill', "E-waybill"))


class Account(DeactivableMixin, ModelSQL, ModelView):
    "E-waybill Account"
    __name__ = 'ecom.waybill.account'

    carrier = fields.Many2One('carrier', "Carrier", required=True,
        ondelete='CASCADE')
    warehouse = fields.Many2One('stock.location', "Warehouse",
        required=True, domain=[('type', '=', 'warehouse')],
        ondelete='CASCADE')
    service = fields.Selection(selection(), "Service", required=True,
        help="Where the numbers come from.")
    service_string = service.translated('service')
    endpoint = fields.Char("Endpoint",
        states={'invisible': Eval('service') == 'pool'},
        help="Base URL of the service "
        "(point it at the simulator for tests and trials).")
    app_key = fields.Char("App Key",
        states={'invisible': Eval('service') == 'pool'})
    app_secret = fields.Char("App Secret",
        states={'invisible': Eval('service') == 'pool'})
    session_key = fields.Char("Session Key",
        states={'invisible': Eval('service') == 'pool'},
        help="The seller's authorisation token on the service.")
    carrier_code = fields.Char("Carrier Code", required=True,
        help="The carrier's code at the service (e.g. ZTO, SF).")
    customer_code = fields.Char("Customer Code",
        help="The branch or monthly account the numbers are ordered on.")
    sender_name = fields.Char("Sender", required=True)
    sender_phone = fields.Char("Sender Phone", required=True)
    sort_code = fields.Char("Sort Code",
        states={'invisible': Eval('service') != 'pool'},
        help="The branch's sort code (大头笔) printed on the pool's "
        "waybills.")
    hub = fields.Char("Hub",
        states={'invisible': Eval('service') != 'pool'},
        help="The consolidation hub (集包地) printed on the pool's "
        "waybills.")
    timeout = fields.Integer("Timeout", required=True,
        domain=[('timeout', '>', 0)],
        states={'invisible': Eval('service') == 'pool'},
        help="Seconds to wait for the service's answer.")
    batch_size = fields.Integer("Batch Size", required=True,
        domain=[('batch_size', '>', 0)],
        help="Numbers asked from the service in one call.")
    ranges = fields.One2Many('ecom.waybill.range', 'account', "Ranges",
        states={'invisible': Eval('service') != 'pool'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('carrier_warehouse_unique', Unique(t, t.carrier, t.warehouse),
                'ecom_warehouse.msg_waybill_account_unique'),
            ]

    @staticmethod
    def default_timeout():
        return 10

    @staticmethod
    def default_batch_size():
        return 50

    def get_rec_name(self, name):
        return '%s @ %s' % (self.carrier.rec_name, self.warehouse.rec_name)

    @fields.depends('carrier', 'carrier_code')
    def on_change_carrier(self):
        if self.carrier and not self.carrier_code:
            self.carrier_code = self.carrier.party.code

    @classmethod
    def for_shipments(cls, shipments):
        "The account of each shipment, by its carrier and warehouse"
        pairs = {(s.carrier.id, s.warehouse.id) for s in shipments
            if s.carrier and s.warehouse}
        accounts = {}
        if pairs:
            for account in cls.search([
                        ('carrier', 'in', [c for c, _ in pairs]),
                        ('warehouse', 'in', [w for _, w in pairs]),
                        ]):
                accounts[account.carrier.id, account.warehouse.id] = account
        return {s: accounts.get((s.carrier.id, s.warehouse.id))
            if s.carrier and s.warehouse else None for s in shipments}

    @property
    def adapter(self):
        return SERVICES[self.service](self)

    def fetch(self, waybills):
        """Ask the service for the waybills' numbers, batch by batch:
        their answers by request id"""
        adapter = self.adapter
        answers = {}
        for i in range(0, len(waybills), self.batch_size):
            chunk = waybills[i:i + self.batch_size]
            try:
                got = adapter.get([w.request for w in chunk])
            except ServiceError as error:
                got = [WaybillAnswer(w.request_id, error=error)
                    for w in chunk]
            answers.update((a.request_id, a) for a in got)
        return answers

    def sender(self):
        address = self.warehouse.address
        return Party(name=self.sender_name, phone=self.sender_phone,
            province=(address.subdivision.name
                if address and address.subdivision else ''),
            city=address.city or '' if address else '',
            district='',
            address=address.street or '' if address else '')


class Range(ModelSQL, ModelView):
    "E-waybill Number Range"
    __name__ = 'ecom.waybill.range'

    account = fields.Many2One('ecom.waybill.account', "Account",
        required=True, ondelete='CASCADE')
    prefix = fields.Char("Prefix", strip=False)
    first = fields.Integer("First", required=True)
    last = fields.Integer("Last", required=True,
        domain=[('last', '>=', Eval('first', 0))])
    digits = fields.Integer("Digits", required=True,
        help="The numbers are padded with zeros to this length.")
    next_number = fields.Integer("Next Number", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('first', 'ASC'))

    @staticmethod
    def default_digits():
        return 10

    @classmethod
    def create(cls, vlist):
        vlist = [dict(v, next_number=v.get('next_number') or v.get('first'))
            for v in vlist]
        return super().create(vlist)

    @classmethod
    def take(cls, account, count):
        """Up to count numbers of the account's ranges, in order; the
        ranges are locked until the transaction ends"""
        ranges = cls.search([('account', '=', account.id)])
        cls.lock(ranges)
        numbers = []
        for range_ in cls.browse(ranges):
            while len(numbers) < count and range_.next_number <= range_.last:
                numbers.append('%s%0*d' % (range_.prefix or '',
                        range_.digits, range_.next_number))
                range_.next_number += 1
        cls.save(ranges)
        return numbers


class Waybill(ModelSQL, ModelView):
    "E-waybill"
    __name__ = 'ecom.waybill'
    _rec_name = 'number'

    account = fields.Many2One('ecom.waybill.account', "Account",
        required=True, readonly=True, ondelete='RESTRICT')
    carrier = fields.Many2One('carrier', "Carrier", required=True,
        readonly=True, ondelete='RESTRICT')
    shipment = fields.Many2One('stock.shipment.out', "Shipment",
        readonly=True, ondelete='RESTRICT')
    request_id = fields.Char("Request ID", required=True, readonly=True,
        help="The id the number was asked with: asked again with it, the "
        "service answers the same number.")
    number = fields.Char("Number", readonly=True)
    sort_code = fields.Char("Sort Code", readonly=True,
        help="大头笔: where the parcel is sorted to.")
    hub = fields.Char("Hub", readonly=True,
        help="集包地: the hub the parcel is consolidated at.")
    route_code = fields.Char("Route Code", readonly=True,
        help="The three-segment code (三段码) of the sorting centres.")
    state = fields.Selection([
            ('requested', "Requested"),
            ('reserved', "Reserved"),
            ('printed', "Printed"),
            ('used', "Used"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True)
    recycled = fields.Boolean("Recycled", readonly=True,
        help="The cancelled number was given back at the service (回收).")
    message = fields.Char("Message", readonly=True,
        help="What the service answered last, when it refused.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # a number is never handed out twice
            ('carrier_number_unique', Unique(t, t.carrier, t.number),
                'ecom_warehouse.msg_waybill_number_unique'),
            ('request_unique', Unique(t, t.request_id),
                'ecom_warehouse.msg_waybill_request_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.shipment, Index.Range()),
                (t.state, Index.Equality())))
        cls._order.insert(0, ('id', 'DESC'))

    @staticmethod
    def default_state():
        return 'requested'

    @staticmethod
    def default_recycled():
        return False

    @property
    def request(self):
        shipment = self.shipment
        order = shipment_order(shipment)
        return WaybillRequest(request_id=self.request_id,
            order=(order.platform_order_id if order else shipment.number),
            sender=self.account.sender(),
            receiver=receiver(shipment),
            items=[(m.product.name, int(m.quantity))
                for m in shipment.outgoing_moves],
            weight=float(getattr(shipment, 'weight', None) or 0))

    @classmethod
    def requests_for(cls, shipments):
        """The waybills to ask for the shipments that have no number, by
        account, the waiting requests reused; the shipments without an
        account are told so"""
        pool = Pool()
        Account = pool.get('ecom.waybill.account')
        Shipment = pool.get('stock.shipment.out')
        shipments = [s for s in shipments
            if s.state not in {'done', 'cancelled'}
            and not (s.waybill and s.waybill.state in ACTIVE_STATES)]
        accounts = Account.for_shipments(shipments)
        waiting = {(w.shipment.id, w.account.id): w for w in cls.search([
                    ('shipment', 'in', [s.id for s in shipments]),
                    ('state', '=', 'requested'),
                    ])}
        by_account, to_save, unserved = {}, [], []
        for shipment in shipments:
            account = accounts[shipment]
            if not account:
                unserved.append(shipment)
                continue
            waybill = waiting.get((shipment.id, account.id))
            if not waybill:
                waybill = cls(account=account, carrier=account.carrier,
                    shipment=shipment, request_id=uuid.uuid4().hex)
                to_save.append(waybill)
            by_account.setdefault(account, []).append(waybill)
        cls.save(to_save)
        if unserved:
            Shipment.write(unserved, {'waybill_error': gettext(
                        'ecom_warehouse.msg_waybill_no_account')})
        return by_account

    @classmethod
    def store(cls, by_account, answers):
        """Store the services' answers on the waybills and their shipments;
        a request cancelled while the service was asked (the parcel
        cancelled or re-routed meanwhile) keeps its number off the
        shipment and gives it back"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        to_write, shipment_write, to_recycle = [], [], []
        for account, waybills in by_account.items():
            # read again: what was pending when the service was called
            for waybill in cls.browse([w.id for w in waybills]):
                answer = answers.get(waybill.request_id) or WaybillAnswer(
                    waybill.request_id, error=ServiceError(
                        'refused', '', ''))
                if waybill.state != 'requested':
                    if (waybill.state == 'cancelled' and answer.number
                            and not waybill.recycled):
                        if not waybill.number:
                            to_write.extend(([waybill],
                                    {'number': answer.number}))
                        to_recycle.append(waybill)
                    continue
                if answer.error:
                    reason = error_text(account, answer.error)
                    to_write.extend(([waybill], {'message': reason}))
                    shipment_write.extend(([waybill.shipment],
                            {'waybill_error': reason}))
                    continue
                to_write.extend(([waybill], {
                            'number': answer.number,
                            'sort_code': answer.sort_code,
                            'hub': answer.hub,
                            'route_code': answer.route_code,
                            'state': 'reserved',
                            'message': None,
                            }))
                shipment_write.extend(([waybill.shipment], {
                            'waybill': waybill.id,
                            'shipping_reference': answer.number,
                            'waybill_error': None,
                            }))
        if to_write:
            cls.write(*to_write)
        if shipment_write:
            Shipment.write(*shipment_write)
        if to_recycle:
            cls.__queue__.recycle(to_recycle)

    @classmethod
    def cancel(cls, waybills):
        """Cancel the waybills here; the services are told once the
        transaction is committed"""
        with without_check_access():
            cls._cancel(cls.browse(waybills))

    @classmethod
    def _cancel(cls, waybills):
        waybills = [w for w in waybills if w.state != 'cancelled']
        if waybills:
            # a pending request may have been served: its number is asked
            # again to be given back
            to_recycle = [w for w in waybills
                if w.number or w.state == 'requested']
            cls.write(waybills, {'state': 'cancelled'})
            if to_recycle:
                cls.__queue__.recycle(to_recycle)

    @classmethod
    def recycle(cls, waybills):
        "Give the cancelled numbers back at their services (回收)"
        with without_check_access():
            cls._recycle(cls.browse(waybills))

    @classmethod
    def _recycle(cls, waybills):
        for waybill in waybills:
            if waybill.state != 'cancelled' or waybill.recycled:
                continue
            adapter = waybill.account.adapter
            try:
                if not waybill.number:
                    answer = adapter.recall(waybill.request)
                    if not answer:
                        waybill.message = None
                        continue
                    waybill.number = answer.number
                adapter.cancel(waybill.number, waybill.request_id)
            except ServiceError as error:
                waybill.message = error_text(waybill.account, error)
            else:
                waybill.recycled = True
                waybill.message = None
        cls.save(waybills)


def error_text(account, error):
    "The refusal as the clerk reads it, with the service's own words"
    return gettext('ecom_warehouse.msg_waybill_error_%s' % error.kind,
        service=account.service_string, code=error.code or '',
        message=error.message or '')


def shipment_order(shipment):
    "The e-commerce order the shipment ships, if any"
    for move in shipment.outgoing_moves:
        sale = getattr(move.origin, 'sale', None)
        orders = getattr(sale, 'ecom_orders', None)
        if orders:
            return orders[0]


def receiver(shipment):
    "The receiver of the shipment, from its order, else from its address"
    order = shipment_order(shipment)
    if order:
        return Party(name=order.receiver_name or '',
            phone=order.receiver_phone or '',
            province=(order.receiver_subdivision.name
                if order.receiver_subdivision else ''),
            city=order.receiver_city or '',
            district=order.receiver_district or '',
            address=order.receiver_address or '')
    address = shipment.delivery_address
    return Party(name=address.party_full_name, phone='',
        province=address.subdivision.name if address.subdivision else '',
        city=address.city or '', district='', address=address.street or '')


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    waybill = fields.Many2One('ecom.waybill', "E-waybill", readonly=True,
        ondelete='SET NULL',
        help="The waybill number the parcel goes with.")
    waybills = fields.One2Many('ecom.waybill', 'shipment', "E-waybills",
        readonly=True)
    waybill_error = fields.Char("E-waybill Error", readonly=True,
        help="Why the last attempt to get a waybill number failed.")
    sort_code = fields.Function(fields.Char("Sort Code"), 'get_waybill_field')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'fetch_waybill': {
                    'invisible': (Eval('state').in_(['done', 'cancelled'])
                        | ~Eval('carrier')),
                    'depends': ['state', 'carrier'],
                    },
                })

    def get_waybill_field(self, name):
        if self.waybill:
            return getattr(self.waybill, name)

    def validate_packing_ecom_waybill(self):
        "A waybill number is fetched, not typed: nothing to check"

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('waybill')
        default.setdefault('waybills')
        default.setdefault('waybill_error')
        return super().copy(shipments, default=default)

    @classmethod
    @ModelView.button
    def fetch_waybill(cls, shipments):
        cls.fetch_waybills(shipments)

    @classmethod
    def fetch_waybills(cls, shipments, commit=True):
        """Get a waybill number for each shipment that has none: the
        requests are committed before any service is called, the answers
        stored and committed after"""
        with without_check_access():
            cls._fetch_waybills(cls.browse(shipments), commit)

    @classmethod
    def _fetch_waybills(cls, shipments, commit):
        pool = Pool()
        Waybill = pool.get('ecom.waybill')
        transaction = Transaction()
        by_account = Waybill.requests_for(shipments)
        if not by_account:
            return
        if commit:
            transaction.commit()
        answers = {}
        for account, waybills in by_account.items():
            if not account.adapter.local:
                answers.update(account.fetch(waybills))
        for account, waybills in by_account.items():
            if account.adapter.local:
                answers.update(account.fetch(waybills))
        Waybill.store(by_account, answers)
        if commit:
            transaction.commit()

    @classmethod
    def write(cls, *args):
        "A new carrier or warehouse cancels the number of the old one"
        pool = Pool()
        Waybill = pool.get('ecom.waybill')
        actions = iter(args)
        rerouted = []
        for shipments, values in zip(actions, actions):
            for name in ['carrier', 'warehouse']:
                if name in values:
                    rerouted.extend(s for s in shipments
                        if getattr(s, name)
                        and getattr(s, name).id != values[name])
        # the old carrier's numbers and its requests still pending: one
        # answered late must not become the new carrier's number
        waybills = [w for s in cls.browse({s.id for s in rerouted})
            for w in s.waybills if w.state in LIVE_STATES]
        rerouted = cls.browse({w.shipment.id for w in waybills})
        super().write(*args)
        if rerouted:
            cls._reroute(rerouted)
            Waybill.cancel(waybills)

    @classmethod
    def _reroute(cls, shipments):
        "The shipments lost their number to a new carrier or warehouse"
        cls.write(shipments, {'waybill': None, 'shipping_reference': None,
                'waybill_error': None})

    @classmethod
    def cancel(cls, shipments):
        pool = Pool()
        Waybill = pool.get('ecom.waybill')
        super().cancel(shipments)
        Waybill.cancel([w for s in shipments for w in s.waybills
                if w.state != 'cancelled'])


class CreateShipping(metaclass=PoolMeta):
    "The create-shipping step of a carrier with e-waybills"
    __name__ = 'stock.shipment.create_shipping'

    ecom_waybill = StateTransition()

    def transition_start(self):
        next_state = super().transition_start()
        if (self.record.carrier
                and self.record.carrier.shipping_service == 'ecom_waybill'):
            next_state = 'ecom_waybill'
        return next_state

    def transition_ecom_waybill(self):
        self.model.fetch_waybills([self.record], commit=False)
        return 'end'
