"""A clerk ships a buyer's three orders in one parcel, and ships one large
order in several: every part still knows its platform order."""
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
from trytond.transaction import Transaction


class MergeSplitScenarioTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller()
        self.seller = get_seller(self.config)

    def tearDown(self):
        drop_seller()

    def suggest(self, orders):
        config = get_config()
        with Transaction().start(config.database_name, config.user,
                readonly=True):
            Order = Pool().get('ecom.order')
            groups = Order.suggest_merges(Order.browse([o.id for o in orders]))
            return [[o.id for o in g] for g in groups]

    def test_merge_suggested_orders_and_unmerge(self):
        "Three orders of one buyer to one address ship together"
        Order = Model.get('ecom.order')
        first = create_order(self.seller,
            order_date=dt.datetime(2026, 11, 11, 0, 1))
        second = create_order(self.seller, lines=[('CUP-CR-150', 2)],
            receiver_address=" 文三路 1号")
        third = create_order(self.seller, lines=[('TEA-JH-50', 1)])
        elsewhere = create_order(self.seller, receiver_address="文二路 9 号")
        other_shop = create_order(self.seller, shop='TM01')

        self.assertEqual(self.suggest([second]),
            [[first.id, second.id, third.id]])
        self.assertEqual(self.suggest([elsewhere, other_shop]), [])

        merge = Wizard('ecom.order.merge_suggested', [third])
        self.assertEqual(merge.state, 'end')
        for order in [first, second, third]:
            order.reload()
        self.assertIsNone(first.merged_into)
        self.assertEqual(second.merged_into, first)
        self.assertEqual(third.merged_into, first)
        self.assertEqual(len(first.merged_orders), 2)
        # Each keeps its platform order and lines
        self.assertEqual([l.product.code for l in second.lines],
            ['CUP-CR-150'])
        self.assertTrue(second.platform_order_id.startswith('P'))
        self.assertTrue(any("Merged" in d.rule for d in third.decisions))
        self.assertEqual(self.suggest([first]), [])

        first.click('unmerge')
        for order in [second, third]:
            order.reload()
            self.assertIsNone(order.merged_into)
        self.assertEqual(len(self.suggest([first])), 1)

        # Merging by hand, then leaving the group from a member
        Wizard('ecom.order.merge', [second, first])
        second.reload()
        self.assertEqual(second.merged_into, first)
        second.click('unmerge')
        second.reload()
        self.assertIsNone(second.merged_into)
        self.assertEqual(Order.find([('merged_into', '!=', None)]), [])

    def test_merge_refused(self):
        "Different addresses, a single order or a cancelled one: refused"
        first = create_order(self.seller)
        elsewhere = create_order(self.seller, receiver_address="文二路 9 号")
        with self.assertRaises(AccessError):
            Wizard('ecom.order.merge', [first, elsewhere])
        with self.assertRaises(AccessError):
            Wizard('ecom.order.merge', [first])
        # the same buyer and address in another shop: each shop ships its own
        other_shop = create_order(self.seller, shop='TM01')
        with self.assertRaises(AccessError) as context:
            Wizard('ecom.order.merge', [first, other_shop])
        self.assertIn('are of another shop', str(context.exception))
        cancelled = create_order(self.seller)
        cancelled.click('cancel')
        with self.assertRaises(AccessError):
            Wizard('ecom.order.merge', [first, cancelled])
        first.reload()
        self.assertEqual(first.merged_orders, [])

    def split(self, order, method, **values):
        split = Wizard('ecom.order.split', [order])
        split.form.method = method
        for name, value in values.items():
            if name == 'lines':
                Line = Model.get('ecom.order.line')
                split.form.lines.extend(Line(l.id) for l in value)
            else:
                setattr(split.form, name, value)
        split.execute('split')
        order.reload()
        return sorted(order.split_orders, key=lambda o: o.platform_order_id)

    def test_split_by_lines_and_unsplit(self):
        "The cups ship later: they become part -2 of the platform order"
        order = create_order(self.seller, platform_order_id='TB1001',
            lines=[('TEA-LJ-250', 1), ('CUP-CR-150', 4)])
        for number, line in enumerate(order.lines, 1):
            line.platform_line_id = f'TB1001-{number}'
        order.save()
        cups, = [l for l in order.lines if l.product.code == 'CUP-CR-150']
        part, = self.split(order, 'lines', lines=[cups])

        self.assertEqual(part.platform_order_id, 'TB1001-2')
        self.assertEqual(part.split_from, order)
        self.assertEqual(part.shop, order.shop)
        self.assertEqual(part.receiver_name, order.receiver_name)
        line, = part.lines
        self.assertEqual((line.platform_line_id, line.quantity),
            ('TB1001-2', 4))
        self.assertEqual(part.total_amount, Decimal('156.00'))
        self.assertEqual(order.total_amount, Decimal('168.00'))
        self.assertEqual([l.product.code for l in order.lines],
            ['TEA-LJ-250'])

        order.click('unsplit')
        self.assertEqual(order.split_orders, [])
        self.assertEqual(sorted(l.product.code for l in order.lines),
            ['CUP-CR-150', 'TEA-LJ-250'])
        self.assertEqual(order.total_amount, Decimal('324.00'))

    def test_split_by_box_size(self):
        "25 cups in boxes of 10: three parcels, amounts kept"
        order = create_order(self.seller, platform_order_id='TB2001',
            lines=[('CUP-CR-150', 25)])
        parts = self.split(order, 'box', box_size=10)
        self.assertEqual([p.platform_order_id for p in parts],
            ['TB2001-2', 'TB2001-3'])
        self.assertEqual([l.quantity for l in order.lines], [10])
        self.assertEqual([p.lines[0].quantity for p in parts], [10, 5])
        amounts = [order.lines[0].amount] + [p.lines[0].amount for p in parts]
        self.assertEqual(sum(amounts), Decimal('975.00'))
        self.assertEqual(order.total_amount + sum(
                p.total_amount for p in parts), Decimal('975.00'))

        # A part split again hangs on the platform order too
        self.split(parts[0], 'box', box_size=6)
        order.reload()
        again, = [p for p in order.split_orders
            if p.platform_order_id == 'TB2001-4']
        self.assertEqual([l.quantity for l in again.lines], [4])
        self.assertEqual(again.split_from, order)

        order.click('unsplit')
        self.assertEqual([l.quantity for l in order.lines], [25])
        self.assertEqual(order.lines[0].amount, Decimal('975.00'))

    def test_split_by_presale_date(self):
        "Presale items ship on their dates, in-stock items now"
        order = create_order(self.seller, lines=[
                ('TEA-LJ-250', 1), ('TEA-BLC-100', 1), ('TEA-HC-150', 1)])
        dates = {'TEA-BLC-100': dt.date(2026, 12, 1),
            'TEA-HC-150': dt.date(2026, 12, 15)}
        for line in order.lines:
            line.ship_date = dates.get(line.product.code)
        order.save()
        parts = self.split(order, 'ship_date')
        self.assertEqual([l.product.code for l in order.lines],
            ['TEA-LJ-250'])
        self.assertEqual(
            [[l.product.code for l in p.lines] for p in parts],
            [['TEA-BLC-100'], ['TEA-HC-150']])

    def test_split_by_warehouse(self):
        "Guangzhou lacks Pu'er: that line ships from Hangzhou"
        order = create_order(self.seller, shop='PDD01', lines=[
                ('TEA-PE-357', 100), ('TEA-JH-50', 1)])
        part, = self.split(order, 'warehouse')
        self.assertEqual(part.warehouse.code, 'WH')
        self.assertEqual([l.product.code for l in part.lines],
            ['TEA-PE-357'])
        self.assertEqual([l.product.code for l in order.lines],
            ['TEA-JH-50'])

    def test_split_refused(self):
        "Merged or cancelled orders, and a box of nothing, are refused"
        first = create_order(self.seller, lines=[('CUP-CR-150', 5)])
        second = create_order(self.seller)
        Wizard('ecom.order.merge', [first, second])
        with self.assertRaises(AccessError):
            self.split(first, 'box', box_size=2)
        first.click('unmerge')
        with self.assertRaisesRegex(AccessError, 'box size must be'):
            self.split(first, 'box', box_size=0)
        second.click('cancel')
        with self.assertRaises(AccessError):
            self.split(second, 'ship_date')
        first.reload()
        self.assertEqual(first.split_orders, [])

    def audit(self, orders, buttons=('cs_audit', 'finance_audit')):
        Order = Model.get('ecom.order')
        for button in buttons:
            Order.click(orders, button)
        for order in orders:
            order.reload()

    def test_merged_group_posts_as_one_sale(self):
        "One parcel: the merged orders become one sale with every line"
        first = create_order(self.seller, shipping_amount=Decimal('5'))
        second = create_order(self.seller, lines=[('CUP-CR-150', 2)],
            shipping_amount=Decimal('3'))
        Wizard('ecom.order.merge', [first, second])
        self.audit([second])
        # The master is not approved: the member waits for it
        self.audit([second], ['post'])
        self.assertEqual(second.state, 'approved')
        self.assertTrue(any("not approved" in d.outcome
                for d in second.decisions))

        self.audit([first])
        self.audit([second], ['post'])
        first.reload()
        self.assertEqual((first.state, second.state), ('posted', 'posted'))
        sale, = first.sales
        self.assertEqual(second.sales, [sale])
        self.assertEqual(sale.reference, ','.join(
                [first.platform_order_id, second.platform_order_id]))
        self.assertEqual(sorted((l.product.code, l.quantity)
                for l in sale.lines if l.product.code != 'SHIP'),
            [('CUP-CR-150', 2), ('TEA-LJ-250', 1)])
        self.assertEqual(sale.ecom_shipping_amount, Decimal('8'))
        self.assertEqual(len(sale.shipments), 1)

    def test_split_parts_post_as_their_own_sales(self):
        "Each part of a split order is its own sale and parcel"
        order = create_order(self.seller, platform_order_id='TB3001',
            lines=[('CUP-CR-150', 15)])
        part, = self.split(order, 'box', box_size=10)
        self.audit([order, part], ['cs_audit', 'finance_audit', 'post'])
        self.assertEqual((order.state, part.state), ('posted', 'posted'))
        sale, = order.sales
        part_sale, = part.sales
        self.assertNotEqual(sale, part_sale)
        self.assertEqual(part_sale.reference, 'TB3001-2')
        self.assertEqual([l.quantity for l in sale.lines
                if l.product.code == 'CUP-CR-150'], [10])
        self.assertEqual([l.quantity for l in part_sale.lines
                if l.product.code == 'CUP-CR-150'], [5])

    def test_shop_merges_automatically(self):
        "A shop that merges by itself: a buyer's second order joins the first"
        from .test_scenario_order import line, normalized
        shop = self.seller.shops['TB01']
        shop.auto_merge = True
        shop.save()
        Order = Model.get('ecom.order')

        def upsert(*orders):
            Order.upsert_normalized(shop.id, list(orders),
                self.config.context)

        upsert(normalized('A1001', line('1', 'TEA-LJ-250')))
        upsert(normalized('A1002', line('1', 'CUP-CR-150', price='39.00')),
            normalized('A1003', line('1', 'TEA-JH-50', price='58.00'),
                receiver_address='文二路 9 号'))
        first, = Order.find([('platform_order_id', '=', 'A1001')])
        second, = Order.find([('platform_order_id', '=', 'A1002')])
        elsewhere, = Order.find([('platform_order_id', '=', 'A1003')])
        self.assertEqual(second.merged_into, first)
        self.assertIsNone(elsewhere.merged_into)
        self.assertTrue(any("automatically" in d.rule
                for d in second.decisions))
        # merged orders are not flagged as duplicates of each other
        self.assertNotIn('A1001', second.exceptions or '')
        self.assertEqual((first.state, second.state), ('draft', 'draft'))
