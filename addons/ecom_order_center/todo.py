"""The to-do board (待办): how many orders wait in each shop and step."""
from sql.aggregate import Count, Min

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.wizard import StateAction, Wizard

TODO_STATES = [
    ('draft', "To Audit"),
    ('exception', "Exception"),
    ('cs_approved', "To Finance Audit"),
    ('approved', "To Post"),
    ('posted', "To Ship"),
    ('shipped', "Shipped"),
    ]


class OrderTodo(ModelSQL, ModelView):
    "E-commerce Order To Do"
    __name__ = 'ecom.order.todo'

    shop = fields.Many2One('ecom.shop', "Shop", readonly=True)
    state = fields.Selection(TODO_STATES, "Step", readonly=True,
        sort=False)
    state_string = state.translated('state')
    count = fields.Integer("Orders", readonly=True,
        help="How many orders of the shop are at this step.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('shop', 'ASC'), ('state', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Order = pool.get('ecom.order')
        order = Order.__table__()
        # The user's record rules on orders (shops) apply to the counts.
        visible = Order.search([], query=True, order=[])
        return order.select(
            # Groups share no order, so the smallest order id is unique.
            Min(order.id).as_('id'),
            order.shop.as_('shop'),
            order.state.as_('state'),
            Count(order.id).as_('count'),
            where=order.state.in_([s for s, _ in TODO_STATES])
            & order.id.in_(visible),
            group_by=[order.shop, order.state])


class OrderTodoOpen(Wizard):
    "Open the Orders of a To Do"
    __name__ = 'ecom.order.todo.open'

    start_state = 'open_'
    open_ = StateAction('ecom_order_center.act_order')

    def do_open_(self, action):
        action['name'] = '%s (%s)' % (action['name'], ', '.join(
                filter(None, [self.record.shop.rec_name,
                        self.record.state_string])))
        action['pyson_domain'] = PYSONEncoder().encode([
                ('shop', '=', self.record.shop.id),
                ('state', '=', self.record.state),
                ])
        # The order tabs would filter these orders again by other steps.
        action['domains'] = []
        return action, {}
