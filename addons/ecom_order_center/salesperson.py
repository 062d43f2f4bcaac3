"""The order's salesperson, read from the seller memo.

Each shop lists memo patterns (regular expressions with one group, in
sequence) and aliases (a name sellers write → an employee). At intake,
and when a posted order's memo changes, the first pattern that finds a
name in the memo names the salesperson: the shop's alias of that name,
else the company's employee of that name. A salesperson set by hand (the
order form, the batch action, the sale) is kept: the memo no longer
changes it. A name that stands for no employee is a warning finding and
leaves the salesperson empty.

The sale shows the salesperson of its orders, the one salesperson
performance counts, and setting it there sets theirs."""
import re
from collections import defaultdict, namedtuple

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .order import CHECKED_STATES, POSTED_STATES

# What a memo says of the salesperson: the pattern that found a name, the
# name, the employee it stands for (None when there is none) and why not
MemoMatch = namedtuple('MemoMatch', ['pattern', 'name', 'employee', 'miss'])


class SalespersonPatternError(ValidationError):
    pass


def check_pattern(pattern):
    """Raise ValueError with the message id and its values when the
    pattern does not compile or captures nothing"""
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValueError('ecom_order_center.msg_salesperson_pattern_invalid',
            {'position': (error.pos or 0) + 1})
    if not compiled.groups:
        raise ValueError('ecom_order_center.msg_salesperson_pattern_group',
            {})


def memo_name(memo, patterns):
    """The name the first of the patterns that captures one finds in the
    memo, as (pattern, name); None when none does"""
    for pattern in patterns:
        found = re.search(pattern, memo or '')
        name = (found.group(1) or '').strip() if found else ''
        if name:
            return pattern, name


def match_memo(memo, patterns, aliases, employees):
    """What the memo says of the salesperson, or None when no pattern finds
    a name in it

    The patterns are tried in turn (memo_name); aliases maps a name to its
    employee, employees a name to the employees of that name."""
    return name_employee(memo_name(memo, patterns), aliases, employees)


def name_employee(found, aliases, employees):
    """The MemoMatch of the (pattern, name) memo_name found, None for
    None"""
    if found is None:
        return None
    pattern, name = found
    if name in aliases:
        return MemoMatch(pattern, name, aliases[name], None)
    named = employees.get(name, [])
    if len(named) == 1:
        return MemoMatch(pattern, name, named[0], None)
    return MemoMatch(pattern, name, None, 'ambiguous' if named else 'unknown')


class SalespersonPattern(sequence_ordered(), ModelSQL, ModelView):
    "Salesperson Memo Pattern"
    __name__ = 'ecom.shop.salesperson_pattern'

    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        ondelete='CASCADE')
    pattern = fields.Char("Pattern", required=True,
        help="A regular expression with one group in parentheses: the text "
        "the group captures in the seller memo is the salesperson's name, "
        "as in 业务员[:：]\\s*(\\S+) or #(\\S+).")

    @classmethod
    def validate_fields(cls, patterns, field_names):
        super().validate_fields(patterns, field_names)
        if 'pattern' in field_names:
            for pattern in patterns:
                try:
                    check_pattern(pattern.pattern)
                except ValueError as error:
                    message, values = error.args
                    raise SalespersonPatternError(gettext(message,
                            pattern=pattern.pattern,
                            shop=pattern.shop.rec_name, **values))


