"""E-waybill numbers: the warehouse asks each carrier's service for the
numbers of its shipments; the number, with its sort code and hub, is the
shipment's shipping reference.  A refusal is told on the shipment it
concerns, a timeout loses nothing, and a number is never handed out
twice; a cancelled or re-routed parcel gives its number back."""
from devtools.simulator.connect import WAYBILL_SERVICES, connect_waybills
from proteus import Model

from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.worker import run_task
from trytond.modules.ecom_warehouse.tests.waybill_tools import WarehouseCase


class WaybillTestCase(WarehouseCase):

    def test_cainiao_numbers_with_routing(self):
        "Two Taobao parcels get their Cainiao numbers, sort codes and hubs"
        self.account('cainiao')
        first, second = self.shipments(('T1', '浙江', None),
            ('T2', '广东', None))
        self.Shipment.click([first, second], 'fetch_waybill')
        first.reload()
        second.reload()
        self.assertEqual(first.waybill.state, 'reserved')
        self.assertEqual(first.shipping_reference, first.waybill.number)
        self.assertTrue(first.shipping_reference.startswith('7731'))
        self.assertEqual(first.sort_code, '浙-杭州-西湖')
        self.assertEqual(first.waybill.hub, '杭州转运中心')
        self.assertEqual(second.sort_code, '广-广州-天河')
        self.assertNotEqual(first.shipping_reference,
            second.shipping_reference)
        self.assertFalse(first.waybill_error)

        # Asked again, nothing changes and the service is not called
        calls = self.sim()['cainiao']['calls']
        self.Shipment.click([first, second], 'fetch_waybill')
        first.reload()
        self.assertEqual(len(first.waybills), 1)
        self.assertEqual(self.sim()['cainiao']['calls'], calls)

    def test_every_service_gives_and_takes_back_numbers(self):
        "PDD, JD, Douyin and SF answer numbers and take cancelled ones back"
        for service, carrier, prefix in [('pdd', 'ZTO', '7731'),
                ('jd', 'YTO', 'YT'), ('douyin', 'EMS', '11'),
                ('sf', 'SF', 'SF')]:
            with self.subTest(service=service):
                self.account(service, carrier)
                shipment, = self.shipments(
                    ('%s-1' % service, '浙江', None), carrier=carrier)
                shipment.click('fetch_waybill')
                shipment.reload()
                self.assertTrue(shipment.shipping_reference.startswith(
                        prefix), shipment.waybill_error)
                self.assertEqual(shipment.sort_code, '浙-杭州-西湖')
                waybill = shipment.waybill
                shipment.click('cancel')
                waybill.reload()
                self.assertEqual(waybill.state, 'cancelled')
                self.assertTrue(waybill.recycled, waybill.message)
                self.assertEqual(self.sim()[service]['numbers'][
                        waybill.number], 'cancelled')

    def test_no_balance_then_topped_up(self):
        "Without balance nothing is taken; topped up, the same requests go"
        self.account('cainiao')
        self.sim(service='cainiao', balance=0)
        first, second = self.shipments(('T1', '浙江', None),
            ('T2', '广东', None))
        self.Shipment.click([first, second], 'fetch_waybill')
        for shipment in [first, second]:
            shipment.reload()
            self.assertFalse(shipment.shipping_reference)
            self.assertIn('no balance left', shipment.waybill_error)
            self.assertIn('isv.BALANCE_NOT_ENOUGH', shipment.waybill_error)
        request = first.waybills[0].request_id

        self.sim(service='cainiao', balance=10)
        self.Shipment.click([first, second], 'fetch_waybill')
        first.reload()
        self.assertTrue(first.shipping_reference)
        self.assertFalse(first.waybill_error)
        waybill, = first.waybills
        self.assertEqual(waybill.request_id, request)

    def test_address_not_served_leaves_the_others(self):
        "A receiver outside the service area is told; the others go on"
        self.account('pdd')
        self.sim(service='pdd', unserved=['浙江'])
        served, unserved = self.shipments(('P1', '广东', None),
            ('P2', '浙江', None))
        self.Shipment.click([served, unserved], 'fetch_waybill')
        served.reload()
        unserved.reload()
        self.assertTrue(served.shipping_reference)
        self.assertFalse(unserved.shipping_reference)
        self.assertIn("outside the branch's service area",
            unserved.waybill_error)
        self.assertIn('50005', unserved.waybill_error)

    def test_timeout_gets_the_same_number_again(self):
        "A number taken but answered too late is the one asked again"
        self.account('cainiao', timeout=1)
        self.sim(service='cainiao', faults=['timeout'], seconds=2)
        shipment, = self.shipments(('T1', '浙江', None))
        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertFalse(shipment.shipping_reference)
        self.assertIn('no answer in time', shipment.waybill_error)
        taken, = self.sim()['cainiao']['numbers']

        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertEqual(shipment.shipping_reference, taken)
        self.assertEqual(len(shipment.waybills), 1)
        self.assertEqual(list(self.sim()['cainiao']['numbers']), [taken])

    def test_new_carrier_cancels_the_number(self):
        "A parcel re-routed to another carrier gives its number back"
        self.account('cainiao')
        self.account('sf', 'SF')
        shipment, = self.shipments(('T1', '浙江', None))
        shipment.click('fetch_waybill')
        shipment.reload()
        old = shipment.waybill
        shipment.carrier = self.seller.carriers['SF']
        shipment.save()
        shipment.reload()
        old.reload()
        self.assertEqual(old.state, 'cancelled')
        self.assertTrue(old.recycled)
        self.assertEqual(self.sim()['cainiao']['numbers'][old.number],
            'cancelled')
        self.assertFalse(shipment.shipping_reference)
        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertTrue(shipment.shipping_reference.startswith('SF'))

    def test_new_carrier_cancels_the_pending_request(self):
        "A request left pending by a timeout is given back on a re-route"
        self.account('cainiao', timeout=1)
        self.account('sf', 'SF')
        self.sim(service='cainiao', faults=['timeout'], seconds=2)
        shipment, = self.shipments(('T1', '浙江', None))
        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertIn('no answer in time', shipment.waybill_error)
        taken, = self.sim()['cainiao']['numbers']
        pending, = shipment.waybills

        shipment.carrier = self.seller.carriers['SF']
        shipment.save()
        shipment.reload()
        pending.reload()
        self.assertEqual(pending.state, 'cancelled')
        self.assertEqual(pending.number, taken)
        self.assertTrue(pending.recycled, pending.message)
        self.assertEqual(self.sim()['cainiao']['numbers'][taken],
            'cancelled')
        self.assertFalse(shipment.waybill_error)

        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertTrue(shipment.shipping_reference.startswith('SF'),
            shipment.waybill_error)
        self.assertEqual(shipment.waybill.carrier,
            self.seller.carriers['SF'])
        self.assertNotEqual(shipment.waybill.request_id, pending.request_id)
        self.assertEqual(
            [w.state for w in shipment.waybills if w.number == taken],
            ['cancelled'])

    def test_answer_after_the_re_route_stays_off_the_parcel(self):
        "The old carrier's answer, come while the parcel was re-routed"
        self.account('cainiao')
        self.account('sf', 'SF')
        shipment, = self.shipments(('T1', '浙江', None))
        # a clerk's fetch has committed its request, the service is asked
        in_flight = self.in_flight(shipment)
        # meanwhile another clerk re-routes the parcel to SF
        shipment.carrier = self.seller.carriers['SF']
        shipment.save()
        number = self.answer(in_flight)

        shipment.reload()
        self.assertFalse(shipment.shipping_reference)
        old, = shipment.waybills
        self.assertEqual(old.number, number)
        self.assertEqual(old.state, 'cancelled')
        self.assertTrue(old.recycled, old.message)
        self.assertEqual(self.sim()['cainiao']['numbers'][number],
            'cancelled')
        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertTrue(shipment.shipping_reference.startswith('SF'),
            shipment.waybill_error)

    def in_flight(self, shipment):
        "The requests of a fetch committed before its service is called"
        with Transaction().start(self.config.database_name,
                self.config.user, context=self.config.context) as transaction:
            Waybill = Pool().get('ecom.waybill')
            Shipment = Pool().get('stock.shipment.out')
            by_account = Waybill.requests_for([Shipment(shipment.id)])
            transaction.commit()
            return {a.id: [w.id for w in ws] for a, ws in by_account.items()}

    def answer(self, in_flight):
        """The fetch goes on: the services answer, the answers are stored;
        the number of the first answer"""
        with Transaction().start(self.config.database_name,
                self.config.user, context=self.config.context) as transaction:
            pool = Pool()
            Account = pool.get('ecom.waybill.account')
            Waybill = pool.get('ecom.waybill')
            by_account = {Account(a): Waybill.browse(ws)
                for a, ws in in_flight.items()}
            answers = {}
            for account, waybills in by_account.items():
                answers.update(account.fetch(waybills))
            Waybill.store(by_account, answers)
            transaction.commit()
            tasks = list(transaction.tasks)
            transaction.tasks.clear()
        for task in tasks:
            run_task(self.config.database_name, task)
        return next(iter(answers.values())).number

    def test_demo_accounts_give_numbers(self):
        "The demo's accounts get every carrier its numbers at each warehouse"
        accounts = connect_waybills(self.config, self.simulator.url)
        self.assertEqual(
            sorted((a.carrier.party.code, a.warehouse.code)
                for a in accounts),
            sorted((c, w) for c in self.seller.carriers
                for w in self.seller.warehouses))
        # connected again, the demo keeps its accounts
        self.assertEqual(connect_waybills(self.config, self.simulator.url),
            [])

        carriers = sorted(self.seller.carriers)
        shipments = self.shipments(*((f'D-{c}', '浙江', None)
                for c in carriers))
        for carrier, shipment in zip(carriers, shipments):
            shipment.carrier = self.seller.carriers[carrier]
        self.Shipment.save(shipments)
        self.Shipment.click(shipments, 'fetch_waybill')
        for carrier, shipment in zip(carriers, shipments):
            with self.subTest(carrier=carrier):
                shipment.reload()
                self.assertTrue(shipment.shipping_reference,
                    shipment.waybill_error)
                self.assertEqual(shipment.sort_code, '浙-杭州-西湖')
                service = shipment.waybill.account.service
                self.assertEqual(service, WAYBILL_SERVICES[carrier])
                self.assertIn(shipment.shipping_reference,
                    self.sim()[service]['numbers'])

    def test_collected_number_is_not_recycled(self):
        "A number the courier collected stays, with the service's refusal"
        self.account('cainiao')
        shipment, = self.shipments(('T1', '浙江', None))
        shipment.click('fetch_waybill')
        shipment.reload()
        waybill = shipment.waybill
        self.sim(service='cainiao', collected=[waybill.number])
        shipment.click('cancel')
        waybill.reload()
        self.assertEqual(waybill.state, 'cancelled')
        self.assertFalse(waybill.recycled)
        self.assertIn('collected', waybill.message)

    def test_number_pool_in_order_never_twice(self):
        "A bought range serves its numbers in order, then says it is empty"
        account = self.account('pool', 'EMS', sort_code='杭州西湖',
            hub='杭州邮区中心局')
        account.ranges.new(prefix='EA', first=1001, last=1002, digits=8)
        account.save()
        shipments = self.shipments(('E1', '浙江', None), ('E2', '浙江', None),
            ('E3', '浙江', None), carrier='EMS')
        self.Shipment.click(shipments, 'fetch_waybill')
        for shipment in shipments:
            shipment.reload()
        self.assertEqual([s.shipping_reference for s in shipments],
            ['EA00001001', 'EA00001002', None])
        self.assertEqual(shipments[0].sort_code, '杭州西湖')
        self.assertIn('no balance left', shipments[2].waybill_error)

        # the database refuses a number handed out again
        Waybill = Model.get('ecom.waybill')
        with self.assertRaises(SQLConstraintError) as raised:
            Waybill._proxy.create([{'account': account.id,
                        'carrier': account.carrier.id,
                        'request_id': 'again', 'number': 'EA00001001',
                        'state': 'reserved'}], self.config.context)
        self.assertIn('never handed out twice', str(raised.exception))

    def test_no_account(self):
        "A carrier without an account is told on the shipment"
        shipment, = self.shipments(('T1', '浙江', None), carrier='YTO')
        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertFalse(shipment.shipping_reference)
        self.assertIn('No e-waybill account', shipment.waybill_error)
