from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import PoolMeta


class Wave(ModelSQL, ModelView):
    "Picking Wave"
    __name__ = 'ecom.wave'

    name = fields.Char("Name", required=True)
    warehouse = fields.Many2One('stock.location', "Warehouse",
        required=True, domain=[('type', '=', 'warehouse')])
    shipments = fields.One2Many('stock.shipment.out', 'ecom_wave', "Shipments")


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_wave = fields.Many2One('ecom.wave', "Wave", readonly=True,
        ondelete='SET NULL')
