"""Shipping modes decide the steps before a parcel leaves; the 仓储 lists
and the to-do board count the parcels at each step; batch picking,
packing and shipping report what happened to each parcel."""
from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.pyson import PYSONDecoder

from trytond.modules.ecom_warehouse.tests.test_scenario_packing import (
    PackingCase, lj)


class ShippingModeTestCase(PackingCase):

    def test_simple_shipping_scans_waybill_and_order(self):
        "简易发货: the waybill, then the order, and the parcel is gone"
        self.shop.ecom_shipping_mode = 'simple'
        self.shop.save()
        shipment = self.parcel('S1001', lj())
        state, (waybill, wrong, order) = self.scan(
            'ZTS1001', 'S9999', 'S1001')
        self.assertEqual(waybill['message'],
            '%s: scan the order.' % shipment.number)
        self.assertEqual((wrong['ok'], wrong['message']), (False,
                'Order "S9999" is not the one of %s.' % shipment.number))
        self.assertTrue(order['complete'])
        shipment.reload()
        self.assertEqual(shipment.state, 'done')
        self.assertEqual(shipment.ecom_packer.login, 'admin')
        sale_order, = self.Order.find([('platform_order_id', '=', 'S1001')])
        self.assertEqual(sale_order.state, 'shipped')
        self.assertEqual(sale_order.tracking_number, 'ZTS1001')

    def test_one_click_shipping_from_assigned(self):
        "一键发货: shipped outside the system, marked shipped here"
        self.warehouse(ecom_shipping_mode='one_click')
        shipment = self.parcel('S2001', lj())
        shipment.click('ecom_ship')
        self.assertEqual(shipment.state, 'done')
        self.assertEqual(shipment.ecom_shipping_mode, 'one_click')
        order, = self.Order.find([('platform_order_id', '=', 'S2001')])
        self.assertEqual(order.state, 'shipped')

    def test_weigh_mode_refuses_to_ship_unweighed(self):
        shipment = self.parcel('S3001', lj())
        with self.assertRaisesRegex(UserError,
                'must be weighed within tolerance before shipping'):
            shipment.click('ecom_ship')

    def test_virtual_shipping_sends_the_number_first(self):
        "虚拟发货: the order has its tracking number before the parcel goes"
        self.shop.ecom_shipping_mode = 'virtual'
        self.shop.save()
        shipment = self.parcel('S4001', lj())
        shipment.shipping_reference = None
        shipment.save()
        with self.assertRaisesRegex(UserError,
                'has no waybill number to send to the platform'):
            shipment.click('ecom_ship_virtual')
        shipment.shipping_reference = 'ZTS4001'
        shipment.save()
        shipment.click('ecom_ship_virtual')
        self.assertTrue(shipment.ecom_virtual_shipped_at)
        order, = self.Order.find([('platform_order_id', '=', 'S4001')])
        self.assertEqual(order.state, 'posted')
        self.assertEqual(order.tracking_number, 'ZTS4001')
        shipment.click('ecom_ship')
        order.reload()
        self.assertEqual(order.state, 'shipped')


class FloorTestCase(PackingCase):

    def test_lists_todo_and_batch_actions(self):
        assigned = self.parcel('F1001', lj())
        picked = self.parcel('F1002', lj())
        picked.click('pick')
        packed = self.parcel('F1003', lj())
        self.scan('ZTF1003', 'TEA-LJ-250')
        packed.reload()
        self.assertEqual(packed.state, 'packed')

        Todo = Model.get('ecom.order.todo')
        counts = {r.state: r.count for r in Todo.find([])
            if r.warehouse}
        self.assertEqual(counts, {
                'wh_to_wave': 1, 'wh_to_verify': 1, 'wh_to_weigh': 1})
        row, = [r for r in Todo.find([]) if r.state == 'wh_to_verify']
        self.assertEqual(row.warehouse, self.seller.warehouses['WH'])
        opened = Wizard('ecom.order.todo.open', [row])
        shipments, = opened.actions
        self.assertEqual([s.id for s in shipments], [picked.id])

        Action = Model.get('ir.action.act_window')
        action, = Action.find([('res_model', '=', 'stock.shipment.out'),
                ('name', '=', 'Parcels')])
        decode = PYSONDecoder().decode
        tabs = {d.name: len(self.Shipment.find(decode(d.domain)))
            for d in action.act_window_domains if d.count}
        self.assertEqual(tabs, {'To Wave': 1, 'Picking': 0, 'To Verify': 1,
                'To Weigh': 1, 'To Ship': 0})

        batch = Wizard('ecom.shipment.batch', [assigned, picked, packed])
        batch.form.action = 'pack'
        batch.execute('run')
        results = {r.shipment.id: (r.outcome, r.reason)
            for r in batch.form.results}
        self.assertEqual(results[assigned.id], ('done', 'Now Packed.'))
        self.assertEqual(results[picked.id], ('done', 'Now Packed.'))
        self.assertEqual(results[packed.id],
            ('skipped', 'Not changed: the shipment was Packed.'))
        self.assertEqual((batch.form.done, batch.form.skipped), (2, 1))

        batch = Wizard('ecom.shipment.batch', [assigned, packed])
        batch.form.action = 'ship'
        batch.execute('run')
        outcomes = {r.shipment.id: r.outcome for r in batch.form.results}
        self.assertEqual(outcomes, {assigned.id: 'failed',
                packed.id: 'failed'})
        reason, = {r.reason for r in batch.form.results
            if r.shipment.id == packed.id}
        self.assertIn('must be weighed within tolerance', reason)
