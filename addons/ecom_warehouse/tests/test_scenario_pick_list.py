"""The aggregated pick list (拣货单) of a wave: a picker walks the route
once, product by product, and tells which bins each goes to."""
import datetime as dt

from proteus import Model, Wizard
from trytond.model.exceptions import AccessError

from trytond.modules.ecom_warehouse.tests.wave_tools import WaveCase, line


class PickListTestCase(WaveCase):

    def shelve(self, code, name, sequence, product_codes):
        """Make a shelf location of the main warehouse's storage and move
        all the stock of the products onto it"""
        Location = Model.get('stock.location')
        Internal = Model.get('stock.shipment.internal')
        storage = self.seller.warehouses['WH'].storage_location
        shelf = Location(name=name, code=code, type='storage',
            parent=storage, sequence=sequence)
        shelf.save()
        internal = Internal(from_location=storage, to_location=shelf,
            planned_date=dt.date.today())
        for code in product_codes:
            move = internal.moves.new()
            move.product = self.seller.products[code]
            move.quantity = 200
            move.from_location = storage
            move.to_location = shelf
        internal.save()
        for button in ['wait', 'assign_try', 'do']:
            internal.click(button)
        self.assertEqual(internal.state, 'done')
        return shelf

    def pick_list(self, wave):
        wave.reload()
        return [(p.location.name, p.product.code, p.quantity, p.bins)
            for p in wave.pick_lines]

    def test_pick_list_in_route_order_with_bins(self):
        self.shelve('A-02', "A-02", 20, ['TEA-LJ-250'])
        self.shelve('A-01', "A-01", 10, ['CUP-CR-150'])
        self.post('TB01',
            self.order('P1', line('1', 'TEA-LJ-250'), minutes=1),
            self.order('P2', line('1', 'KIT-TEA-SET', price='268.00'),
                minutes=2),
            self.order('P3', line('1', 'TEA-LJ-250', quantity=2),
                line('2', 'CUP-CR-150'), minutes=3))
        wave, = self.build()
        storage = self.seller.warehouses['WH'].storage_location.name
        self.assertEqual(self.pick_list(wave), [
                ("A-01", 'CUP-CR-150', 5, '2×4, 3'),
                ("A-02", 'TEA-LJ-250', 3, '1, 3×2'),
                # the kit's other components, where the stock still is
                (storage, 'POT-GW-150', 1, '2'),
                (storage, 'TEA-TGY-250', 1, '2'),
                ])

    def test_warehouse_without_locations_one_line_per_product(self):
        "无货位: the Guangzhou warehouse picks from its storage itself"
        self.post('PDD01',
            self.order('G1', line('1', 'TEA-BLC-100', quantity=2),
                shop='PDD01', minutes=1),
            self.order('G2', line('1', 'TEA-BLC-100'),
                line('2', 'TEA-JH-50'), shop='PDD01', minutes=2))
        wave, = self.build(warehouse='GZ')
        storage = self.seller.warehouses['GZ'].storage_location.name
        self.assertEqual(self.pick_list(wave), [
                (storage, 'TEA-BLC-100', 3, '1×2, 2'),
                (storage, 'TEA-JH-50', 1, '2'),
                ])

    def test_shortage_takes_out_the_newest_shipments(self):
        shipments = self.post('TB01',
            self.order('S1', line('1', 'TEA-LJ-250'), minutes=1),
            self.order('S2', line('1', 'CUP-CR-150'), minutes=2),
            self.order('S3', line('1', 'TEA-LJ-250', quantity=2),
                minutes=3))
        wave, = self.build()
        wave.click('start_picking')
        tea, = [p for p in wave.pick_lines
            if p.product.code == 'TEA-LJ-250']
        self.assertEqual((tea.quantity, tea.bins), (3, '1, 3×2'))

        shortage = Wizard('ecom.wave.shortage', [tea])
        self.assertEqual(shortage.form.quantity, 3)
        shortage.form.found = 1
        shortage.form.reason = "货架上只剩一罐"
        shortage.execute('take_out')

        storage = self.seller.warehouses['WH'].storage_location.name
        self.assertEqual(self.pick_list(wave), [
                (storage, 'CUP-CR-150', 1, '2'),
                (storage, 'TEA-LJ-250', 1, '1'),
                ])
        removed, = [l for l in wave.lines if l.state == 'removed']
        self.assertEqual((removed.bin, removed.removal), (3, 'shortage'))
        self.assertIn("货架上只剩一罐", removed.reason)
        shipment = shipments['S3']
        shipment.reload()
        self.assertIn("货架上只剩一罐", shipment.ecom_wave_note)
        self.assertIsNone(shipment.ecom_wave)

        wave.click('complete_pick')
        states = {}
        for order_id, shipment in shipments.items():
            shipment.reload()
            states[order_id] = shipment.state
        self.assertEqual(states,
            {'S1': 'picked', 'S2': 'picked', 'S3': 'assigned'})

        # The wave is done: nothing of it changes any more.
        tea, = wave.pick_lines[1:]
        shortage = Wizard('ecom.wave.shortage', [tea])
        shortage.form.found = 0
        with self.assertRaisesRegex(AccessError, 'is Done'):
            shortage.execute('take_out')

    def test_everything_found_takes_nothing_out(self):
        self.post('TB01', self.order('E1', line('1', 'TEA-LJ-250')))
        wave, = self.build()
        pick, = wave.pick_lines
        shortage = Wizard('ecom.wave.shortage', [pick])
        shortage.form.found = 1
        shortage.execute('take_out')
        wave.reload()
        self.assertEqual([l.state for l in wave.lines], ['waiting'])
