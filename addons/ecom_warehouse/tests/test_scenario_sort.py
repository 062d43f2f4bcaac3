"""Second sort (二次分拣): a sorter scans the picked items of a wave and
is shown, in large type, the bin each goes to."""
from proteus import Model, Wizard

from trytond.modules.ecom_warehouse.tests.wave_tools import WaveCase, line
from trytond.modules.ecom_order_center.tests.tools import PRODUCTS, ean13


def ean(code):
    index = [c for c, *_ in PRODUCTS].index(code)
    return ean13('69%010d' % (3021000 + index))


class SortTestCase(WaveCase):

    def picked_wave(self):
        self.post('TB01',
            self.order('S1', line('1', 'TEA-LJ-250'), minutes=1),
            self.order('S2', line('1', 'TEA-LJ-250', quantity=2),
                minutes=2),
            self.order('S3', line('1', 'CUP-CR-150'), minutes=3))
        wave, = self.build()
        wave.click('start_picking')
        return wave

    def scan(self, station, code):
        station.form.code = code
        station.execute('scan')
        return station.form.bin, station.form.status, station.form.message

    def test_sorter_scans_items_into_bins(self):
        wave = self.picked_wave()
        wave.click('complete_pick')
        Sorted = Model.get('ecom.wave.sorted')
        station = Wizard('ecom.wave.sort', [wave])
        self.assertEqual(self.scan(station, ean('TEA-LJ-250'))[:2],
            ('1', 'complete'))
        self.assertIn('1', station.form.display)
        self.assertIn('size="7"', station.form.display)
        self.assertEqual(self.scan(station, 'TEA-LJ-250')[:2],
            ('2', 'sorted'))
        self.assertEqual(self.scan(station, 'TEA-LJ-250')[:2],
            ('2', 'complete'))
        self.assertEqual(station.form.complete_bins, '1, 2')

        bin_, status, message = self.scan(station, 'TEA-LJ-250')
        self.assertEqual((bin_, status), ('', 'flagged'))
        self.assertIn('no bin needs it', message)
        self.assertIn('color="red"', station.form.display)

        count = sum(s.quantity for s in Sorted.find([]))
        bin_, status, message = self.scan(station, 'NO-SUCH-ITEM')
        self.assertEqual(status, 'unknown')
        self.assertIn('Unknown code "NO-SUCH-ITEM"', message)
        self.assertEqual(sum(s.quantity for s in Sorted.find([])), count)

        self.assertEqual(self.scan(station, ean('CUP-CR-150'))[:2],
            ('3', 'complete'))
        wave.reload()
        self.assertEqual(wave.complete_bins, '1, 2, 3')
        self.assertEqual([l.sort_complete for l in wave.lines],
            [True, True, True])

    def test_item_of_an_intercepted_bin_is_put_aside(self):
        wave = self.picked_wave()
        self.request_refund('S3', line('1', 'CUP-CR-150'), minutes=3)
        station = Wizard('ecom.wave.sort', [wave])
        bin_, status, message = self.scan(station, 'CUP-CR-150')
        self.assertEqual((bin_, status), ('3', 'flagged'))
        self.assertIn('taken out of the wave', message)
        self.assertIn('refund', message)
        wave.reload()
        removed, = [l for l in wave.lines if l.state == 'removed']
        self.assertEqual((removed.bin, removed.removal), (3, 'intercepted'))
        # the rest of the wave goes on
        self.assertEqual(self.scan(station, 'TEA-LJ-250')[:2],
            ('1', 'complete'))

    def test_a_wave_not_picking_sorts_nothing(self):
        self.post('TB01', self.order('N1', line('1', 'TEA-LJ-250')))
        wave, = self.build()
        result = self.Wave.sort_scan([wave.id], 'TEA-LJ-250',
            self.config.context)
        self.assertEqual((result['status'], result['bin']), ('flagged', None))
        station = Wizard('ecom.wave.sort', [wave])
        bin_, status, message = self.scan(station, 'TEA-LJ-250')
        self.assertEqual(status, 'flagged')
        self.assertIn('is Draft', message)
