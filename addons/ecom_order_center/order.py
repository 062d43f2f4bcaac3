from datetime import datetime
from decimal import Decimal

from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

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
REFUND_STATES = [
    ('none', "None"),
    ('requested', "Requested"),
    ('refused', "Refused"),
    ('refunded', "Refunded"),
    ]
_EDITABLE = ~Eval('state').in_(['draft', 'exception'])


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
        states={'readonly': _EDITABLE})
    receiver_name = fields.Char("Receiver",
        size=TEXT_LIMITS['receiver_name'], states={'readonly': _EDITABLE})
    receiver_phone = fields.Char("Phone",
        size=TEXT_LIMITS['receiver_phone'], states={'readonly': _EDITABLE})
    receiver_subdivision = fields.Many2One(
        'country.subdivision', "Province", states={'readonly': _EDITABLE})
    receiver_city = fields.Char("City", size=TEXT_LIMITS['receiver_city'],
        states={'readonly': _EDITABLE})
    receiver_district = fields.Char("District",
        size=TEXT_LIMITS['receiver_district'],
        states={'readonly': _EDITABLE})
    receiver_address = fields.Char("Address",
        size=TEXT_LIMITS['receiver_address'],
        states={'readonly': _EDITABLE})
    buyer_message = fields.Text("Buyer Message", readonly=True)
    seller_memo = fields.Text("Seller Memo")
    seller_flag = fields.Integer("Seller Flag",
        help="The coloured flag the seller set on the platform (0 = none).")
    order_date = fields.DateTime("Order Date",
        states={'readonly': _EDITABLE})
    pay_date = fields.DateTime("Pay Date", states={'readonly': _EDITABLE})
    currency = fields.Many2One('currency.currency', "Currency", required=True,
        states={'readonly': _EDITABLE})
    total_amount = fields.Numeric("Total Amount", digits=(16, 2),
        states={'readonly': _EDITABLE},
        help="What the buyer paid, shipping included.")
    shipping_amount = fields.Numeric("Shipping Amount", digits=(16, 2),
        states={'readonly': _EDITABLE})
    lines = fields.One2Many('ecom.order.line', 'order', "Lines",
        states={'readonly': _EDITABLE})
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    refund_state = fields.Selection(REFUND_STATES, "Refund State",
        readonly=True, required=True)
    exceptions = fields.Text("Exceptions", readonly=True,
        help="Why the order cannot go on, one reason a line.")
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
        cls._transitions |= {
            ('draft', 'cancelled'),
            ('exception', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'exception']),
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

    def get_company(self, name):
        return self.shop.company.id

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
    values = fields.Char("Values", readonly=True,
        help="The order values the rule looked at.")
    outcome = fields.Char("Outcome", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The latest first, also among those of the same second
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_date():
        return datetime.now()


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
