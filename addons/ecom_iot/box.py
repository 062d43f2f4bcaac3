from trytond.model import ModelSQL, ModelView, fields


class Box(ModelSQL, ModelView):
    "IoT Box"
    __name__ = 'ecom.iot.box'

    name = fields.Char("Name", required=True)
    identifier = fields.Char("Identifier", required=True,
        help="What the box sends to say who it is.")
    warehouse = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')])
