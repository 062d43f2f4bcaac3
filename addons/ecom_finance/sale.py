# This file is part of ecom suite. Classes are registered in tryton.cfg.
from trytond.pool import Pool, PoolMeta

from .carrier import freight_context
from .stock import kilograms


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    def _get_carrier_context(self, carrier):
        "The sale is one parcel to its shipment address"
        pool = Pool()
        Date = pool.get('ir.date')
        context = super()._get_carrier_context(carrier)
        if not carrier or carrier.carrier_cost_method != 'ecom_freight':
            return context
        context = context.copy()
        weight = 0
        for line in self.lines or []:
            if (getattr(line, 'product', None) and line.quantity
                    and line.quantity > 0 and line.product.weight):
                weight += kilograms(
                    line.product.weight_uom, line.product.weight) * (
                    line.unit.compute_qty(
                        line.unit, line.quantity, line.product.default_uom)
                    if line.unit else line.quantity)
        context.update(freight_context([weight], self.shipment_address,
                self.warehouse, self.sale_date or Date.today()))
        return context
