# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Freight templates (运费模板): what a carrier charges for a parcel by
destination group, first weight and step weight.

A template is a rule record like ``carrier.selection``: the carrier prices
a parcel with the first template of its warehouse valid on the shipping
date and, in it, the first zone that matches the destination.
"""
import math
from decimal import Decimal

from trytond.model import (
    MatchMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

ROUNDINGS = [
    ('0.1', "0.1 kg"),
    ('0.5', "0.5 kg"),
    ('1', "1 kg"),
    ]
DIVISORS = [
    (None, ""),
    ('6000', "6000"),
    ('8000', "8000"),
    ('12000', "12000"),
    ]


def round_up(weight, step):
    "Return the weight rounded up to a multiple of the step"
    step = Decimal(step)
    # a scale's 1.2000000001 must not cost one more step
    units = (Decimal(repr(weight)) / step).quantize(Decimal('0.000001'))
    return float(math.ceil(units) * step)


def split_cities(text):
    "Return the city names of a text separated by commas or spaces"
    for separator in '，,、；; ':
        text = text.replace(separator, '\n')
    return [c.strip() for c in text.splitlines() if c.strip()]


def same_city(name, other):
    "杭州 and 杭州市 are the same city"
    def short(n):
        return n.strip().removesuffix('市')
    return bool(name and other) and short(name) == short(other)


class FreightTemplate(sequence_ordered(), ModelSQL, ModelView):
    "Freight Template"
    __name__ = 'ecom.freight_template'

    name = fields.Char("Name", required=True)
    carrier = fields.Many2One('carrier', "Carrier", required=True,
        ondelete='CASCADE')
    warehouse = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')],
        help="The warehouse parcels ship from; empty for every warehouse.")
    start_date = fields.Date("Start Date",
        domain=[
            If(Eval('start_date') & Eval('end_date'),
                ('start_date', '<=', Eval('end_date')),
                ()),
            ],
        help="The first shipping date the prices apply to.")
    end_date = fields.Date("End Date",
        domain=[
            If(Eval('start_date') & Eval('end_date'),
                ('end_date', '>=', Eval('start_date')),
                ()),
            ],
        help="The last shipping date the prices apply to.")
    currency = fields.Many2One('currency.currency', "Currency",
        required=True)
    rounding = fields.Selection(ROUNDINGS, "Weight Rounding", required=True,
        help="The chargeable weight is rounded up to this step.")
    volumetric_divisor = fields.Selection(DIVISORS, "Volumetric Divisor",
        help="Volumetric weight is length × width × height (cm) divided by "
        "this; the larger of it and the actual weight is charged.")
    minimum_charge = fields.Numeric("Minimum Charge", digits=(16, 2),
        help="No parcel costs less than this.")
    zones = fields.One2Many('ecom.freight_template.zone', 'template',
        "Destination Groups")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('carrier')

    @staticmethod
    def default_rounding():
        return '0.5'

    @staticmethod
    def default_currency():
        company = Transaction().context.get('company')
        if company:
            return Pool().get('company.company')(company).currency.id

    def valid_on(self, date):
        return ((not self.start_date or self.start_date <= date)
            and (not self.end_date or date <= self.end_date))

    def chargeable_weight(self, weight, volume=None):
        """Return the weight charged for a parcel of the weight (kg) and
        volume (cm³)"""
        weight = weight or 0
        if volume and self.volumetric_divisor:
            weight = max(weight, volume / int(self.volumetric_divisor))
        return round_up(weight, self.rounding)

    def get_zone(self, subdivision, city=None):
        "Return the destination group of the province and city"
        pattern = {
            'subdivision': subdivision,
            'city': city,
            }
        for zone in self.zones:
            if zone.match(pattern):
                return zone

    def compute_price(self, weight, subdivision, city=None, volume=None):
        """Return the price of a parcel to the destination, or None when
        no destination group takes it"""
        zone = self.get_zone(subdivision, city)
        if not zone:
            return None
        chargeable = self.chargeable_weight(weight, volume)
        price = zone.compute_price(chargeable)
        if self.minimum_charge:
            price = max(price, self.minimum_charge)
        return price + (zone.remote_surcharge or 0)


class FreightZone(sequence_ordered(), MatchMixin, ModelSQL, ModelView):
    "Freight Destination Group"
    __name__ = 'ecom.freight_template.zone'

    template = fields.Many2One('ecom.freight_template', "Template",
        required=True, ondelete='CASCADE')
    name = fields.Char("Name",
        help="How the carrier's price sheet names the group.")
    subdivisions = fields.Many2Many(
        'ecom.freight_template.zone-country.subdivision', 'zone',
        'subdivision', "Provinces",
        help="The provinces of the group; none for everywhere else.")
    cities = fields.Char("Cities",
        help="Only these cities of the provinces, separated by commas; "
        "empty for every city.")
    first_weight = fields.Float("First Weight (kg)", required=True,
        domain=[('first_weight', '>', 0)],
        help="Weight covered by the first price (首重).")
    first_price = fields.Numeric("First Price", digits=(16, 2),
        required=True)
    step_weight = fields.Float("Step Weight (kg)", required=True,
        domain=[('step_weight', '>', 0)],
        help="Each further step of weight (续重).")
    step_price = fields.Numeric("Step Price", digits=(16, 2), required=True)
    remote_surcharge = fields.Numeric("Remote-Area Surcharge",
        digits=(16, 2),
        help="Added to every parcel to the group (偏远地区附加费).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('template')

    def match(self, pattern):
        subdivision = pattern.get('subdivision')
        if self.subdivisions:
            if subdivision not in {s.id for s in self.subdivisions}:
                return False
            if self.cities and not any(
                    same_city(c, pattern.get('city'))
                    for c in split_cities(self.cities)):
                return False
        return True

    def compute_price(self, weight):
        "Return the price of the chargeable weight (kg)"
        price = self.first_price
        extra = weight - self.first_weight
        if extra > 1e-9:
            steps = math.ceil(round(extra / self.step_weight, 6))
            price += self.step_price * steps
        return price


class FreightZoneSubdivision(ModelSQL):
    "Freight Destination Group - Province"
    __name__ = 'ecom.freight_template.zone-country.subdivision'

    zone = fields.Many2One('ecom.freight_template.zone', "Group",
        required=True, ondelete='CASCADE')
    subdivision = fields.Many2One('country.subdivision', "Province",
        required=True, ondelete='CASCADE')

