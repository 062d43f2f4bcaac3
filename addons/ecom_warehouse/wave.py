# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Waves (拣货批次): the assigned shipments of one warehouse picked together.

A wave has one line per shipment with its bin (分拣格) of the second sort.
A shipment is in at most one open wave: the line's ``wave_open`` flag is
set while its wave is open and the line in it, and an exclusion on
(shipment) where ``wave_open`` makes the database refuse a second one, so
two clerks building waves at once cannot share a shipment.

Every step of a wave first takes out the shipments intercepted since it
was built (:meth:`Wave.flag_intercepted`): they are refused, shown with the
reason on their line, and the rest of the wave goes on.
"""
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

STATES = [
    ('draft', "Draft"),
    ('picking', "Picking"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = {'draft', 'picking'}
LINE_STATES = [
    ('waiting', "Waiting"),
    ('picked', "Picked"),
    ('removed', "Taken Out"),
    ]
REMOVALS = [
    (None, ""),
    ('intercepted', "Intercepted"),
    ('shortage', "Shortage"),
    ('shipment', "Shipment Changed"),
    ]
KINDS = [
    (None, ""),
    ('single', "Single Item"),
    ('single_multi', "One Product, Several Items"),
    ('multi', "Several Products"),
    ]


class Wave(Workflow, ModelSQL, ModelView):
    "Picking Wave"
    __name__ = 'ecom.wave'
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True, required=True)
    warehouse = fields.Many2One('stock.location', "Warehouse",
        required=True, readonly=True, domain=[('type', '=', 'warehouse')])
    carrier = fields.Many2One('carrier', "Carrier", readonly=True,
        help="The carrier the wave was built for, if one.")
    shop = fields.Many2One('ecom.shop', "Shop", readonly=True,
        help="The shop the wave was built for, if one.")
    kind = fields.Selection(KINDS, "Kind", readonly=True,
        help="The kind of parcels the wave was built for, if one.")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    lines = fields.One2Many('ecom.wave.line', 'wave', "Shipments",
        readonly=True, order=[('bin', 'ASC')])
    pick_lines = fields.One2Many('ecom.wave.pick', 'wave', "Pick List",
        readonly=True)
    shipment_count = fields.Function(
        fields.Integer("Shipments"), 'get_counts')
    removed_count = fields.Function(
        fields.Integer("Taken Out"), 'get_counts')
    complete_bins = fields.Function(fields.Char("Complete Bins",
            help="The bins of which every item is sorted."),
        'get_complete_bins')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'picking'),
            ('picking', 'done'),
            ('draft', 'cancelled'),
            ('picking', 'cancelled'),
            }
        cls._buttons.update({
                'start_picking': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'complete_pick': {
                    'invisible': Eval('state') != 'picking',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(list(OPEN_STATES)),
                    'depends': ['state'],
                    },
                'sort': {
                    'invisible': ~Eval('state').in_(['picking', 'done']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        sequence = Sequence(
            ModelData.get_id('ecom_warehouse', 'sequence_wave'))
        vlist = [v.copy() for v in vlist]
        unnumbered = [v for v in vlist if not v.get('number')]
        if unnumbered:
            for values, number in zip(unnumbered,
                    sequence.get_many(len(unnumbered))):
                values['number'] = number
        return super().create(vlist)

    @classmethod
    def get_counts(cls, waves, names):
        counts = {n: {w.id: 0 for w in waves} for n in names}
        for wave in waves:
            for line in wave.lines:
                if line.state == 'removed':
                    if 'removed_count' in counts:
                        counts['removed_count'][wave.id] += 1
                elif 'shipment_count' in counts:
                    counts['shipment_count'][wave.id] += 1
        return counts

    @classmethod
    def get_complete_bins(cls, waves, name):
        Sorted = Pool().get('ecom.wave.sorted')
        complete = Sorted.complete_lines(waves)
        return {w.id: ', '.join(str(l.bin) for l in w.lines
                if l.id in complete) for w in waves}

    @classmethod
    def copy(cls, waves, default=None):
        "A copy is a new empty wave: its shipments stay in the original"
        default = default.copy() if default is not None else {}
        default.setdefault('number')
        default.setdefault('state', 'draft')
        default.setdefault('lines')
        return super().copy(waves, default=default)

    @classmethod
    def delete(cls, waves):
        for wave in waves:
            if wave.state not in {'draft', 'cancelled'}:
                raise AccessError(gettext(
                        'ecom_warehouse.msg_wave_delete_started',
                        wave=wave.rec_name))
        super().delete(waves)

    @classmethod
    def flag_intercepted(cls, waves):
        """Take out of the waves their shipments intercepted since they
        were built, with the interception's reason; return those lines"""
        Line = Pool().get('ecom.wave.line')
        lines = Line.search([
                ('wave', 'in', [w.id for w in waves]),
                ('state', '!=', 'removed'),
                ('shipment.ecom_intercepted', '=', True),
                ])
        for line in lines:
            line.take_out('intercepted', line.shipment.ecom_intercept_reason)
        Line.save(lines)
        return lines

    @classmethod
    @ModelView.button
    @Workflow.transition('picking')
    def start_picking(cls, waves):
        cls.flag_intercepted(waves)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, waves):
        cls._close_lines(waves)

    @classmethod
    def _close_lines(cls, waves):
        "Let the shipments of the closed waves go to other waves"
        Line = Pool().get('ecom.wave.line')
        lines = [l for w in waves for l in w.lines if l.wave_open]
        if lines:
            Line.write(lines, {'wave_open': False})

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def complete_pick(cls, waves):
        """All is picked: Tryton picks the wave's shipments; those
        intercepted or gone meanwhile are taken out, the rest go on"""
        pool = Pool()
        Line = pool.get('ecom.wave.line')
        Shipment = pool.get('stock.shipment.out')
        cls.flag_intercepted(waves)
        lines = [l for w in cls.browse(waves) for l in w.lines
            if l.state == 'waiting']
        gone = [l for l in lines
            if l.shipment.state not in {'assigned', 'picked'}]
        for line in gone:
            line.take_out('shipment', gettext(
                    'ecom_warehouse.msg_wave_shipment_state',
                    state=line.shipment.state_string))
        Line.save(gone)
        lines = [l for l in lines if l not in gone]
        Shipment.pick([l.shipment for l in lines
                if l.shipment.state == 'assigned'])
        if lines:
            Line.write(lines, {'state': 'picked'})
        cls._close_lines(waves)

    @classmethod
    @ModelView.button_action('ecom_warehouse.wizard_wave_sort')
    def sort(cls, waves):
        pass

    @classmethod
    def check_open(cls, wave, states=OPEN_STATES):
        if wave.state not in states:
            raise AccessError(gettext('ecom_warehouse.msg_wave_not_open',
                    wave=wave.rec_name, state=wave.state_string))


