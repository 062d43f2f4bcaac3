from trytond.model import ModelSQL, ModelView, fields


class FreightTemplate(ModelSQL, ModelView):
    "Freight Template"
    __name__ = 'ecom.freight_template'

    name = fields.Char("Name", required=True)
    carrier = fields.Many2One('carrier', "Carrier", required=True,
        ondelete='CASCADE')
    first_weight = fields.Float("First Weight (kg)", required=True,
        help="Weight covered by the first price (首重).")
    first_price = fields.Numeric("First Price", digits=(16, 2), required=True)
    step_weight = fields.Float("Step Weight (kg)", required=True,
        help="Each further step of weight (续重).")
    step_price = fields.Numeric("Step Price", digits=(16, 2), required=True)
