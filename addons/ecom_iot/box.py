"""IoT boxes (打包台): the small computer beside a packing station, with
its scale, label printer and scanner.

A box authenticates with a key of its own, made on the server and shown
once to the supervisor who registers it: only its SHA-256 is stored, so
the key cannot be read back from the database.  Rotating makes a new key
(the old one stops working at once); revoking leaves the box without one.
The box's reports carry a sequence number, kept on the box, so a report
delivered again after a lost answer changes nothing.
"""
import datetime as dt
import hashlib
import secrets

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.ecom_warehouse.station import status_html
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

# The box's key: a prefix to recognise it by, then the secret
KEY_PREFIX = 'iot_'


def hash_key(key):
    "The stored form of a box key"
    return hashlib.sha256(key.encode('utf-8')).hexdigest()


class Box(ModelSQL, ModelView):
    "IoT Box"
    __name__ = 'ecom.iot.box'

    company = fields.Many2One('company.company', "Company", required=True)
    name = fields.Char("Name", required=True)
    identifier = fields.Char("Identifier", required=True,
        help="What the box sends to say who it is.")
    warehouse = fields.Many2One('stock.location', "Warehouse",
        required=True, domain=[('type', '=', 'warehouse')])
    devices = fields.One2Many('ecom.iot.device', 'box', "Devices")
    key_hash = fields.Char("Key Hash", readonly=True, strip=False)
    key_hint = fields.Char("Key", readonly=True,
        help="The first characters of the box's key, to tell keys apart; "
        "the key itself is shown once, when it is made.")
    key_state = fields.Function(fields.Selection([
                ('none', "No Key"),
                ('active', "Active"),
                ], "Key State"), 'get_key_state')
    key_created = fields.DateTime("Key Made At", readonly=True)
    last_contact = fields.DateTime("Last Contact", readonly=True,
        help="When the box last called the server.")
    last_sequence = fields.Integer("Last Report", readonly=True,
        help="The sequence number of the box's last report taken.")
    jobs_poll = fields.Char("Jobs Poll", readonly=True,
        help="The box's wait for print jobs: a wait it started before, "
        "whose answer nobody reads any more, takes no job.")
    session = fields.Text("Station State", readonly=True,
        help="The packing station's state between scans.")
    shipment = fields.Many2One('stock.shipment.out', "Parcel",
        readonly=True, ondelete='SET NULL',
        help="The parcel at the station.")
    packer = fields.Many2One('res.user', "Packer", readonly=True,
        ondelete='SET NULL',
        help="Who scanned their badge at the station last: "
        "the parcels verified there are theirs.")
    ok = fields.Boolean("OK", readonly=True)
    message = fields.Char("Message", readonly=True,
        help="What the station said after its last scan or weight.")
    status = fields.Function(fields.Text("Status"), 'get_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('identifier_unique', Unique(t, t.identifier),
                'ecom_iot.msg_box_identifier_unique'),
            ('key_hash_unique', Unique(t, t.key_hash),
                'ecom_iot.msg_box_key_unique'),
            ]
        cls._buttons.update({
                'revoke_key': {
                    'invisible': Eval('key_state') != 'active',
                    'depends': ['key_state'],
                    },
                'make_key': {},
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_ok():
        return True

    @staticmethod
    def default_last_sequence():
        return 0

    def get_key_state(self, name):
        return 'active' if self.key_hash else 'none'

    def get_status(self, name):
        if not self.message:
            return None
        return status_html(self.ok, self.message)

    @classmethod
    def copy(cls, boxes, default=None):
        default = default.copy() if default is not None else {}
        for name in ['key_hash', 'key_hint', 'key_created', 'last_contact',
                'jobs_poll', 'session', 'shipment', 'message', 'packer']:
            default.setdefault(name)
        default.setdefault('last_sequence', 0)
        return super().copy(boxes, default=default)

    @classmethod
    def new_key(cls, box):
        "Give the box a new key; return it (the only time it is seen)"
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        # nobody may write the key fields but these methods
        with without_check_access():
            cls.write([box], {
                    'key_hash': hash_key(key),
                    'key_hint': key[:len(KEY_PREFIX) + 6] + '…',
                    'key_created': dt.datetime.now(),
                    })
        return key

    @classmethod
    @ModelView.button
    def revoke_key(cls, boxes):
        "The box's key stops working: it calls in vain until given a new one"
        with without_check_access():
            cls.write(list(boxes), {
                    'key_hash': None,
                    'key_hint': None,
                    'key_created': None,
                    })

    @classmethod
    @ModelView.button_action('ecom_iot.wizard_box_key')
    def make_key(cls, boxes):
        pass

    @classmethod
    def authenticate(cls, key):
        "The box whose key it is, or None"
        if not key:
            return None
        boxes = cls.search([('key_hash', '=', hash_key(key))], limit=1)
        return boxes[0] if boxes else None

    def touch(self):
        "The box called: note when"
        self.__class__.write([self], {'last_contact': dt.datetime.now()})

    def poll_jobs(self, poll):
        """The box waits for its print jobs with poll: a wait it started
        before ends without a job, as its agent restarted or lost the
        connection and nobody reads its answer"""
        self.__class__.write([self], {
                'jobs_poll': poll,
                'last_contact': dt.datetime.now(),
                })

    def polls(self, poll):
        "Whether poll is the box's wait for print jobs"
        cls = self.__class__
        cls.lock([self])
        box, = cls.browse([self.id])
        return box.jobs_poll == poll

    def device(self, code):
        "The box's device of that code, or None"
        for device in self.devices:
            if device.code == code:
                return device
        return None

    def take_report(self, sequence):
        """Whether the report of that sequence number is new: a report
        replayed after a lost answer is not taken twice"""
        if sequence is None:
            return True
        cls = self.__class__
        cls.lock([self])
        box, = cls.browse([self.id])
        if sequence <= (box.last_sequence or 0):
            return False
        cls.write([box], {'last_sequence': sequence})
        return True


class BoxKeyShow(ModelView):
    "IoT Box Key"
    __name__ = 'ecom.iot.box.key.show'

    box = fields.Many2One('ecom.iot.box', "Box", readonly=True)
    key = fields.Char("Key", readonly=True,
        help="Copy it into the box's configuration now: it is not shown "
        "again.")


class BoxKey(Wizard):
    "Make the box a new key, shown once"
    __name__ = 'ecom.iot.box.key'

    start_state = 'make'
    make = StateTransition()
    show = StateView('ecom.iot.box.key.show',
        'ecom_iot.box_key_show_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_make(self):
        Box = Pool().get('ecom.iot.box')
        self.show.box = self.record
        self.show.key = Box.new_key(self.record)
        return 'show'

    def default_show(self, fields):
        key, self.show.key = self.show.key, None
        return {'box': self.show.box.id, 'key': key}


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    ecom_badge = fields.Char("Badge",
        help="The code on the packer's badge: scanned at a packing "
        "station's box, the parcels verified there are the packer's.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('ecom_badge_unique', Unique(t, t.ecom_badge),
                'ecom_iot.msg_badge_unique'),
            ]