class WaveLine(ModelSQL, ModelView):
    "Picking Wave Shipment"
    __name__ = 'ecom.wave.line'

    wave = fields.Many2One('ecom.wave', "Wave", required=True,
        ondelete='CASCADE', readonly=True)
    shipment = fields.Many2One('stock.shipment.out', "Shipment",
        required=True, ondelete='CASCADE', readonly=True)
    bin = fields.Integer("Bin", required=True, readonly=True,
        help="The bin (分拣格) of the second sort the shipment's items go "
        "to; the shipments of a wave are numbered from 1, oldest paid "
        "first.")
    items = fields.Float("Items", digits=(16, 0), readonly=True)
    state = fields.Selection(LINE_STATES, "State", required=True,
        readonly=True)
    removal = fields.Selection(REMOVALS, "Taken Out For", readonly=True)
    removal_string = removal.translated('removal')
    reason = fields.Char("Reason", readonly=True,
        states={'invisible': Eval('state') != 'removed'})
    wave_open = fields.Boolean("In Open Wave", readonly=True,
        help="The shipment is held by this open wave and no other.")
    intercepted = fields.Function(fields.Boolean("Intercepted"),
        'get_intercepted')
    sort_complete = fields.Function(fields.Boolean("Sorted"),
        'get_sort_complete')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('shipment_open_exclude',
                Exclude(t, (t.shipment, Equal), where=t.wave_open),
                'ecom_warehouse.msg_wave_shipment_unique'),
            ]
        cls._order = [('wave', 'DESC'), ('bin', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_state():
        return 'waiting'

    @staticmethod
    def default_wave_open():
        return True

    def get_rec_name(self, name):
        return '%s #%s' % (self.wave.rec_name, self.bin)

    def get_intercepted(self, name):
        return bool(self.shipment.ecom_intercepted)

    @classmethod
    def get_sort_complete(cls, lines, name):
        Sorted = Pool().get('ecom.wave.sorted')
        complete = Sorted.complete_lines({l.wave for l in lines})
        return {l.id: l.id in complete for l in lines}

    def take_out(self, removal, reason):
        "Take the shipment out of the wave for the reason"
        self.state = 'removed'
        self.wave_open = False
        self.removal = removal
        self.reason = reason


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    ecom_wave_lines = fields.One2Many('ecom.wave.line', 'shipment',
        "Wave Lines", readonly=True)
    ecom_wave = fields.Function(fields.Many2One('ecom.wave', "Wave",
            help="The open wave the shipment is picked in."),
        'get_ecom_wave', searcher='search_ecom_wave')
    ecom_wave_note = fields.Function(fields.Char("Wave Note",
            help="Why the shipment was last taken out of a wave."),
        'get_ecom_wave')

    @classmethod
    def get_ecom_wave(cls, shipments, names):
        result = {n: {s.id: None for s in shipments} for n in names}
        for shipment in shipments:
            for line in shipment.ecom_wave_lines:
                if line.wave_open and 'ecom_wave' in result:
                    result['ecom_wave'][shipment.id] = line.wave.id
                if line.state == 'removed' and 'ecom_wave_note' in result:
                    result['ecom_wave_note'][shipment.id] = '%s: %s' % (
                        line.rec_name, line.reason or line.removal_string)
        return result

    @classmethod
    def search_ecom_wave(cls, name, clause):
        open_ = [('wave_open', '=', True)]
        if (clause[0] == name and clause[2] is None
                and clause[1] in {'=', '!='}):
            # in no open wave, or in one
            return [('ecom_wave_lines',
                    'not where' if clause[1] == '=' else 'where', open_)]
        return [('ecom_wave_lines', 'where', open_ + [
                    ('wave' + clause[0][len(name):], *clause[1:]),
                    ])]

    @classmethod
    def copy(cls, shipments, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('ecom_wave_lines')
        return super().copy(shipments, default=default)



class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _ecom_restricted_models(cls):
        # The waves' rules read the user's warehouses.
        return super()._ecom_restricted_models() | {
            'ecom.wave', 'ecom.wave.line'}
