"""Hold (挂起), release and reject (驳回) orders, and act on many selected
orders at once (批量操作) with a report of what happened to each.

A batch runs in chunks, each in one go for speed inside an SQL savepoint.
When a chunk raises a user error, its work is rolled back to the savepoint
and its orders are processed one at a time, each in its own savepoint, so
the failing order is reported (and logged on the order) with its message
while the others go on.
"""
import itertools
import json
from collections import defaultdict
from contextlib import contextmanager

from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .order import UNPOSTED_STATES

ACTIONS = [
    ('cs_audit', "CS Audit"),
    ('finance_audit', "Finance Audit"),
    ('undo_audit', "Undo Audit"),
    ('reject', "Reject"),
    ('hold', "Hold"),
    ('release', "Release"),
    ('post', "Post"),
    ('set_warehouse', "Set Warehouse"),
    ('set_carrier', "Set Carrier"),
    ('set_salesperson', "Set Salesperson"),
    ('merge', "Merge"),
    ]
# The states in which each action can change an order; None: any state
SOURCES = {
    'cs_audit': {'draft'},
    'finance_audit': {'cs_approved'},
    'undo_audit': {'cs_approved', 'approved'},
    'reject': {'cs_approved', 'approved'},
    'hold': UNPOSTED_STATES,
    'release': None,
    'post': {'approved'},
    'set_warehouse': UNPOSTED_STATES,
    'set_carrier': UNPOSTED_STATES,
    'set_salesperson': UNPOSTED_STATES,
    'merge': UNPOSTED_STATES,
    }
FULFILMENT_FIELDS = {'warehouse', 'carrier', 'salesperson'}
# What tells a value set by hand from one a rule set, which a rule keeps
BY_HAND = {'salesperson': 'salesperson_by_hand'}
# The actions that need a value besides the orders, asked on a step of its
# own: sao 8.0 rebuilds a selection's options when it redisplays the form
# (the first option shows) and puts the choice back only after the Run
# button has read the form, so the action must not share a step with a
# field the clerk types in.
DETAILS = {
    'reject': 'reason',
    'hold': 'reason',
    'set_warehouse': 'warehouse',
    'set_carrier': 'carrier',
    'set_salesperson': 'salesperson',
    }
# Orders processed in one go; the cost per order stays flat up to here
CHUNK = 200

_savepoints = itertools.count()


# The errors a batch reports on the record and goes on after
BATCH_ERRORS = (UserError, UserWarning)


@contextmanager
def savepoint():
    """Undo what the block did when it raises a user error or warning, and
    only that: the transaction goes on without it"""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    name = 'ecom_batch_%s' % next(_savepoints)
    logs = len(transaction.log_records)
    tasks = len(transaction.tasks)
    cursor.execute('SAVEPOINT %s' % name)
    try:
        yield
    except BATCH_ERRORS:
        cursor.execute('ROLLBACK TO SAVEPOINT %s' % name)
        # Values read in the block may be gone: no cache may serve them
        for cache in transaction.cache.values():
            cache.clear()
        transaction.counter += 1
        del transaction.log_records[logs:]
        del transaction.tasks[tasks:]
        raise
    else:
        cursor.execute('RELEASE SAVEPOINT %s' % name)


def apply_failing_alone(ids, apply, errors):
    """Apply to the records of ids in one go; when that fails, to one at a
    time, each failing one's message kept in errors by id"""
    try:
        with savepoint():
            apply(ids)
    except BATCH_ERRORS as exception:
        if len(ids) == 1:
            errors[ids[0]] = exception.message
        else:
            for id_ in ids:
                apply_failing_alone([id_], apply, errors)


OUTCOMES = [
    ('done', "Done"),
    ('skipped', "Skipped"),
    ('failed', "Failed"),
    ]


class BatchResultMixin:
    "What a batch did to one record; the record's field is the model's"
    __slots__ = ()
    outcome = fields.Selection(OUTCOMES, "Outcome", readonly=True)
    reason = fields.Char("Reason", readonly=True)


