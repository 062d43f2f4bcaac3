# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""The actual freight of a shipment: its packages as weighed at packing,
or the shipment's weight when it has none."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


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
        'weight_uom', 'volume', 'volume_uom')
    def _get_carrier_context(self):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super()._get_carrier_context()
        if (not self.carrier
                or self.carrier.carrier_cost_method != 'ecom_freight'):
            return context
        context = dict(context)
        weights, volumes = [], []
        for package in self.root_packages or []:
            weights.append(kilograms(
                    package.weight_uom, package.total_weight))
            volumes.append(package_volume(package))
        if not weights:
            weights.append(kilograms(self.weight_uom, self.weight))
            volumes.append(cubic_centimeters(self.volume_uom, self.volume))
        address = self.delivery_address
        context.update({
                'weights': weights,
                'ecom_freight_volumes': volumes,
                'ecom_freight_subdivision': (
                    address.subdivision.id
                    if address and address.subdivision else None),
                'ecom_freight_city': address.city if address else None,
                'ecom_freight_warehouse': (
                    self.warehouse.id if self.warehouse else None),
                'ecom_freight_date': (
                    self.effective_date or self.planned_date
                    or Date.today()),
                })
        return context
