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
from collections import namedtuple

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields, sequence_ordered
from trytond.model.exceptions import ValidationError
from trytond.pool import PoolMeta

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


def match_memo(memo, patterns, aliases, employees):
    """What the memo says of the salesperson, or None when no pattern finds
    a name in it

    The patterns are tried in turn, the text the first group of the first
    that matches is the name; aliases maps a name to its employee,
    employees a name to the employees of that name."""
    for pattern in patterns:
        found = re.search(pattern, memo or '')
        name = (found.group(1) or '').strip() if found else ''
        if not name:
            continue
        if name in aliases:
            return MemoMatch(pattern, name, aliases[name], None)
        named = employees.get(name, [])
        if len(named) == 1:
            return MemoMatch(pattern, name, named[0], None)
        return MemoMatch(pattern, name, None,
            'ambiguous' if named else 'unknown')
    return None


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
