# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""The check of a courier's monthly bill (快递对账): each row matched to our
parcel by its waybill number and its weight and amount compared with our
freight template; accepted rows become a supplier invoice of the carrier
whose cost is allocated to the shipments by weight."""
import csv
import io
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import courier_bill

CATEGORIES = [
    ('matched', "Matched"),
    ('weight', "Weight Over-Billed"),
    ('price', "Price Over-Billed"),
    ('not_ours', "Not Our Parcel"),
    ('duplicate', "Billed Twice"),
    ('not_billed', "Ours but Not Billed"),
    ]
DECISIONS = [
    ('pending', "Pending"),
    ('accepted', "Accepted"),
    ('disputed', "Disputed"),
    ]


class CarrierBillError(ValidationError):
    pass


class Mapping(ModelSQL, ModelView):
    "Courier Bill Mapping"
    __name__ = 'ecom.carrier_bill.mapping'

    carrier = fields.Many2One('carrier', "Carrier", required=True,
        ondelete='CASCADE')
    waybill_column = fields.Char("Waybill Column",
        help="The header of the waybill numbers, as the courier names it.")
    weight_column = fields.Char("Weight Column",
        help="The header of the chargeable weights (kg).")
    amount_column = fields.Char("Amount Column",
        help="The header of the freight amounts.")
    destination_column = fields.Char("Destination Column")
    date_column = fields.Char("Date Column",
        help="The header of the shipping dates.")
    weight_tolerance = fields.Float("Weight Tolerance (kg)", required=True,
        help="A billed weight above ours by more than this is over-billed.")
    amount_tolerance = fields.Numeric("Amount Tolerance", digits=(16, 2),
        required=True,
        help="An amount above our tariff by more than this is over-billed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('carrier_unique', Unique(t, t.carrier),
                'ecom_finance.msg_carrier_bill_mapping_unique'),
            ]

    @staticmethod
    def default_weight_tolerance():
        return 0.1

    @staticmethod
    def default_amount_tolerance():
        return Decimal('0.50')

    def get_rec_name(self, name):
        return self.carrier.rec_name

    def as_dict(self):
        return {k: getattr(self, k + '_column')
            for k in courier_bill.COLUMNS}

    @classmethod
    def get_for(cls, carrier, header):
        """Return the carrier's mapping, saving the header names of its first
        bill as the mapping"""
        mappings = cls.search([('carrier', '=', carrier.id)])
        if mappings:
            return mappings[0]
        mapping = cls(carrier=carrier, **{
                k + '_column': header.get(k) for k in courier_bill.COLUMNS})
        mapping.save()
        return mapping


class Bill(ModelSQL, ModelView):
    "Courier Bill"
    __name__ = 'ecom.carrier_bill'

    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    carrier = fields.Many2One('carrier', "Carrier", required=True,
        readonly=True)
    name = fields.Char("Name", required=True, readonly=True,
        help="The name of the bill's file.")
    digest = fields.Char("Digest", readonly=True,
        help="The SHA-256 of the file, which a bill imports once.")
    start_date = fields.Date("Start Date", readonly=True,
        help="The first shipping date of the bill.")
    end_date = fields.Date("End Date", readonly=True,
        help="The last shipping date of the bill.")
    lines = fields.One2Many('ecom.carrier_bill.line', 'bill', "Lines",
        readonly=True)
    billed_amount = fields.Function(fields.Numeric("Billed Amount",
            digits=(16, 2)), 'get_amounts')
    accepted_amount = fields.Function(fields.Numeric("Accepted Amount",
            digits=(16, 2)), 'get_amounts')
    disputed_amount = fields.Function(fields.Numeric("Disputed Amount",
            digits=(16, 2)), 'get_amounts')
    invoices = fields.Function(fields.Many2Many('account.invoice', None,
            None, "Invoices"), 'get_invoices')
    disputed_file = fields.Function(fields.Binary("Disputed Lines",
            filename='disputed_filename',
            help="The disputed lines as a csv file for the courier."),
        'get_disputed_file')
    disputed_filename = fields.Function(fields.Char("Disputed File Name"),
        'get_disputed_filename')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('file_unique', Unique(t, t.carrier, t.digest),
                'ecom_finance.msg_carrier_bill_file_unique'),
            ]
        cls._order.insert(0, ('id', 'DESC'))
        cls._buttons.update({
                'accept_matched': {},
                'dispute_over_billed': {},
                'invoice': {},
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def get_amounts(cls, bills, names):
        result = {n: {b.id: Decimal(0) for b in bills} for n in names}
        for bill in bills:
            for line in bill.lines:
                amount = line.billed_amount or Decimal(0)
                if 'billed_amount' in names:
                    result['billed_amount'][bill.id] += amount
                key = line.decision + '_amount'
                if key in names:
                    result[key][bill.id] += amount
        return result

    def get_invoices(self, name):
        return sorted({l.invoice_line.invoice.id for l in self.lines
                if l.invoice_line})

    def get_disputed_filename(self, name):
        return 'disputed-' + self.name.rsplit('.', 1)[0] + '.csv'

    def get_disputed_file(self, name):
        categories = dict(
            Pool().get('ecom.carrier_bill.line').fields_get(
                ['category'])['category']['selection'])
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(['行号', '运单号', '计费重量', '运费', '目的地',
                '发件日期', '类别', '我方计费重量', '我方运费'])
        for line in self.lines:
            if line.decision != 'disputed':
                continue
            writer.writerow([line.line_number, line.waybill,
                    line.billed_weight, line.billed_amount,
                    line.destination or '', line.ship_date or '',
                    categories[line.category],
                    '' if line.our_weight is None else line.our_weight,
                    '' if line.our_amount is None else line.our_amount])
        # Excel reads a csv as UTF-8 with its BOM only
        return out.getvalue().encode('utf-8-sig')

    @classmethod
    @ModelView.button
    def accept_matched(cls, bills):
        "Accept every pending line that matches"
        Line = Pool().get('ecom.carrier_bill.line')
        Line.accept([l for b in bills for l in b.lines
                if l.decision == 'pending' and l.category == 'matched'])

    @classmethod
    @ModelView.button
    def dispute_over_billed(cls, bills):
        "Dispute every pending line billed but not matched"
        Line = Pool().get('ecom.carrier_bill.line')
        Line.dispute([l for b in bills for l in b.lines
                if l.decision == 'pending' and l.category != 'matched'
                and l.line_number])

    @classmethod
    @ModelView.button
    def invoice(cls, bills):
        """Make the carrier's supplier invoice of the accepted lines not
        invoiced yet, and allocate it to their shipments by weight"""
        for bill in bills:
            bill.make_invoice()

    def make_invoice(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        ShipmentCost = pool.get('account.shipment_cost')
        Line = pool.get('ecom.carrier_bill.line')
        Date = pool.get('ir.date')
        lines = [l for l in self.lines
            if l.decision == 'accepted' and not l.invoice_line]
        if not lines:
            raise CarrierBillError(gettext(
                    'ecom_finance.msg_carrier_bill_nothing_accepted',
                    bill=self.rec_name))
        product = self.carrier.carrier_product
        if not product.shipment_cost:
            raise CarrierBillError(gettext(
                    'ecom_finance.msg_carrier_bill_product',
                    product=product.rec_name, carrier=self.carrier.rec_name))
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        invoice = Invoice(company=self.company, type='in',
            party=self.carrier.party, invoice_date=today,
            reference=self.name, currency=self.company.currency)
        invoice.on_change_type()
        line = InvoiceLine(invoice=invoice, type='line', product=product,
            quantity=1, company=self.company, currency=invoice.currency)
        line.on_change_product()
        line.unit_price = sum(l.billed_amount for l in lines)
        line.description = gettext(
            'ecom_finance.msg_carrier_bill_invoice_line',
            bill=self.name, count=len(lines))
        invoice.lines = [line]
        invoice.save()
        Invoice.post([invoice])
        line, = invoice.lines
        shipments = sorted({l.shipment for l in lines
                if l.shipment and l.shipment.state == 'done'},
            key=lambda s: s.id)
        if shipments:
            cost = ShipmentCost(company=self.company,
                allocation_method='weight', invoice_lines=[line],
                shipments=shipments)
            cost.save()
            ShipmentCost.post([cost])
        Line.write(lines, {'invoice_line': line.id})
        return invoice


class BillLine(ModelSQL, ModelView):
    "Courier Bill Line"
    __name__ = 'ecom.carrier_bill.line'

    bill = fields.Many2One('ecom.carrier_bill', "Bill", required=True,
        ondelete='CASCADE', readonly=True)
    line_number = fields.Integer("Line", readonly=True,
        help="The line of the bill's file; empty for our parcels it misses.")
    waybill = fields.Char("Waybill", required=True, readonly=True)
    billed_weight = fields.Float("Billed Weight (kg)", readonly=True)
    billed_amount = fields.Numeric("Billed Amount", digits=(16, 2),
        readonly=True)
    destination = fields.Char("Destination", readonly=True)
    ship_date = fields.Date("Shipping Date", readonly=True)
    shipment = fields.Many2One('stock.shipment.out', "Shipment",
        readonly=True)
    our_weight = fields.Float("Our Weight (kg)", readonly=True,
        help="The chargeable weight of our parcel as weighed.")
    our_amount = fields.Numeric("Our Freight", digits=(16, 2),
        readonly=True,
        help="The freight of our parcel at our tariff.")
    tariff_amount = fields.Numeric("Tariff Amount", digits=(16, 2),
        readonly=True,
        help="Our tariff for the billed weight to the parcel's destination.")
    category = fields.Selection(CATEGORIES, "Category", required=True,
        readonly=True, sort=False)
    decision = fields.Selection(DECISIONS, "Decision", required=True,
        readonly=True, sort=False)
    invoice_line = fields.Many2One('account.invoice.line', "Invoice Line",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('bill')
        cls._order = [('bill', 'DESC'), ('line_number', 'ASC NULLS LAST'),
            ('id', 'ASC')]
        # a batch may hold lines that cannot be decided: they are refused
        # by name rather than skipped
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('decision') == 'accepted',
                    'depends': ['decision'],
                    },
                'dispute': {
                    'invisible': Eval('decision') == 'disputed',
                    'depends': ['decision'],
                    },
                })

    @staticmethod
    def default_decision():
        return 'pending'

    @classmethod
    def _check_decidable(cls, lines):
        for line in lines:
            if line.invoice_line or not line.line_number:
                raise CarrierBillError(gettext(
                        'ecom_finance.msg_carrier_bill_line_decided',
                        waybill=line.waybill))

    @classmethod
    @ModelView.button
    def accept(cls, lines):
        cls._check_decidable(lines)
        cls.write(lines, {'decision': 'accepted'})

    @classmethod
    @ModelView.button
    def dispute(cls, lines):
        cls._check_decidable(lines)
        cls.write(lines, {'decision': 'disputed'})

