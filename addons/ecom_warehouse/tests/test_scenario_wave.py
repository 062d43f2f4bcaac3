"""Waves (拣货批次): a clerk builds pick batches of the assigned shipments
of a warehouse, by carrier, shop, kind and presale date, oldest paid first;
a shipment is in one open wave at most, by the database."""
import datetime as dt

from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, SQLConstraintError

from trytond.modules.ecom_warehouse.tests.wave_tools import WaveCase, line
from trytond.modules.ecom_warehouse.wave_build import (
    build_waves, create_waves, cut_waves, wave_candidates)
from trytond.pool import Pool
from trytond.tests.tools import set_user
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction


def tea(quantity=1):
    return line('1', 'TEA-LJ-250', quantity=quantity)


class WaveTestCase(WaveCase):

    def test_waves_oldest_paid_first_under_the_caps(self):
        shipments = self.post('TB01',
            self.order('W1003', tea(), minutes=30),
            self.order('W1001', tea(), minutes=10),
            self.order('W1002', tea(2), minutes=20),
            self.order('W1004', tea(), minutes=40),
            self.order('W1005', tea(), minutes=50))
        first, second, third = self.build(max_orders=2)
        self.assertEqual(self.shipments_of(first), [
                (1, shipments['W1001'].id), (2, shipments['W1002'].id)])
        self.assertEqual(self.shipments_of(second), [
                (1, shipments['W1003'].id), (2, shipments['W1004'].id)])
        self.assertEqual(self.shipments_of(third),
            [(1, shipments['W1005'].id)])
        self.assertEqual([l.items for l in first.lines], [1, 2])
        self.assertEqual({w.state for w in [first, second, third]},
            {'draft'})
        self.assertTrue(first.number.startswith('BC'))
        shipment = shipments['W1004']
        shipment.reload()
        self.assertEqual(shipment.ecom_wave, second)

        # Building again finds nothing left: no shipment twice.
        with self.assertRaisesRegex(UserError, 'No assigned shipment'):
            self.build(max_orders=2)
        self.assertEqual(len(self.Wave.find([])), 3)

    def test_items_cap_and_a_parcel_bigger_than_the_cap(self):
        shipments = self.post('TB01',
            self.order('W2001', tea(3), minutes=1),
            self.order('W2002', tea(8), minutes=2),
            self.order('W2003', tea(2), minutes=3))
        first, second, third = self.build(max_items=5)
        self.assertEqual(self.shipments_of(first),
            [(1, shipments['W2001'].id)])
        # Alone above the cap, it still gets a wave of its own.
        self.assertEqual(self.shipments_of(second),
            [(1, shipments['W2002'].id)])
        self.assertEqual(self.shipments_of(third),
            [(1, shipments['W2003'].id)])

    def test_filters_carrier_shop_kind_and_presale_date(self):
        presale = dt.date(2026, 11, 20)
        tb = self.post('TB01',
            self.order('F1', tea(), minutes=1),
            self.order('F2', tea(3), minutes=2),
            self.order('F3', tea(), line('2', 'CUP-CR-150'), minutes=3),
            self.order('F4', line('1', 'KIT-LJ-GIFT', price='338.00'),
                minutes=4),
            self.order('F5', tea(), carrier_code='SF', minutes=5),
            self.order('F6', tea(), minutes=6),
            ship_dates={'F6': presale})
        tm = self.post('TM01', self.order('F7', tea(), minutes=7))

        wave, = self.build(carrier=self.seller.carriers['SF'])
        self.assertEqual(self.shipments_of(wave), [(1, tb['F5'].id)])
        self.assertEqual(wave.carrier, self.seller.carriers['SF'])

        wave = self.build(shop=self.seller.shops['TM01'])[-1]
        self.assertEqual(self.shipments_of(wave), [(1, tm['F7'].id)])

        wave = self.build(ship_date=presale)[-1]
        self.assertEqual(self.shipments_of(wave), [(1, tb['F6'].id)])

        # 多品: a kit is picked as its components
        wave = self.build(kind='multi')[-1]
        self.assertEqual(self.shipments_of(wave),
            [(1, tb['F3'].id), (2, tb['F4'].id)])
        self.assertEqual(wave.kind, 'multi')

        wave = self.build(kind='single_multi')[-1]
        self.assertEqual(self.shipments_of(wave), [(1, tb['F2'].id)])

        wave = self.build(kind='single')[-1]
        self.assertEqual(self.shipments_of(wave), [(1, tb['F1'].id)])

    def test_the_build_says_it_cannot_filter_on_promised_time(self):
        build = Wizard('ecom.wave.build')
        self.assertIn('promised ship time', build.form.note)

    def test_intercepted_shipment_is_never_waved(self):
        shipments = self.post('TB01',
            self.order('X1', tea(), minutes=1),
            self.order('X2', tea(), minutes=2))
        self.request_refund('X1', tea(), minutes=1)
        shipments['X1'].reload()
        self.assertTrue(shipments['X1'].ecom_intercepted)
        wave, = self.build()
        self.assertEqual(self.shipments_of(wave), [(1, shipments['X2'].id)])

    def test_intercepted_after_waving_is_flagged_the_rest_goes_on(self):
        shipments = self.post('TB01',
            self.order('Y1', tea(), minutes=1),
            self.order('Y2', tea(), minutes=2),
            self.order('Y3', tea(), minutes=3))
        wave, = self.build()
        self.request_refund('Y2', tea(), minutes=2)
        wave.click('start_picking')
        self.assertEqual(wave.state, 'picking')
        removed, = [l for l in wave.lines if l.state == 'removed']
        self.assertEqual((removed.bin, removed.removal), (2, 'intercepted'))
        self.assertTrue(removed.intercepted)
        self.assertIn('refund', removed.reason)
        self.assertEqual(wave.removed_count, 1)

        wave.click('complete_pick')
        self.assertEqual(wave.state, 'done')
        self.assertEqual([(l.bin, l.state) for l in wave.lines],
            [(1, 'picked'), (2, 'removed'), (3, 'picked')])
        for order_id, state in [('Y1', 'picked'), ('Y2', 'assigned'),
                ('Y3', 'picked')]:
            shipment = shipments[order_id]
            shipment.reload()
            self.assertEqual(shipment.state, state)
            self.assertIsNone(shipment.ecom_wave)
        self.assertIn('refund', shipments['Y2'].ecom_wave_note)

    def test_intercepted_at_the_last_step_is_refused_there(self):
        "Intercepted while picking: completing the pick takes it out"
        shipments = self.post('TB01',
            self.order('Z1', tea(), minutes=1),
            self.order('Z2', tea(), minutes=2))
        wave, = self.build()
        wave.click('start_picking')
        self.request_refund('Z1', tea(), minutes=1)
        wave.click('complete_pick')
        self.assertEqual([(l.bin, l.state, l.removal) for l in wave.lines],
            [(1, 'removed', 'intercepted'), (2, 'picked', None)])
        shipments['Z1'].reload()
        self.assertEqual(shipments['Z1'].state, 'assigned')

    def test_cancelled_wave_lets_its_shipments_go_to_another(self):
        shipments = self.post('TB01', self.order('C1', tea()))
        wave, = self.build()
        wave.click('cancel')
        self.assertEqual(wave.state, 'cancelled')
        again = self.build()[-1]
        self.assertNotEqual(again, wave)
        self.assertEqual(self.shipments_of(again), [(1, shipments['C1'].id)])
        self.assertEqual(self.shipments_of(wave), [(1, shipments['C1'].id)])
        # A cancelled wave may go; a started one is cancelled instead.
        self.Wave.delete([wave])
        again.click('start_picking')
        with self.assertRaisesRegex(AccessError, 'cancel it instead'):
            self.Wave.delete([again])

    def test_two_clerks_never_share_a_shipment(self):
        """A clerk's candidates read before another clerk's wave was
        saved: the database refuses the shipment in a second open wave"""
        shipments = self.post('TB01',
            self.order('D1', tea(), minutes=1),
            self.order('D2', tea(), minutes=2))
        warehouse = self.seller.warehouses['WH'].id
        with Transaction().start(DB_NAME, 0,
                context=self.config.context) as transaction:
            Location = Pool().get('stock.location')
            stale = wave_candidates(Location(warehouse))
            self.assertEqual(len(stale), 2)
            with Transaction().new_transaction() as other:
                build_waves(Location(warehouse), max_orders=1, max_waves=1)
                other.commit()
            with self.assertRaisesRegex(SQLConstraintError,
                    'already in another open wave'):
                create_waves(Location(warehouse), cut_waves(stale))
            # as the failed build's request does: nothing of it is kept
            transaction.rollback()
        first, = self.Wave.find([])
        self.assertEqual(self.shipments_of(first),
            [(1, shipments['D1'].id)])
        # The other clerk builds again: what is left.
        second = self.build()[-1]
        self.assertEqual(self.shipments_of(second),
            [(1, shipments['D2'].id)])
        Line = Model.get('ecom.wave.line')
        self.assertEqual(len(Line.find([])), 2)


