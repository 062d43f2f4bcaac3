"""At the packing station: the packer scans the parcel and its items, the
parcel is weighed and shipped; wrong, extra and unknown items, intercepted
parcels, weights out of tolerance and two packers at one parcel are
refused with the reason."""
import unittest

from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    line, normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, ean13, get_seller)
from trytond.modules.ecom_warehouse.tests.wave_tools import (
    WAREHOUSE_MODULES)
from trytond.tests.tools import set_user

# The barcodes tools.setup_seller gives the products, by code
BARCODES = {'TEA-LJ-250': ean13('69%010d' % 3021000),
    'CUP-CR-150': ean13('69%010d' % 3021011)}


def lj(quantity=1):
    return line('1', 'TEA-LJ-250', quantity=quantity)


def cups(quantity=1):
    return line('2', 'CUP-CR-150', quantity=quantity, price='39.00')


class PackingCase(unittest.TestCase):
    "A seller whose TB01 orders are posted and their parcels assigned"

    def setUp(self):
        self.config = activate_seller(WAREHOUSE_MODULES)
        self.seller = get_seller(self.config)
        self.shop = self.seller.shops['TB01']
        self.Order = Model.get('ecom.order')
        self.Shipment = Model.get('stock.shipment.out')

    def tearDown(self):
        set_user(1, self.config)
        drop_seller()

    def parcel(self, order_id, *lines, waybill=None):
        "Post the order; return its assigned shipment with a waybill number"
        self.Order.upsert_normalized(self.shop.id,
            [normalized(order_id, *lines)], self.config.context)
        order, = self.Order.find([('platform_order_id', '=', order_id)])
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        shipment, = order.sales[0].shipments
        shipment.carrier = self.seller.carriers['ZTO']
        shipment.shipping_reference = waybill or 'ZT' + order_id
        shipment.save()
        shipment.click('assign_try')
        self.assertEqual(shipment.state, 'assigned')
        return shipment

    def warehouse(self, **values):
        warehouse = self.seller.warehouses['WH']
        for name, value in values.items():
            setattr(warehouse, name, value)
        warehouse.save()
        return warehouse

    def scan(self, *codes, state=None):
        "Scan the codes one after the other; return the state and results"
        results = []
        state = state or {}
        for code in codes:
            state, result = self.Shipment.ecom_verify_scan(
                state, code, self.config.context)
            results.append(result)
        return state, results

    def user(self, login, groups):
        User = Model.get('res.user')
        Group = Model.get('res.group')
        user = User(name=login, login=login)
        for name in groups:
            group, = Group.find([('name', '=', name)])
            user.groups.append(group)
        user.companies.append(Model.get('company.company')(
                self.seller.company.id))
        user.company = self.seller.company
        user.save()
        return user


