"""Refund interception after posting: the parcel must not leave."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_intercepted = fields.Boolean("Intercepted", readonly=True,
        help="The buyer asked for a refund or the platform closed the "
        "order: packing refuses this shipment.")
    ecom_intercept_reason = fields.Char("Interception Reason", readonly=True,
        states={'invisible': ~Eval('ecom_intercepted')})

    @staticmethod
    def default_ecom_intercepted():
        return False


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def upsert_normalized(cls, shop, normalized_orders):
        results = super().upsert_normalized(shop, normalized_orders)
        updated = [r[2] for r in results if r[1] == 'updated']
        if updated:
            cls.intercept([o for o in cls.browse(updated)
                    if o.state in {'posted', 'shipped'}
                    and (o.refund_state == 'requested'
                        or o.platform_state == 'cancelled')])
        return results

    @classmethod
    def intercept(cls, orders):
        """Stop the shipments of posted orders the buyer wants refunded

        A shipment not yet gone is marked intercepted, a gone one is left
        for a return; either way the order says so."""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Decision = pool.get('ecom.order.decision')
        now = dt.datetime.now()
        to_intercept, decisions = [], []
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
                outcome = gettext('ecom_order_center.msg_intercepted',
                    shipments=', '.join(s.rec_name for s in pending))
            elif gone:
                outcome = gettext('ecom_order_center.msg_intercept_return',
                    shipments=', '.join(s.rec_name for s in gone))
            else:
                continue
            order._add_exception(outcome)
            decisions.append(Decision(order=order, date=now,
                    rule=gettext('ecom_order_center.msg_rule_intercept'),
                    values=reason, outcome=outcome))
        for shipment, reason in to_intercept:
            shipment.ecom_intercepted = True
            shipment.ecom_intercept_reason = reason
        Shipment.save([s for s, _ in to_intercept])
        cls.save(orders)
        Decision.save(decisions)
