"""Stocktakes (盘点) and transfers (调拨): a clerk counts a warehouse's
shelves, imports the sheet of counts and posts the differences with their
reasons; stock moves between warehouses and shows in transit."""
import datetime as dt
import io

import openpyxl
from proteus import Model, Wizard

from trytond.exceptions import UserError
from trytond.modules.ecom_warehouse.tests.test_scenario_stock_figures import (
    StockFiguresCase)


def csv_sheet(*rows):
    return '\n'.join(','.join(map(str, r)) for r in rows).encode('utf-8')


def xlsx_sheet(*rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


class StocktakeTestCase(StockFiguresCase):

    def setUp(self):
        super().setUp()
        self.Inventory = Model.get('stock.inventory')

    def stocktake(self, warehouse='WH'):
        inventory = self.Inventory(
            location=self.seller.warehouses[warehouse].storage_location,
            date=dt.date.today(), empty_quantity='keep')
        inventory.save()
        return inventory

    def import_counts(self, inventory, data, filename='counts.csv'):
        wizard = Wizard('ecom.stocktake.import', [inventory])
        wizard.form.file = data
        wizard.form.filename = filename
        wizard.execute('import_')
        inventory.reload()

    def counts(self, inventory):
        return sorted((l.product.code, int(l.expected_quantity),
                int(l.quantity), l.ecom_difference and int(l.ecom_difference),
                l.ecom_reason) for l in inventory.lines)

    def test_counts_imported_and_differences_posted(self):
        "Columns by header, codes or barcodes; a rerun counts nothing twice"
        inventory = self.stocktake()
        barcode = self.seller.products['TEA-BLC-100'].identifiers[0].code
        sheet = csv_sheet(
            ['商品编码', '条码', '实盘数量', '差异原因'],
            ['TEA-LJ-250', '', 195, '破损 5 罐'],
            ['', barcode, 200, ''],
            [' TEA-HC-150 ', '', '203', '上次少记'],
            ['TEA-HC-150', '', '1', '另一货架'])
        self.import_counts(inventory, sheet)
        expected = [
            ('TEA-BLC-100', 200, 200, None, None),
            ('TEA-HC-150', 200, 204, 4, '上次少记; 另一货架'),
            ('TEA-LJ-250', 200, 195, -5, '破损 5 罐'),
            ]
        self.assertEqual(self.counts(inventory), expected)
        self.assertEqual(inventory.ecom_import_file, 'counts.csv')
        self.assertFalse(inventory.ecom_import_errors)

        # the import was killed, say, and is run again: the same counts
        self.import_counts(inventory, sheet)
        self.assertEqual(self.counts(inventory), expected)

        inventory.click('confirm')
        self.assertEqual(inventory.state, 'done')
        self.assertEqual(self.figures('TEA-LJ-250')[0], 195)
        self.assertEqual(self.figures('TEA-HC-150')[0], 204)
        self.assertEqual(self.figures('TEA-BLC-100')[0], 200)

        # 盘点差异: each difference with its reason
        Action = Model.get('ir.action.act_window')
        self.assertEqual(len(Action.find(
                    [('name', '=', 'Stocktake Differences')])), 1)
        Line = Model.get('stock.inventory.line')
        differences = Line.find([('inventory.state', '=', 'done'),
                ('ecom_reason', '!=', None)])
        self.assertEqual(sorted((l.product.code, l.ecom_difference)
                for l in differences),
            [('TEA-HC-150', 4), ('TEA-LJ-250', -5)])

        with self.assertRaisesRegex(UserError, 'is posted'):
            self.import_counts(inventory, sheet)

    def test_bad_rows_named_by_number_and_nothing_taken(self):
        "Unknown products and negative counts: the sheet waits corrected"
        inventory = self.stocktake()
        sheet = xlsx_sheet(
            ['Product Code', 'Quantity'],
            ['TEA-LJ-250', 190],
            ['NO-SUCH-TEA', 3],
            ['TEA-BLC-100', -2],
            [None, None],
            ['TEA-HC-150', 'many'])
        self.import_counts(inventory, sheet, 'counts.xlsx')
        self.assertEqual(inventory.ecom_import_errors.splitlines(), [
                'Row 3: no product "NO-SUCH-TEA".',
                'Row 4: the count -2 is below zero.',
                'Row 6: "many" is not a count.',
                ])
        self.assertEqual(inventory.lines, [])

        # without the columns it needs, the sheet is refused at its header
        self.import_counts(inventory, csv_sheet(['商品', '数量'], ['x', 1]))
        self.assertEqual(inventory.ecom_import_errors,
            'Row 1: the header names no column for code.')

        self.import_counts(inventory, xlsx_sheet(
                ['Product Code', 'Quantity', 'Reason'],
                ['TEA-LJ-250', 190, '']), 'counts.xlsx')
        self.assertFalse(inventory.ecom_import_errors)
        self.assertEqual(self.counts(inventory),
            [('TEA-LJ-250', 200, 190, -10, None)])
        # a difference is posted only with its reason
        with self.assertRaisesRegex(UserError,
                'reason of every difference.*TEA-LJ-250'):
            inventory.click('confirm')
        line, = inventory.lines
        line.ecom_reason = "过期报废"
        inventory.save()
        inventory.click('confirm')
        self.assertEqual(self.figures('TEA-LJ-250')[0], 190)

    def test_full_stocktake(self):
        "Every product of the location, those not counted kept"
        Location = Model.get('stock.location')
        gz = self.seller.warehouses['GZ']
        gz.lost_found_location, = Location.find([('type', '=', 'lost_found')])
        gz.save()
        inventory = self.stocktake('GZ')
        inventory.click('complete_lines')
        self.assertEqual(len(inventory.lines), 22)
        self.import_counts(inventory, csv_sheet(
                ['code', 'count', 'reason'], ['CUP-GL-300', 78, '碎了']))
        self.assertEqual(len(inventory.lines), 22)
        inventory.click('confirm')
        self.assertEqual(self.figures('CUP-GL-300', 'GZ')[0], 78)
        self.assertEqual(self.figures('TEA-LJ-250', 'GZ')[0], 80)


class TransferTestCase(StockFiguresCase):

    def test_transfer_shows_in_transit(self):
        "Ten cans go from Hangzhou to Guangzhou: on their way, then there"
        Shipment = Model.get('stock.shipment.internal')
        wh, gz = [self.seller.warehouses[c] for c in ['WH', 'GZ']]
        tea_ = self.seller.products['TEA-LJ-250']
        shipment = Shipment(from_location=wh.storage_location,
            to_location=gz.storage_location,
            carrier=self.seller.carriers['SF'])
        move = shipment.moves.new()
        move.product = tea_
        move.quantity = 10
        move.from_location = wh.storage_location
        move.to_location = gz.storage_location
        shipment.save()
        self.assertTrue(shipment.transit_location)
        for button, state in [('wait', 'waiting'), ('assign_try', 'assigned'),
                ('pack', 'packed'), ('ship', 'shipped')]:
            shipment.click(button)
            self.assertEqual(shipment.state, state)
        self.assertEqual(shipment.state, 'shipped')
        book, _, _, _, available = self.figures('TEA-LJ-250')
        self.assertEqual((book, available), (190, 190))
        figure, = self.Figure.find([('product', '=', tea_.id),
                ('warehouse', '=', gz.id)])
        self.assertEqual((figure.book, figure.in_transit), (80, 10))

        shipment.click('do')
        figure.reload()
        self.assertEqual((figure.book, figure.in_transit), (90, 0))
