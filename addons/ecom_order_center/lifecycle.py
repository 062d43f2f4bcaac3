"""After posting: the parcels leave, the order is shipped; the platform
reports it finished, or the shop's days pass, and the order is done.

Tryton's customer shipments decide when an order is shipped: once every
shipment of its sale not cancelled is done (at least one) and nothing is
left to ship, the order takes the shipments' carrier and tracking numbers
(``stock_package_shipping``'s shipping references: the shipment's own,
else its packages'). What was not picked is waited for in its backorder;
what the sale ignores (a shipment exception handled, a refunded line) is
not. The parts of a split order are sales of their own and ship on their
own; the orders of a merged group share one sale and ship together.

``ecom.order.ship`` and ``ecom.order.finish`` are the workflow transitions:
other modules plug into them (the platforms module tells the platform the
tracking number when an order ships).
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    done_after_days = fields.Integer("Done After Days", required=True,
        domain=[('done_after_days', '>=', 0)],
        help="Days after shipping when a shipped order is done, "
        "if the platform has not reported it finished before.")

    @staticmethod
    def default_done_after_days():
        return 15


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    tracking_number = fields.Char("Tracking Number",
        help="The waybill numbers the order shipped with, "
        "one per parcel, separated by commas.")
    shipped_date = fields.Date("Shipped Date", readonly=True,
        help="The day the last parcel of the order left the warehouse.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('posted', 'shipped'),
            ('shipped', 'done'),
            }

    @classmethod
    @Workflow.transition('shipped')
    def ship(cls, orders):
        """The parcels of the orders have left: take the carrier and the
        tracking numbers of their done shipments"""
        pool = Pool()
        Decision = pool.get('ecom.order.decision')
        Carrier = pool.get('carrier')
        to_write, decisions = [], []
        for order in orders:
            shipments, values = order._shipped_values()
            to_write.extend(([order], values))
            carrier = (Carrier(values['carrier'])
                if values['carrier'] is not None else None)
            decisions.append(Decision(order=order,
                    rule=gettext('ecom_order_center.msg_rule_shipment'),
                    values=', '.join(s.rec_name for s in shipments),
                    outcome=gettext('ecom_order_center.msg_outcome_shipped',
                        carrier=carrier.rec_name if carrier else '',
                        tracking=values['tracking_number'] or '')))
        if to_write:
            cls.write(*to_write)
        Decision.save(decisions)

    def _shipped_values(self):
        """The order's done shipments and the values the order ships with,
        taken from them"""
        pool = Pool()
        Date = pool.get('ir.date')
        shipments = sorted((s for s in self._shipments()
                if s.state == 'done'), key=lambda s: s.id)
        references = []
        for shipment in shipments:
            for reference in shipment_references(shipment):
                if reference not in references:
                    references.append(reference)
        carrier = next((s.carrier for s in shipments if s.carrier),
            self.carrier)
        dates = [s.effective_date for s in shipments if s.effective_date]
        return shipments, {
            'carrier': carrier.id if carrier else None,
            'tracking_number': (', '.join(references)
                or self.tracking_number),
            'shipped_date': max(dates) if dates else Date.today(),
            }

    def _shipments(self):
        "The customer shipments of the order's sales"
        return [s for sale in self.sales for s in sale.shipments]

    def all_shipped(self):
        """Whether the goods of the order have all left: every shipment
        not cancelled is done (one at least) and nothing is left to ship"""
        states = {s.state for s in self._shipments()} - {'cancelled'}
        return states == {'done'} and all(l.moves_progress >= 1
            for sale in self.sales for l in sale.line_lines
            if l.moves_progress is not None)

    @classmethod
    @without_check_access
    def ship_posted(cls, orders):
        "Ship those of the posted orders whose goods have all left"
        ready = [o for o in cls.browse([o.id for o in orders])
            if o.state == 'posted' and o.all_shipped()]
        if ready:
            cls.ship(ready)

    @classmethod
    @Workflow.transition('done')
    def finish(cls, orders, reason=None):
        "Nothing is left to do on the orders: the buyer has the goods"
        cls._log_decision(orders,
            gettext('ecom_order_center.msg_rule_done'),
            reason or gettext('ecom_order_center.msg_outcome_state',
                state=cls.state_name('done')))

    @classmethod
    def _posted_finish(cls, orders):
        "Finish the shipped orders the platform reports finished"
        finished = [o for o in orders
            if o.state == 'shipped' and o.platform_state == 'finished']
        if finished:
            cls.finish(finished, gettext(
                    'ecom_order_center.msg_done_finished_on_platform'))

    @classmethod
    def finish_due(cls):
        "Finish the orders shipped longer ago than their shop's days"
        pool = Pool()
        Shop = pool.get('ecom.shop')
        Date = pool.get('ir.date')
        for shop in Shop.search([]):
            with without_check_access():
                orders = cls.search([
                        ('shop', '=', shop.id),
                        ('state', '=', 'shipped'),
                        ('shipped_date', '<=', Date.today()
                            - dt.timedelta(days=shop.done_after_days)),
                        ])
            if orders:
                cls.finish(orders, gettext(
                        'ecom_order_center.msg_done_after_days',
                        days=shop.done_after_days))


def shipment_references(shipment):
    "The shipping references of the shipment: its own, else its packages'"
    if shipment.shipping_reference:
        return [shipment.shipping_reference]
    return [p.shipping_reference for p in shipment.root_packages
        if p.shipping_reference]


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    def do(cls, shipments):
        super().do(shipments)
        cls._ship_orders(shipments)

    @classmethod
    def cancel(cls, shipments):
        super().cancel(shipments)
        cls._ship_orders(shipments)

    @classmethod
    def _ship_orders(cls, shipments):
        "Ship the orders of the shipments once all their goods have left"
        Order = Pool().get('ecom.order')
        Order.ship_posted({o for s in cls.browse(shipments)
                for o in s.ecom_orders})


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    def process(cls, sales):
        super().process(sales)
        # What is left to ship may have been ignored since the last
        # shipment was done: a shipment exception handled, a refunded
        # line taken out.
        Order = Pool().get('ecom.order')
        Order.ship_posted({o for s in sales for o in s.ecom_orders})


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ecom.order|finish_due', "Finish Shipped Orders"))
