"""E-commerce orders: what the platform says, and the one way every order
goes through the suite.

States
======

``STATES`` are the order's states; the named sets below are the only place
that says which states belong together. ::

    draft ─▶ cs_approved ─▶ approved ─▶ posted ─▶ shipped ─▶ done
      ▲ │                                 (a sale.sale with its shipments)
      │ ▼
    exception            any unposted state ─▶ cancelled

Intake
======

``upsert_normalized`` (normalize.py) stores the orders the platforms send,
then ``Order.intake(orders)`` runs on them, in this order, the steps that
``Order._intake_steps()`` names. Each step is the class method
``_intake_<name>(orders)`` of one file; it picks from ``orders`` those in
the states it works on:

1. ``map``         listings → products; unmapped lines are findings
                   (normalize.py)
2. ``refunds``     orders whose every line the platform refunded are
                   cancelled (refund.py)
3. ``currency``    a currency unknown or without a rate on the order
                   date is a blocking finding (currency.py)
4. ``gifts``       gift rules add their lines (gift.py)
5. ``route``       warehouse, estimated weight, carrier and freight
                   (routing.py)
6. ``salesperson`` the seller memo names the salesperson, unless a
                   person chose one (salesperson.py)
7. ``merge``       automatic merges, where the shop wants them (merge.py)
8. ``exceptions``  exception rules leave findings; blocking findings put
                   the order in exception, none in draft (exception.py)
9. ``strategies``  audit strategies audit what needs no eyes
                   (strategy.py)

Orders already posted take the platform's news through
``Order._posted_update_steps()``, the methods ``_posted_<name>(orders)``:

1. ``intercept``   a refund request or a closed order stops the shipments
                   not gone yet (intercept.py)
2. ``remove_refunded``  refunded lines are taken out of the parcels, or
                   come back as customer returns (refund.py)
3. ``release``     shipments are let go when no refund is asked any more
                   (intercept.py)
4. ``finish``      shipped orders the platform reports finished are done
                   (lifecycle.py)
5. ``salesperson`` a memo changed names the salesperson again, unless a
                   person chose one (salesperson.py)

Shipping
========

Tryton's shipment buttons drive the rest (lifecycle.py): when every
customer shipment of a posted order that is not cancelled is done, the
order is ``shipped`` (transition ``ship``), with the carrier and the
tracking numbers of its shipments; a split order's parts ship on their
own, a merged group together. A shipped order is ``done`` (transition
``finish``) when the platform reports it finished or after the shop's
Done After Days (a daily cron). The platforms module confirms the shipment
on the platform from ``ship``.

Audits and posting
==================

``cs_audit``, ``finance_audit`` and ``post`` (posting.py) take the orders
through ``Order._audit_filters()`` / ``Order._posting_filters()``: each
``_filter_<name>(orders, state)`` returns the orders that go on and logs
why the others stay (``fresh``: locked and still in the state, ``held``:
not held, ``refunds``: no refund request unless the clerk goes on).
Posting then groups the orders into sales (``_posting_groups``, merge.py),
builds, quotes, confirms and processes the sales.

Findings and decisions
======================

``ecom.order.finding`` holds what each check found on the order now: the
rule, its action (block or warn), the values it saw and its message, whose
text is rendered in the reader's language. States and strategies read
findings, never texts. The top of the order's form (``attention``) shows
the blocking findings, each with what to do about it
(``OrderFinding._advice_messages``), a hold, then the warnings.
``ecom.order.decision`` is the history a person reads: every rule,
strategy and clerk decision, written by ``Order._log_decisions``.

Extending
=========

A module adds a step by overriding ``_intake_steps`` (or the other step
lists), inserting its name where it belongs, and defining the step's
method; it does not override ``write``, ``create`` or another step.
"""
import html
import json
import re
from datetime import datetime
from decimal import Decimal

from sql.operators import ILike

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .platform_status import status_name
from .validate import TEXT_LIMITS