class SalespersonAlias(ModelSQL, ModelView):
    "Salesperson Alias"
    __name__ = 'ecom.shop.salesperson_alias'

    shop = fields.Many2One('ecom.shop', "Shop", required=True,
        ondelete='CASCADE')
    name = fields.Char("Alias", required=True,
        help="The name as sellers write it in the seller memo.")
    employee = fields.Many2One('company.employee', "Employee",
        required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('shop_alias_unique', Unique(t, t.shop, t.name),
                'ecom_order_center.msg_salesperson_alias_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))


class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    salesperson_patterns = fields.One2Many('ecom.shop.salesperson_pattern',
        'shop', "Salesperson Memo Patterns",
        help="Tried in turn on the seller memo of each order: the first "
        "that finds a name sets the order's salesperson, unless a person "
        "chose it.")
    salesperson_aliases = fields.One2Many('ecom.shop.salesperson_alias',
        'shop', "Salesperson Aliases",
        help="Names written in the seller memo for an employee; an "
        "employee is also found by their own name.")


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    salesperson_by_hand = fields.Boolean("Salesperson Set by Hand",
        help="A person chose the salesperson: the seller memo does not "
        "change it. Untick to let the memo decide from its next download.")

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)
        new = not table_h.column_exist('salesperson_by_hand')
        super().__register__(module)
        if new:
            # Before the memo was read, a salesperson was chosen by hand.
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update([table.salesperson_by_hand], [True],
                    where=table.salesperson != None))  # noqa: E711

    @classmethod
    def default_salesperson_by_hand(cls):
        return False

    @fields.depends('salesperson')
    def on_change_salesperson(self):
        self.salesperson_by_hand = True

    @classmethod
    def _intake_salesperson(cls, orders):
        "The seller memo names the salesperson of the orders being checked"
        cls._salesperson_from_memo(
            [o for o in orders if o.state in CHECKED_STATES])

    @classmethod
    def _posted_salesperson(cls, orders):
        "A memo changed after posting names the salesperson again"
        cls._salesperson_from_memo(
            [o for o in orders if o.state in POSTED_STATES])

    @classmethod
    def _salesperson_from_memo(cls, orders):
        """Set the salesperson the memo names on the orders whose
        salesperson no person chose; a name of no employee is a warning
        and leaves it empty; record each change"""
        pool = Pool()
        Finding = pool.get('ecom.order.finding')
        if not orders:
            return
        read = [o for o in orders if not o.salesperson_by_hand]
        rules = {shop.id: (
                [p.pattern for p in shop.salesperson_patterns],
                {a.name: a.employee for a in shop.salesperson_aliases})
            for shop in {o.shop for o in read}}
        names = {o: memo_name(o.seller_memo, rules[o.shop.id][0])
            for o in read}
        employees = cls._employees_named(
            {o.shop.company.id for o, n in names.items() if n},
            {n[1] for n in names.values() if n})
        matches, findings = {}, []
        for order in read:
            aliases = rules[order.shop.id][1]
            match = name_employee(names[order], aliases,
                employees[order.shop.company.id])
            if match is None:
                continue
            matches[order] = match
            if match.miss:
                findings.append(Finding.new(order, 'salesperson', 'warn',
                        'ecom_order_center.msg_salesperson_' + match.miss,
                        name=match.name, pattern=match.pattern))
        changed = Finding.replace(orders, findings, {'salesperson'})
        missed = {f.order.id: f for f in findings}
        to_write, entries = defaultdict(list), []
        for order, match in matches.items():
            if order.salesperson != match.employee:
                to_write[match.employee].append(order)
            elif order.id not in changed or order.id not in missed:
                continue
            entries.append((order,
                    gettext('ecom_order_center.msg_rule_salesperson_memo'),
                    f'{match.pattern} → {match.name}',
                    match.employee.rec_name if match.employee
                    else missed[order.id].render()))
        if to_write:
            cls.write(*(v for employee, group in to_write.items()
                    for v in (group,
                        {'salesperson': employee.id if employee else None})))
        cls._log_decisions(entries)

    @classmethod
    def _employees_named(cls, companies, names):
        """The employees of the companies whose party has one of the names,
        by name, per company id"""
        Employee = Pool().get('company.employee')
        by_name = defaultdict(lambda: defaultdict(list))
        if companies and names:
            for employee in Employee.search([
                        ('company', 'in', list(companies)),
                        ('party.name', 'in', list(names)),
                        ]):
                by_name[employee.company.id][employee.party.name].append(
                    employee)
        return by_name


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_salesperson = fields.Function(fields.Many2One('company.employee',
            "Salesperson",
            states={'readonly': ~Eval('ecom_orders')},
            help="The salesperson of the sale's e-commerce orders, whom "
            "salesperson performance counts them for; setting it here sets "
            "theirs."),
        'get_ecom_salesperson', setter='set_ecom_salesperson',
        searcher='search_ecom_salesperson')

    def get_ecom_salesperson(self, name):
        # the first order's, as the sale's figures count it
        orders = sorted(self.ecom_orders, key=lambda o: o.id)
        if orders and orders[0].salesperson:
            return orders[0].salesperson.id

    @classmethod
    def set_ecom_salesperson(cls, sales, name, value):
        pool = Pool()
        Order = pool.get('ecom.order')
        Employee = pool.get('company.employee')
        orders = [o for s in sales for o in s.ecom_orders]
        if not orders:
            return
        Order.write(orders, {
                'salesperson': value,
                'salesperson_by_hand': True,
                })
        Order._log_decision(orders,
            gettext('ecom_order_center.msg_rule_set_by_hand',
                field=Order.fields_get(['salesperson'])[
                    'salesperson']['string']),
            Employee(value).rec_name if value is not None else '')

    @classmethod
    def search_ecom_salesperson(cls, name, clause):
        return [('ecom_orders.salesperson' + clause[0][len(name):],)
            + tuple(clause[1:])]
