# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Logistics cost (物流成本): the shipped parcels per carrier, day and
province with their weight and freight, for the dates of the context.

The freight of a shipment is its cost: our tariff for the weighed parcel
when it ships, the courier's accepted bill once it is allocated."""
from decimal import Decimal

from sql import Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction


class FreightReportContext(ModelView):
    "Logistics Cost Context"
    __name__ = 'ecom.freight_report.context'

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date("From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date("To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    carrier = fields.Many2One('carrier', "Carrier")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_from_date():
        return Pool().get('ir.date').today().replace(day=1)

    @staticmethod
    def default_to_date():
        return Pool().get('ir.date').today()


class FreightReport(ModelSQL, ModelView):
    "Logistics Cost"
    __name__ = 'ecom.freight_report'

    company = fields.Many2One('company.company', "Company", readonly=True)
    carrier = fields.Many2One('carrier', "Carrier", readonly=True)
    date = fields.Date("Date", readonly=True)
    subdivision = fields.Many2One('country.subdivision', "Province",
        readonly=True)
    parcels = fields.Integer("Parcels", readonly=True)
    weight = fields.Float("Weight (kg)", digits=(16, 3), readonly=True,
        help="The weight of the goods shipped.")
    cost = fields.Numeric("Freight", digits=(16, 2), readonly=True)
    average = fields.Function(fields.Numeric("Average per Parcel",
            digits=(16, 2)), 'get_average')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('carrier', 'ASC'),
            ('subdivision', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Address = pool.get('party.address')
        shipment = Shipment.__table__()
        address = Address.__table__()
        context = Transaction().context
        where = ((shipment.state == 'done')
            & (shipment.carrier != Null)
            & (shipment.company == context.get('company', -1)))
        if context.get('from_date'):
            where &= shipment.effective_date >= context['from_date']
        if context.get('to_date'):
            where &= shipment.effective_date <= context['to_date']
        if context.get('carrier'):
            where &= shipment.carrier == context['carrier']
        return shipment.join(address, 'LEFT',
            condition=shipment.delivery_address == address.id).select(
                Min(shipment.id).as_('id'),
                shipment.company.as_('company'),
                shipment.carrier.as_('carrier'),
                shipment.effective_date.as_('date'),
                address.subdivision.as_('subdivision'),
                Count(shipment.id).as_('parcels'),
                Sum(Coalesce(shipment.internal_weight, 0)).as_('weight'),
                Sum(Coalesce(shipment.cost, 0)).as_('cost'),
                where=where,
                group_by=[shipment.company, shipment.carrier,
                    shipment.effective_date, address.subdivision])

    def get_average(self, name):
        if self.parcels:
            return (Decimal(self.cost or 0) / self.parcels).quantize(
                Decimal('0.01'))