class VerificationTestCase(PackingCase):

    def test_items_by_barcode_code_and_alias_pack_the_parcel(self):
        "普通验货: waybill, then items by barcode, ×N, code and SKU alias"
        shipment = self.parcel('P1001', lj(3), cups())
        state, results = self.scan('ZTP1001', BARCODES['TEA-LJ-250'], '×2')
        self.assertTrue(all(r['ok'] for r in results), results)
        self.assertEqual(results[0]['message'],
            '%s: scan the items.' % shipment.number)
        lines = {l['name']: (l['expected'], l['scanned'])
            for l in results[-1]['lines']}
        self.assertEqual(lines['[TEA-LJ-250] 西湖龙井 250g 罐装'], (3, 2))
        self.assertEqual(lines['[CUP-CR-150] 景德镇陶瓷品茗杯 150ml'], (1, 0))

        state, (unknown, wrong, extra, last, cup) = self.scan(
            '4006381333931', 'TEA-BLC-100', 'TEA-LJ-250*2', 'TEA-LJ-250',
            'sku-CUP-CR-150', state=state)
        self.assertEqual((unknown['ok'], unknown['message']),
            (False, 'Unknown code "4006381333931".'))
        self.assertEqual(wrong['message'], 'Wrong item: [TEA-BLC-100] '
            '碧螺春 100g 袋装 is not in %s.' % shipment.number)
        self.assertEqual(extra['message'], 'Extra: [TEA-LJ-250] 西湖龙井 '
            '250g 罐装, 4 scanned for 3.')
        self.assertTrue(last['ok'])
        self.assertFalse(last['complete'])
        self.assertTrue(cup['complete'])
        self.assertEqual(cup['message'],
            '%s verified: weigh it.' % shipment.number)
        self.assertEqual(state['step'], 'weigh')

        shipment.reload()
        self.assertEqual(shipment.state, 'packed')
        self.assertEqual(shipment.ecom_verify_state, 'verified')
        self.assertEqual(shipment.ecom_packer.login, 'admin')
        self.assertTrue(shipment.ecom_packed_at)
        self.assertEqual(shipment.ecom_shipping_mode, 'weigh')

    def test_packing_slip_then_waybill_then_items(self):
        "验单验货: the waybill first is refused, a wrong waybill too"
        self.warehouse(ecom_verify_mode='slip')
        shipment = self.parcel('P2001', lj())
        _, (first,) = self.scan('ZTP2001')
        self.assertEqual((first['ok'], first['message']), (False,
                'Scan the packing slip of %s first.' % shipment.number))
        state, (slip, wrong, waybill, item) = self.scan(
            shipment.number, 'ZTP9999', 'ZTP2001', BARCODES['TEA-LJ-250'])
        self.assertEqual(slip['message'],
            '%s: scan its waybill.' % shipment.number)
        self.assertEqual((wrong['ok'], wrong['message']), (False,
                'Waybill "ZTP9999" is not the one of %s.' % shipment.number))
        self.assertTrue(waybill['ok'])
        self.assertTrue(item['complete'])
        shipment.reload()
        self.assertEqual(shipment.state, 'packed')

    def test_intercepted_parcel_refused_at_first_scan(self):
        self.parcel('P3001', lj())
        self.Order.upsert_normalized(self.shop.id,
            [normalized('P3001', line('1', 'TEA-LJ-250',
                        refund='requested'))], self.config.context)
        state, (result,) = self.scan('P3001')
        self.assertFalse(result['ok'])
        self.assertIn('is intercepted', result['message'])
        self.assertIn('refund', result['message'])
        self.assertEqual(state, {})

    def test_intercepted_during_the_check_is_refused(self):
        shipment = self.parcel('P3101', lj(2))
        state, _ = self.scan('ZTP3101', 'TEA-LJ-250')
        self.Order.upsert_normalized(self.shop.id,
            [normalized('P3101', line('1', 'TEA-LJ-250', quantity=2,
                        refund='requested'))], self.config.context)
        state, (result,) = self.scan('TEA-LJ-250', state=state)
        self.assertFalse(result['ok'])
        self.assertIn('is intercepted', result['message'])
        shipment.reload()
        self.assertEqual(shipment.state, 'assigned')

    def test_two_packers_at_one_parcel(self):
        "The second packer is told who has the parcel; the first finishes"
        shipment = self.parcel('P4001', lj())
        packer = self.user('packer_b', ["E-commerce Warehouse",
                "Stock"])
        state, _ = self.scan('P4001')
        set_user(packer, self.config)
        _, (result,) = self.scan('ZTP4001')
        self.assertEqual((result['ok'], result['message']), (False,
                '%s is being verified by Administrator.' % shipment.number))
        set_user(1, self.config)
        _, (result,) = self.scan('TEA-LJ-250', state=state)
        self.assertTrue(result['complete'])
        set_user(packer, self.config)
        _, (result,) = self.scan('ZTP4001')
        self.assertEqual(result['message'],
            '%s is already packed by Administrator.' % shipment.number)

    def test_unknown_parcel(self):
        _, (result,) = self.scan('NO-SUCH-WAYBILL')
        self.assertEqual((result['ok'], result['message']),
            (False, 'Unknown code "NO-SUCH-WAYBILL".'))

    def test_station_screen(self):
        "The station wizard shows the status in large red or green type"
        shipment = self.parcel('P5001', lj())
        station = Wizard('ecom.packing.station')
        station.form.code = 'NOPE'
        station.execute('scan')
        self.assertIn('color="#c62828"', station.form.status)
        self.assertIn('Unknown code', station.form.status)
        self.assertIsNone(station.form.code)
        for code in ['ZTP5001', 'TEA-LJ-250']:
            station.form.code = code
            station.execute('scan')
        self.assertIn('color="#1a7f37"', station.form.status)
        self.assertIn('verified: weigh it', station.form.status)
        # under the status, each item with what is scanned of it
        self.assertIn('TEA-LJ-250', station.form.status)
        self.assertIn('1 of 1', station.form.status)
        shipment.reload()
        self.assertEqual(shipment.state, 'packed')


