"""Merge orders shipped together and split orders shipped in parts.

Every part keeps its platform order, for tracking write-back and refunds:

- A merge leaves each order and its lines as they are and points the other
  orders of the group to one master with ``merged_into``. The group is
  posted as one sale: the master's lines and those of its
  ``merged_orders``. Unmerging clears ``merged_into``.
- A split moves lines (or part of their quantity) to new child orders whose
  ``split_from`` is the order that holds the platform order ID (the root,
  even when a part is split again). A child's ``platform_order_id`` is the
  root's with a suffix (``<id>-2``, ``<id>-3``…) because (shop,
  platform_order_id) is unique; its lines keep their ``platform_line_id``.
  Each part is posted as its own sale. Unsplitting moves the lines back.
"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .order import UNPOSTED_STATES



class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    auto_merge = fields.Boolean("Merge Automatically",
        help="Merge each new order with the orders not audited yet "
        "of the same buyer to the same address.")

    @staticmethod
    def default_auto_merge():
        return False


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    merged_into = fields.Many2One('ecom.order', "Merged Into", readonly=True,
        ondelete='RESTRICT',
        help="The order this one ships with, as one parcel and one sale.")
    merged_orders = fields.One2Many('ecom.order', 'merged_into',
        "Merged Orders", readonly=True)
    split_from = fields.Many2One('ecom.order', "Split From", readonly=True,
        ondelete='RESTRICT',
        help="The platform's order this part was split from.")
    split_orders = fields.One2Many('ecom.order', 'split_from', "Split Parts",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        unposted = Eval('state').in_(list(UNPOSTED_STATES))
        cls._buttons.update({
                'unmerge': {
                    'invisible': ~unposted | ~(
                        Bool(Eval('merged_into'))
                        | Bool(Eval('merged_orders'))),
                    'depends': ['state', 'merged_into', 'merged_orders'],
                    },
                'unsplit': {
                    'invisible': ~unposted | ~Bool(Eval('split_orders')),
                    'depends': ['state', 'split_orders'],
                    },
                })

    def shipped_with(self):
        master = self.merged_into or self
        return {master.id} | {o.id for o in master.merged_orders}

    @classmethod
    def _intake_merge(cls, orders):
        """Merge the mapped orders of shops that merge automatically with
        the other orders not audited yet of the same buyer and address"""
        waiting = [o for o in orders
            if o.state == 'draft' and o.shop.auto_merge
            and not o.split_from and not o.split_orders]
        for group in (cls.suggest_merges(waiting) if waiting else []):
            if all(o.state == 'draft' for o in group):
                cls.merge(group, rule=gettext(
                        'ecom_order_center.msg_merge_auto_rule'))

    @classmethod
    def suggest_merges(cls, orders):
        """Return the groups of unposted orders, the given ones and others,
        that could ship together; each group's master first"""
        candidates = cls.search([
                ('shop', 'in', list({o.shop.id for o in orders})),
                ('buyer', 'in', list({o.buyer for o in orders})),
                ('state', 'in', list(UNPOSTED_STATES)),
                ('split_from', '=', None),
                ('split_orders', '=', None),
                ])
        keys = {o.merge_key() for o in orders}
        groups = defaultdict(list)
        for order in candidates:
            key = order.merge_key()
            if key in keys:
                groups[key].append(order)
        return [sorted(g, key=cls._merge_rank) for g in groups.values()
            if len({o.merged_into or o for o in g}) > 1]

    @staticmethod
    def _merge_rank(order):
        "Masters first, then the earliest order"
        return (order.merged_into is not None,
            order.order_date or order.create_date, order.id)

    @classmethod
    def merge(cls, orders, rule=None):
        "Merge the orders into the first as master; return the master"
        orders = set(orders)
        orders.update(o.merged_into for o in list(orders) if o.merged_into)
        orders.update(m for o in list(orders) for m in o.merged_orders)
        orders = sorted(orders, key=cls._merge_rank)
        if len(orders) < 2:
            raise AccessError(gettext('ecom_order_center.msg_merge_one'))
        cls._check_unposted(orders, 'ecom_order_center.msg_merge_posted')
        split = [o for o in orders if o.split_from or o.split_orders]
        if split:
            raise AccessError(gettext('ecom_order_center.msg_merge_split',
                    orders=_names(split)))
        master = orders[0]
        other = [o for o in orders[1:] if o.shop != master.shop]
        if other:
            # one sale per shop: its write-back and its clerks are the shop's
            raise AccessError(gettext(
                    'ecom_order_center.msg_merge_other_shop',
                    orders=_names(other), master=master.rec_name))
        other = [o for o in orders[1:] if o.merge_key() != master.merge_key()]
        if other:
            raise AccessError(gettext('ecom_order_center.msg_merge_different',
                    orders=_names(other), master=master.rec_name))
        cls.lock(orders)
        members = [o for o in orders[1:] if o.merged_into != master]
        cls.write(members, {'merged_into': master.id})
        rule = rule or gettext('ecom_order_center.msg_merge_rule')
        cls._log_decisions(
            (o, rule, _names(orders), master.rec_name) for o in orders)
        return master

    @classmethod
    def merge_suggested(cls, orders):
        "Merge every group suggested for the orders; return the masters"
        return [cls.merge(g) for g in cls.suggest_merges(orders)]

    @classmethod
    @ModelView.button
    def unmerge(cls, orders):
        cls._check_unposted(orders, 'ecom_order_center.msg_merge_posted')
        members = {m for o in orders for m in o.merged_orders}
        members.update(o for o in orders if o.merged_into)
        members = list(members)
        cls._check_unposted(members, 'ecom_order_center.msg_merge_posted')
        masters = {m.merged_into for m in members}
        cls.write(members, {'merged_into': None})
        rule = gettext('ecom_order_center.msg_unmerge_rule')
        cls._log_decisions(
            (o, rule, '', o.rec_name) for o in members + list(masters))

    @classmethod
    def _posting_groups(cls, orders):
        """The orders that become one sale together, the first leading: a
        merged group is posted as one sale led by its master, once every
        order of the group is approved and none is held"""
        masters = {o.merged_into or o for o in orders}
        group_ids = {m.id for m in masters} | {
            o.id for m in masters for o in m.merged_orders}
        cls.lock(cls.browse(group_ids))
        groups, waiting = [], []
        for master in sorted(cls.browse([m.id for m in masters]),
                key=lambda m: m.id):
            group = [master] + sorted(master.merged_orders,
                key=lambda o: o.id)
            held = [o for o in group if o.held]
            if held:
                cls._log_decision([o for o in group if o in orders],
                    gettext('ecom_order_center.msg_rule_post'),
                    gettext('ecom_order_center.msg_post_merged_held',
                        orders=_names(held)))
            elif all(o.state == 'approved' for o in group):
                groups.append(group)
            else:
                waiting.append(group)
        cls._log_decisions((o, gettext('ecom_order_center.msg_rule_post'),
                _names(g), gettext(
                    'ecom_order_center.msg_post_merged_waiting',
                    orders=_names([x for x in g if x.state != 'approved'])))
            for g in waiting for o in g if o in orders)
        return groups

    @classmethod
    def _check_unposted(cls, orders, message):
        posted = [o for o in orders if o.state not in UNPOSTED_STATES]
        if posted:
            raise AccessError(gettext(message, orders=_names(posted)))

    @property
    def split_root(self):
        return self.split_from or self

    def split(self, parts, reason):
        """Move each part, a list of (line, quantity), to a new child
        order; return the children"""
        pool = Pool()
        Line = pool.get('ecom.order.line')
        cls = self.__class__
        cls._check_unposted([self], 'ecom_order_center.msg_split_posted')
        if self.merged_into or self.merged_orders:
            raise AccessError(gettext('ecom_order_center.msg_split_merged',
                    order=self.rec_name))
        parts = [p for p in parts if any(q for _, q in p)]
        if not parts:
            return []
        root = self.split_root
        cls.lock([root])
        suffixes = [int(c.platform_order_id.rsplit('-', 1)[1])
            for c in cls.search([('split_from', '=', root.id)])]
        number = max(suffixes, default=1)
        # A part has the order's header but none of its related records
        default = {n: None for n, f in cls._fields.items()
            if f._type in {'one2many', 'many2many'}}
        default.update(split_from=root.id, shipping_amount=Decimal(0))
        children, to_save = [], {}
        for part in parts:
            number += 1
            default['platform_order_id'] = (
                f'{root.platform_order_id}-{number}')
            child, = cls.copy([self], default=default)
            moved = Decimal(0)
            for line, quantity in part:
                if quantity >= line.quantity:
                    line.order = child
                    moved += line.amount
                else:
                    amount = (line.amount * Decimal(str(quantity))
                        / Decimal(str(line.quantity))).quantize(
                        Decimal('0.01'))
                    new, = Line.copy([line], default={
                            'order': child.id,
                            'quantity': quantity,
                            'amount': amount,
                            })
                    line.quantity -= quantity
                    line.amount -= amount
                    moved += amount
                to_save[line.id] = line
            child.total_amount = moved
            children.append(child)
        Line.save(list(to_save.values()))
        cls.save(children)
        cls.write([self], {
                'total_amount': (self.total_amount or 0) - sum(
                    c.total_amount for c in children),
                })
        cls._log_decisions((o,
                gettext('ecom_order_center.msg_split_rule', reason=reason),
                self.rec_name, ', '.join(c.rec_name for c in children))
            for o in [self] + children)
        return children

    def _split_lines(self):
        return [l for l in self.lines if l.quantity]

    def split_by_lines(self, lines):
        "Move the lines to one new part"
        return self.split([[(l, l.quantity) for l in lines]],
            gettext('ecom_order_center.msg_split_by_lines'))

    def split_by_box(self, box_size):
        """Fill boxes of box_size units, the first stays: each other box
        becomes a part"""
        if not box_size or box_size <= 0:
            raise AccessError(gettext('ecom_order_center.msg_split_box_size'))
        boxes, box, room = [], [], box_size
        for line in self._split_lines():
            if line.gift:
                continue
            quantity = line.quantity
            while quantity > 0:
                taken = min(room, quantity)
                box.append((line, taken))
                quantity -= taken
                room -= taken
                if not room:
                    boxes.append(box)
                    box, room = [], box_size
        if box:
            boxes.append(box)
        return self.split(boxes[1:],
            gettext('ecom_order_center.msg_split_by_box'))

    def split_by_ship_date(self):
        "Lines with a later presale ship date become parts, one per date"
        dates = defaultdict(list)
        for line in self._split_lines():
            dates[line.ship_date].append((line, line.quantity))
        first = min(dates, key=lambda d: (d is not None, d), default=None)
        parts = [dates[d] for d in sorted(
                (d for d in dates if d != first),
                key=lambda d: (d is None, d))]
        return self.split(parts,
            gettext('ecom_order_center.msg_split_by_ship_date'))

    def split_by_warehouse(self):
        """Lines the order's warehouse cannot ship go, by warehouse, to
        parts shipped from a warehouse that has them"""
        pool = Pool()
        Location = pool.get('stock.location')
        Product = pool.get('product.product')
        warehouse = self.warehouse or self.shop.warehouse
        warehouses = [warehouse] + Location.search([
                ('type', '=', 'warehouse'), ('id', '!=', warehouse.id)])
        groups = defaultdict(list)
        for line in self._split_lines():
            if not line.product or line.product.type not in {'goods', 'kit'}:
                groups[warehouse].append(line)
                continue
            for candidate in warehouses:
                with Transaction().set_context(locations=[candidate.id]):
                    available = Product(line.product.id).forecast_quantity
                if available >= line.quantity:
                    groups[candidate].append(line)
                    break
            else:
                groups[warehouse].append(line)
        others = [w for w in warehouses[1:] if groups.get(w)]
        children = self.split([[(l, l.quantity) for l in groups[w]]
                for w in others],
            gettext('ecom_order_center.msg_split_by_warehouse'))
        for child, other in zip(children, others):
            child.warehouse = other
        self.__class__.save(children)
        return children

    @classmethod
    @ModelView.button
    def unsplit(cls, orders):
        "Move the lines of the parts back and delete the parts"
        pool = Pool()
        Line = pool.get('ecom.order.line')
        roots = {o.split_root for o in orders}
        parts = [c for r in roots for c in r.split_orders]
        cls._check_unposted(list(roots) + parts,
            'ecom_order_center.msg_split_posted')
        cls.lock(list(roots) + parts)
        to_save, to_delete, to_write = [], [], []
        for root in roots:
            lines = {(l.platform_line_id, l.product, l.gift, l.ship_date): l
                for l in root.lines}
            total = root.total_amount or 0
            for part in root.split_orders:
                total += part.total_amount or 0
                for line in part.lines:
                    key = (line.platform_line_id, line.product, line.gift,
                        line.ship_date)
                    if key in lines:
                        lines[key].quantity += line.quantity
                        lines[key].amount += line.amount
                        to_delete.append(line)
                    else:
                        line.order = root
                        lines[key] = line
            to_save.extend(lines.values())
            to_write.extend([[root], {'total_amount': total}])
        Line.delete(to_delete)
        Line.save(to_save)
        cls.delete(parts)
        if to_write:
            cls.write(*to_write)
        cls._log_decisions(
            (r, gettext('ecom_order_center.msg_unsplit_rule'), '', r.rec_name)
            for r in roots)


