# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Import a courier's bill and check each row against our parcels: found
by waybill number, weighed and priced by our freight template."""
import hashlib
from decimal import Decimal

from sql import Cast
from sql.operators import Concat, Like

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.ecom_order_center.lifecycle import shipment_references
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import courier_bill
from .carrier import freight_parcel
from .carrier_bill import CarrierBillError

CENT = Decimal('0.01')


def find_parcels(carrier, company, waybills):
    """Return the shipments of the carrier by waybill number, from their
    own shipping reference or their packages'"""
    pool = Pool()
    Shipment = pool.get('stock.shipment.out')
    Package = pool.get('stock.package')
    shipment = Shipment.__table__()
    package = Package.__table__()
    cursor = Transaction().connection.cursor()
    found = {}
    ours = ((shipment.carrier == carrier.id)
        & (shipment.company == company.id)
        & (shipment.state != 'cancelled'))
    for sub in grouped_slice(sorted(waybills), 1000):
        sub = list(sub)
        cursor.execute(*shipment.select(
                shipment.shipping_reference, shipment.id,
                where=ours & shipment.shipping_reference.in_(sub)))
        found.update(cursor)
        cursor.execute(*package.join(shipment, condition=(
                    package.shipment == Concat('stock.shipment.out,',
                        Cast(shipment.id, 'VARCHAR')))).select(
                package.shipping_reference, shipment.id,
                where=ours & package.shipping_reference.in_(sub)
                & Like(package.shipment, 'stock.shipment.out,%')))
        found.update(cursor)
    return found


def our_freight(shipment, waybill, billed_weight, templates=None):
    """Return our chargeable weight and freight for the waybill of the
    shipment, and our tariff for the billed weight; templates caches the
    carrier's template by warehouse and date"""
    carrier = shipment.carrier
    every = shipment.ecom_freight_parcels()
    parcels = [p for p in every if p[0] == waybill]
    if not parcels or waybill == shipment.shipping_reference:
        parcels = every
    with Transaction().set_context(shipment.ecom_freight_context(parcels)):
        parcel = freight_parcel()
        key = carrier.id, parcel['warehouse'], parcel['date']
        templates = {} if templates is None else templates
        if key not in templates:
            templates[key] = (carrier.get_freight_template(
                    parcel['warehouse'], parcel['date'])
                if carrier.carrier_cost_method == 'ecom_freight' else None)
        template = templates[key]
    weights = list(zip(parcel['weights'], parcel['volumes']))
    if not template:
        amount = shipment.cost_used
        return sum(w for w, _ in weights), amount, amount
    destination = parcel['subdivision'], parcel['city']
    amounts = [template.compute_price(w, *destination, volume=v)
        for w, v in weights]
    amount = None if None in amounts else sum(amounts)
    tariff = (template.compute_price(billed_weight, *destination)
        if billed_weight is not None else None)
    return (sum(template.chargeable_weight(w, v) for w, v in weights),
        amount, tariff)


def cents(amount):
    return None if amount is None else Decimal(amount).quantize(CENT)


def billed_before(bill, waybills):
    "Return the waybills the carrier billed on other bills, not disputed"
    pool = Pool()
    Bill = pool.get('ecom.carrier_bill')
    Line = pool.get('ecom.carrier_bill.line')
    bill_t, line = Bill.__table__(), Line.__table__()
    cursor = Transaction().connection.cursor()
    result = set()
    for sub in grouped_slice(sorted(waybills), 1000):
        cursor.execute(*line.join(bill_t,
                condition=line.bill == bill_t.id).select(line.waybill,
                where=(bill_t.carrier == bill.carrier.id)
                & (bill_t.id != bill.id)
                & (line.line_number != None)  # noqa: E711
                & (line.decision != 'disputed')
                & line.waybill.in_(list(sub))))
        result.update(w for w, in cursor)
    return result


def categorize(values, our, mapping):
    "Return the category of a billed row found as ours"
    weight, amount, tariff = our
    billed_weight = float(values['weight'])
    if weight is not None and (
            billed_weight - weight > mapping.weight_tolerance + 1e-9):
        return 'weight'
    if tariff is not None and (
            values['amount'] - tariff > mapping.amount_tolerance):
        return 'price'
    return 'matched'