class WeighingTestCase(PackingCase):

    def verified(self, order_id, *lines):
        shipment = self.parcel(order_id, *lines)
        state, results = self.scan('ZT' + order_id, *[
                '%s*%s' % (l['outer_code'], l['quantity']) for l in lines])
        self.assertTrue(results[-1]['complete'], results)
        return shipment, state

    def test_weight_within_tolerance_ships_the_order(self):
        "称重发货: 2 × 0.32 kg + 0.15 kg + the box's 0.1 kg, read as grams"
        PackageType = Model.get('stock.package.type')
        Uom = Model.get('product.uom')
        kg, = Uom.find([('symbol', '=', 'kg')])
        box = PackageType(name="纸箱 2 号", packaging_weight=0.1,
            packaging_weight_uom=kg)
        box.save()
        self.warehouse(ecom_package_type=box)
        shipment, state = self.verified('W1001', lj(2), cups())
        _, (result,) = self.scan('915g', state=state)
        self.assertTrue(result['complete'], result)
        shipment.reload()
        self.assertEqual(shipment.state, 'done')
        self.assertEqual(shipment.ecom_expected_weight, 0.89)
        self.assertEqual(shipment.ecom_weight, 0.915)
        self.assertEqual(shipment.ecom_weight_state, 'ok')
        package, = shipment.root_packages
        # in kg to the unit's 2 digits
        self.assertEqual(package.total_weight, 0.92)
        order, = self.Order.find([('platform_order_id', '=', 'W1001')])
        self.assertEqual(order.state, 'shipped')
        self.assertEqual(order.tracking_number, 'ZTW1001')

    def test_next_parcel_scanned_instead_of_a_weight(self):
        """A packer who scans the next parcel's waybill, digits alone, at
        the weighing step goes on to that parcel: the first is not weighed"""
        first, state = self.verified('W3001', lj())
        second = self.parcel('W3002', cups(), waybill='773100000100003')
        state, (result,) = self.scan('773100000100003', state=state)
        self.assertTrue(result['ok'], result)
        self.assertEqual(result['message'],
            '%s: scan the items.' % second.number)
        self.assertEqual(state['step'], 'items')
        first.reload()
        self.assertEqual((first.state, first.ecom_weight,
                first.ecom_weight_state), ('packed', None, None))
        # and weighs that one
        state, (_, result) = self.scan('CUP-CR-150', '0.17', state=state)
        self.assertTrue(result['complete'], result)
        second.reload()
        self.assertEqual((second.state, second.ecom_weight),
            ('done', 0.17))

    def test_out_of_tolerance_blocks_until_a_supervisor_overrides(self):
        shipment, state = self.verified('W2001', lj(2), cups())
        _, (result,) = self.scan('1.2', state=state)
        self.assertFalse(result['ok'])
        self.assertEqual(result['message'], 'Weight 1.200 kg is outside '
            '0.790 kg ± 0.050 kg.')
        shipment.reload()
        self.assertEqual(
            (shipment.state, shipment.ecom_weight_state),
            ('packed', 'blocked'))
        with self.assertRaisesRegex(UserError,
                'must be weighed within tolerance before shipping'):
            shipment.click('ecom_ship')

        packer = self.user('packer_w', ["E-commerce Warehouse", "Stock"])
        set_user(packer, self.config)
        with self.assertRaisesRegex(AccessError,
                'Only a warehouse supervisor may let'):
            self.Shipment.ecom_weight_override([shipment.id],
                self.config.context)
        set_user(1, self.config)
        shipment.click('ecom_weight_override')
        self.assertEqual(shipment.state, 'done')
        self.assertEqual(shipment.ecom_weight_state, 'overridden')
        self.assertEqual(shipment.ecom_weight_override_by.login, 'admin')
        self.assertTrue(shipment.ecom_weight_override_at)
        self.assertIn('1.200 kg', shipment.ecom_weight_reason)

    def test_batch_weighing_of_identical_single_item_parcels(self):
        first, _ = self.verified('W3001', lj())
        second, _ = self.verified('W3002', lj())
        other, _ = self.verified('W3003', cups())
        with self.assertRaisesRegex(UserError,
                'identical single-item parcels'):
            self.Shipment.ecom_weigh_batch([first.id, other.id], 0.33,
                self.config.context)
        blocked = self.Shipment.ecom_weigh_batch([first.id, second.id],
            0.33, self.config.context)
        self.assertEqual(blocked, [])
        first.reload()
        self.assertEqual((first.ecom_weight, first.ecom_weight_state),
            (0.33, 'ok'))
        self.Shipment.click([first, second], 'ecom_ship')
        second.reload()
        self.assertEqual(second.state, 'done')
