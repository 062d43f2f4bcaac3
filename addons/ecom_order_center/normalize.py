"""Normalized orders: the one shape every platform client produces.

``ecom.order.upsert_normalized(shop, orders)`` takes a list of dicts::

    {
        'platform_order_id': str,           # required, unique per shop
        'platform_status': str,             # the platform's own status
        'status': 'unpaid' | 'paid' | 'shipped' | 'finished' | 'cancelled',
        'modified': datetime,               # naive UTC, as every datetime
        'buyer': str,
        'receiver_name': str, 'receiver_phone': str,
        'receiver_country': str,            # optional ISO 3166 alpha-2, CN
                                            # when left out
        'receiver_province': str,           # free text: 浙江, 浙江省, ...,
                                            # or ISO 3166-2: US-CA, CA
        'receiver_city': str, 'receiver_district': str,
        'receiver_address': str,
        'receiver_zip': str,                # optional postal code
        'buyer_message': str, 'seller_memo': str, 'seller_flag': int,
        'order_date': datetime, 'pay_date': datetime | None,
        'total_amount': Decimal, 'shipping_amount': Decimal,
        'currency': str,                    # optional ISO 4217 code of the
                                            # amounts, the company's when
                                            # left out
        'carrier_code': str | None,         # carrier the buyer asked for
        'lines': [{
            'platform_line_id': str,        # required, unique per order
            'platform_item_id': str, 'platform_sku_id': str,
            'outer_code': str, 'title': str,
            'quantity': int, 'unit_price': Decimal, 'amount': Decimal,
            'refund_status': 'none' | 'requested' | 'refused' | 'refunded',
            }],
        'raw': dict,                        # the payload, kept on failure
    }

and returns one ``(platform_order_id, outcome, order_id, reason)`` per
input, outcome being ``new``, ``updated``, ``unchanged``, ``stale`` or
``failed``.  Each order is checked on its own before anything is written
(validate.py): a bad one fails with its reason, the others are stored.
It is idempotent: the database's unique key on (shop, platform_order_id)
decides what exists, so running the same batch again changes nothing.
The newest version wins: an order older (by ``modified``) than the stored
one changes nothing and is ``stale``.
"""

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.transaction import Transaction

from .order import CHECKED_STATES, POSTED_STATES
from .subdivision import places_to_subdivisions
from .validate import (
    TEXT_LIMITS, InvalidOrder, order_reference, storable,
    validate_normalized)

HEADER_FIELDS = [
    'platform_status', 'buyer', 'receiver_name', 'receiver_phone',
    'receiver_city', 'receiver_district', 'receiver_address',
    'buyer_message', 'seller_memo', 'seller_flag', 'order_date', 'pay_date',
    'total_amount', 'shipping_amount', 'carrier_code',
    ]
LINE_FIELDS = ['title', 'quantity', 'unit_price', 'amount']


def refund_state(states):
    "The order's refund state: the most pressing of its lines' states"
    states = set(states)
    for state in ['requested', 'refunded', 'refused']:
        if state in states:
            return state
    return 'none'


def _older(header, than):
    "Whether the platform changed header's version before than's"
    modified, other = header['platform_modified'], than['platform_modified']
    return modified is not None and other is not None and modified < other


class SkuAlias(ModelSQL, ModelView):
    "SKU Alias"
    __name__ = 'ecom.sku_alias'

    outer_code = fields.Char("Outer Code", required=True,
        size=TEXT_LIMITS['outer_code'],
        help="A code sellers type on the platforms for this product.")
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('outer_code_unique', Unique(t, t.outer_code),
                'ecom_order_center.msg_sku_alias_unique'),
            ]


