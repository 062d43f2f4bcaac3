# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""The actual freight of a shipment: its packages as weighed at packing,
or the shipment's weight when it has none."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta

from .carrier import freight_context


def kilograms(uom, weight):
    "Return the weight of the unit in kg"
    pool = Pool()
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    kilogram = Uom(ModelData.get_id('product', 'uom_kilogram'))
    if weight is None or not uom:
        return weight or 0
    return Uom.compute_qty(uom, weight, kilogram, round=False)


def cubic_centimeters(uom, volume):
    "Return the volume of the unit in cm³"
    pool = Pool()
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    cm3 = Uom(ModelData.get_id('product', 'uom_cubic_centimeter'))
    if not volume or not uom:
        return None
    return Uom.compute_qty(uom, volume, cm3, round=False)


def package_volume(package):
    "Return the volume of the package in cm³ from its size or volume"
    pool = Pool()
    Uom = pool.get('product.uom')
    ModelData = pool.get('ir.model.data')
    centimeter = Uom(ModelData.get_id('product', 'uom_centimeter'))
    sides = [(getattr(package, n), getattr(package, n + '_uom'))
        for n in ['length', 'width', 'height']]
    if all(side and uom for side, uom in sides):
        volume = 1
        for side, uom in sides:
            volume *= Uom.compute_qty(uom, side, centimeter, round=False)
        return volume
    return cubic_centimeters(
        package.packaging_volume_uom, package.packaging_volume)


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @fields.depends('carrier', 'delivery_address', 'warehouse',
        'effective_date', 'planned_date', 'root_packages', 'weight',
        'weight_uom', 'volume', 'volume_uom', 'shipping_reference')
    def _get_carrier_context(self):
        context = super()._get_carrier_context()
        if (not self.carrier
                or self.carrier.carrier_cost_method != 'ecom_freight'):
            return context
        context = dict(context)
        context.update(self.ecom_freight_context())
        return context

    def ecom_freight_context(self, parcels=None):
        """Return the context that prices the parcels (all the shipment's
        by default) on the shipping date"""
        Date = Pool().get('ir.date')
        if parcels is None:
            parcels = self.ecom_freight_parcels()
        return freight_context([w for _, w, _ in parcels],
            self.delivery_address, self.warehouse,
            self.effective_date or self.planned_date or Date.today(),
            volumes=[v for _, _, v in parcels])

    def ecom_freight_parcels(self):
        """Return the parcels of the shipment as (waybill number, weight in
        kg, volume in cm³): its packages as weighed, else the shipment"""
        parcels = [(
                package.shipping_reference,
                kilograms(package.weight_uom, package.total_weight),
                package_volume(package))
            for package in self.root_packages or []]
        return parcels or [(
                self.shipping_reference,
                kilograms(self.weight_uom, self.weight),
                cubic_centimeters(self.volume_uom, self.volume))]
