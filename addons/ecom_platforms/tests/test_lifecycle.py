"""Every platform's order from the download to done: the clerk maps the
new listing and audits, finance audits, the order is posted; the warehouse
picks, packs with the waybill number, hands the parcel to the carrier and
marks it done; the platform hears of the shipment and its tracking number,
and the order is done once the buyer confirms receipt."""
import unittest

from proteus import Model

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from .simulated import (
    PLATFORM_SHOPS, admin, as_admin, run_locked, start_simulator, window)
from .test_download import point_shops

RECEIVER = {'name': '王小明', 'phone': '13800138000', 'province': '浙江省',
    'city': '杭州市', 'district': '西湖区', 'address': '文三路 398 号',
    'zip': '310000'}


def settle(simulator, code, order, **values):
    """Make the simulator's order one the audit lets through: paid, to a
    full address, without a message to read"""
    values.update({'id': order['id'], 'status': 'paid',
            'receiver': RECEIVER, 'message': ''})
    return admin(simulator, 'orders', {'shop': code, 'orders': [values]}
        )['orders'][0]


def download(code):
    "The shop's orders changed in the last hours, a second ago included"
    with as_admin(DB_NAME):
        shop, = Pool().get('ecom.shop').search([('code', '=', code)])
        log = run_locked(lambda: shop.download(*window()))
        return log.new, log.updated, log.errors


def hand_over(shipment, waybill, carrier=None):
    """The warehouse picks, packs with the waybill number and hands the
    parcel to the carrier"""
    shipment.click('assign_try')
    shipment.click('pick')
    if carrier:
        shipment.carrier = carrier
    shipment.shipping_reference = waybill
    shipment.save()
    shipment.click('pack')
    shipment.click('ship')


class LifecycleTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_platforms'])
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)
        with as_admin(DB_NAME):
            point_shops(self.simulator.url)

    def test_every_platform_order_ships_with_its_tracking_number(self):
        Order = Model.get('ecom.order')
        Listing = Model.get('ecom.listing')
        longjing, = Model.get('product.product').find(
            [('code', '=', 'TEA-LJ-250')])
        for number, (platform, code) in enumerate(
                PLATFORM_SHOPS.items(), 1):
            with self.subTest(platform=platform):
                placed, = admin(self.simulator, 'orders',
                    {'shop': code, 'count': 1})['orders']
                # the first line sells a listing the seller has just put
                # up, with a code the order center does not know
                placed = settle(self.simulator, code, placed, lines=[
                        {'line_id': placed['lines'][0]['line_id'],
                            'outer_code': 'LJ-NEW-250'}])
                self.assertEqual(download(code), (1, 0, ''))
                order, = Order.find([('shop.code', '=', code)])
                self.assertEqual(order.state, 'exception')

                listing, = Listing.find([('shop.code', '=', code),
                        ('outer_code', '=', 'LJ-NEW-250')])
                listing.product = longjing
                listing.save()
                order.reload()
                self.assertEqual(order.state, 'draft')

                for button in ['cs_audit', 'finance_audit', 'post']:
                    order.click(button)
                self.assertEqual(order.state, 'posted')
                shipment, = order.sales[0].shipments
                waybill = 'ZT%010d' % number
                hand_over(shipment, waybill)
                shipment.click('do')
                self.assertEqual(shipment.state, 'done')

                order.reload()
                self.assertEqual(order.state, 'shipped')
                self.assertEqual(order.tracking_number, waybill)
                self.assertEqual(order.carrier, shipment.carrier)
                self.assertEqual(order.platform_shipment, 'confirmed')
                confirmed, = [s for s in
                    self.simulator.state.data['shipments']
                    if s['order'] == placed['id']]
                self.assertEqual(confirmed['tracking'], waybill)
                self.assertEqual(self.simulator.state.orders(code)[
                        placed['id']]['status'], 'shipped')

                # the buyer confirms receipt on the platform
                admin(self.simulator, 'orders', {'shop': code,
                        'orders': [{'id': placed['id'],
                                'status': 'finished'}]})
                self.assertEqual(download(code), (0, 1, ''))
                order.reload()
                self.assertEqual(order.platform_state, 'finished')
                self.assertEqual(order.state, 'done')
