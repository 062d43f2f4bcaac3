# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""The order center's carrier choice prices freight templates: the
warehouse chosen for the order is the one its parcel ships from. The
order shows the actual freight of its parcels beside the estimate."""
from decimal import Decimal

from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    freight_actual = fields.Function(fields.Numeric("Actual Freight",
            digits=(16, 2),
            help="The freight of the order's shipped parcels: as weighed, "
            "or as the courier's accepted bill allocates it."),
        'get_freight_actual')

    @classmethod
    def get_freight_actual(cls, orders, name):
        result = {}
        for order in orders:
            costs = [s.cost for sale in order.sales for s in sale.shipments
                if s.state == 'done' and s.cost is not None]
            result[order.id] = (
                sum(costs).quantize(Decimal('0.01')) if costs else None)
        return result

    def _choose_carrier(self, warehouse, weight, memo=None):
        # the warehouse is chosen but not yet written on the order
        with Transaction().set_context(
                ecom_freight_warehouse=warehouse.id if warehouse else None):
            return super()._choose_carrier(warehouse, weight, memo)

    def _freight_key(self, carrier, warehouse, weight):
        key = super()._freight_key(carrier, warehouse, weight)
        if carrier.carrier_cost_method == 'ecom_freight':
            # a destination group can name cities
            key += (self.receiver_city,)
        return key
