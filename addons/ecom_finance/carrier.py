# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""The freight template cost method of carriers.

The carrier prices the parcels of the context like ``carrier_weight``
does, with these keys (every one optional):

- ``weights``: the parcels' weights in kg;
- ``ecom_freight_volumes``: their volumes in cm³, in the same order;
- ``ecom_freight_subdivision``, ``ecom_freight_city``: the destination;
- ``ecom_freight_warehouse``: the warehouse the parcels ship from;
- ``ecom_freight_date``: the shipping date, today when missing;
- ``ecom_order``: an order of the order center, whose receiver and
  warehouse stand in for the keys missing (it ships today).
"""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Carrier(metaclass=PoolMeta):
    __name__ = 'carrier'

    freight_templates = fields.One2Many(
        'ecom.freight_template', 'carrier', "Freight Templates",
        states={
            'invisible': Eval('carrier_cost_method') != 'ecom_freight',
            },
        help="The carrier's prices by warehouse, destination and weight.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = ('ecom_freight', "Freight Template")
        if selection not in cls.carrier_cost_method.selection:
            cls.carrier_cost_method.selection.append(selection)

    def get_sale_price(self):
        price, currency_id = super().get_sale_price()
        if self.carrier_cost_method == 'ecom_freight':
            price, currency_id = self._get_freight_price()
        return price, currency_id

    def get_purchase_price(self):
        price, currency_id = super().get_purchase_price()
        if self.carrier_cost_method == 'ecom_freight':
            price, currency_id = self._get_freight_price()
        return price, currency_id

    def _get_freight_price(self):
        """Return the price of the parcels of the context and its
        currency, None when no template takes one of them"""
        parcel = freight_parcel()
        template = self.get_freight_template(
            parcel['warehouse'], parcel['date'])
        if not template:
            return None, None
        total = 0
        for weight, volume in zip(parcel['weights'], parcel['volumes']):
            price = template.compute_price(
                weight, parcel['subdivision'], parcel['city'], volume)
            if price is None:
                return None, None
            total += price
        return total, template.currency.id

    def get_freight_template(self, warehouse, date):
        """Return the template for parcels from the warehouse on the date:
        one of the warehouse before one of every warehouse"""
        templates = [t for t in self.freight_templates if t.valid_on(date)]
        for template in templates:
            if template.warehouse and template.warehouse.id == warehouse:
                return template
        for template in templates:
            if not template.warehouse:
                return template


def freight_context(weights, address, warehouse, date, volumes=None):
    """Return the context keys that price parcels of the weights (kg) and
    volumes (cm³) to the address from the warehouse on the date"""
    return {
        'weights': list(weights),
        'ecom_freight_volumes': list(volumes or []),
        'ecom_freight_subdivision': (
            address.subdivision.id
            if address and address.subdivision else None),
        'ecom_freight_city': address.city if address else None,
        'ecom_freight_warehouse': warehouse.id if warehouse else None,
        'ecom_freight_date': date,
        }


def freight_parcel():
    """Return the parcels and their destination from the context, with the
    order of the order center standing in for missing keys"""
    pool = Pool()
    Date = pool.get('ir.date')
    context = Transaction().context
    weights = list(context.get('weights') or [0])
    volumes = list(context.get('ecom_freight_volumes') or [])
    volumes += [None] * (len(weights) - len(volumes))
    parcel = {
        'weights': weights,
        'volumes': volumes,
        'subdivision': context.get('ecom_freight_subdivision'),
        'city': context.get('ecom_freight_city'),
        'warehouse': context.get('ecom_freight_warehouse'),
        'date': context.get('ecom_freight_date'),
        }
    if context.get('ecom_order'):
        order = pool.get('ecom.order')(context['ecom_order'])
        stand_in = {
            'subdivision': (order.receiver_subdivision.id
                if order.receiver_subdivision else None),
            'city': order.receiver_city,
            'warehouse': order.warehouse.id if order.warehouse else None,
            }
        for key, value in stand_in.items():
            if parcel[key] is None:
                parcel[key] = value
    if parcel['date'] is None:
        parcel['date'] = Date.today()
    return parcel
