"""The devices of a box: its scale, label printers and scanner, as the
box's agent names them in its configuration (the code).  The agent
reports each device's state; the box form shows it."""
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval

KINDS = [
    ('scale', "Scale"),
    ('printer', "Printer"),
    ('scanner', "Scanner"),
    ]
DRIVERS = [
    ('toledo_8217', "Mettler Toledo 8217"),
    ('mt_sics', "MT-SICS"),
    ('adam', "Adam"),
    ('continuous', "Continuous Output (ST/US/OL)"),
    ('raw_tcp', "Raw TCP 9100 (ZPL/TSPL)"),
    ('cups', "CUPS"),
    ('serial_scanner', "Serial Scanner"),
    ('keyboard', "Keyboard Wedge"),
    ]
# The drivers each kind of device may have
KIND_DRIVERS = {
    'scale': {'toledo_8217', 'mt_sics', 'adam', 'continuous'},
    'printer': {'raw_tcp', 'cups'},
    'scanner': {'serial_scanner', 'keyboard'},
    }
ROLES = [
    (None, ""),
    ('waybill', "Waybill Printer"),
    ('slip', "Packing Slip Printer"),
    ]
STATES = [
    ('unknown', "Unknown"),
    ('online', "Online"),
    ('offline', "Offline"),
    ('error', "Error"),
    ('paper_out', "Paper Out"),
    ]


class Device(ModelSQL, ModelView):
    "IoT Device"
    __name__ = 'ecom.iot.device'

    box = fields.Many2One('ecom.iot.box', "Box", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True,
        help="The name of the device in the box's configuration.")
    kind = fields.Selection(KINDS, "Kind", required=True)
    driver = fields.Selection(DRIVERS, "Driver", required=True,
        domain=[
            ('driver', 'in', Eval('kind_drivers', [])),
            ],
        depends=['kind_drivers'])
    kind_drivers = fields.Function(fields.MultiSelection(DRIVERS,
            "Kind Drivers"), 'on_change_with_kind_drivers')
    address = fields.Char("Port or Address",
        help="The serial port (/dev/ttyUSB0), host:port of the printer or "
        "the CUPS queue.")
    role = fields.Selection(ROLES, "Role",
        states={'invisible': Eval('kind') != 'printer'},
        help="Which documents the printer prints.")
    state = fields.Selection(STATES, "State", readonly=True)
    state_message = fields.Char("State Message", readonly=True)
    state_changed = fields.DateTime("State Changed At", readonly=True)
    last_weight = fields.Float("Last Weight (kg)", digits=(16, 3),
        readonly=True, states={'invisible': Eval('kind') != 'scale'})
    last_weight_stable = fields.Boolean("Last Weight Stable", readonly=True,
        states={'invisible': Eval('kind') != 'scale'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('box_code_unique', Unique(t, t.box, t.code),
                'ecom_iot.msg_device_code_unique'),
            ]

    @staticmethod
    def default_state():
        return 'unknown'

    @fields.depends('kind')
    def on_change_with_kind_drivers(self, name=None):
        return sorted(KIND_DRIVERS.get(self.kind, []))
