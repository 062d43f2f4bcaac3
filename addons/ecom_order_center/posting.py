"""Audit and posting: approved orders become confirmed Tryton sales with
their customer shipments."""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.product import round_price
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

# The queue of what confirming a posted sale leaves to do
POSTING_QUEUE = 'ecom_order_center.posting'


class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    customer = fields.Many2One('party.party', "Customer",
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The party the shop's sales are made to; "
        "each order keeps its own receiver as shipment address.")

    @classmethod
    def create(cls, vlist):
        shops = super().create(vlist)
        cls._create_customers([s for s in shops if not s.customer])
        return shops

    @classmethod
    def _create_customers(cls, shops):
        """Make each shop a customer party named after it, with the shop's
        address: ready to set up before the first order is posted"""
        pool = Pool()
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        if not shops:
            return
        parties = [Party(name=shop.name,
                addresses=[Address(party_name=shop.name)])
            for shop in shops]
        with Transaction().set_context(_check_access=False):
            Party.save(parties)
            cls.write(*(v for shop, party in zip(shops, parties)
                    for v in ([shop], {'customer': party.id})))


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'cs_approved'),
            ('cs_approved', 'approved'),
            ('cs_approved', 'draft'),
            ('approved', 'draft'),
            ('approved', 'posted'),
            }
        cls._buttons.update({
                'cs_audit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'finance_audit': {
                    'invisible': Eval('state') != 'cs_approved',
                    'depends': ['state'],
                    },
                'undo_audit': {
                    'invisible': ~Eval('state').in_(
                        ['cs_approved', 'approved']),
                    'depends': ['state'],
                    },
                'post': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _audit_filters(cls):
        return ['fresh', 'held', 'refunds']

    @classmethod
    def _posting_filters(cls):
        return ['fresh', 'held']

    @classmethod
    def _filter_fresh(cls, orders, state):
        "Lock the orders and keep those still in state"
        return cls.lock_current(orders, state)

    @classmethod
    def _filter_refunds(cls, orders, state):
        """Keep the orders without a refund request, and those the clerk
        chose to audit despite theirs (listed by id in the context);
        record why the others stay"""
        chosen = set(Transaction().context.get('ecom_refund_continue', []))
        requested = [o for o in orders if o.refund_state == 'requested']
        continued = [o for o in requested if o.id in chosen]
        refused = [o for o in requested if o.id not in chosen]
        if continued:
            cls._log_decision(continued,
                gettext('ecom_order_center.msg_rule_audit'),
                gettext('ecom_order_center.msg_audit_refund_continued'))
        if refused:
            cls._log_decision(refused,
                gettext('ecom_order_center.msg_rule_audit'),
                gettext('ecom_order_center.msg_audit_refund_requested'))
        refused = set(refused)
        return [o for o in orders if o not in refused]

    @classmethod
    @ModelView.button
    def cs_audit(cls, orders):
        "Customer-service audit: checked orders go to finance"
        cls._cs_audit(orders)

    @classmethod
    def _cs_audit(cls, orders):
        "Audit the orders that pass the filters; return them"
        return cls._audit(
            cls._run_filters(cls._audit_filters(), orders, 'draft'),
            'cs_approved', 'msg_rule_cs_audit')

    @classmethod
    @ModelView.button
    def finance_audit(cls, orders):
        "Finance audit: approved orders can be posted"
        cls._finance_audit(orders)

    @classmethod
    def _finance_audit(cls, orders):
        return cls._audit(
            cls._run_filters(cls._audit_filters(), orders, 'cs_approved'),
            'approved', 'msg_rule_finance_audit')

    @classmethod
    @ModelView.button
    def undo_audit(cls, orders):
        "Back to draft (弃审) while the order is not posted"
        cls._audit(cls.lock_current(orders, 'cs_approved')
            + cls.lock_current(orders, 'approved'), 'draft',
            'msg_rule_undo_audit')

    @classmethod
    def _audit(cls, orders, state, rule):
        if orders:
            cls.write(orders, {'state': state})
            cls._log_decision(orders,
                gettext('ecom_order_center.' + rule),
                gettext('ecom_order_center.msg_outcome_state',
                    state=cls.state_name(state)))
        return orders

    @classmethod
    @ModelView.button
    def post(cls, orders):
        "Make confirmed sales with their shipments of the approved orders"
        cls._post(orders)

    @classmethod
    def _post(cls, orders):
        """Post the orders that pass the posting filters, grouped into
        sales; return the posted orders"""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Address = pool.get('party.address')
        OrderSale = pool.get('ecom.order-sale.sale')
        orders = cls._run_filters(cls._posting_filters(), orders, 'approved')
        groups = cls._posting_groups(orders) if orders else []
        if not groups:
            return
        # The sales of a shop go to its customer: the customer's defaults
        # are worked out once per batch, not once per sale.
        party_defaults = {}
        sales = [group[0]._get_sale(group, party_defaults)
            for group in groups]
        Address.save([s.shipment_address for s in sales])
        Sale.save(sales)
        Sale.quote(sales)
        cls._confirm_and_process(sales)
        orders = [o for group in groups for o in group]
        cls.write(orders, {'state': 'posted'})
        OrderSale.create([{'order': o.id, 'sale': sale.id}
                for group, sale in zip(groups, sales) for o in group])
        cls._log_decision(orders, gettext('ecom_order_center.msg_rule_post'),
            gettext('ecom_order_center.msg_outcome_posted'))

    @classmethod
    def _confirm_and_process(cls, sales):
        """Confirm the sales and process them at once: an order is posted
        with its shipment or not at all

        Confirming queues the processing; done here, that task is dropped
        instead of processing every sale a second time after the commit."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        Queue = pool.get('ir.queue')
        transaction = Transaction()
        with transaction.set_context(queue_name=POSTING_QUEUE):
            Sale.confirm(sales)
        Sale.process(sales)
        done = [t for t in Queue.search([
                    ('name', '=', POSTING_QUEUE),
                    ('dequeued_at', '=', None),
                    ])
            if t.data['model'] == Sale.__name__
            and t.data['method'] == 'process']
        Queue.delete(done)
        ids = set(map(int, done))
        transaction.tasks[:] = [t for t in transaction.tasks if t not in ids]

    def _get_customer(self):
        "The shop's customer, made now if the shop has none"
        pool = Pool()
        Shop = pool.get('ecom.shop')
        shop = self.shop
        if not shop.customer:
            Shop.lock([shop])
            shop = Shop(shop.id)
        if not shop.customer:
            Shop._create_customers([shop])
            shop = Shop(shop.id)
        return shop.customer

    def _get_shipment_address(self, party):
        """The receiver's address, archived on the shop's customer

        The sale and its shipment keep it; archived, the receivers of
        thousands of orders neither crowd the customer's addresses nor slow
        down the defaults every new sale looks up."""
        pool = Pool()
        Address = pool.get('party.address')
        address = Address(party=party, active=False,
            party_name=' '.join(filter(None,
                    [self.receiver_name, self.receiver_phone])),
            # What the platform sent is one line, not structured parts;
            # setting `street` would write each new address once more.
            street_unstructured=self.receiver_address,
            city=' '.join(filter(None,
                    [self.receiver_city, self.receiver_district])),
            postal_code=self.receiver_zip,
            country=self.receiver_country,
            subdivision=self.receiver_subdivision)
        if self.receiver_subdivision and not self.receiver_country:
            address.country = self.receiver_subdivision.country
        return address

    def _get_sale(self, group=None, party_defaults=None):
        """The sale of the order and those shipped with it in group

        party_defaults keeps what the party's on_change gave per party
        and warehouse."""
        pool = Pool()
        Sale = pool.get('sale.sale')
        group = group or [self]
        party = self._get_customer()
        references = ','.join(o.platform_order_id for o in group)
        sale = Sale(company=self.shop.company, party=party,
            currency=self.currency,
            warehouse=self.warehouse or self.shop.warehouse,
            reference=references,
            description=self.shop.code + ' ' + references,
            # the day the buyer ordered, counted where the shop sells
            sale_date=self.shop.local_date(
                self.order_date or dt.datetime.now(dt.timezone.utc).replace(
                    tzinfo=None)),
            ecom_shipping_amount=sum(
                (o.shipping_amount or Decimal(0) for o in group),
                Decimal(0)))
        # The defaults depend on the party and the warehouse shipping.
        key = (party.id, sale.warehouse.id if sale.warehouse else None)
        if party_defaults is not None and key in party_defaults:
            for name, value in party_defaults[key].items():
                setattr(sale, name, value)
        else:
            before = dict(sale._values._items())
            sale.on_change_party()
            if party_defaults is not None:
                party_defaults[key] = {
                    name: value for name, value in sale._values._items()
                    if name not in before or before[name] != value}
        # The party's defaults must not replace what the buyer paid in.
        sale.currency = self.currency
        sale.shipment_address = self._get_shipment_address(party)
        # Revenue is invoiced when the parcel leaves, not when it is posted.
        sale.invoice_method = 'fulfillment'
        sale.carrier = self.carrier
        sale.shipment_cost_method = 'order' if self.carrier else None
        sale.lines = [l._get_sale_line(sale) for o in group for l in o.lines
            if l.product and l.refund_state != 'refunded']
        for sequence, line in enumerate(sale.lines, 1):
            line.sequence = sequence
        if not any(_has_part_lines(l.product) for l in sale.lines):
            # Saved with the sale, the kits' components are not written a
            # second time with every line of the sale when it is quoted.
            sale.set_components()
        # Its cost line too is saved with the sale, not added on quote.
        sale.set_shipment_cost()
        return sale


def _has_part_lines(product):
    "Whether the product's components go on the sale as lines of their own"
    return product.type != 'kit' and any(True for _ in product.components_used)


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    ecom_order_line = fields.Many2One('ecom.order.line',
        "E-commerce Order Line", readonly=True, ondelete='SET NULL',
        help="The platform order line this sale line was posted from.")

    @fields.depends('ecom_order_line')
    def compute_unit_price(self):
        # The price of a line posted from the platform is what the buyer paid.
        if self.ecom_order_line:
            return self.ecom_order_line.sale_unit_price
        return super().compute_unit_price()

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        # A copy is another sale: a refund must not stop its shipments.
        default.setdefault('ecom_order_line', None)
        return super().copy(lines, default=default)

    @property
    def ecom_origins(self):
        "The line itself or its kit components: what its moves come from"
        return list(self.components) or [self]


class OrderLine(metaclass=PoolMeta):
    __name__ = 'ecom.order.line'

    def _get_sale_line(self, sale):
        pool = Pool()
        SaleLine = pool.get('sale.line')
        # A line of goods, neither a shipment cost nor a kit's component
        line = SaleLine(sale=sale, type='line', product=self.product,
            quantity=self.quantity, ecom_order_line=self,
            shipment_cost=None, component_parent=None)
        line.on_change_product()
        line.description = self.title or line.description
        return line

    @property
    def sale_unit_price(self):
        "What the buyer paid for one unit, discounts included"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        if self.gift or not self.quantity:
            return Decimal(0)
        return (self.amount / Decimal(str(self.quantity))).quantize(
            Decimal(10) ** -SaleLine.unit_price.digits[1])


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    ecom_orders = fields.Many2Many('ecom.order-sale.sale', 'sale', 'order',
        "E-commerce Orders", readonly=True)
    ecom_shipping_amount = fields.Numeric("Platform Shipping Fee",
        digits=(16, 2), readonly=True,
        help="What the buyer paid the shop for shipping on the platform.")

    def set_components(self):
        # The order center explodes the kits as it builds the sale.
        if self.ecom_shipping_amount is not None and all(
                getattr(l, 'components', None) if l.product.type == 'kit'
                else not _has_part_lines(l.product)
                for l in self.lines if l.product):
            return []
        return super().set_components()

    def set_shipment_cost(self):
        # The order center adds the cost line as it builds the sale:
        # quoting keeps it while the carrier's cost is the same.
        if (self.ecom_shipping_amount is None
                or self.id is None or self.id < 0):
            return super().set_shipment_cost()
        cost = (self.compute_shipment_cost(self.carrier)
            if self.carrier and self.shipment_cost_method else None)
        costs = [l.shipment_cost for l in self.lines
            if l.type == 'line' and l.shipment_cost is not None]
        if costs == ([] if cost is None else [round_price(cost)]):
            return []
        return super().set_shipment_cost()

    @fields.depends('carrier', 'ecom_shipping_amount')
    def on_change_with_available_carriers(self, name=None):
        # The order center chose the carrier by its own rules.
        if self.ecom_shipping_amount is not None and self.carrier:
            return [self.carrier]
        return super().on_change_with_available_carriers(name=name)

    def get_shipment_cost_line(self, carrier, cost, unit_price=None):
        if self.ecom_shipping_amount is not None:
            unit_price = self.ecom_shipping_amount
        return super().get_shipment_cost_line(
            carrier, cost, unit_price=unit_price)

    @classmethod
    def delete(cls, sales):
        if any(s.ecom_orders for s in sales):
            raise AccessError(gettext(
                    'ecom_order_center.msg_sale_delete_posted'))
        super().delete(sales)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'
    # The fields Tryton computes on a new move, which create sets at once
    _ecom_measured = {
        'internal_quantity', 'internal_weight', 'internal_volume'}

    @classmethod
    def create(cls, vlist):
        """Create the moves with their internal quantity, weight and volume:
        Tryton computes them after the insert, one move at a time, and
        writes every new move a second time, validated again (a sixth of
        the cost of posting an order)"""
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        transaction = Transaction()
        vlist = [v.copy() for v in vlist]
        todo = [v for v in vlist
            if not (cls._ecom_measured & v.keys())
            and all(v.get(name) is not None
                for name in ['product', 'quantity', 'unit'])]
        # Browsed together, each product and unit is read once for all
        products = {p.id: p for p in Product.browse(
                list({v['product'] for v in todo}))}
        units = {u.id: u for u in Uom.browse(list({v['unit'] for v in todo}))}
        replace = transaction.context.get('_product_replacement', True)
        for values in todo:
            product = products[values['product']]
            # The product the move is created with, as Tryton replaces it
            if replace:
                product = product.replacement
            move = cls(product=product, quantity=values['quantity'],
                unit=units[values['unit']])
            for name in cls._ecom_measured:
                values[name] = getattr(move, 'on_change_with_' + name)()
        with transaction.set_context(
                _ecom_moves_measured=len(todo) == len(vlist)):
            return super().create(vlist)

    @classmethod
    def _compute_fields(cls, records, field_names=None):
        # Moves created with every measure computed need no second pass
        if (field_names is None
                and Transaction().context.get('_ecom_moves_measured')):
            return
        super()._compute_fields(records, field_names=field_names)
