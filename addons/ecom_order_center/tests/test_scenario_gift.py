"""The shop runs promotions: buy tea, get a sample; spend more, get more;
only during the Double 11 payment window; only while gifts last."""
import datetime as dt
import unittest
from decimal import Decimal

from proteus import Model, Wizard
from proteus.config import get_config

from trytond.model.exceptions import AccessError
from trytond.modules.ecom_order_center.tests.rules_tools import (
    create_order)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError


class GiftScenarioTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller()
        self.seller = get_seller(self.config)
        self.products = self.seller.products

    def tearDown(self):
        drop_seller()

    def rule(self, name, tiers, products=(), **values):
        Rule = Model.get('ecom.gift_rule')
        Product = Model.get('product.product')
        rule = Rule(name=name, **values)
        for code in products:
            rule.products.append(Product(self.products[code].id))
        for threshold, code, quantity in tiers:
            gift = rule.gifts.new()
            gift.threshold = Decimal(threshold)
            gift.product = self.products[code]
            gift.quantity = quantity
        rule.save()
        return rule

    def gifts(self, order):
        order.reload()
        return sorted((l.product.code, l.quantity) for l in order.lines
            if l.gift)

    def test_buy_tea_get_samples_by_tier(self):
        "Buy Longjing: 1 tin gives a sample, 3 tins give two and a spoon"
        Order = Model.get('ecom.order')
        self.rule("买龙井送试饮", shop=self.seller.shops['TB01'],
            products=['TEA-LJ-250', 'TEA-LJ-500'],
            tiers=[('1', 'GFT-SP-01', 1), ('3', 'GFT-SP-01', 2),
                ('3', 'GFT-TS-01', 1)])
        one = create_order(self.seller, lines=[('TEA-LJ-250', 1)])
        three = create_order(self.seller,
            lines=[('TEA-LJ-250', 2), ('TEA-LJ-500', 1), ('CUP-CR-150', 5)])
        cups = create_order(self.seller, lines=[('CUP-CR-150', 5)])
        other_shop = create_order(self.seller, shop='JD01')
        Order.click([one, three, cups, other_shop], 'apply_gifts')

        self.assertEqual(self.gifts(one), [('GFT-SP-01', 1)])
        self.assertEqual(self.gifts(three),
            [('GFT-SP-01', 2), ('GFT-TS-01', 1)])
        self.assertEqual(self.gifts(cups), [])
        self.assertEqual(self.gifts(other_shop), [])

        gift, = [l for l in one.lines if l.gift]
        self.assertEqual((gift.unit_price, gift.amount),
            (Decimal(0), Decimal(0)))
        self.assertEqual(gift.gift_rule.name, "买龙井送试饮")
        decision, = one.decisions
        self.assertIn("买龙井送试饮", decision.rule)
        self.assertEqual(decision.values, 'quantity=1')

        # Applying again changes nothing
        one.click('apply_gifts')
        self.assertEqual(self.gifts(one), [('GFT-SP-01', 1)])

    def test_amount_tiers_give_one_gift_in_stock(self):
        "Spend 300 and get one gift: the first the warehouse has"
        self.rule("满300送一", threshold_type='amount', choice='one',
            tiers=[('300', 'GFT-TS-01', 500), ('300', 'GFT-SP-01', 1)])
        small = create_order(self.seller, lines=[('TEA-LJ-250', 1)])
        large = create_order(self.seller, lines=[('TEA-LJ-250', 2)])
        Model.get('ecom.order').click([small, large], 'apply_gifts')
        self.assertEqual(self.gifts(small), [])
        # 500 spoons are more than the 200 in stock
        self.assertEqual(self.gifts(large), [('GFT-SP-01', 1)])
        self.assertEqual(large.decisions[0].values, 'amount=336.00')

    def test_pay_time_window(self):
        "Only orders paid in the first two hours of Double 11"
        self.rule("双11前两小时", date_basis='pay',
            start_date=dt.datetime(2026, 11, 11, 0, 0),
            end_date=dt.datetime(2026, 11, 11, 2, 0),
            tiers=[('1', 'GFT-SP-01', 1)])
        self.rule("预售下单礼", date_basis='order',
            end_date=dt.datetime(2026, 11, 1),
            tiers=[('1', 'GFT-TS-01', 1)])
        early = create_order(self.seller,
            order_date=dt.datetime(2026, 10, 30, 20, 0),
            pay_date=dt.datetime(2026, 11, 11, 1, 0))
        late = create_order(self.seller,
            pay_date=dt.datetime(2026, 11, 11, 3, 0))
        unpaid = create_order(self.seller, pay_date=None)
        Model.get('ecom.order').click([early, late, unpaid], 'apply_gifts')
        self.assertEqual(self.gifts(early),
            [('GFT-SP-01', 1), ('GFT-TS-01', 1)])
        self.assertEqual(self.gifts(late), [])
        self.assertEqual(self.gifts(unpaid), [])

    def test_caps(self):
        "Two gifts in all, one per buyer: first paid, first served"
        Order = Model.get('ecom.order')
        rule = self.rule("限量赠品", total_cap=2, buyer_cap=1,
            tiers=[('1', 'GFT-SP-01', 1)])
        minute = dt.timedelta(minutes=1)
        start = dt.datetime(2026, 11, 11, 0, 0)
        a1 = create_order(self.seller, buyer='a', pay_date=start + minute)
        a2 = create_order(self.seller, buyer='a', pay_date=start + 2 * minute)
        b = create_order(self.seller, buyer='b', pay_date=start + 3 * minute)
        c = create_order(self.seller, buyer='c', pay_date=start + 4 * minute)
        Order.click([c, b, a2, a1], 'apply_gifts')

        self.assertEqual(self.gifts(a1), [('GFT-SP-01', 1)])
        self.assertEqual(self.gifts(a2), [])
        self.assertEqual(a2.decisions[0].outcome,
            "No gift: the buyer already had 1.")
        self.assertEqual(self.gifts(b), [('GFT-SP-01', 1)])
        self.assertEqual(self.gifts(c), [])
        self.assertEqual(c.decisions[0].outcome,
            "No gift: the 2 gifts of the rule are all given.")
        rule.reload()
        self.assertEqual(rule.given, 2)

        # A cancelled order gives its gift back to the pool
        b.click('cancel')
        c.click('apply_gifts')
        self.assertEqual(self.gifts(c), [('GFT-SP-01', 1)])

        # A later batch still counts the gifts given before
        d = create_order(self.seller, buyer='d')
        d.click('apply_gifts')
        self.assertEqual(self.gifts(d), [])

    def test_capped_rule_is_locked(self):
        "Giving capped gifts locks the rule before counting"
        rule = self.rule("限量赠品", total_cap=1,
            tiers=[('1', 'GFT-SP-01', 1)])
        free = self.rule("不限量", tiers=[('1', 'GFT-TS-01', 1)])
        order = create_order(self.seller)
        config = get_config()
        with Transaction().start(config.database_name, config.user,
                context={'company': self.seller.company.id}):
            Order = Pool().get('ecom.order')
            with self.assertRaises(TransactionError) as context:
                Order.apply_gifts(Order.browse([order.id]))
            lock = context.exception
            self.assertEqual(lock._table, 'ecom_gift_rule')
            self.assertEqual(set(lock._ids), {rule.id})
            self.assertNotIn(free.id, lock._ids)
        # Tryton restarts the transaction holding the lock: then it works
        with Transaction().start(config.database_name, config.user,
                context={'company': self.seller.company.id},
                _lock_records={'ecom_gift_rule': [rule.id]}):
            Order = Pool().get('ecom.order')
            Order.apply_gifts(Order.browse([order.id]))
            self.assertEqual(
                sorted(l.product.code for l in Order(order.id).lines
                    if l.gift), ['GFT-SP-01', 'GFT-TS-01'])

    def test_give_gifts_by_hand(self):
        "A clerk adds a spoon to two orders, then replaces every gift"
        Order = Model.get('ecom.order')
        self.rule("买茶送试饮", tiers=[('1', 'GFT-SP-01', 1)])
        first = create_order(self.seller)
        second = create_order(self.seller)
        Order.click([first, second], 'apply_gifts')

        give = Wizard('ecom.order.give_gift', [first, second])
        give.form.product = self.products['GFT-TS-01']
        give.execute('give')
        self.assertEqual(self.gifts(first),
            [('GFT-SP-01', 1), ('GFT-TS-01', 1)])

        give = Wizard('ecom.order.give_gift', [first, second])
        give.form.mode = 'replace'
        give.form.product = self.products['BOX-GF-S']
        give.form.quantity = 2
        give.execute('give')
        self.assertEqual(self.gifts(second), [('BOX-GF-S', 2)])
        self.assertTrue(second.gifts_by_hand)
        self.assertTrue(any("by hand" in d.rule for d in second.decisions))

        # The rules leave hand-picked gifts alone
        second.click('apply_gifts')
        self.assertEqual(self.gifts(second), [('BOX-GF-S', 2)])

    def test_no_gift_change_after_audit(self):
        "Gifts of a cancelled order cannot change"
        order = create_order(self.seller)
        order.click('cancel')
        give = Wizard('ecom.order.give_gift', [order])
        give.form.product = self.products['GFT-TS-01']
        with self.assertRaises(AccessError):
            give.execute('give')