def _names(orders):
    return ', '.join(o.rec_name for o in orders)


class OrderLine(metaclass=PoolMeta):
    __name__ = 'ecom.order.line'

    ship_date = fields.Date("Presale Ship Date",
        help="When a presale item can ship; orders split by this date.")


class SplitStart(ModelView):
    "Split Order"
    __name__ = 'ecom.order.split.start'

    method = fields.Selection([
            ('lines', "Selected Lines"),
            ('box', "Box Size"),
            ('ship_date', "Presale Ship Date"),
            ('warehouse', "Warehouse Stock"),
            ], "Split By", required=True)
    order = fields.Many2One('ecom.order', "Order", readonly=True)
    lines = fields.Many2Many('ecom.order.line', None, None, "Lines",
        domain=[('order', '=', Eval('order', -1))],
        states={
            'invisible': Eval('method') != 'lines',
            'required': Eval('method') == 'lines',
            })
    box_size = fields.Integer("Box Size",
        domain=['OR', ('box_size', '=', None), ('box_size', '>', 0)],
        states={
            'invisible': Eval('method') != 'box',
            'required': Eval('method') == 'box',
            },
        help="How many items one parcel holds.")

    @classmethod
    def default_method(cls):
        return 'ship_date'


class Split(Wizard):
    "Split Order"
    __name__ = 'ecom.order.split'

    start = StateView('ecom.order.split.start',
        'ecom_order_center.order_split_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Split", 'split', 'tryton-ok', default=True),
            ])
    split = StateTransition()

    def default_start(self, fields):
        return {'order': self.record.id if len(self.records) == 1 else None}

    def transition_split(self):
        method = self.start.method
        if method == 'lines' and len(self.records) != 1:
            raise AccessError(gettext('ecom_order_center.msg_split_one'))
        for order in self.records:
            if method == 'lines':
                order.split_by_lines(self.start.lines)
            elif method == 'box':
                order.split_by_box(self.start.box_size)
            elif method == 'ship_date':
                order.split_by_ship_date()
            else:
                order.split_by_warehouse()
        return 'end'


class Merge(Wizard):
    "Merge Orders"
    __name__ = 'ecom.order.merge'
    # the ecom.order class method that merges the selected records
    _merge = 'merge'

    start = StateTransition()

    def transition_start(self):
        Order = Pool().get('ecom.order')
        getattr(Order, self._merge)(self.records)
        return 'end'


class MergeSuggested(Merge):
    "Merge Suggested Orders"
    __name__ = 'ecom.order.merge_suggested'
    _merge = 'merge_suggested'