# a split part's platform order id is the root's with a suffix (merge.py)
ORDER_ID_SIZE = TEXT_LIMITS['platform_order_id'] + 16

STATES = [
    ('draft', "Draft"),
    ('exception', "Exception"),
    ('cs_approved', "CS Approved"),
    ('approved', "Approved"),
    ('posted', "Posted"),
    ('shipped', "Shipped"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
# Waiting for intake's checks: what the platform sends still changes them
CHECKED_STATES = {'draft', 'exception'}
# Not a sale yet: can be audited, routed, merged, split, held, cancelled
UNPOSTED_STATES = CHECKED_STATES | {'cs_approved', 'approved'}
# Became sales: the platform no longer rewrites them, a change is a
# finding for a person
POSTED_STATES = {'posted', 'shipped', 'done'}
# Posted and not handed to the carrier yet: a refund stops the parcel
UNSHIPPED_STATES = {'posted'}
REFUND_STATES = [
    ('none', "None"),
    ('requested', "Requested"),
    ('refused', "Refused"),
    ('refunded', "Refunded"),
    ]
FINDING_ACTIONS = [
    ('block', "Block"),
    ('warn', "Warn"),
    ]
# Where the form's header shows what holds the order: blocking findings
# while something can still be done, warnings until the order is posted
ATTENTION_BLOCK_STATES = set(dict(STATES)) - {'cancelled', 'done'}
ATTENTION_WARN_STATES = UNPOSTED_STATES
# How the header shows a blocking line and a warning (sao's rich text)
ATTENTION_STYLES = {
    True: '<div><font size="4" color="#c9302c"><b>%s</b></font></div>',
    False: '<div><font color="#8a6d3b">%s</font></div>',
    }
# Longest text kept in a decision's rule column
RULE_SIZE = 255
# The platform's values are frozen once the order passed the checks
_FROZEN = ~Eval('state').in_(list(CHECKED_STATES))
# The flag colours sellers set on Taobao, Tmall and JD, and how a list
# shows them
FLAGS = [
    ('0', "No Flag"),
    ('1', "Red Flag"),
    ('2', "Yellow Flag"),
    ('3', "Green Flag"),
    ('4', "Blue Flag"),
    ('5', "Purple Flag"),
    ]
FLAG_VISUALS = {'1': 'danger', '2': 'warning', '3': 'success', '5': 'muted'}
# What the search box text is looked for in, beside the platform order id
# (the memo, a text, is searched apart: see search_rec_name)
SEARCH_FIELDS = ['buyer', 'receiver_name', 'receiver_phone', 'tracking_number',
    'lines.title', 'lines.product.code', 'lines.listing.outer_code']
# Order ids pasted from a spreadsheet are one a line, or beside each other
ID_SEPARATORS = re.compile(r'[\s,，;；、]+')
# A token that can be a platform order id: letters and digits, a digit in it
ORDER_ID_TOKEN = re.compile(r'(?=.*\d)[0-9A-Za-z_-]{6,}')


def cut(text, size):
    "The text, cut to size with an ellipsis when longer"
    text = text or ''
    return text if len(text) <= size else text[:size - 1] + '…'



def in_locked_transaction(func):
    """Run func in a transaction of its own and commit it, restarted with
    the locks func asks for (Tryton takes them as a transaction starts)

    For work that follows a slow call (a platform asked): the call is made
    before, in the caller's transaction with nothing written, and only the
    short work after it holds locks."""
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        with Transaction().new_transaction(**extras) as transaction:
            try:
                result = func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return result

class Order(Workflow, ModelSQL, ModelView):
    "E-commerce Order"
    __name__ = 'ecom.order'
    _rec_name = 'platform_order_id'

    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    company = fields.Function(
        fields.Many2One('company.company', "Company"), 'get_company',
        searcher='search_company')
    platform_order_id = fields.Char("Platform Order ID", required=True,
        size=ORDER_ID_SIZE, states={'readonly': Eval('id', -1) >= 0})
    platform_status = fields.Char("Platform Status", readonly=True,
        size=TEXT_LIMITS['platform_status'])
    buyer = fields.Char("Buyer", size=TEXT_LIMITS['buyer'],
        states={'readonly': _FROZEN})
    receiver_name = fields.Char("Receiver",
        size=TEXT_LIMITS['receiver_name'], states={'readonly': _FROZEN})
    receiver_phone = fields.Char("Phone",
        size=TEXT_LIMITS['receiver_phone'], states={'readonly': _FROZEN})
    receiver_country = fields.Many2One('country.country', "Country",
        states={'readonly': _FROZEN})
    receiver_subdivision = fields.Many2One(
        'country.subdivision', "Province",
        states={'readonly': _FROZEN},
        help="The province, state or region of the address.")
    receiver_city = fields.Char("City", size=TEXT_LIMITS['receiver_city'],
        states={'readonly': _FROZEN})
    receiver_district = fields.Char("District",
        size=TEXT_LIMITS['receiver_district'],
        states={'readonly': _FROZEN})
    receiver_address = fields.Char("Address",
        size=TEXT_LIMITS['receiver_address'],
        states={'readonly': _FROZEN})
    receiver_zip = fields.Char("Postal Code",
        size=TEXT_LIMITS['receiver_zip'], states={'readonly': _FROZEN})
    buyer_message = fields.Text("Buyer Message", readonly=True)
    seller_memo = fields.Text("Seller Memo")
    seller_flag = fields.Integer("Seller Flag",
        help="The coloured flag the seller set on the platform (0 = none).")
    flag = fields.Function(fields.Selection(FLAGS, "Flag",
            help="The coloured flag the seller set on the platform."),
        'get_flag', searcher='search_flag')
    platform_status_name = fields.Function(fields.Char("Platform Status",
            help="The order's status on the platform, with the code the "
            "platform sent."),
        'get_platform_status_name')
    items = fields.Function(fields.Char("Items",
            help="What the order holds: each line's code and quantity."),
        'get_items')
    order_date = fields.DateTime("Order Date",
        states={'readonly': _FROZEN})
    pay_date = fields.DateTime("Pay Date", states={'readonly': _FROZEN})
    currency = fields.Many2One('currency.currency', "Currency", required=True,
        states={'readonly': _FROZEN},
        help="The currency the buyer paid in: the sale is made in it.")
    currency_code = fields.Char("Platform Currency",
        size=TEXT_LIMITS['currency'], readonly=True,
        help="The ISO code of the currency the platform sent, if any.")
    total_amount = fields.Numeric("Total Amount", digits=(16, 2),
        states={'readonly': _FROZEN},
        help="What the buyer paid, shipping included.")
    shipping_amount = fields.Numeric("Shipping Amount", digits=(16, 2),
        states={'readonly': _FROZEN})
    lines = fields.One2Many('ecom.order.line', 'order', "Lines",
        states={'readonly': _FROZEN})
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    refund_state = fields.Selection(REFUND_STATES, "Refund State",
        readonly=True, required=True)
    exceptions = fields.Function(fields.Text("Exceptions",
            help="Why the order cannot go on, one reason a line."),
        'get_exceptions', searcher='search_exceptions')
    findings = fields.One2Many('ecom.order.finding', 'order', "Findings",
        readonly=True,
        help="What the checks found on the order, blocking or warning.")
    attention = fields.Function(fields.Text("Attention",
            help="What holds the order and what to do about it, one a "
            "line, blocking first, then the warnings."),
        'get_attention')
    attention_html = fields.Function(fields.Text("Attention",
            states={'invisible': ~Eval('attention_html')},
            help="What holds the order and what to do about it."),
        'get_attention')
    warehouse = fields.Many2One('stock.location', "Warehouse",
        domain=[('type', '=', 'warehouse')])
    carrier = fields.Many2One('carrier', "Carrier")
    salesperson = fields.Many2One('company.employee', "Salesperson")
    weight = fields.Float("Weight (kg)", digits=(16, 3), readonly=True)
    freight_cost = fields.Numeric("Freight Cost", digits=(16, 2),
        readonly=True)
    sales = fields.Many2Many('ecom.order-sale.sale', 'order', 'sale',
        "Sales", readonly=True)
    decisions = fields.One2Many('ecom.order.decision', 'order', "Decisions",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('shop_platform_order_unique',
                Unique(t, t.shop, t.platform_order_id),
                'ecom_order_center.msg_order_unique'),
            ]
        cls._sql_indexes.update({
                # The tabs and the 待办 board count orders by state.
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                # Possible duplicates and merges are looked up by buyer.
                Index(t, (t.shop, Index.Equality()),
                    (t.buyer, Index.Equality())),
                })
        cls._order = [('order_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {(s, 'cancelled') for s in UNPOSTED_STATES}
        cls._transitions |= {('cancelled', 'draft')}
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(list(UNPOSTED_STATES)),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_refund_state():
        return 'none'

    @staticmethod
    def default_currency():
        Company = Pool().get('company.company')
        company_id = Transaction().context.get('company')
        if company_id is not None and company_id >= 0:
            return Company(company_id).currency.id

    @staticmethod
    def default_shipping_amount():
        return Decimal(0)

    @classmethod
    def state_name(cls, state):
        "The name of the state in the user's language"
        return dict(cls.fields_get(['state'])['state']['selection'])[state]

    @classmethod
    def get_exceptions(cls, orders, name):
        Finding = Pool().get('ecom.order.finding')
        blocked = Finding.blocking(orders)
        return {o.id: '\n'.join(f.render() for f in blocked.get(o.id, []))
            or None for o in orders}

    @classmethod
    def get_attention(cls, orders, names):
        """The lines of _attention_lines, blocking first: as plain text
        (attention) and styled for the form (attention_html)"""
        lines = cls._attention_lines(orders)
        result = {name: {} for name in names}
        for order in orders:
            ordered = sorted(lines.get(order.id, []),
                key=lambda line: not line[0])
            if 'attention' in names:
                result['attention'][order.id] = '\n'.join(
                    t for _, t in ordered) or None
            if 'attention_html' in names:
                result['attention_html'][order.id] = ''.join(
                    ATTENTION_STYLES[b] % html.escape(t)
                    for b, t in ordered) or None
        return result

    @classmethod
    def _attention_lines(cls, orders):
        """What holds each order and what to do, in the reader's language,
        per order id: a list of (blocking, text); from the findings, read
        at once for all the orders

        A module adds the lines of what it holds an order for."""
        Finding = Pool().get('ecom.order.finding')
        shown = {o.id: o.state for o in orders}
        lines = {}
        for order_id, findings in Finding.of_orders(orders).items():
            state = shown[order_id]
            for finding in findings:
                blocking = finding.action == 'block'
                if state in (ATTENTION_BLOCK_STATES if blocking
                        else ATTENTION_WARN_STATES):
                    lines.setdefault(order_id, []).append(
                        (blocking, finding.attention()))
        return lines

    @classmethod
    def search_exceptions(cls, name, clause):
        _, operator, value = clause[:3]
        if value is None:
            return [('findings', 'where' if operator == '!=' else
                    'not where', [('action', '=', 'block')])]
        return [('findings', 'where', [
                    ('action', '=', 'block'),
                    ('values', operator, value),
                    ])]

    def get_company(self, name):
        return self.shop.company.id

    def get_flag(self, name):
        flag = str(self.seller_flag or 0)
        return flag if flag in dict(FLAGS) else None

    @classmethod
    def search_flag(cls, name, clause):
        _, operator, value = clause[:3]
        values = value if isinstance(value, (list, tuple)) else [value]
        flags = [int(v) for v in values if v] + (
            [0, None] if any(not v or v == '0' for v in values) else [])
        if operator in {'!=', 'not in'}:
            return [('seller_flag', 'not in', flags)]
        return [('seller_flag', 'in', flags)]

    def get_platform_status_name(self, name):
        return status_name(self.shop.platform, self.platform_status)

    @classmethod
    def get_items(cls, orders, name):
        "Each line's product code (or its title) and quantity"
        items = {}
        for order in orders:
            items[order.id] = ', '.join('%s×%g' % (
                    (line.product.code if line.product else None)
                    or (line.listing.outer_code if line.listing else None)
                    or line.title or '', line.quantity or 0)
                for line in order.lines)
        return items

    @classmethod
    def view_attributes(cls):
        visual = ''
        for flag, style in FLAG_VISUALS.items():
            visual = If(Eval('flag') == flag, style, visual)
        return super().view_attributes() + [
            ('/tree/field[@name="flag"]', 'visual', visual),
            ]

    @classmethod
    def search_rec_name(cls, name, clause):
        """The search box finds an order by its platform id (several ids
        at once, pasted one a line), buyer, receiver, phone (its last
        digits too), tracking number, seller memo, or a line's title or
        product code"""
        _, operator, value = clause[:3]
        negative = operator.startswith('!') or operator.startswith('not ')
        domain = ['AND' if negative else 'OR',
            ('platform_order_id', operator, value),
            *((f, operator, value) for f in SEARCH_FIELDS)]
        if isinstance(value, str) and operator in {'ilike', 'not ilike'}:
            # PostgreSQL searches a text by its words, which Chinese has
            # no spaces between: the memo is matched as a plain string
            table = cls.__table__()
            domain.append(('id', 'not in' if negative else 'in',
                    table.select(table.id,
                        where=ILike(table.seller_memo, value))))
        if isinstance(value, str) and not negative:
            ids = [t for t in ID_SEPARATORS.split(value.strip('%')) if t]
            if len(ids) > 1:
                domain.append(('platform_order_id', 'in', ids))
        return domain

    @classmethod
    def search(cls, domain, *args, **kwargs):
        return super().search(cls._pasted_order_ids(domain), *args, **kwargs)

    @classmethod
    def _pasted_order_ids(cls, domain):
        """The web client splits the search box text on spaces into clauses
        on the name that must all hold: when each is an order id, as ids
        pasted from a spreadsheet are, an order with any of them is found
        too"""
        def is_clause(d):
            return (isinstance(d, (list, tuple)) and bool(d)
                and isinstance(d[0], str) and d[0] not in {'AND', 'OR'})

        def name_token(d):
            if (is_clause(d) and len(d) == 3 and d[0] == 'rec_name'
                    and d[1] == 'ilike' and isinstance(d[2], str)):
                return d[2].strip('%')

        if not isinstance(domain, list) or is_clause(domain):
            return domain
        domain = [d if isinstance(d, str) else cls._pasted_order_ids(d)
            for d in domain]
        if domain and domain[0] == 'OR':
            return domain
        tokens = [name_token(d) for d in domain]
        ids = [t for t in tokens if t is not None]
        if len(ids) < 2 or not all(ORDER_ID_TOKEN.fullmatch(t) for t in ids):
            return domain
        names = [d for d, t in zip(domain, tokens) if t is not None]
        others = [d for d, t in zip(domain, tokens)
            if t is None and d != 'AND']
        return [*others, ['OR', ('platform_order_id', 'in', ids), names]]

    @classmethod
    def search_company(cls, name, clause):
        return [('shop.' + clause[0],) + tuple(clause[1:])]

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, orders):
        pass

    # the pipeline (see the module docstring)
    @classmethod
    def _intake_steps(cls):
        return ['map', 'refunds', 'currency', 'gifts', 'route',
            'salesperson', 'merge', 'exceptions', 'strategies']

    @classmethod
    def intake(cls, orders):
        "Run the intake steps, in order, on the orders"
        cls._run_steps('_intake_', cls._intake_steps(),
            [o for o in orders if o.state in CHECKED_STATES])

    @classmethod
    def _posted_update_steps(cls):
        return ['intercept', 'remove_refunded', 'release', 'finish',
            'salesperson']

    @classmethod
    def posted_update(cls, orders):
        "Run the steps that act on posted orders the platform changed"
        cls._run_steps('_posted_', cls._posted_update_steps(),
            [o for o in orders if o.state in POSTED_STATES])

    @classmethod
    def _run_steps(cls, prefix, steps, orders):
        "Call the method prefix + step of each step, in turn, on the orders"
        if not orders:
            return
        for step in steps:
            getattr(cls, prefix + step)(orders)
            # A step may have written the orders: read them afresh.
            orders = cls.browse([o.id for o in orders])

    @classmethod
    def _run_filters(cls, filters, orders, state):
        "Keep the orders that every filter lets through, in turn"
        for name in filters:
            if not orders:
                break
            orders = getattr(cls, '_filter_' + name)(orders, state)
        return orders

    # shared helpers
    @classmethod
    def set_checked_state(cls, orders, kinds=None):
        """Put in exception the orders with a blocking finding (of the
        kinds), the others in draft"""
        Finding = Pool().get('ecom.order.finding')
        blocked = Finding.blocking(orders, kinds)
        to_write = {'draft': [], 'exception': []}
        for order in orders:
            if order.state not in CHECKED_STATES:
                continue
            state = 'exception' if blocked.get(order.id) else 'draft'
            if state != order.state:
                to_write[state].append(order)
        args = [v for state, group in to_write.items() if group
            for v in (group, {'state': state})]
        if args:
            cls.write(*args)

    @classmethod
    def lock_current(cls, orders, state=None):
        """Lock the orders and return them as they are now, only those
        still in state when given

        Two clerks acting on overlapping selections wait for each other
        here and the second one finds the orders already moved on."""
        if not orders:
            return []
        cls.lock(orders)
        orders = cls.browse([o.id for o in orders])
        if state is not None:
            orders = [o for o in orders if o.state == state]
        return orders

    @classmethod
    def _log_decisions(cls, entries):
        """Save decisions given as (order, rule, values, outcome): every
        decision of the suite is written here"""
        pool = Pool()
        Decision = pool.get('ecom.order.decision')
        now = datetime.now()
        Decision.save([Decision(order=order, date=now,
                    rule=cut(rule, RULE_SIZE), values=values or '',
                    outcome=outcome or '')
                for order, rule, values, outcome in entries])

    @classmethod
    def _log_decision(cls, orders, rule, outcome):
        "Log on the orders the outcome of a clerk's or the system's action"
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        cls._log_decisions(
            (o, rule, user.rec_name, outcome) for o in orders)

    @classmethod
    def _log_each(cls, orders, rule, outcome):
        "Log on each order the outcome(order) of the rule"
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        cls._log_decisions(
            (o, rule, user.rec_name, outcome(o)) for o in orders)


class OrderLine(ModelSQL, ModelView):
    "E-commerce Order Line"
    __name__ = 'ecom.order.line'

    order = fields.Many2One('ecom.order', "Order", required=True,
        ondelete='CASCADE')
    platform_line_id = fields.Char("Platform Line ID",
        size=TEXT_LIMITS['platform_line_id'])
    listing = fields.Many2One('ecom.listing', "Listing",
        domain=[('shop', '=', Eval('_parent_order.shop', -1))])
    product = fields.Many2One('product.product', "Product")
    title = fields.Char("Title", size=TEXT_LIMITS['title'])
    quantity = fields.Float("Quantity", digits=(16, 0), required=True)
    unit_price = fields.Numeric("Unit Price", digits=(16, 4), required=True)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        help="What the buyer paid for this line after discounts.")
    refund_state = fields.Selection(REFUND_STATES, "Refund State",
        readonly=True, required=True)
    gift = fields.Boolean("Gift", readonly=True)

    @staticmethod
    def default_quantity():
        return 1

    @staticmethod
    def default_unit_price():
        return Decimal(0)

    @staticmethod
    def default_amount():
        return Decimal(0)

    @staticmethod
    def default_refund_state():
        return 'none'

    @staticmethod
    def default_gift():
        return False

    @fields.depends('quantity', 'unit_price')
    def on_change_with_amount(self):
        if self.quantity is not None and self.unit_price is not None:
            return (Decimal(str(self.quantity)) * self.unit_price).quantize(
                Decimal('0.01'))


class OrderDecision(ModelSQL, ModelView):
    "E-commerce Order Decision"
    __name__ = 'ecom.order.decision'

    order = fields.Many2One('ecom.order', "Order", required=True,
        ondelete='CASCADE')
    date = fields.DateTime("Date", required=True, readonly=True)
    rule = fields.Char("Rule", readonly=True,
        help="The rule, strategy or person that decided.")
    values = fields.Text("Values", readonly=True,
        help="The order values the rule looked at.")
    outcome = fields.Text("Outcome", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The latest first, also among those of the same second
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_date():
        return datetime.now()


class OrderFinding(ModelSQL, ModelView):
    """E-commerce Order Finding

    What one check found on the order now. Its message is an ir.message
    rendered, in the reader's language, with the values the check saw."""
    __name__ = 'ecom.order.finding'

    order = fields.Many2One('ecom.order', "Order", required=True,
        ondelete='CASCADE')
    kind = fields.Selection('get_kinds', "Check", required=True,
        readonly=True)
    rule = fields.Many2One('ecom.exception_rule', "Rule", readonly=True,
        ondelete='SET NULL',
        help="The exception rule that fired; empty for the suite's own "
        "checks.")
    action = fields.Selection(FINDING_ACTIONS, "Action", required=True,
        readonly=True)
    message_id = fields.Char("Message ID", required=True, readonly=True)
    values = fields.Text("Values", readonly=True,
        help="What the check saw, as the message shows it.")
    message = fields.Function(fields.Text("Message"), 'get_message')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.order, Index.Range())))
        cls._order = [('action', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_kinds(cls):
        "The checks that leave findings: the exception rule kinds and more"
        pool = Pool()
        Rule = pool.get('ecom.exception_rule')
        return Rule.fields_get(['kind'])['kind']['selection'] + [
            ('mapping', gettext('ecom_order_center.msg_finding_mapping')),
            ('changed', gettext('ecom_order_center.msg_finding_changed')),
            ('intercept', gettext('ecom_order_center.msg_finding_intercept')),
            ('currency', gettext('ecom_order_center.msg_finding_currency')),
            ('salesperson',
                gettext('ecom_order_center.msg_finding_salesperson')),
            ]

    @classmethod
    def new(cls, order, kind, action, message_id, rule=None, **values):
        "A finding on order of the message_id rendered with values"
        return cls(order=order, kind=kind, action=action, rule=rule,
            message_id=message_id,
            values=json.dumps(values, ensure_ascii=False, sort_keys=True,
                default=str))

    @property
    def arguments(self):
        try:
            return json.loads(self.values or '{}')
        except ValueError:
            return {}

    def get_message(self, name):
        return self.render()

    @classmethod
    def _advice_messages(cls):
        """The message that says what to do about a blocking finding, by
        the finding's message id or, failing that, by its kind"""
        return {
            'mapping': 'ecom_order_center.msg_advice_mapping',
            'ecom_order_center.msg_currency_unknown': (
                'ecom_order_center.msg_advice_currency_unknown'),
            'currency': 'ecom_order_center.msg_advice_currency_rate',
            'changed': 'ecom_order_center.msg_advice_changed',
            'ecom_order_center.msg_intercept_return': (
                'ecom_order_center.msg_advice_intercept_return'),
            'intercept': 'ecom_order_center.msg_advice_intercepted',
            'stock': 'ecom_order_center.msg_advice_stock',
            'address': 'ecom_order_center.msg_advice_address',
            'buyer_message': 'ecom_order_center.msg_advice_buyer_message',
            'seller_memo': 'ecom_order_center.msg_advice_seller_memo',
            'price_floor': 'ecom_order_center.msg_advice_price_floor',
            'blacklist': 'ecom_order_center.msg_advice_blacklist',
            'status': 'ecom_order_center.msg_advice_status',
            'refund': 'ecom_order_center.msg_advice_refund',
            'duplicate': 'ecom_order_center.msg_advice_duplicate',
            }

    def attention(self):
        """The finding as the order's header shows it, in the reader's
        language: a blocking one with what to do, a warning marked so"""
        if self.action != 'block':
            return gettext('ecom_order_center.msg_attention_warn',
                finding=self.render())
        advice = self._advice_messages()
        message = advice.get(self.message_id) or advice.get(self.kind)
        if not message:
            return self.render()
        return gettext('ecom_order_center.msg_attention_block',
            finding=self.render(),
            advice=gettext(message))

    def render(self):
        "The message in the reader's language"
        return gettext(self.message_id, **self.arguments)

    def same(self, other):
        "Whether both found the same thing"
        return ((self.kind, self.rule, self.action, self.message_id,
                self.values)
            == (other.kind, other.rule, other.action, other.message_id,
                other.values))

    @classmethod
    def of_orders(cls, orders, kinds=None, action=None):
        "The findings (of the kinds, with the action) per order id"
        domain = [('order', 'in', [o.id for o in orders])]
        if kinds is not None:
            domain.append(('kind', 'in', list(kinds)))
        if action is not None:
            domain.append(('action', '=', action))
        result = {}
        for finding in cls.search(domain):
            result.setdefault(finding.order.id, []).append(finding)
        return result

    @classmethod
    def blocking(cls, orders, kinds=None):
        "The blocking findings (of the kinds) per order id"
        return cls.of_orders(orders, kinds, 'block')

    @classmethod
    def replace(cls, orders, findings, kinds):
        """Make the findings of the kinds on the orders those given: the
        findings that stay are kept, others deleted or created; return the
        ids of the orders whose findings changed"""
        by_order = {}
        for finding in findings:
            by_order.setdefault(finding.order.id, []).append(finding)
        existing = cls.of_orders(orders, kinds)
        to_delete, to_save = [], []
        for order in orders:
            new = by_order.get(order.id, [])
            for old in existing.get(order.id, []):
                same = next((f for f in new if f.same(old)), None)
                if same is not None:
                    new.remove(same)
                else:
                    to_delete.append(old)
            to_save.extend(new)
        changed = {f.order.id for f in to_delete + to_save}
        cls.delete(to_delete)
        cls.save(to_save)
        return changed

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Order = pool.get('ecom.order')
        super().__register__(module)
        # Orders kept their reasons as text lines before findings.
        order_h = Order.__table_handler__(module)
        if order_h.column_exist('exceptions'):
            cls._migrate_exceptions(Order.__table__())
            order_h.drop_column('exceptions')

    @classmethod
    def _migrate_exceptions(cls, order_table):
        "Keep the texts of the orders' former exceptions column as findings"
        cursor = Transaction().connection.cursor()
        cursor.execute(*order_table.select(order_table.id,
                order_table.exceptions,
                where=order_table.exceptions != None))  # noqa: E711
        findings = []
        for order_id, text in cursor.fetchall():
            for line in (text or '').splitlines():
                findings.append(cls.new(order_id, 'changed', 'block',
                        'ecom_order_center.msg_finding_text', text=line))
        cls.save(findings)


class OrderSale(ModelSQL):
    "E-commerce Order - Sale"
    __name__ = 'ecom.order-sale.sale'

    order = fields.Many2One('ecom.order', "Order", required=True,
        ondelete='CASCADE')
    sale = fields.Many2One('sale.sale', "Sale", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.order, Index.Range())),
                Index(t, (t.sale, Index.Range())),
                })
