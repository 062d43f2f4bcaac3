"""Refund interception after posting: the parcel must not leave.

A refund request or a closed order marks the posted order's shipments not
gone yet as intercepted: Tryton's picking, packing and shipping refuse them
until the refund is settled (the interception is released) or a clerk
cancels them, which releases their reservations (``ShipmentOut.cancel``).
Shipments already gone are left for a return.
"""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .order import UNSHIPPED_STATES


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_intercepted = fields.Boolean("Intercepted", readonly=True,
        help="The buyer asked for a refund or the platform closed the "
        "order: packing refuses this shipment.")
    ecom_intercept_reason = fields.Char("Interception Reason", readonly=True,
        states={'invisible': ~Eval('ecom_intercepted')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'cancel_intercepted': {
                    'invisible': (~Eval('ecom_intercepted')
                        | Eval('state').in_(['done', 'cancelled'])),
                    'depends': ['ecom_intercepted', 'state'],
                    },
                })

    @staticmethod
    def default_ecom_intercepted():
        return False

    @classmethod
    def _refuse_intercepted(cls, shipments):
        for shipment in shipments:
            if shipment.ecom_intercepted:
                raise UserError(gettext(
                        'ecom_order_center.msg_shipment_intercepted_refused',
                        shipment=shipment.rec_name,
                        reason=shipment.ecom_intercept_reason or ''))

    @classmethod
    def pick(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().pick(shipments)

    @classmethod
    def pack(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().pack(shipments)

    @classmethod
    def ship(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().ship(shipments)

    @classmethod
    def do(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().do(shipments)

    @property
    def ecom_orders(self):
        return {o for m in self.outgoing_moves if m.sale
            for o in m.sale.ecom_orders}

    @classmethod
    @ModelView.button
    def cancel_intercepted(cls, shipments):
        "Cancel the intercepted parcels: nothing of them ships"
        Order = Pool().get('ecom.order')
        Order.cancel_shipments([s for s in shipments
                if s.ecom_intercepted
                and s.state not in {'done', 'cancelled'}])


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'cancel_intercepted': {
                    'invisible': ~Eval('state').in_(list(UNSHIPPED_STATES)),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _posted_intercept(cls, orders):
        "Intercept the shipments of the orders with a refund request"
        cls.intercept([o for o in orders
                if o.refund_state == 'requested'
                or o.platform_state == 'cancelled'])

    @classmethod
    def intercept(cls, orders):
        """Stop the shipments of posted orders the buyer wants refunded

        A shipment not yet gone is marked intercepted, a gone one is left
        for a return; either way the order says so."""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Finding = pool.get('ecom.order.finding')
        to_intercept, decisions, findings = [], [], []
        for order in orders:
            reason = (gettext('ecom_order_center.msg_intercept_refund')
                if order.refund_state == 'requested'
                else gettext('ecom_order_center.msg_intercept_cancelled'))
            shipments = [s for sale in order.sales for s in sale.shipments
                if s.state not in {'cancelled'}]
            pending = [s for s in shipments
                if s.state != 'done' and not s.ecom_intercepted]
            gone = [s for s in shipments if s.state == 'done']
            if pending:
                to_intercept.extend((s, reason) for s in pending)
                message = 'msg_intercepted'
                names = ', '.join(s.rec_name for s in pending)
            elif gone:
                message = 'msg_intercept_return'
                names = ', '.join(s.rec_name for s in gone)
            else:
                continue
            findings.append(Finding.new(order, 'intercept', 'block',
                    'ecom_order_center.' + message, shipments=names))
            decisions.append((order,
                    gettext('ecom_order_center.msg_rule_intercept'),
                    reason, findings[-1].render()))
        for shipment, reason in to_intercept:
            shipment.ecom_intercepted = True
            shipment.ecom_intercept_reason = reason
        Shipment.save([s for s, _ in to_intercept])
        Finding.save(findings)
        cls._log_decisions(decisions)

    @classmethod
    @ModelView.button
    def cancel_intercepted(cls, orders):
        "Cancel the intercepted shipments of the orders"
        shipments = [s for o in orders for sale in o.sales
            for s in sale.shipments
            if s.ecom_intercepted and s.state not in {'done', 'cancelled'}]
        if not shipments:
            raise UserError(gettext(
                    'ecom_order_center.msg_no_intercepted_shipment',
                    orders=', '.join(o.rec_name for o in orders)))
        cls.cancel_shipments(shipments)

    @classmethod
    @without_check_access
    def cancel_shipments(cls, shipments):
        """Cancel the shipments, releasing their reservations; orders left
        with nothing to ship are cancelled"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        if not shipments:
            return
        orders = {o for s in shipments for o in s.ecom_orders}
        Shipment.cancel(shipments)
        shipments = Shipment.browse([s.id for s in shipments])
        cls._ignore_moves([m for s in shipments for m in s.outgoing_moves])
        outcome = gettext('ecom_order_center.msg_intercepted_cancelled',
            shipments=', '.join(s.rec_name for s in shipments))
        cls._log_decision(orders,
            gettext('ecom_order_center.msg_rule_intercept'), outcome)
        cls._cancel_unshipped(orders)

    @classmethod
    def _cancel_unshipped(cls, orders):
        "Mark cancelled the posted orders of which no shipment is left"
        cancelled = [o for o in cls.browse([o.id for o in orders])
            if o.state == 'posted'
            and all(s.state == 'cancelled'
                for sale in o.sales for s in sale.shipments)]
        if cancelled:
            cls.write(cancelled, {'state': 'cancelled'})

    @classmethod
    def _posted_release(cls, orders):
        """Let intercepted shipments go again when no refund is asked any
        more on any of their orders (refused, or done on other lines)"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        shipments = {s for o in orders for sale in o.sales
            for s in sale.shipments
            if s.ecom_intercepted and s.state not in {'done', 'cancelled'}}
        released = [s for s in shipments
            if not any(o.refund_state == 'requested'
                or o.platform_state == 'cancelled'
                for o in s.ecom_orders)]
        if not released:
            return
        with without_check_access():
            Shipment.write(released, {
                    'ecom_intercepted': False,
                    'ecom_intercept_reason': None,
                    })
        cls._log_decision({o for s in released for o in s.ecom_orders},
            gettext('ecom_order_center.msg_rule_intercept'),
            gettext('ecom_order_center.msg_interception_released',
                shipments=', '.join(s.rec_name for s in released)))
