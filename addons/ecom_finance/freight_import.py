# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Import a freight template from the carrier's price sheet: one row per
destination group, the prices in columns named as carriers name them."""
import csv
import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.ecom_order_center.subdivision import (
    provinces_to_subdivisions)
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .freight import DIVISORS, ROUNDINGS

# names of the group every other destination falls in (Taobao's area 1)
ELSEWHERE = {'其他', '其它', '其余', '其他地区', '其它地区', '其余地区',
    '全国', '默认', '1'}
DESTINATION_HEADERS = {'目的地', '目的省份', '到达省份', '省份', '地区',
    '目的地区', '区域', '配送区域', '可配送区域'}
CITY_HEADERS = {'城市', '目的城市', '到达城市'}


class FreightSheetError(ValidationError):
    pass


def normalize(text):
    "Full-width to half-width, without spaces"
    return re.sub(r'\s+', '', unicodedata.normalize('NFKC', str(text or '')))


def parse_amount(text):
    """Return the Decimal of an amount as sheets write it (¥1,234.50,
    full-width digits) or raise ValueError"""
    if isinstance(text, (int, float, Decimal)):
        return Decimal(str(text))
    text = normalize(text).replace(',', '')
    text = text.removeprefix('¥').removesuffix('元')
    text = text.removesuffix('kg').removesuffix('KG').removesuffix('公斤')
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text)


def column_kind(header):
    "Return the field a price sheet's column fills, or None"
    name = normalize(header).lower()
    for prefix, field in [('首重', 'first'), ('续重', 'step')]:
        if name.startswith(prefix):
            if any(w in name for w in ['元', '价', '费']):
                return field + '_price'
            if any(w in name for w in ['kg', '公斤', '千克', '重量']):
                return field + '_weight'
            return field + '_price'
    if '偏远' in name or '附加' in name:
        return 'remote_surcharge'
    if name in DESTINATION_HEADERS:
        return 'destination'
    if name in CITY_HEADERS:
        return 'cities'


def read_rows(data, filename):
    "Return the rows of a csv (UTF-8 or GBK) or xlsx price sheet"
    if data[:4] == b'PK\x03\x04' or filename.lower().endswith('.xlsx'):
        import openpyxl
        try:
            book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exception:
            raise FreightSheetError(gettext(
                    'ecom_finance.msg_freight_sheet_unreadable',
                    file=filename, reason=str(exception)))
        return [list(r) for r in book.worksheets[0].iter_rows(
                values_only=True)]
    for encoding in ['utf-8-sig', 'gb18030']:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FreightSheetError(gettext(
                'ecom_finance.msg_freight_sheet_unreadable',
                file=filename, reason='encoding'))
    return list(csv.reader(io.StringIO(text)))


def parse_sheet(data, filename):
    """Return the destination groups of a price sheet as
    (line number, names of the provinces, values) in the sheet's order"""
    rows = read_rows(data, filename)
    columns = None
    groups = []
    for number, row in enumerate(rows, 1):
        cells = ['' if c is None else c for c in row]
        if not any(normalize(c) for c in cells):
            continue
        if columns is None:
            kinds = [column_kind(c) for c in cells]
            if 'destination' in kinds and 'first_price' in kinds:
                columns = kinds
            continue
        values = {}
        for kind, cell in zip(columns, cells):
            if not kind or not normalize(cell):
                continue
            if kind == 'destination':
                values[kind] = str(cell)
            elif kind == 'cities':
                values[kind] = normalize(cell).replace('、', ',')
            else:
                try:
                    values[kind] = parse_amount(cell)
                except ValueError:
                    raise FreightSheetError(gettext(
                            'ecom_finance.msg_freight_sheet_amount',
                            file=filename, line=number, value=cell))
        if not values.get('destination'):
            raise FreightSheetError(gettext(
                    'ecom_finance.msg_freight_sheet_no_destination',
                    file=filename, line=number))
        if 'first_price' not in values:
            raise FreightSheetError(gettext(
                    'ecom_finance.msg_freight_sheet_no_price',
                    file=filename, line=number))
        names = [n for n in re.split(
                r'[、，,；;/\s]+', unicodedata.normalize(
                    'NFKC', values.pop('destination'))) if n]
        groups.append((number, names, values))
    if columns is None:
        raise FreightSheetError(gettext(
                'ecom_finance.msg_freight_sheet_no_header', file=filename))
    if not groups:
        raise FreightSheetError(gettext(
                'ecom_finance.msg_freight_sheet_empty', file=filename))
    return groups