class Listing(metaclass=PoolMeta):
    __name__ = 'ecom.listing'

    @classmethod
    def find_products(cls, codes):
        """Return product per outer code: SKU alias, then product code,
        then barcode"""
        pool = Pool()
        Alias = pool.get('ecom.sku_alias')
        Product = pool.get('product.product')
        Identifier = pool.get('product.identifier')
        codes = {c for c in codes if c}
        found = {a.outer_code: a.product for a in Alias.search(
                [('outer_code', 'in', list(codes))])}
        codes -= set(found)
        if codes:
            found.update((p.code, p) for p in Product.search(
                    [('code', 'in', list(codes))]))
            codes -= set(found)
        if codes:
            found.update((i.code, i.product) for i in Identifier.search(
                    [('code', 'in', list(codes))]))
        return found

    @classmethod
    def write(cls, *args):
        super().write(*args)
        listings = sum(args[0:None:2], [])
        if any(l.product for l in listings):
            Order = Pool().get('ecom.order')
            Order.release_mapped(listings)


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    platform_modified = fields.DateTime("Platform Modified", readonly=True,
        help="When the platform last changed the order.")
    platform_state = fields.Selection([
            ('unpaid', "Unpaid"),
            ('paid', "Paid"),
            ('shipped', "Shipped"),
            ('finished', "Finished"),
            ('cancelled', "Cancelled"),
            ], "Platform State", readonly=True,
        help="The platform's status in the suite's words.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__['upsert_normalized'] = RPC(readonly=False)

    @classmethod
    def default_platform_state(cls):
        return 'paid'

    @classmethod
    def upsert_normalized(cls, shop, normalized_orders):
        pool = Pool()
        Line = pool.get('ecom.order.line')
        Finding = pool.get('ecom.order.finding')
        shop = cls._upsert_shop(shop)
        if not isinstance(normalized_orders, (list, tuple)):
            raise UserError(gettext('ecom_order_center.msg_upsert_orders',
                    orders=type(normalized_orders).__name__))
        results, checked = [], {}
        valid = []
        for values in normalized_orders:
            try:
                valid.append(validate_normalized(values))
            except InvalidOrder as exception:
                results.append((order_reference(values), 'failed', None,
                        str(exception)))
        places = places_to_subdivisions([place for _, place, _, _ in valid])
        currencies = cls._currencies_of(
            [header['currency_code'] for header, _, _, _ in valid], shop)
        for header, place, status, lines in valid:
            country, subdivision = places[place]
            header['receiver_country'] = country.id if country else None
            header['receiver_subdivision'] = (
                subdivision.id if subdivision else None)
            header['currency'] = currencies.get(header['currency_code'])
            header['platform_state'] = status
            key = header['platform_order_id']
            if key in checked:
                # Of two versions of the same order in one batch the
                # newer wins, the later one when they are as new.
                if _older(header, checked[key][1]):
                    continue
                results[checked[key][0]] = None
            checked[key] = (len(results), header, status, lines)
            results.append((key, None, None, None))

        listings = cls._listings_for(shop, [
                l for _, _, _, lines in checked.values() for l in lines])
        existing = {o.platform_order_id: o for o in cls.search([
                    ('shop', '=', shop.id),
                    ('platform_order_id', 'in', list(checked)),
                    ])}
        if existing:
            cls.lock(list(existing.values()))

        to_create, changed, changed_lines, outcomes = [], [], [], {}
        findings = []
        for key, (index, header, status, lines) in checked.items():
            order = existing.get(key)
            if order is None:
                to_create.append(cls._new_order_values(
                        shop, header, status, lines, listings))
                continue
            outcome, order_lines, finding = order._update_from_platform(
                header, status, lines, listings)
            outcomes[key] = (outcome, order.id)
            if outcome == 'updated':
                changed.append(order)
                changed_lines.extend(order_lines)
            if finding:
                findings.append(finding)
        created = cls.create(to_create) if to_create else []
        for order in created:
            outcomes[order.platform_order_id] = ('new', order.id)
        Line.save(changed_lines)
        cls.save(changed)
        Finding.save(findings)
        cls.intake(created + [o for o in changed
                if o.state in CHECKED_STATES])
        cls.posted_update([o for o in changed if o.state in POSTED_STATES])

        final = []
        for result in results:
            if result is None:
                continue
            key, outcome, order_id, reason = result
            if outcome is None:
                outcome, order_id = outcomes[key]
            final.append((key, outcome, order_id, reason))
        return final

    @classmethod
    def _upsert_shop(cls, shop):
        "The shop orders are stored in: one of the company's, or refused"
        pool = Pool()
        Shop = pool.get('ecom.shop')
        shop_id = shop.id if isinstance(shop, Shop) else shop
        company = Transaction().context.get('company')
        if (isinstance(shop_id, int) and not isinstance(shop_id, bool)
                and 0 < shop_id < 2 ** 31):
            with Transaction().set_context(active_test=False):
                shops = Shop.search([('id', '=', shop_id)])
            if shops and (company is None
                    or shops[0].company.id == company):
                return shops[0]
        raise UserError(gettext('ecom_order_center.msg_upsert_shop',
                shop=storable(shop, 50)))

    @classmethod
    def _currencies_of(cls, codes, shop):
        """Return the currency id per ISO code (the company's for None and
        for a code of no currency: the currency check finds those)"""
        Currency = Pool().get('currency.currency')
        found = {c.code: c.id for c in Currency.search([
                    ('code', 'in', list(set(filter(None, codes)))),
                    ])}
        return {code: found.get(code, shop.company.currency.id)
            for code in set(codes)}

    @classmethod
    def _listings_for(cls, shop, lines):
        "Return listing per (item, sku), creating the unknown ones"
        pool = Pool()
        Listing = pool.get('ecom.listing')
        keys = {(l['platform_item_id'], l['platform_sku_id']): l
            for l in lines}
        listings = {(l.platform_item_id, l.platform_sku_id): l
            for l in Listing.search([
                    ('shop', '=', shop.id),
                    ('platform_item_id', 'in',
                        list({k[0] for k in keys})),
                    ])}
        missing = [k for k in keys if k not in listings]
        if missing:
            products = Listing.find_products(
                keys[k]['outer_code'] for k in missing)
            new = Listing.create([{
                        'shop': shop.id,
                        'platform_item_id': item,
                        'platform_sku_id': sku,
                        'outer_code': keys[(item, sku)]['outer_code'],
                        'title': keys[(item, sku)]['title'],
                        'product': getattr(products.get(
                                keys[(item, sku)]['outer_code']), 'id', None),
                        } for item, sku in missing])
            listings.update(
                ((l.platform_item_id, l.platform_sku_id), l) for l in new)
        return listings

    @classmethod
    def _line_values(cls, line, listings):
        listing = listings[line['platform_item_id'], line['platform_sku_id']]
        values = {k: line[k] for k in LINE_FIELDS}
        values.update({
                'platform_line_id': line['platform_line_id'],
                'listing': listing.id,
                'product': listing.product.id if listing.product else None,
                'refund_state': line['refund_state'],
                })
        return values

    @classmethod
    def _new_order_values(cls, shop, header, status, lines, listings):
        values = dict(header)
        values.update({
                'shop': shop.id,
                'refund_state': refund_state(
                    l['refund_state'] for l in lines),
                'state': 'cancelled' if status == 'cancelled' else 'draft',
                'lines': [('create', [
                            cls._line_values(l, listings) for l in lines])],
                })
        return values

    def _update_from_platform(self, header, status, lines, listings):
        """Apply what the platform says now; return the outcome, the lines
        to save and the finding on a posted order that changed"""
        pool = Pool()
        Line = pool.get('ecom.order.line')
        Finding = pool.get('ecom.order.finding')
        if _older(header, {'platform_modified': self.platform_modified}):
            return 'stale', [], None
        posted = self.state in POSTED_STATES
        changes = []
        for name, value in header.items():
            old = getattr(self, name)
            if hasattr(old, 'id'):
                old = old.id
            if old != value:
                changes.append(name)
                if not posted or name in {
                        'platform_status', 'platform_state',
                        'platform_modified', 'seller_memo', 'seller_flag'}:
                    setattr(self, name, value)
        by_id = {l.platform_line_id: l for l in self.lines}
        order_lines = list(self.lines)
        for values in lines:
            line = by_id.get(values['platform_line_id'])
            if line is None:
                changes.append('lines')
                if not posted:
                    order_lines.append(Line(order=self, **self._line_values(
                                values, listings)))
                continue
            for name in LINE_FIELDS + ['refund_state']:
                if getattr(line, name) != values[name]:
                    changes.append('lines')
                    if not posted or name == 'refund_state':
                        setattr(line, name, values[name])
        if status == 'cancelled' and self.state != 'cancelled':
            changes.append('status')
            if not posted:
                self.state = 'cancelled'
        self.refund_state = refund_state(
            l.refund_state for l in order_lines)
        changes = [c for c in changes if c != 'platform_modified']
        if not changes:
            return 'unchanged', [], None
        finding = None
        if posted:
            important = set(changes) - {
                'platform_status', 'platform_state', 'seller_memo',
                'seller_flag'}
            if important:
                finding = Finding.new(self, 'changed', 'block',
                    'ecom_order_center.msg_changed_after_posting',
                    fields=', '.join(sorted(important)))
                if any(finding.same(f) for f in self.findings):
                    finding = None
        return 'updated', order_lines, finding

    @classmethod
    def _intake_map(cls, orders):
        """Map the lines to their listings' products; a line left without
        a product is a blocking finding"""
        pool = Pool()
        Line = pool.get('ecom.order.line')
        Finding = pool.get('ecom.order.finding')
        findings, lines = [], []
        for order in orders:
            for line in order.lines:
                if line.listing and line.listing.product != line.product:
                    line.product = line.listing.product
                    lines.append(line)
                if not line.product and not line.gift:
                    listing = line.listing
                    findings.append(Finding.new(order, 'mapping', 'block',
                            'ecom_order_center.msg_unmapped_listing',
                            listing=(listing.rec_name if listing
                                else line.title or ''),
                            item=listing.platform_item_id if listing else '',
                            sku=listing.platform_sku_id if listing else '',
                            outer_code=(listing.outer_code or ''
                                if listing else '')))
        Line.save(lines)
        changed = Finding.replace(orders, findings, {'mapping'})
        orders = cls.browse([o.id for o in orders])
        unmapped = Finding.blocking(orders, {'mapping'})
        entries = []
        for order in orders:
            if order.id in changed:
                entries.append((order,
                        gettext('ecom_order_center.msg_rule_mapping'),
                        ', '.join(l.listing.outer_code or ''
                            for l in order.lines if l.listing),
                        '\n'.join(f.render()
                            for f in unmapped.get(order.id, []))
                        or gettext('ecom_order_center.msg_outcome_mapped')))
        cls._log_decisions(entries)
        # The orders mapped go on through the steps, the others wait.
        cls.set_checked_state(orders, {'mapping'})

    @classmethod
    def release_mapped(cls, listings):
        "Check again the orders that waited on these listings"
        orders = cls.search([
                ('state', '=', 'exception'),
                ('lines.listing', 'in', [l.id for l in listings]),
                ])
        if orders:
            with Transaction().set_context(_check_access=False):
                cls.intake(cls.lock_current(orders))
