"Spreadsheet import, shipment write-back and stock push, with a database"

from proteus import Model

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from .simulated import SimulatedShopsCase, admin, as_admin, run_locked
from .test_download import point_shops
from .test_lifecycle import download, hand_over, settle
from .test_spreadsheet import CSV


class WriteBackTestCase(SimulatedShopsCase):

    def test_import_wizard_keeps_good_rows(self):
        with as_admin(DB_NAME):
            pool = Pool()
            Wizard = pool.get('ecom.order.import', type='wizard')
            Order = pool.get('ecom.order')
            session_id, _, _ = Wizard.create()
            result = Wizard.execute(session_id, {'start': {
                        'shop': self.shop('MAN01').id,
                        'file': CSV.encode('gbk'),
                        'filename': 'orders.csv'}}, 'import_')
            report = result['view']['defaults']['report']
            self.assertIn('4', report.splitlines()[1])
            orders = Order.search([('shop.code', '=', 'MAN01')])
            self.assertEqual(sorted(o.platform_order_id for o in orders),
                ['M1', 'M3'])
            m1, = [o for o in orders if o.platform_order_id == 'M1']
            self.assertEqual(len(m1.lines), 2)
            self.assertEqual({li.product.code for li in m1.lines},
                {'TEA-LJ-250', 'KIT-LJ-GIFT'})

    def test_carrier_codes_are_records_per_platform(self):
        "Each platform's code of a carrier comes from records a seller edits"
        expected = {'taobao': 'SF', 'tmall': 'SF', 'jd': '467', 'pdd': '44',
            'douyin': 'shunfeng', 'shopify': 'SF Express'}
        with as_admin(DB_NAME):
            pool = Pool()
            Carrier = pool.get('carrier')
            PlatformCarrier = pool.get('ecom.platform.carrier')
            sf, = Carrier.search([('party.code', '=', 'SF')])
            ems, = Carrier.search([('party.code', '=', 'EMS')])
            for platform, code in expected.items():
                with self.subTest(platform=platform):
                    self.assertEqual(
                        PlatformCarrier.platform_code(platform, sf), code)
            mapped, = PlatformCarrier.search([
                    ('platform', '=', 'jd'), ('carrier_code', '=', 'EMS')])
            PlatformCarrier.write([mapped], {'code': '2170'})
            self.assertEqual(PlatformCarrier.platform_code('jd', ems), '2170')
            PlatformCarrier.delete([mapped])
            # Unmapped, the carrier's own code is sent.
            self.assertEqual(PlatformCarrier.platform_code('jd', ems), 'EMS')
            self.assertIsNone(PlatformCarrier.platform_code('jd', None))

    def test_shipment_confirmed_on_platform(self):
        first, second = admin(self.simulator, 'orders',
            {'shop': 'TB01', 'count': 2})['orders']
        for placed in [first, second]:
            settle(self.simulator, 'TB01', placed)
        with as_admin(DB_NAME):
            point_shops(self.simulator.url)
        download('TB01')
        Order = Model.get('ecom.order')
        orders = Order.find([('shop.code', '=', 'TB01')])
        for button in ['cs_audit', 'finance_audit', 'post']:
            Order.click(orders, button)
        zto, = Model.get('carrier').find([('party.code', '=', 'ZTO')])
        shipments = []
        for order, tracking in zip(
                sorted(orders, key=lambda o: o.platform_order_id),
                ['ZT001', 'ZT002']):
            shipment, = order.sales[0].shipments
            hand_over(shipment, tracking, carrier=zto)
            shipments.append(shipment.id)
        admin(self.simulator, 'fault',
            {'shop': 'TB01', 'kind': 'http_500', 'count': 4})
        with as_admin(DB_NAME):
            pool = Pool()
            Order = pool.get('ecom.order')
            Shipment = pool.get('stock.shipment.out')
            # the parcels are gone: the platform is told after the commit
            run_locked(lambda: Shipment.do(Shipment.browse(shipments)))
            orders = Order.search([('shop.code', '=', 'TB01')])
            self.assertEqual({o.state for o in orders}, {'shipped'})
            self.assertEqual({o.platform_shipment for o in orders},
                {'pending'})
            Order.confirm_pending_shipments()
            # the first failed through the server errors, visibly
            states = sorted(o.platform_shipment for o in orders)
            self.assertEqual(states, ['confirmed', 'failed'])
            failed, = [o for o in orders if o.platform_shipment == 'failed']
            self.assertIn('500', failed.platform_shipment_error)
            # and is retried until the platform takes it
            Order.confirm_pending_shipments()
            self.assertEqual({o.platform_shipment for o in orders},
                {'confirmed'})
        shipments = self.simulator.state.data['shipments']
        self.assertEqual(sorted((s['order'], s['carrier'], s['tracking'])
                for s in shipments), sorted([
                    (first['id'], 'ZTO', 'ZT001'),
                    (second['id'], 'ZTO', 'ZT002')]))

    def test_listings_mapped_and_stock_pushed(self):
        with as_admin(DB_NAME):
            pool = Pool()
            Listing = pool.get('ecom.listing')
            point_shops(self.simulator.url)
            shop = self.shop('DY01')
            log = shop.download_listings()
            self.assertEqual((log.new, log.errors), (12, ''))
            listings = {li.outer_code: li
                for li in Listing.search([('shop', '=', shop.id)])}
            self.assertEqual(listings['KIT-LJ-GIFT'].product.code,
                'KIT-LJ-GIFT')
            self.assertEqual(shop.download_listings().unchanged, 12)
            shop.stock_safety = 10
            shop.save()
            listings['TEA-PE-357'].stock_cap = 5
            listings['TEA-PE-357'].save()
            log = shop.push_stock()
            self.assertEqual((log.updated, log.failed), (12, 0))
            pushed = {li['outer_code']: li['quantity']
                for li in self.simulator.state.data['shops']['DY01'][
                    'listings']}
            # Guangzhou holds 80 of each product: 72 after 10 % safety;
            # a kit shows as many as its scarcest component allows
            self.assertEqual(pushed['TEA-LJ-250'], 72)
            self.assertEqual(pushed['KIT-LJ-GIFT'], 72)
            self.assertEqual(pushed['KIT-TEA-SET'], 18)
            self.assertEqual(pushed['TEA-PE-357'], 5)
            self.assertEqual(shop.push_stock().unchanged, 12)

            # 20 more of Longjing arrive in Guangzhou: the shop pushes
            shop.stock_push = True
            shop.save()
            Move = pool.get('stock.move')
            Location = pool.get('stock.location')
            Queue = pool.get('ir.queue')
            supplier, = Location.search([('code', '=', 'SUP')])
            tea = listings['TEA-LJ-250'].product
            move = Move(product=tea, quantity=20, unit=tea.default_uom,
                from_location=supplier,
                to_location=shop.warehouse.storage_location,
                unit_price=tea.cost_price, currency=shop.company.currency,
                company=shop.company)
            move.save()
            Queue.delete(Queue.search([]))
            Move.do([move])
            task, = Queue.search([])
            self.assertEqual(task.data['method'], 'push_stock_queued')
            task.run()
            pushed = {li['outer_code']: li['quantity']
                for li in self.simulator.state.data['shops']['DY01'][
                    'listings']}
            self.assertEqual(pushed['TEA-LJ-250'], 90)
            self.assertEqual(pushed['KIT-LJ-GIFT'], 72)

    def test_split_order_confirmed_per_part(self):
        "Each part of a split Taobao order ships its own lines"
        with as_admin(DB_NAME):
            pool = Pool()
            Order = pool.get('ecom.order')
            point_shops(self.simulator.url)
            sim_order = None
            while not sim_order or len(sim_order['lines']) < 2:
                sim_order, = admin(self.simulator, 'orders',
                    {'shop': 'TB01', 'count': 1})['orders']
            self.shop('TB01').download()
            root, = Order.search(
                [('platform_order_id', '=', sim_order['id'])])
            child, = root.split_by_lines([root.lines[0]])
            parts = [root, child]
            for part, tracking in zip(parts, ['P1', 'P2']):
                part.tracking_number = tracking
                part.save()
            Order.confirm_on_platform(parts)
            self.assertEqual({p.platform_shipment for p in parts},
                {'confirmed'})
        shipments = [s for s in self.simulator.state.data['shipments']
            if s['order'] == sim_order['id']]
        self.assertEqual(sorted(s['tracking'] for s in shipments),
            ['P1', 'P2'])
        self.assertEqual(sorted(len(s['lines']) for s in shipments),
            sorted([len(sim_order['lines']) - 1, 1]))