class BatchSummaryMixin:
    "How many records a batch did, skipped and failed, and each's result"
    __slots__ = ()
    done = fields.Integer("Done", readonly=True)
    skipped = fields.Integer("Skipped", readonly=True)
    failed = fields.Integer("Failed", readonly=True)

    def count(self, results):
        "Set the counts from the results and return them"
        counts = defaultdict(int)
        for result in results:
            counts[result.outcome] += 1
        self.done = counts['done']
        self.skipped = counts['skipped']
        self.failed = counts['failed']
        return results


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    held = fields.Boolean("Held", readonly=True,
        help="Audits and posting leave the order alone until it is "
        "released.")
    hold_reason = fields.Char("Hold Reason",
        states={'readonly': Bool(Eval('held'))},
        help="Why the order waits, for the clerk who releases it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'hold': {
                    'invisible': (Bool(Eval('held'))
                        | ~Eval('state').in_(list(UNPOSTED_STATES))),
                    'depends': ['held', 'state'],
                    },
                'release': {
                    'invisible': ~Eval('held'),
                    'depends': ['held'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(
                        list(SOURCES['reject'])),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_held():
        return False

    @classmethod
    @ModelView.button
    def hold(cls, orders, reason=None):
        "Keep the unposted orders out of audits and posting (挂起)"
        orders = [o for o in cls.lock_current(orders)
            if not o.held and o.state in UNPOSTED_STATES]
        if not orders:
            return
        reasons = {o.id: reason or o.hold_reason or '' for o in orders}
        values = {'held': True}
        if reason:
            values['hold_reason'] = reason
        cls.write(orders, values)
        cls._log_each(orders, gettext('ecom_order_center.msg_rule_hold'),
            lambda o: gettext('ecom_order_center.msg_outcome_held',
                reason=reasons[o.id]))

    @classmethod
    @ModelView.button
    def release(cls, orders):
        "Let audits and posting take the held orders again"
        orders = [o for o in cls.lock_current(orders) if o.held]
        if orders:
            cls.write(orders, {'held': False, 'hold_reason': None})
            cls._log_decision(orders,
                gettext('ecom_order_center.msg_rule_release'),
                gettext('ecom_order_center.msg_outcome_released'))

    @classmethod
    def _attention_lines(cls, orders):
        "A held order says why and that 释放 lets it go on"
        lines = super()._attention_lines(orders)
        for order in orders:
            if order.held:
                lines.setdefault(order.id, []).insert(0, (True, gettext(
                            'ecom_order_center.msg_attention_held',
                            reason=order.hold_reason)
                        if order.hold_reason else gettext(
                            'ecom_order_center.msg_attention_held_no_reason')))
        return lines

    @classmethod
    def _filter_held(cls, orders, state):
        "Record why the held orders stay; return the others"
        held = [o for o in orders if o.held]
        cls._log_each(held, gettext('ecom_order_center.msg_rule_hold'),
            lambda o: gettext('ecom_order_center.msg_skipped_held',
                reason=o.hold_reason or ''))
        return [o for o in orders if not o.held]

    @classmethod
    @ModelView.button
    def reject(cls, orders, reason=None):
        """Send audited orders back to the clerks to rework, with the reason
        (驳回); unlike undoing an audit, a rejection says why"""
        orders = (cls.lock_current(orders, 'cs_approved')
            + cls.lock_current(orders, 'approved'))
        if not orders:
            return
        if not reason:
            raise UserError(gettext('ecom_order_center.msg_reject_reason'))
        cls.write(orders, {'state': 'draft'})
        cls._log_decision(orders,
            gettext('ecom_order_center.msg_rule_reject'),
            gettext('ecom_order_center.msg_outcome_rejected', reason=reason))

    @classmethod
    def set_fulfilment(cls, orders, name, value):
        """Set the warehouse, carrier or salesperson of the orders not posted
        yet; return those orders"""
        assert name in FULFILMENT_FIELDS
        orders = [o for o in cls.lock_current(orders)
            if o.state in UNPOSTED_STATES]
        if orders:
            values = {name: value.id if value else None}
            if name in BY_HAND:
                values[BY_HAND[name]] = True
            cls.write(orders, values)
            cls._log_decision(orders,
                gettext('ecom_order_center.msg_rule_set_by_hand',
                    field=cls.fields_get([name])[name]['string']),
                value.rec_name if value else '')
        return orders


class BatchStart(ModelView):
    "Batch Action on Orders"
    __name__ = 'ecom.order.batch.start'

    action = fields.Selection(ACTIONS, "Action", required=True, sort=False)
    warehouse = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')],
        states={
            'invisible': Eval('action') != 'set_warehouse',
            'required': Eval('action') == 'set_warehouse',
            })
    carrier = fields.Many2One('carrier', "Carrier",
        states={
            'invisible': Eval('action') != 'set_carrier',
            'required': Eval('action') == 'set_carrier',
            })
    salesperson = fields.Many2One('company.employee', "Salesperson",
        states={
            'invisible': Eval('action') != 'set_salesperson',
            'required': Eval('action') == 'set_salesperson',
            })
    reason = fields.Char("Reason",
        states={
            'invisible': ~Eval('action').in_(['reject', 'hold']),
            'required': Eval('action').in_(['reject', 'hold']),
            })
    orders_count = fields.Integer("Orders", readonly=True)
    selected_states = fields.Text("Selected States", readonly=True,
        help="The state of each order when the clerk selected it.")


class BatchRefund(ModelView):
    "Batch Finance Audit: Refund Requests"
    __name__ = 'ecom.order.batch.refund'

    orders = fields.Many2Many('ecom.order', None, None, "Orders",
        readonly=True,
        help="The selected orders whose buyer asked for a refund.")
    choice = fields.Selection([
            ('skip', "Skip Them"),
            ('continue', "Continue Anyway"),
            ], "Refund Requests", required=True)

    @classmethod
    def default_choice(cls):
        return 'skip'


class BatchResult(BatchResultMixin, ModelView):
    "Batch Action Result"
    __name__ = 'ecom.order.batch.result'

    order = fields.Many2One('ecom.order', "Order", readonly=True)


class BatchSummary(BatchSummaryMixin, ModelView):
    "Batch Action Summary"
    __name__ = 'ecom.order.batch.summary'

    results = fields.One2Many('ecom.order.batch.result', None, "Results",
        readonly=True)


class Batch(Wizard):
    "Batch Action on Orders"
    __name__ = 'ecom.order.batch'

    start = StateView('ecom.order.batch.start',
        'ecom_order_center.order_batch_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Run", 'check', 'tryton-ok', default=True),
            ])
    check = StateTransition()
    details = StateView('ecom.order.batch.start',
        'ecom_order_center.order_batch_details_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Run", 'run', 'tryton-ok', default=True),
            ])
    refund = StateView('ecom.order.batch.refund',
        'ecom_order_center.order_batch_refund_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Run", 'run', 'tryton-ok', default=True),
            ])
    run = StateTransition()
    summary = StateView('ecom.order.batch.summary',
        'ecom_order_center.order_batch_summary_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {
            'orders_count': len(self.records),
            'selected_states': json.dumps(
                {o.id: o.state for o in self.records}),
            }

    def transition_check(self):
        self._check_access()
        if self.start.action in DETAILS:
            return 'details'
        if self.start.action == 'finance_audit' and self._refund_requests():
            return 'refund'
        return 'run'

    def default_details(self, fields):
        return {
            'action': self.start.action,
            'orders_count': self.start.orders_count,
            }

    def _refund_requests(self):
        return [o for o in self.records if o.state == 'cs_approved'
            and o.refund_state == 'requested' and not o.held]

    def default_refund(self, fields):
        return {
            'orders': [o.id for o in self._refund_requests()],
            'choice': 'skip',
            }

    def _check_access(self):
        """Refuse actions the user may not do on one order either: the
        groups of the order's button, of the merge wizard, or the right to
        edit orders"""
        pool = Pool()
        Button = pool.get('ir.model.button')
        ActionWizard = pool.get('ir.action.wizard')
        ModelAccess = pool.get('ir.model.access')
        User = pool.get('res.user')
        action = self.start.action
        if Transaction().user == 0:
            return
        if action.startswith('set_'):
            ModelAccess.check('ecom.order', 'write')
            return
        if action == 'merge':
            allowed = ActionWizard.get_groups('ecom.order.merge')
        else:
            allowed = Button.get_groups('ecom.order', action)
        if allowed and not allowed & set(User.get_groups()):
            raise AccessError(gettext('ecom_order_center.msg_batch_access',
                    action=self._action_string()))

    def transition_run(self):
        pool = Pool()
        Order = pool.get('ecom.order')
        Decision = pool.get('ecom.order.decision')
        self._check_access()
        ids = [o.id for o in self.records]
        before = {o.id: (o.state, o.held) for o in Order.browse(ids)}
        last = Decision.search([], order=[('id', 'DESC')], limit=1)
        since = last[0].id if last else 0
        errors = {}
        context = {}
        if (self.start.action == 'finance_audit'
                and self.refund.choice == 'continue'):
            context['ecom_refund_continue'] = [
                o.id for o in self.refund.orders]
        with Transaction().set_context(context):
            if self.start.action == 'merge':
                # A merge is one decision on the whole group
                try:
                    with savepoint():
                        self._apply(Order.browse(ids))
                except BATCH_ERRORS as exception:
                    errors = dict.fromkeys(ids, exception.message)
            else:
                for chunk in grouped_slice(ids, CHUNK):
                    apply_failing_alone(list(chunk),
                        lambda ids: self._apply(Order.browse(ids)), errors)
        if errors:
            Order._log_each(Order.browse(list(errors)),
                gettext('ecom_order_center.msg_rule_batch',
                    action=self._action_string()),
                lambda o: gettext('ecom_order_center.msg_batch_failed',
                    error=errors[o.id]))
        self.summary.results = self._results(ids, before, since, errors)
        return 'summary'

    def _apply(self, orders):
        Order = Pool().get('ecom.order')
        action = self.start.action
        if action == 'reject':
            Order.reject(orders, self.details.reason)
        elif action == 'hold':
            Order.hold(orders, self.details.reason)
        elif action.startswith('set_'):
            name = action[len('set_'):]
            Order.set_fulfilment(orders, name, getattr(self.details, name))
        elif action == 'merge':
            Order.merge(orders)
        else:
            getattr(Order, action)(orders)

    def _action_string(self):
        field = self.start.fields_get(['action'])['action']
        return dict(field['selection'])[self.start.action]

    def _results(self, ids, before, since, errors):
        "What happened to each order, from its state and its last decision"
        pool = Pool()
        Order = pool.get('ecom.order')
        Result = pool.get('ecom.order.batch.result')
        Decision = pool.get('ecom.order.decision')
        decided = {}
        for decision in Decision.search([
                    ('order', 'in', ids),
                    ('id', '>', since),
                    ], order=[('id', 'ASC')]):
            decided[decision.order.id] = decision.outcome
        results = []
        for order in Order.browse(ids):
            if order.id in errors:
                outcome, reason = 'failed', errors[order.id]
            elif self._done(before[order.id], order):
                outcome, reason = 'done', decided.get(order.id, '')
            else:
                outcome, reason = 'skipped', self._skip_reason(
                    order, before[order.id], decided.get(order.id))
            results.append(Result(order=order, outcome=outcome,
                    reason=reason))
        return self.summary.count(results)

    def _done(self, before, order):
        state, held = before
        action = self.start.action
        if action == 'hold':
            return order.held and not held
        elif action == 'release':
            return held and not order.held
        elif action.startswith('set_'):
            return state in UNPOSTED_STATES
        elif action == 'merge':
            return True
        return order.state != state

    def _skip_reason(self, order, before, decided):
        state, held = before
        action = self.start.action
        sources = SOURCES[action]
        selected = json.loads(self.start.selected_states or '{}').get(
            str(order.id), state)
        if sources is not None and state not in sources:
            if selected in sources:
                return gettext('ecom_order_center.msg_batch_processed',
                    state=order.state_name(state))
            if order.state == 'exception' and order.exceptions:
                # What blocks the order says more than its state.
                return gettext('ecom_order_center.msg_batch_blocked',
                    reasons='; '.join(order.exceptions.splitlines()))
            return gettext('ecom_order_center.msg_batch_wrong_state',
                state=order.state_name(state))
        elif decided:
            return decided
        elif action == 'hold' and held:
            return gettext('ecom_order_center.msg_batch_already_held')
        elif action == 'release' and not held:
            return gettext('ecom_order_center.msg_batch_not_held')
        return gettext('ecom_order_center.msg_batch_unchanged')

    def default_summary(self, fields):
        return self.summary._default_values
