"""At a packing station with a box: the packer scans the waybill and the
item, puts the parcel on the scale; the first stable weight is the
parcel's, checked by the warehouse's weighing.  Out of tolerance the box
form says why in large type and nothing prints; within it the parcel
ships and its waybill is queued on the station's printer, and its packing
slip on the slip printer when its shop or warehouse prints slips.  A
parcel of another warehouse is refused at the station."""
import base64

from proteus import Model
from trytond.tests.tools import set_user

from trytond.modules.ecom_order_center.tests.tools import drop_seller

from .tools import StationCase, add_slip_printer, line


class StationFlowTestCase(StationCase):

    def setUp(self):
        super().setUp()
        self.account('cainiao')
        self.waybill_template('zpl')

    def tearDown(self):
        set_user(1, self.config)
        drop_seller()

    def test_scan_weigh_ship_and_print(self):
        shipment = self.parcel('ST-1', line('1', 'TEA-LJ-250'))
        status, answer = self.station.scan(1, shipment.shipping_reference)
        self.assertEqual(status, 200)
        self.assertTrue(answer['result']['ok'], answer)
        self.assertEqual(answer['result']['message'],
            '%s: scan the items.' % shipment.number)
        # a weight before the parcel is verified is only the scale's
        _, answer = self.station.weight(2, 0.8)
        self.assertIsNone(answer['result'])
        _, answer = self.station.scan(3, 'TEA-LJ-250')
        self.assertTrue(answer['result']['complete'])
        self.assertEqual(answer['result']['message'],
            '%s verified: weigh it.' % shipment.number)

        # an unstable weight does nothing; a stable one far off blocks
        _, answer = self.station.weight(4, 9.5, stable=False)
        self.assertIsNone(answer['result'])
        _, answer = self.station.weight(5, 9500, unit='g')
        self.assertFalse(answer['result']['ok'])
        shipment.reload()
        self.assertEqual(shipment.ecom_weight_state, 'blocked')
        self.box.reload()
        self.assertFalse(self.box.ok)
        self.assertIn('9.500', self.box.message)
        self.assertIn('<font size="7" color="#c62828">', self.box.status)
        PrintJob = Model.get('ecom.iot.print_job')
        self.assertEqual(PrintJob.find([]), [])

        expected = shipment.ecom_expected_weight
        _, answer = self.station.weight(6, expected)
        self.assertTrue(answer['result']['ok'], answer)
        shipment.reload()
        self.assertEqual((shipment.state, shipment.ecom_weight_state,
                shipment.ecom_weight), ('done', 'ok', expected))
        job, = PrintJob.find([])
        self.assertEqual((job.state, job.printer.code, job.shipment),
            ('queued', 'zebra', shipment))
        self.box.reload()
        self.assertEqual(self.box.shipment, shipment)
        self.assertTrue(self.box.ok)
        self.assertEqual(self.box.message, '%s weighs %.3f kg: shipped.'
            % (shipment.number, expected))

        # the box takes the label: the waybill's number in ZPL
        _, (sent,) = self.station.jobs()
        zpl = base64.b64decode(sent['data'])
        self.assertTrue(zpl.startswith(b'^XA'))
        self.assertIn(shipment.shipping_reference.encode(), zpl)
        # the same weight again is not a second parcel
        _, answer = self.station.weight(7, expected)
        self.assertIsNone(answer['result'])
        self.assertEqual(len(PrintJob.find([])), 1)

    def test_waybill_not_printed_is_told(self):
        "Without a printer of waybills the station says so"
        printer, = [d for d in self.box.devices if d.code == 'zebra']
        printer.role = 'slip'
        printer.save()
        shipment = self.parcel('ST-2', line('1', 'TEA-LJ-250'))
        self.station.scan(1, shipment.shipping_reference)
        self.station.scan(2, 'TEA-LJ-250')
        shipment.reload()
        self.station.weight(3, 1.0)
        shipment.reload()
        _, answer = self.station.weight(4, shipment.ecom_expected_weight)
        shipment.reload()
        self.assertEqual(shipment.state, 'done')
        self.assertFalse(answer['result']['ok'])
        self.assertEqual(answer['result']['message'],
            '%s shipped, but its waybill did not print: '
            'Box "打包台 PACK-01" has no Waybill Printer.' % shipment.number)

    def test_parcel_of_another_warehouse_is_refused(self):
        shipment = self.parcel('ST-3', line('1', 'TEA-LJ-250'))
        Box = Model.get('ecom.iot.box')
        box = Box(self.box.id)
        box.warehouse = self.seller.warehouses['GZ']
        box.save()
        _, answer = self.station.scan(1, shipment.shipping_reference)
        self.assertFalse(answer['result']['ok'])
        self.assertIn('is a parcel of another warehouse',
            answer['result']['message'])
        shipment.reload()
        self.assertIsNone(shipment.ecom_verify_state)

    def weigh(self, seq, shipment):
        """Put the parcel on the scale: its right weight, which a first
        weighing tells; return the next sequence number"""
        self.station.weight(seq, 9.5)
        shipment.reload()
        self.station.weight(seq + 1, shipment.ecom_expected_weight)
        shipment.reload()
        return seq + 2

    def test_packer_badge_makes_the_parcels_theirs(self):
        "The packer scans their badge first: the parcels packed are theirs"
        User = Model.get('res.user')
        packer = User(name="打包员 小李", login='packer_li',
            ecom_badge='EMP-0042')
        packer.save()
        # before any badge the parcel is the station's, nobody's
        first = self.parcel('ST-4', line('1', 'TEA-LJ-250'))
        self.station.scan(1, first.shipping_reference)
        self.station.scan(2, 'TEA-LJ-250')
        seq = self.weigh(3, first)
        self.assertEqual((first.state, first.ecom_verify_state,
                first.ecom_packer, first.ecom_weighed_by),
            ('done', 'verified', None, None))

        _, answer = self.station.scan(seq, 'EMP-0042')
        self.assertTrue(answer['result']['ok'])
        self.assertEqual(answer['result']['message'],
            'Packer: 打包员 小李. Scan the parcel.')
        self.box.reload()
        self.assertEqual(self.box.packer, packer)
        shipment = self.parcel('ST-5', line('1', 'TEA-LJ-250'))
        self.station.scan(seq + 1, shipment.shipping_reference)
        self.station.scan(seq + 2, 'TEA-LJ-250')
        shipment.reload()
        self.assertEqual((shipment.ecom_verify_state, shipment.ecom_packer),
            ('verified', packer))
        self.weigh(seq + 3, shipment)
        self.assertEqual((shipment.state, shipment.ecom_weighed_by),
            ('done', packer))

    def pack_at_station(self, seq, order_id):
        """A parcel scanned, verified and weighed at the station; return
        it, the documents queued for it by printer and the next sequence
        number"""
        PrintJob = Model.get('ecom.iot.print_job')
        shipment = self.parcel(order_id, line('1', 'TEA-LJ-250'))
        self.station.scan(seq, shipment.shipping_reference)
        self.station.scan(seq + 1, 'TEA-LJ-250')
        seq = self.weigh(seq + 2, shipment)
        self.assertEqual(shipment.state, 'done')
        printed = sorted((j.printer.code, j.job.kind)
            for j in PrintJob.find([('shipment', '=', shipment.id)]))
        return shipment, printed, seq

    def test_packing_slip_prints_when_the_shop_or_warehouse_says(self):
        add_slip_printer(self.box)
        self.slip_template()
        Shop = Model.get('ecom.shop')
        Location = Model.get('stock.location')
        shop, warehouse = Shop(self.shop.id), Location(self.warehouse.id)
        self.assertEqual((shop.ecom_print_slip, warehouse.ecom_print_slip),
            (None, False))
        waybill_only = [('zebra', 'waybill')]
        both = [('laser', 'packing_slip'), ('zebra', 'waybill')]

        # by default a parcel prints its waybill only
        _, printed, seq = self.pack_at_station(1, 'SL-1')
        self.assertEqual(printed, waybill_only)
        self.box.reload()
        self.assertTrue(self.box.ok, self.box.message)

        # the shop prints slips: the slip goes to the slip printer
        shop.ecom_print_slip = 'print'
        shop.save()
        shipment, printed, seq = self.pack_at_station(seq, 'SL-2')
        self.assertEqual(printed, both)
        self.box.reload()
        self.assertTrue(self.box.ok, self.box.message)
        _, sent = self.station.jobs()
        slip, = [j for j in sent if j['printer'] == 'laser']
        pdf = base64.b64decode(slip['data'])
        self.assertTrue(pdf.startswith(b'%PDF'))
        Log = Model.get('ecom.print.log')
        log, = Log.find([('shipment', '=', shipment.id),
                ('kind', '=', 'packing_slip')])
        self.assertEqual(log.job.data, pdf)

        # the warehouse prints slips, unless the shop says not to
        warehouse.ecom_print_slip = True
        warehouse.save()
        shop.ecom_print_slip = 'no'
        shop.save()
        _, printed, seq = self.pack_at_station(seq, 'SL-3')
        self.assertEqual(printed, waybill_only)
        shop.ecom_print_slip = None
        shop.save()
        _, printed, seq = self.pack_at_station(seq, 'SL-4')
        self.assertEqual(printed, both)

    def test_packing_slip_not_printed_is_told(self):
        "The shop prints slips, the station has no slip printer: it says so"
        self.slip_template()
        Shop = Model.get('ecom.shop')
        shop = Shop(self.shop.id)
        shop.ecom_print_slip = 'print'
        shop.save()
        shipment, printed, _ = self.pack_at_station(1, 'SL-5')
        self.assertEqual(printed, [('zebra', 'waybill')])
        self.box.reload()
        self.assertFalse(self.box.ok)
        self.assertEqual(self.box.message,
            '%s shipped, but its packing slip did not print: '
            'Box "打包台 PACK-01" has no Packing Slip Printer.'
            % shipment.number)
