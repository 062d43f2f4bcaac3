"""From the platform's order to done: the warehouse packs the parcel and
hands it to the carrier, the order is shipped with the carrier and the
tracking number; it is done when the platform says the buyer has it, or
when the shop's days after shipping have passed."""
import datetime as dt

from proteus import Model, Wizard

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    OrderCenterCase, line, normalized)
from trytond.tests.tools import set_user


def tea():
    return line('1', 'TEA-DHP-200', price='228.00')


def cups():
    return line('2', 'CUP-CR-150', quantity=4, price='39.00')


class LifecycleTestCase(OrderCenterCase):
    "A posted order through the warehouse to done"

    def setUp(self):
        super().setUp()
        self.Shipment = Model.get('stock.shipment.out')
        User = Model.get('res.user')
        Group = Model.get('res.group')
        self.packer = User(name="仓库小李", login='packer')
        self.packer.groups.extend(Group.find([
                    ('name', 'in', ["E-commerce Warehouse", "Stock"])]))
        self.packer.companies.append(
            Model.get('company.company')(self.seller.company.id))
        self.packer.company = self.seller.company
        self.packer.save()
        self.box = Model.get('stock.package.type')(name="纸箱")
        self.box.save()

    def tearDown(self):
        set_user(1, self.config)
        super().tearDown()

    def order(self, order_id):
        order, = self.Order.find([('platform_order_id', '=', order_id)])
        return order

    def post(self, *orders):
        "Download, audit and post the orders"
        self.upsert(*orders)
        records = self.Order.find([
                ('platform_order_id', 'in',
                    [o['platform_order_id'] for o in orders]),
                ])
        self.audit_and_post(records)

    def audit_and_post(self, orders):
        for button in ['cs_audit', 'finance_audit', 'post']:
            self.Order.click(orders, button)
        for order in orders:
            order.reload()
            self.assertEqual(order.state, 'posted')

    def shipment(self, order_id):
        shipment, = [s for s in self.order(order_id).sales[0].shipments
            if s.state not in {'done', 'cancelled'}]
        return shipment

    def as_packer(self, shipment):
        "The shipment as the warehouse's packer sees it"
        set_user(self.packer, self.config)
        return self.Shipment(shipment.id)

    def pack(self, shipment, reference=None, parcels=(), carrier=None):
        """The packer picks, packs with the waybill numbers and hands the
        parcels to the carrier (the shipment stays shipped, not done)"""
        shipment = self.as_packer(shipment)
        shipment.click('assign_try')
        self.assertEqual(shipment.state, 'assigned')
        shipment.click('pick')
        if carrier:
            shipment.carrier = Model.get('carrier')(carrier.id)
        shipment.shipping_reference = reference
        for waybill, moves in parcels:
            package = shipment.packages.new(type=self.box)
            package.shipping_reference = waybill
            for move in moves(shipment):
                package.moves.append(Model.get('stock.move')(move.id))
        shipment.save()
        shipment.click('pack')
        shipment.click('ship')
        self.assertEqual(shipment.state, 'shipped')
        set_user(1, self.config)
        return shipment

    def deliver(self, shipment):
        "The parcels are gone for good: the packer marks the shipment done"
        shipment = self.as_packer(shipment)
        shipment.click('do')
        self.assertEqual(shipment.state, 'done')
        set_user(1, self.config)
        return shipment

    def test_order_shipped_then_finished_on_the_platform(self):
        "The parcel leaves with SF; the buyer confirms receipt: done"
        self.post(normalized('L1001', tea(), cups()))
        sf = self.seller.carriers['SF']
        shipment = self.pack(self.shipment('L1001'), reference='SF1234567890',
            carrier=sf)
        # handed to the carrier, not done yet: still posted
        self.assertEqual(self.order('L1001').state, 'posted')

        self.deliver(shipment)
        order = self.order('L1001')
        self.assertEqual(order.state, 'shipped')
        self.assertEqual(order.carrier, sf)
        self.assertEqual(order.tracking_number, 'SF1234567890')
        self.assertEqual(order.shipped_date, dt.date.today())
        shipped, = [d for d in order.decisions if d.rule == 'Shipment']
        self.assertIn('SF1234567890', shipped.outcome)
        self.assertIn(shipment.number, shipped.values)

        # the platform says nothing new: the order stays shipped
        self.upsert(normalized('L1001', tea(), cups(), status='shipped'))
        self.assertEqual(self.order('L1001').state, 'shipped')
        self.upsert(normalized('L1001', tea(), cups(), status='finished',
                platform_status='TRADE_FINISHED'))
        order = self.order('L1001')
        self.assertEqual(order.state, 'done')
        self.assertEqual(order.platform_state, 'finished')
        done, = [d for d in order.decisions if d.rule == 'Completion']
        self.assertEqual(done.outcome,
            'The platform reports the order finished.')

    def test_parcels_give_their_waybill_numbers(self):
        "Two boxes, each with its waybill: the order has both numbers"
        self.post(normalized('L2001', tea(), cups()))

        def tea_moves(shipment):
            return [m for m in shipment.outgoing_moves
                if m.product.code == 'TEA-DHP-200']

        def cup_moves(shipment):
            return [m for m in shipment.outgoing_moves
                if m.product.code == 'CUP-CR-150']
        shipment = self.pack(self.shipment('L2001'), parcels=[
                ('YT0001', tea_moves), ('YT0002', cup_moves)])
        self.deliver(shipment)
        order = self.order('L2001')
        self.assertEqual(order.state, 'shipped')
        self.assertEqual(order.tracking_number, 'YT0001, YT0002')
        self.assertEqual(order.carrier, shipment.carrier)

    def test_short_picked_order_waits_for_its_backorder(self):
        "Two cups of four picked: the order ships with the second parcel"
        self.post(normalized('L3001', tea(), cups()))
        shipment = self.as_packer(self.shipment('L3001'))
        cup_move, = [m for m in shipment.inventory_moves
            if m.product.code == 'CUP-CR-150']
        cup_move.quantity = 2
        shipment.save()
        shipment.click('assign_try')
        shipment.click('pick')
        shipment.shipping_reference = 'ZT0001'
        shipment.save()
        shipment.click('pack')
        shipment.click('do')
        set_user(1, self.config)
        order = self.order('L3001')
        self.assertEqual(order.state, 'posted')
        self.assertIsNone(order.tracking_number)

        backorder = self.shipment('L3001')
        self.assertEqual([(m.product.code, m.quantity)
                for m in backorder.outgoing_moves], [('CUP-CR-150', 2)])
        self.deliver(self.pack(backorder, reference='ZT0002'))
        order = self.order('L3001')
        self.assertEqual(order.state, 'shipped')
        self.assertEqual(order.tracking_number, 'ZT0001, ZT0002')

    def test_split_parts_ship_on_their_own(self):
        "The cups ship later: the tea's part is shipped, the cups' waits"
        self.upsert(normalized('L4001', tea(), cups()))
        order = self.order('L4001')
        split = Wizard('ecom.order.split', [order])
        split.form.method = 'lines'
        split.form.lines.extend(
            Model.get('ecom.order.line')(l.id) for l in order.lines
            if l.product.code == 'CUP-CR-150')
        split.execute('split')
        part = self.order('L4001-2')
        self.audit_and_post([order, part])

        self.deliver(self.pack(self.shipment('L4001'), reference='ZT4001'))
        order, part = self.order('L4001'), self.order('L4001-2')
        self.assertEqual((order.state, part.state), ('shipped', 'posted'))
        self.assertEqual(order.tracking_number, 'ZT4001')
        self.assertIsNone(part.tracking_number)

        self.deliver(self.pack(self.shipment('L4001-2'), reference='ZT4002'))
        part = self.order('L4001-2')
        self.assertEqual(part.state, 'shipped')
        self.assertEqual(part.tracking_number, 'ZT4002')

    def test_merged_orders_ship_together(self):
        "Two orders of one buyer in one parcel are shipped together"
        self.upsert(normalized('L5001', tea()), normalized('L5002', cups()))
        first, second = self.order('L5001'), self.order('L5002')
        Wizard('ecom.order.merge', [first, second])
        self.audit_and_post([first, second])
        self.assertEqual(first.sales, second.sales)

        self.deliver(self.pack(self.shipment('L5001'), reference='ZT5000'))
        for order_id in ['L5001', 'L5002']:
            order = self.order(order_id)
            self.assertEqual(order.state, 'shipped')
            self.assertEqual(order.tracking_number, 'ZT5000')

    def test_done_after_the_shops_days(self):
        "Shipped 20 days ago: done; shipped today: not yet"
        self.post(normalized('L6001', tea()), normalized('L6002', cups()))
        long_ago = self.pack(self.shipment('L6001'), reference='ZT6001')
        long_ago.effective_date = dt.date.today() - dt.timedelta(days=20)
        long_ago.save()
        self.deliver(long_ago)
        self.deliver(self.pack(self.shipment('L6002'), reference='ZT6002'))
        self.assertEqual(self.shop.done_after_days, 15)

        Cron = Model.get('ir.cron')
        cron, = Cron.find([('method', '=', 'ecom.order|finish_due')])
        cron.click('run_once')
        old, new = self.order('L6001'), self.order('L6002')
        self.assertEqual((old.state, new.state), ('done', 'shipped'))
        self.assertEqual(old.shipped_date,
            dt.date.today() - dt.timedelta(days=20))
        done, = [d for d in old.decisions if d.rule == 'Completion']
        self.assertEqual(done.outcome, 'Shipped 15 days ago or more.')

        # the shop finishes the orders the same day they ship
        self.shop.done_after_days = 0
        self.shop.save()
        cron.click('run_once')
        self.assertEqual(self.order('L6002').state, 'done')

    def test_cancelled_parcel_is_not_counted(self):
        "A parcel cancelled beside one delivered: the order is shipped"
        self.post(normalized('L7001', tea(), cups()))
        shipment = self.as_packer(self.shipment('L7001'))
        cup_move, = [m for m in shipment.inventory_moves
            if m.product.code == 'CUP-CR-150']
        cup_move.quantity = 0
        shipment.save()
        shipment.click('assign_try')
        shipment.click('pick')
        shipment.shipping_reference = 'ZT7001'
        shipment.save()
        shipment.click('pack')
        shipment.click('do')
        set_user(1, self.config)
        self.assertEqual(self.order('L7001').state, 'posted')

        # the cups will not come: the clerk cancels their parcel and the
        # sale ignores them
        backorder = self.shipment('L7001')
        backorder.click('cancel')
        sale = self.order('L7001').sales[0]
        handle = Wizard('sale.handle.shipment.exception', [sale])
        handle.form.ignore_moves.extend(
            Model.get('stock.move')(m.id) for m in handle.form.domain_moves)
        handle.execute('handle')
        order = self.order('L7001')
        self.assertEqual(order.state, 'shipped')
        self.assertEqual(order.tracking_number, 'ZT7001')