def check_rows(bill, rows, mapping):
    """Create the lines of the bill from the file's rows and our parcels
    the courier did not bill over the same days"""
    pool = Pool()
    Line = pool.get('ecom.carrier_bill.line')
    Shipment = pool.get('stock.shipment.out')
    waybills = {values['waybill'] for _, values in rows}
    found = find_parcels(bill.carrier, bill.company, waybills)
    before = billed_before(bill, waybills)
    shipments = {s.id: s for s in Shipment.browse(list(set(found.values())))}
    seen, lines, templates = set(), [], {}
    for number, values in rows:
        waybill = values['waybill']
        line = {
            'bill': bill.id,
            'line_number': number,
            'waybill': waybill,
            'billed_weight': float(values['weight']),
            'billed_amount': cents(values['amount']),
            'destination': values['destination'],
            'ship_date': values['date'],
            }
        shipment = shipments.get(found.get(waybill))
        if shipment:
            our = our_freight(
                shipment, waybill, float(values['weight']), templates)
            line.update(shipment=shipment.id, our_weight=our[0],
                our_amount=cents(our[1]), tariff_amount=cents(our[2]))
        if waybill in seen or waybill in before:
            line['category'] = 'duplicate'
        elif not shipment:
            line['category'] = 'not_ours'
        else:
            line['category'] = categorize(values, our, mapping)
        seen.add(waybill)
        lines.append(line)
    dates = [v['date'] for _, v in rows if v['date']]
    if dates:
        bill.start_date, bill.end_date = min(dates), max(dates)
        bill.save()
        lines.extend(not_billed(bill, {l['shipment'] for l in lines
                    if l.get('shipment')}))
    Line.create(lines)


def not_billed(bill, billed):
    """Return the lines of our shipments by the carrier over the bill's
    days that no bill of the carrier has"""
    pool = Pool()
    Shipment = pool.get('stock.shipment.out')
    Line = pool.get('ecom.carrier_bill.line')
    shipments = Shipment.search([
            ('company', '=', bill.company.id),
            ('carrier', '=', bill.carrier.id),
            ('state', '=', 'done'),
            ('effective_date', '>=', bill.start_date),
            ('effective_date', '<=', bill.end_date),
            ('id', 'not in', list(billed)),
            ])
    elsewhere = set()
    for sub in grouped_slice([s.id for s in shipments], 1000):
        elsewhere.update(l.shipment.id for l in Line.search([
                    ('shipment', 'in', list(sub)),
                    ('bill', '!=', bill.id),
                    ('line_number', '!=', None),
                    ]))
    lines = []
    for shipment in shipments:
        if shipment.id in elsewhere:
            continue
        waybill = ', '.join(shipment_references(shipment)) or shipment.number
        weight, amount, _ = our_freight(shipment, waybill, None)
        lines.append({
                'bill': bill.id,
                'waybill': waybill,
                'shipment': shipment.id,
                'ship_date': shipment.effective_date,
                'our_weight': weight,
                'our_amount': cents(amount),
                'category': 'not_billed',
                })
    return lines


class ImportBillStart(ModelView):
    "Import Courier Bill"
    __name__ = 'ecom.carrier_bill.import.start'

    carrier = fields.Many2One('carrier', "Carrier", required=True)
    file = fields.Binary("Bill", required=True, filename='filename',
        help="The courier's monthly bill, a csv or xlsx file.")
    filename = fields.Char("File Name", readonly=True)


class ImportBill(Wizard):
    "Import Courier Bill"
    __name__ = 'ecom.carrier_bill.import'

    start = StateView('ecom.carrier_bill.import.start',
        'ecom_finance.carrier_bill_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateAction('ecom_finance.act_carrier_bill')

    def do_import_(self, action):
        bill = self.import_bill()
        action['res_id'] = [bill.id]
        action['views'].reverse()
        return action, {}

    def import_bill(self):
        pool = Pool()
        Bill = pool.get('ecom.carrier_bill')
        Mapping = pool.get('ecom.carrier_bill.mapping')
        carrier, data = self.start.carrier, self.start.file
        filename = self.start.filename or 'bill'
        digest = hashlib.sha256(data).hexdigest()
        existing = Bill.search([
                ('carrier', '=', carrier.id), ('digest', '=', digest)])
        if existing:
            raise CarrierBillError(gettext(
                    'ecom_finance.msg_courier_bill_duplicate',
                    file=filename, bill=existing[0].rec_name))
        mapping = Mapping.search([('carrier', '=', carrier.id)])
        try:
            header, rows = courier_bill.parse_bill(
                data, filename, mapping[0].as_dict() if mapping else None)
        except courier_bill.CourierBillError as error:
            raise CarrierBillError(gettext(
                    'ecom_finance.msg_courier_bill_' + error.key,
                    **error.values))
        mapping = Mapping.get_for(carrier, header)
        bill = Bill(carrier=carrier, name=filename, digest=digest)
        bill.save()
        check_rows(bill, rows, mapping)
        return bill
