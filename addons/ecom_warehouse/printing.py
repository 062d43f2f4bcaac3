"""Print batches: waybills, packing slips (发货单) and pick lists.

A template says how a carrier's waybill, a shop's packing slip or the
pick list is drawn (size, PDF/ZPL/TSPL).  A batch draws the selected
shipments in delivery-number order (发货号) into print jobs: the bytes
stay on the job, queued, until a station's printer takes them or the
clerk opens them as PDF.  Every page printed is logged with its copy.
A shipment whose carrier or warehouse changes after its waybill was
printed needs a new one (需重打): its old number is cancelled.
"""
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import label as labels
from .waybill import receiver, shipment_order

KINDS = [
    ('waybill', "Waybill"),
    ('packing_slip', "Packing Slip"),
    ('pick_list', "Pick List"),
    ]
SIZES = [
    ('76x130', "76×130 mm"),
    ('100x150', "100×150 mm"),
    ('100x180', "100×180 mm"),
    ('a4', "A4"),
    ]
OUTPUTS = [
    ('pdf', "PDF"),
    ('zpl', "ZPL (Zebra)"),
    ('tspl', "TSPL (TSC/Gprinter)"),
    ]
MIMETYPES = {'pdf': 'application/pdf', 'zpl': 'application/zpl',
    'tspl': 'application/tspl'}
RENDERERS = {'pdf': labels.render_pdf, 'zpl': labels.render_zpl,
    'tspl': labels.render_tspl}


def delivery_order(shipment):
    "The shipments' order in a batch: their delivery numbers (发货号)"
    return (len(shipment.number or ''), shipment.number or '', shipment.id)