class WarehouseStaffTestCase(WaveCase):
    "Warehouse staff work the waves of their own warehouses"

    def tearDown(self):
        set_user(1, self.config)
        super().tearDown()

    def staff(self, login, warehouses):
        User = Model.get('res.user')
        Group = Model.get('res.group')
        user = User(name=login, login=login)
        # warehouse staff are stock users of Tryton too
        for name in ["E-commerce Warehouse", "Stock"]:
            group, = Group.find([('name', '=', name)])
            user.groups.append(group)
        user.companies.append(Model.get('company.company')(
                self.seller.company.id))
        user.company = self.seller.company
        for code in warehouses:
            user.ecom_warehouses.append(Model.get('stock.location')(
                    self.seller.warehouses[code].id))
        user.save()
        return user

    def test_staff_build_and_pick_the_waves_of_their_warehouse(self):
        shipments = self.post('TB01', self.order('U1', tea()))
        self.post('PDD01', self.order('U2', tea(), shop='PDD01'))
        gz_wave, = self.build(warehouse='GZ')
        staff = self.staff('wh_hz', ['WH'])

        set_user(staff, self.config)
        wave, = self.build(warehouse='WH')
        self.assertEqual(self.Wave.find([]), [wave])
        wave.click('start_picking')
        wave.click('complete_pick')
        self.assertEqual(wave.state, 'done')
        shipment = self.Shipment(shipments['U1'].id)
        self.assertEqual(shipment.state, 'picked')
        self.assertEqual(self.Wave.find([('id', '=', gz_wave.id)]), [])
