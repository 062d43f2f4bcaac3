"""The floor's lists and counts: where each shipment stands (待建批次,
拣货中, 待验货, 待称重, 待发货), counted on the to-do board (待办); and
picking, packing or shipping many selected shipments at once, with what
happened to each."""
from sql import As, Cast, Literal, Null
from sql.aggregate import Count, Min

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.ecom_order_center.batch import (
    BatchResultMixin, BatchSummaryMixin, apply_failing_alone)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSONEncoder
from trytond.tools import grouped_slice
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

# The floor's steps and the shipments at each; the 仓储 lists' tabs
# (act_window domains in floor.xml) show the same domains.
FLOOR_STEPS = [
    ('wh_to_wave', "To Wave", [
            ('state', '=', 'assigned'),
            ('ecom_wave', '=', None),
            ('ecom_intercepted', '=', False),
            ]),
    ('wh_picking', "Picking", [
            ('state', '=', 'assigned'),
            ('ecom_wave', '!=', None),
            ]),
    ('wh_to_verify', "To Verify", [
            ('state', '=', 'picked'),
            ]),
    ('wh_to_weigh', "To Weigh", [
            ('state', '=', 'packed'),
            ('ecom_shipping_mode', '=', 'weigh'),
            ('ecom_weight_state', 'in', [None, 'blocked']),
            ]),
    ('wh_to_ship', "To Ship", [
            ('state', '=', 'packed'),
            ['OR',
                ('ecom_shipping_mode', '!=', 'weigh'),
                ('ecom_shipping_mode', '=', None),
                ('ecom_weight_state', 'in', ['ok', 'overridden']),
                ],
            ]),
    ]
STEP_DOMAINS = {code: domain for code, _, domain in FLOOR_STEPS}
# The to-do board's row ids: an order's id times this, or a shipment's id
# times this plus its step's place
ID_SPREAD = len(FLOOR_STEPS) + 1

ACTIONS = [
    ('pick', "Pick"),
    ('pack', "Pack"),
    ('ship', "Ship"),
    ]
# The states from which each action moves a shipment
SOURCES = {
    'pick': {'assigned'},
    'pack': {'assigned', 'picked'},
    'ship': {'assigned', 'picked', 'packed'},
    }
CHUNK = 200


class OrderTodo(metaclass=PoolMeta):
    __name__ = 'ecom.order.todo'

    warehouse = fields.Many2One('stock.location', "Warehouse",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.state.selection = list(cls.state.selection) + [
            (code, name) for code, name, _ in FLOOR_STEPS]
        cls.count.help = ("How many orders of the shop, or shipments of "
            "the warehouse, are at this step.")

    @classmethod
    def table_query(cls):
        """The orders' counts, and the warehouses' shipments at each floor
        step; the ids are spread so that an order's row never meets a
        step's"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        query = super().table_query()
        id_, *columns = query.columns
        query.columns = [As(id_.expression * ID_SPREAD, 'id'), *columns,
            Cast(Null, 'INTEGER').as_('warehouse')]
        for index, (code, _, domain) in enumerate(FLOOR_STEPS, 1):
            shipment = Shipment.__table__()
            # The user's record rules on shipments (warehouses) apply.
            visible = Shipment.search(domain, query=True, order=[])
            query |= shipment.select(
                (Min(shipment.id) * ID_SPREAD + index).as_('id'),
                Cast(Null, 'INTEGER').as_('shop'),
                Literal(code).as_('state'),
                Count(shipment.id).as_('count'),
                shipment.warehouse.as_('warehouse'),
                where=shipment.id.in_(visible),
                group_by=[shipment.warehouse])
        return query


class OrderTodoOpen(metaclass=PoolMeta):
    __name__ = 'ecom.order.todo.open'

    start_state = 'start'
    start = StateTransition()
    shipments = StateAction('ecom_warehouse.act_shipment_floor')

    def transition_start(self):
        return 'shipments' if self.record.warehouse else 'open_'

    def do_shipments(self, action):
        action['name'] = '%s (%s)' % (action['name'], ', '.join(
                [self.record.warehouse.rec_name, self.record.state_string]))
        action['pyson_domain'] = PYSONEncoder().encode(
            STEP_DOMAINS[self.record.state]
            + [('warehouse', '=', self.record.warehouse.id)])
        action['domains'] = []
        return action, {}


class ShipmentBatchStart(ModelView):
    "Batch Action on Shipments"
    __name__ = 'ecom.shipment.batch.start'

    action = fields.Selection(ACTIONS, "Action", required=True, sort=False)
    shipments_count = fields.Integer("Shipments", readonly=True)


class ShipmentBatchResult(BatchResultMixin, ModelView):
    "Batch Action on Shipments Result"
    __name__ = 'ecom.shipment.batch.result'

    shipment = fields.Many2One('stock.shipment.out', "Shipment",
        readonly=True)


class ShipmentBatchSummary(BatchSummaryMixin, ModelView):
    "Batch Action on Shipments Summary"
    __name__ = 'ecom.shipment.batch.summary'

    results = fields.One2Many('ecom.shipment.batch.result', None, "Results",
        readonly=True)


class ShipmentBatch(Wizard):
    "Batch Action on Shipments"
    __name__ = 'ecom.shipment.batch'

    start = StateView('ecom.shipment.batch.start',
        'ecom_warehouse.shipment_batch_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Run", 'run', 'tryton-ok', default=True),
            ])
    run = StateTransition()
    summary = StateView('ecom.shipment.batch.summary',
        'ecom_warehouse.shipment_batch_summary_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {'shipments_count': len(self.records)}

    def transition_run(self):
        Shipment = Pool().get('stock.shipment.out')
        action = self.start.action
        ids = [s.id for s in self.records]
        before = {s.id: s.state for s in Shipment.browse(ids)}
        todo = [i for i in ids if before[i] in SOURCES[action]]
        errors = {}
        for chunk in grouped_slice(todo, CHUNK):
            apply_failing_alone(list(chunk),
                lambda ids: self._apply(Shipment.browse(ids)), errors)
        self.summary.results = self._results(ids, before, errors)
        return 'summary'

    def _apply(self, shipments):
        Shipment = Pool().get('stock.shipment.out')
        action = self.start.action
        if action == 'ship':
            Shipment.ecom_ship(shipments)
            return
        assigned = [s for s in shipments if s.state == 'assigned']
        if assigned:
            Shipment.pick(assigned)
        if action == 'pack':
            Shipment.pack(Shipment.browse(shipments))

    def _results(self, ids, before, errors):
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Result = pool.get('ecom.shipment.batch.result')
        results = []
        for shipment in Shipment.browse(ids):
            state = before[shipment.id]
            if shipment.id in errors:
                outcome, reason = 'failed', errors[shipment.id]
            elif state not in SOURCES[self.start.action]:
                outcome = 'skipped'
                reason = gettext('ecom_warehouse.msg_batch_wrong_state',
                    state=Shipment.ecom_state_name(state))
            else:
                outcome = 'done'
                reason = gettext('ecom_warehouse.msg_batch_state',
                    state=Shipment.ecom_state_name(shipment.state))
            results.append(Result(shipment=shipment, outcome=outcome,
                    reason=reason))
        return self.summary.count(results)

    def default_summary(self, fields):
        return self.summary._default_values