class Template(DeactivableMixin, ModelSQL, ModelView):
    "Print Template"
    __name__ = 'ecom.print.template'

    name = fields.Char("Name", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    carrier = fields.Many2One('carrier', "Carrier",
        states={'invisible': Eval('kind') != 'waybill',
            'required': Eval('kind') == 'waybill'})
    shop = fields.Many2One('ecom.shop', "Shop",
        states={'invisible': Eval('kind') != 'packing_slip'},
        help="Leave empty for the shops without a template of their own.")
    size = fields.Selection(SIZES, "Size", required=True)
    output = fields.Selection(OUTPUTS, "Output", required=True,
        states={'readonly': Eval('kind') != 'waybill'})
    title = fields.Char("Title", states={
            'invisible': Eval('kind') != 'packing_slip'},
        help="The heading of the packing slip.")
    footer = fields.Text("Footer", states={
            'invisible': Eval('kind') != 'packing_slip'},
        help="The words to the buyer at the foot of the packing slip.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_size():
        return '100x150'

    @staticmethod
    def default_output():
        return 'pdf'

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        for template in templates:
            if template.output != 'pdf' and (template.kind != 'waybill'
                    or template.size == 'a4'):
                raise ValidationError(gettext(
                        'ecom_warehouse.msg_print_template_output',
                        template=template.rec_name))

    @classmethod
    def for_shipments(cls, kind, shipments):
        """The template of each shipment: its carrier's waybill, its
        shop's packing slip (else the shops' own), None when missing"""
        templates = cls.search([('kind', '=', kind)])
        result = {}
        for shipment in shipments:
            if kind == 'waybill':
                key = shipment.carrier
                found = [t for t in templates if t.carrier == key]
            else:
                order = shipment_order(shipment)
                shop = order.shop if order else None
                found = ([t for t in templates if t.shop == shop]
                    or [t for t in templates if not t.shop])
            result[shipment] = found[0] if found else None
        return result


class Job(ModelSQL, ModelView):
    "Print Job"
    __name__ = 'ecom.print.job'

    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    template = fields.Many2One('ecom.print.template', "Template",
        readonly=True, ondelete='SET NULL')
    output = fields.Selection(OUTPUTS, "Output", required=True,
        readonly=True)
    data = fields.Binary("Data", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)
    pages = fields.Integer("Pages", readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('sent', "Sent"),
            ('done', "Done"),
            ], "State", required=True, readonly=True,
        help="Queued until a printer takes the job.")
    logs = fields.One2Many('ecom.print.log', 'job', "Prints", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('id', 'DESC'))

    @staticmethod
    def default_state():
        return 'queued'

    @property
    def mimetype(self):
        return MIMETYPES[self.output]

    def get_rec_name(self, name):
        return self.filename or str(self.id)


class Log(ModelSQL, ModelView):
    "Print Log"
    __name__ = 'ecom.print.log'

    job = fields.Many2One('ecom.print.job', "Job", required=True,
        ondelete='CASCADE', readonly=True)
    shipment = fields.Many2One('stock.shipment.out', "Shipment",
        required=True, readonly=True, ondelete='CASCADE')
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    waybill = fields.Many2One('ecom.waybill', "E-waybill", readonly=True,
        ondelete='RESTRICT')
    copy_number = fields.Integer("Copy", readonly=True,
        help="1 for the first print of the document, 2 for the reprint…")
    user = fields.Many2One('res.user', "User", readonly=True)
    date = fields.DateTime("Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        cls._order.insert(1, ('id', 'DESC'))


def waybill_label(shipment):
    waybill = shipment.waybill
    account = waybill.account
    sender = account.sender()
    to = receiver(shipment)
    order = shipment_order(shipment)
    moves = [m for m in shipment.outgoing_moves if m.state != 'cancelled']
    return labels.Label(number=waybill.number,
        carrier=shipment.carrier.rec_name, delivery=shipment.number or '',
        sender=labels.Person(sender.name, sender.phone, ' '.join(filter(None,
                    [sender.province, sender.city, sender.address]))),
        receiver=labels.Person(to.name, to.phone, ' '.join(filter(None,
                    [to.province, to.city, to.district, to.address]))),
        sort_code=waybill.sort_code or '', hub=waybill.hub or '',
        route_code=waybill.route_code or '',
        order=order.platform_order_id if order else '',
        # 出货明细 only for a single item parcel: the packer checks it
        items=([(moves[0].product.rec_name, int(moves[0].quantity))]
            if len(moves) == 1 else []))


def packing_slip(shipment, template):
    to = receiver(shipment)
    order = shipment_order(shipment)
    return labels.Slip(title=template.title or template.name,
        delivery=shipment.number or '',
        order=order.platform_order_id if order else '',
        receiver=labels.Person(to.name, to.phone, ' '.join(filter(None,
                    [to.province, to.city, to.district, to.address]))),
        lines=[(m.product.code or '', m.product.name, int(m.quantity))
            for m in shipment.outgoing_moves if m.state != 'cancelled'],
        footer=template.footer or '',
        number=shipment.shipping_reference or '')


def draw(render, *args):
    try:
        return render(*args)
    except labels.FontMissing as error:
        raise UserError(gettext('ecom_warehouse.msg_print_font_missing',
                paths=str(error)))


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    print_error = fields.Char("Print Error", readonly=True,
        help="Why the shipment was left out of its last print batch.")
    needs_reprint = fields.Boolean("Needs Reprint", readonly=True,
        help="需重打: the carrier or warehouse changed after the waybill "
        "was printed.")

    @staticmethod
    def default_needs_reprint():
        return False

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('print_error')
        default.setdefault('needs_reprint', False)
        return super().copy(shipments, default=default)

    @classmethod
    def _reroute(cls, shipments):
        printed = [s for s in shipments
            if s.waybill and s.waybill.state == 'printed']
        super()._reroute(shipments)
        if printed:
            cls.write(printed, {'needs_reprint': True})

    @classmethod
    def print_documents(cls, shipments, kind):
        """Draw the kind of document for the shipments, in delivery-number
        order, into print jobs (one per template); a shipment that cannot
        be drawn is told why and the others go on.  The clerk may print
        what the warehouse group may read: the waybills' states and the
        shipments' marks follow the print whatever the clerk may write."""
        with without_check_access():
            return cls._print_documents(cls.browse(shipments), kind)

    @classmethod
    def _print_documents(cls, shipments, kind):
        pool = Pool()
        Template = pool.get('ecom.print.template')
        shipments = sorted(shipments, key=delivery_order)
        if kind == 'waybill':
            cls.fetch_waybills(shipments)
            shipments = cls.browse(shipments)
        if kind == 'pick_list':
            return [cls._print_pick_list(shipments)]
        templates = Template.for_shipments(kind, shipments)
        groups, errors = {}, []
        for shipment in shipments:
            template = templates[shipment]
            if not template:
                errors.extend(([shipment], {'print_error': gettext(
                                'ecom_warehouse.msg_print_no_template',
                                kind=dict(KINDS)[kind],
                                carrier=shipment.carrier.rec_name
                                if shipment.carrier else '')}))
            elif kind == 'waybill' and not (shipment.waybill
                    and shipment.waybill.number):
                errors.extend(([shipment], {'print_error': gettext(
                                'ecom_warehouse.msg_print_no_waybill',
                                error=shipment.waybill_error or '')}))
            else:
                groups.setdefault(template, []).append(shipment)
        if errors:
            cls.write(*errors)
        return [cls._print_with(template, kind, group)
            for template, group in groups.items()]

    @classmethod
    def _print_with(cls, template, kind, shipments):
        pool = Pool()
        Waybill = pool.get('ecom.waybill')
        if kind == 'waybill':
            data = draw(RENDERERS[template.output],
                [waybill_label(s) for s in shipments], template.size)
        else:
            data = draw(labels.render_packing_slips,
                [packing_slip(s, template) for s in shipments],
                template.size)
        job = cls._log_job(kind, template, template.output, data, shipments)
        cls.write(shipments, {'print_error': None, 'needs_reprint': False}
            if kind == 'waybill' else {'print_error': None})
        if kind == 'waybill':
            Waybill.write([s.waybill for s in shipments
                    if s.waybill.state == 'reserved'], {'state': 'printed'})
        return job

    @classmethod
    def _print_pick_list(cls, shipments):
        rows = [(s.number or '', m.from_location.rec_name,
                m.product.code or '', m.product.name, int(m.quantity))
            for s in shipments for m in s.inventory_moves
            if m.state != 'cancelled']
        data = draw(labels.render_pick_list, gettext(
                'ecom_warehouse.msg_pick_list_title',
                count=len(shipments)), rows)
        return cls._log_job('pick_list', None, 'pdf', data, shipments)

    @classmethod
    def _log_job(cls, kind, template, output, data, shipments):
        "The job of the document and a log of each shipment's copy"
        pool = Pool()
        Job = pool.get('ecom.print.job')
        Log = pool.get('ecom.print.log')
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        user = Transaction().user
        copies = {}
        for log in Log.search([
                    ('shipment', 'in', [s.id for s in shipments]),
                    ('kind', '=', kind),
                    ]):
            copies[log.shipment.id] = max(copies.get(log.shipment.id, 0),
                log.copy_number or 0)
        job = Job(kind=kind, template=template, output=output, data=data,
            pages=len(shipments),
            filename='%s-%s.%s' % (kind, shipments[0].number if shipments
                else '', output))
        job.logs = [Log(shipment=s, kind=kind,
                copy_number=copies.get(s.id, 0) + 1,
                waybill=s.waybill if kind == 'waybill' else None,
                user=user, date=now)
            for s in shipments]
        job.save()
        return job


class PrintBatchStart(ModelView):
    "Print Batch"
    __name__ = 'ecom.print.batch.start'

    kind = fields.Selection(KINDS, "Document", required=True)

    @staticmethod
    def default_kind():
        return 'waybill'


class PrintBatch(Wizard):
    "Print the selected shipments' documents in delivery-number order"
    __name__ = 'ecom.print.batch'

    start = StateView('ecom.print.batch.start',
        'ecom_warehouse.print_batch_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateAction('ecom_warehouse.report_print_job')

    def do_print_(self, action):
        jobs = self.model.print_documents(self.records, self.start.kind)
        return action, {'ids': [j.id for j in jobs]}


class JobReport(Report):
    "The job's bytes as they are: the PDF opens in the browser"
    __name__ = 'ecom.print.job'

    @classmethod
    def render(cls, report, report_context):
        job = report_context['record']
        if not job:
            return 'pdf', b''
        return job.output, job.data or b''

    @classmethod
    def convert(cls, report, data, **kwargs):
        return data