class ImportFreightTemplateStart(ModelView):
    "Import Freight Template"
    __name__ = 'ecom.freight_template.import.start'

    carrier = fields.Many2One('carrier', "Carrier", required=True,
        domain=[('carrier_cost_method', '=', 'ecom_freight')])
    warehouse = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')],
        help="The warehouse the prices apply to; empty for every one.")
    name = fields.Char("Name", required=True)
    start_date = fields.Date("Start Date", required=True,
        help="The prices apply to parcels shipped from this day; the "
        "carrier's template before it ends the day before.")
    rounding = fields.Selection(ROUNDINGS, "Weight Rounding", required=True)
    volumetric_divisor = fields.Selection(DIVISORS, "Volumetric Divisor")
    minimum_charge = fields.Numeric("Minimum Charge", digits=(16, 2))
    first_weight = fields.Float("First Weight (kg)", required=True,
        help="Where the sheet has no column for it.")
    step_weight = fields.Float("Step Weight (kg)", required=True,
        help="Where the sheet has no column for it.")
    file = fields.Binary("Price Sheet", required=True,
        filename='filename',
        help="A csv or xlsx file: one row per destination group.")
    filename = fields.Char("File Name", readonly=True)

    @staticmethod
    def default_start_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_rounding():
        return '0.5'

    @staticmethod
    def default_first_weight():
        return 1.0

    @staticmethod
    def default_step_weight():
        return 1.0


class ImportFreightTemplate(Wizard):
    "Import Freight Template"
    __name__ = 'ecom.freight_template.import'

    start = StateView('ecom.freight_template.import.start',
        'ecom_finance.freight_template_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateAction('ecom_finance.act_freight_template')

    def default_start(self, fields):
        defaults = {}
        context = Transaction().context
        if context.get('active_model') == 'carrier' and context.get(
                'active_id'):
            defaults['carrier'] = context['active_id']
        return defaults

    def do_import_(self, action):
        template = self.create_template()
        action['res_id'] = [template.id]
        action['views'].reverse()
        return action, {}

    def create_template(self):
        pool = Pool()
        Template = pool.get('ecom.freight_template')
        Zone = pool.get('ecom.freight_template.zone')
        start = self.start
        filename = start.filename or start.name
        groups = parse_sheet(start.file, filename)
        subdivisions = provinces_to_subdivisions(
            [n for _, names, _ in groups for n in names
                if n not in ELSEWHERE])
        template = Template(
            name=start.name, carrier=start.carrier,
            warehouse=start.warehouse, start_date=start.start_date,
            rounding=start.rounding,
            volumetric_divisor=start.volumetric_divisor,
            minimum_charge=start.minimum_charge)
        zones, elsewhere = [], []
        for number, names, values in groups:
            provinces = []
            for name in names:
                if name in ELSEWHERE:
                    continue
                if name not in subdivisions:
                    raise FreightSheetError(gettext(
                            'ecom_finance.msg_freight_sheet_province',
                            file=filename, line=number, value=name))
                provinces.append(subdivisions[name])
            zone = Zone(
                name='、'.join(names),
                subdivisions=provinces,
                cities=values.get('cities'),
                first_weight=float(values.get(
                        'first_weight', start.first_weight)),
                first_price=values['first_price'],
                step_weight=float(values.get(
                        'step_weight', start.step_weight)),
                step_price=values.get('step_price', Decimal(0)),
                remote_surcharge=values.get('remote_surcharge'))
            (zones if provinces else elsewhere).append(zone)
        # cities before their provinces, everywhere else last
        zones.sort(key=lambda z: not z.cities)
        for sequence, zone in enumerate(zones + elsewhere, 1):
            zone.sequence = sequence * 10
        template.zones = zones + elsewhere
        self.end_previous(start.carrier, start.warehouse, start.start_date)
        template.save()
        return template

    @staticmethod
    def end_previous(carrier, warehouse, start_date):
        "The open template before ends the day before the new one"
        Template = Pool().get('ecom.freight_template')
        previous = Template.search([
                ('carrier', '=', carrier.id),
                ('warehouse', '=', warehouse.id if warehouse else None),
                ('end_date', '=', None),
                ['OR',
                    ('start_date', '=', None),
                    ('start_date', '<', start_date),
                    ],
                ])
        if previous:
            Template.write(previous, {
                    'end_date': start_date - dt.timedelta(days=1),
                    })
