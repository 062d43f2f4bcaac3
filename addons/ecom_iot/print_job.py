"""Print jobs for a station's printer (待打印 → 已发送 → 已打印 / 失败).

The bytes are the warehouse's print job (``ecom.print.job``); this job
says which box and printer print them.  The box takes the waiting jobs
by long-polling; each carries its id and copy, and the box acknowledges
that pair: a replayed acknowledgement, or one of an older copy, changes
nothing, and a job sent but never acknowledged is sent again with the
same id and copy, which the box knows it printed already.  A printer
error puts the job back until it failed ``MAX_ATTEMPTS`` times.
"""
import base64
import datetime as dt

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC

STATES = [
    ('queued', "To Print"),
    ('sent', "Sent"),
    ('done', "Printed"),
    ('failed', "Failed"),
    ]
MAX_ATTEMPTS = 3
# A job sent this long ago without an answer goes again
RESEND_AFTER = dt.timedelta(seconds=60)


class PrintJob(ModelSQL, ModelView):
    "IoT Print Job"
    __name__ = 'ecom.iot.print_job'

    box = fields.Many2One('ecom.iot.box', "Box", required=True,
        readonly=True, ondelete='CASCADE')
    printer = fields.Many2One('ecom.iot.device', "Printer", required=True,
        readonly=True, ondelete='CASCADE',
        domain=[('box', '=', Eval('box', -1)), ('kind', '=', 'printer')])
    job = fields.Many2One('ecom.print.job', "Document", required=True,
        readonly=True, ondelete='CASCADE')
    shipment = fields.Many2One('stock.shipment.out', "Shipment",
        readonly=True, ondelete='SET NULL')
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    attempts = fields.Integer("Attempts", readonly=True,
        help="How many times the printer failed the job.")
    reprints = fields.Integer("Reprints", readonly=True,
        help="How many times the job was printed again on request.")
    error = fields.Char("Error", readonly=True)
    sent_at = fields.DateTime("Sent At", readonly=True)
    printed_at = fields.DateTime("Printed At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('id', 'DESC'))
        cls.__rpc__.update({
                'queue_shipments': RPC(readonly=False),
                })
        cls._buttons.update({
                'reprint': {
                    'invisible': ~Eval('state').in_(['done', 'failed']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'queued'

    @staticmethod
    def default_attempts():
        return 0

    @staticmethod
    def default_reprints():
        return 0

    @classmethod
    def queue(cls, box, role, documents, shipment=None):
        """Queue the warehouse's print jobs on the box's printer of the
        role (waybill, slip); return the jobs"""
        printers = [d for d in box.devices
            if d.kind == 'printer' and d.role == role]
        if not printers:
            raise UserError(gettext('ecom_iot.msg_box_no_printer',
                    box=box.rec_name,
                    role=dict(cls._role_names())[role]))
        return cls.create([{
                    'box': box.id,
                    'printer': printers[0].id,
                    'job': document.id,
                    'shipment': shipment.id if shipment else None,
                    } for document in documents])

    @classmethod
    def queue_shipments(cls, box, kind, shipments):
        """Print the kind of document (waybill, packing_slip) of the
        shipments on the box's printer for it; return the job ids"""
        pool = Pool()
        Box = pool.get('ecom.iot.box')
        Shipment = pool.get('stock.shipment.out')
        box = Box(box)
        shipments = Shipment.browse(shipments)
        documents = Shipment.print_documents(shipments, kind)
        jobs = cls.queue(box, cls.role_of(kind), documents,
            shipment=shipments[0] if len(shipments) == 1 else None)
        return [j.id for j in jobs]

    @staticmethod
    def role_of(kind):
        "The role of the printer that prints the kind of document"
        return 'slip' if kind == 'packing_slip' else kind

    @classmethod
    def _role_names(cls):
        Device = Pool().get('ecom.iot.device')
        return Device.fields_get(['role'])['role']['selection']

    @classmethod
    def take(cls, box):
        """The jobs the box is to print now, marked sent: the waiting ones
        and those sent long ago and never acknowledged"""
        now = dt.datetime.now()
        jobs = cls.search([
                ('box', '=', box.id),
                ['OR',
                    ('state', '=', 'queued'),
                    [('state', '=', 'sent'),
                        ('sent_at', '<', now - RESEND_AFTER)],
                    ],
                ], order=[('id', 'ASC')])
        if jobs:
            cls.lock(jobs)
            cls.write(jobs, {'state': 'sent', 'sent_at': now})
            Pool().get('ecom.print.job').write(
                [j.job for j in jobs if j.job.state == 'queued'],
                {'state': 'sent'})
        return jobs

    def to_box(self):
        "What the box is sent of the job"
        return {
            'id': self.id,
            'copy': self.reprints,
            'printer': self.printer.code,
            'output': self.job.output,
            'filename': self.job.filename,
            'data': base64.b64encode(self.job.data or b'').decode('ascii'),
            }

    @classmethod
    def acknowledge(cls, box, job_id, copy, printed, error=None):
        """The box printed the job's copy, or its printer failed it;
        return whether anything changed"""
        jobs = cls.search([
                ('id', '=', job_id),
                ('box', '=', box.id),
                ], limit=1)
        if not jobs:
            return False
        cls.lock(jobs)
        job, = cls.browse(jobs)
        if job.reprints != copy or job.state != 'sent':
            return False
        if printed:
            cls.write([job], {
                    'state': 'done',
                    'error': None,
                    'printed_at': dt.datetime.now(),
                    })
            Pool().get('ecom.print.job').write([job.job], {'state': 'done'})
        else:
            attempts = (job.attempts or 0) + 1
            cls.write([job], {
                    'state': 'failed' if attempts >= MAX_ATTEMPTS
                    else 'queued',
                    'attempts': attempts,
                    'error': error,
                    })
        return True

    @classmethod
    @ModelView.button
    def reprint(cls, jobs):
        "Print the jobs again: a new copy, which the box prints once more"
        for job in jobs:
            cls.write([job], {
                    'state': 'queued',
                    'reprints': (job.reprints or 0) + 1,
                    'attempts': 0,
                    'error': None,
                    'sent_at': None,
                    'printed_at': None,
                    })
