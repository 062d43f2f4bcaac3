"""Audit strategies (免审策略): orders that need no eyes are audited alone."""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class AuditStrategy(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    "Audit Strategy"
    __name__ = 'ecom.audit_strategy'

    name = fields.Char("Name", required=True, translate=True)
    shop = fields.Many2One('ecom.shop', "Shop", ondelete='CASCADE',
        help="Leave empty to apply to every shop.")
    stage = fields.Selection([
            ('cs', "Customer-service audit"),
            ('finance', "Finance audit"),
            ], "Stage", required=True)
    min_amount = fields.Numeric("Minimal Amount", digits=(16, 2))
    max_amount = fields.Numeric("Maximal Amount", digits=(16, 2))
    max_items = fields.Integer("Maximal Items",
        help="The most pieces an order may hold, gifts left out.")
    no_buyer_message = fields.Boolean("No Buyer Message")
    no_seller_memo = fields.Boolean("No Seller Memo or Flag")
    no_warning = fields.Boolean("No Warning",
        help="No exception rule warned about the order.")
    stock_available = fields.Boolean("Stock Available",
        help="The warehouse holds every item of the order.")
    provinces = fields.Many2Many(
        'ecom.audit_strategy-country.subdivision', 'strategy',
        'subdivision', "Allowed Provinces",
        help="Leave empty to allow every province.")
    excluded_products = fields.Many2Many(
        'ecom.audit_strategy-product.product', 'strategy', 'product',
        "Excluded Products",
        help="Orders holding any of these products are left to a person.")

    @staticmethod
    def default_stage():
        return 'cs'

    def refusal(self, order, context):
        "Return why the strategy does not audit the order, or None"
        items = sum(l.quantity for l in order.lines if not l.gift)
        checks = [
            (self.min_amount is not None
                and order.total_amount < self.min_amount, 'min_amount'),
            (self.max_amount is not None
                and order.total_amount > self.max_amount, 'max_amount'),
            (self.max_items is not None and items > self.max_items,
                'max_items'),
            (self.no_buyer_message and bool(order.buyer_message),
                'no_buyer_message'),
            (self.no_seller_memo
                and bool(order.seller_memo or order.seller_flag),
                'no_seller_memo'),
            (self.no_warning and order.id in context['warned'],
                'no_warning'),
            (self.stock_available and order.id in context['short'],
                'stock_available'),
            (bool(self.provinces)
                and order.receiver_subdivision not in self.provinces,
                'provinces'),
            (any(l.product in self.excluded_products for l in order.lines),
                'excluded_products'),
            ]
        for failed, name in checks:
            if failed:
                # in the language of the clerk who reads the decision
                return self.fields_get([name])[name]['string']


class AuditStrategySubdivision(ModelSQL):
    "Audit Strategy - Province"
    __name__ = 'ecom.audit_strategy-country.subdivision'

    strategy = fields.Many2One('ecom.audit_strategy', "Strategy",
        required=True, ondelete='CASCADE')
    subdivision = fields.Many2One('country.subdivision', "Province",
        required=True, ondelete='CASCADE')


class AuditStrategyProduct(ModelSQL):
    "Audit Strategy - Product"
    __name__ = 'ecom.audit_strategy-product.product'

    strategy = fields.Many2One('ecom.audit_strategy', "Strategy",
        required=True, ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product",
        required=True, ondelete='CASCADE')


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def _intake_strategies(cls, orders):
        "Audit by strategy the orders nothing blocks"
        cls.audit_by_strategy([o for o in orders if o.state == 'draft'])

    @classmethod
    def audit_by_strategy(cls, orders):
        """Audit the orders a strategy of each stage allows, in turn

        A stage audits an order when one of its strategies for the order's
        shop finds nothing against it; the decision names the strategy."""
        pool = Pool()
        Strategy = pool.get('ecom.audit_strategy')
        if not orders:
            return
        context = cls._strategy_context(orders)
        for stage, state, audit in [
                ('cs', 'draft', cls._cs_audit),
                ('finance', 'cs_approved', cls._finance_audit)]:
            strategies = Strategy.search([('stage', '=', stage)])
            if not strategies:
                return
            chosen, decisions = [], []
            for order in orders:
                if order.state != state:
                    continue
                refusals = []
                for strategy in strategies:
                    if strategy.shop and strategy.shop != order.shop:
                        continue
                    refusal = strategy.refusal(order, context)
                    if refusal is None:
                        chosen.append(order)
                        decisions.append((order, strategy.name,
                                gettext(
                                    'ecom_order_center.msg_strategy_values',
                                    amount=order.total_amount,
                                    province=(order.receiver_subdivision
                                        .rec_name
                                        if order.receiver_subdivision
                                        else '')),
                                gettext(
                                    'ecom_order_center.msg_strategy_audited')))
                        break
                    refusals.append('%s: %s' % (strategy.name, refusal))
                else:
                    if refusals:
                        decisions.append((order, gettext(
                                    'ecom_order_center.msg_rule_strategy'),
                                '; '.join(refusals), gettext(
                                    'ecom_order_center.msg_strategy_left')))
            cls._log_decisions(decisions)
            if chosen:
                # The strategy audits on behalf of the clerk, whatever the
                # groups of the user whose download brought the order.
                with Transaction().set_context(_check_access=False):
                    audit(chosen)
            orders = cls.browse([o.id for o in orders])

    @classmethod
    def _strategy_context(cls, orders):
        "What strategies look at, computed once for the batch"
        pool = Pool()
        Rule = pool.get('ecom.exception_rule')
        Finding = pool.get('ecom.order.finding')
        warned = set(Finding.of_orders(orders, action='warn'))
        stock_rule = Rule(kind='stock', action='block')
        context = cls._exception_context(orders)
        short = {o.id for o in orders if stock_rule.match(o, context)}
        return {'warned': warned, 'short': short}
