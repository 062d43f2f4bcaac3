"""Fully managed shops (运营全托管): the platform ships the shop's orders
itself. The orders it reports shipped are posted at intake as sales whose
shipments from the shop's warehouse are done at once: the stock leaves
without picking, and nothing is written back to the platform."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.ecom_order_center.order import CHECKED_STATES
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# What the platform reports of an order it shipped itself
MANAGED_STATES = {'shipped', 'finished'}


class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    ecom_fully_managed = fields.Boolean("Fully Managed",
        help="The platform ships the shop's orders (运营全托管): orders it "
        "shipped are posted as done sales from the shop's warehouse, "
        "without picking and without write-back.")

    @staticmethod
    def default_ecom_fully_managed():
        return False


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def _intake_steps(cls):
        steps = list(super()._intake_steps())
        # once the lines are mapped and the refunds taken out, before any
        # rule would hold a shipped order for its status
        steps.insert(steps.index('refunds') + 1, 'fully_managed')
        return steps

    @classmethod
    def _intake_fully_managed(cls, orders):
        """Post the orders the fully managed shops' platforms shipped and
        take their goods out of the shop's warehouse"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        managed = [o for o in orders
            if o.state in CHECKED_STATES
            and o.shop.ecom_fully_managed
            and o.platform_state in MANAGED_STATES
            and all(l.product for l in o.lines)]
        if not managed:
            return
        for order in managed:
            cls.write([order], {
                    'warehouse': order.shop.warehouse.id,
                    'state': 'approved',
                    })
        cls._log_decision(managed,
            gettext('ecom_warehouse.msg_rule_fully_managed'),
            gettext('ecom_warehouse.msg_fully_managed_posted'))
        cls._post(cls.browse(managed))
        posted = [o for o in cls.browse(managed) if o.state == 'posted']
        if 'platform_shipment' in cls._fields:
            # the platform shipped them: there is nothing to tell it
            cls.write(posted, {'platform_shipment': 'confirmed'})
        shipments = [s for o in posted for sale in o.sales
            for s in sale.shipments if s.state not in {'done', 'cancelled'}]
        if shipments:
            Shipment.write(shipments, {'ecom_shipping_mode': 'one_click'})
            waiting = [s for s in shipments if s.state in {'draft', 'waiting'}]
            drafts = [s for s in waiting if s.state == 'draft']
            if drafts:
                Shipment.wait(drafts)
            if waiting:
                Shipment.assign_force(Shipment.browse(waiting))
            # the platform packed and shipped them, with its own carrier:
            # the packing floor's warnings have nothing to say here
            with Transaction().set_context(_skip_warnings=True):
                Shipment.ecom_ship(Shipment.browse(shipments))
        cls._posted_finish(cls.browse(posted))
