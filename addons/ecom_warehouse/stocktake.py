"""Stocktakes (盘点) on Tryton's inventories: counts imported from a
spreadsheet, every difference posted with its reason.

A stocktake is a ``stock.inventory`` of a storage location: full (Tryton's
complete lines first, then the counts) or of some products (only the
products of the sheet). The sheet (xlsx or csv, UTF-8 or GBK) names its
columns in its header row; a row that names an unknown product or counts
less than nothing is refused with its row number, and then nothing of the
sheet is taken. A count is set, never added: importing a sheet again, after
a killed import say, gives the same counts.
"""
import csv
import io
import unicodedata
from decimal import Decimal, InvalidOperation

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

# The sheet's headers that name each column, compared in lower case
# without spaces
HEADERS = {
    'code': {'产品编码', '商品编码', '编码', '货号', 'sku', 'code',
        'productcode'},
    'barcode': {'条码', '条形码', 'barcode', 'ean'},
    'quantity': {'数量', '盘点数量', '实盘数量', '实盘数', 'quantity',
        'count'},
    'reason': {'原因', '差异原因', '备注', 'reason'},
    }


def normalize(text):
    "The cell as text, full-width characters and spaces folded"
    if text is None:
        return ''
    return ''.join(unicodedata.normalize('NFKC', str(text)).split())


def read_rows(data, filename):
    "The rows of a csv (UTF-8 or GBK) or xlsx sheet"
    if data[:4] == b'PK\x03\x04' or filename.lower().endswith('.xlsx'):
        from openpyxl import load_workbook
        try:
            book = load_workbook(io.BytesIO(data), read_only=True,
                data_only=True)
        except Exception as exception:
            raise UserError(gettext('ecom_warehouse.msg_stocktake_unreadable',
                    file=filename, reason=str(exception)))
        return [list(r) for r in book.worksheets[0].iter_rows(
                values_only=True)]
    for encoding in ['utf-8-sig', 'gb18030']:
        try:
            return list(csv.reader(io.StringIO(data.decode(encoding))))
        except UnicodeDecodeError:
            continue
    raise UserError(gettext('ecom_warehouse.msg_stocktake_unreadable',
            file=filename, reason='encoding'))


def parse_counts(rows, find_product):
    """Return the counts of the sheet's rows by product id, with the
    reasons, and the errors by row number

    find_product(code, barcode) returns the product or None."""
    columns = {}
    counts, reasons, errors = {}, {}, []
    for number, row in enumerate(rows, 1):
        cells = [normalize(c) for c in row]
        texts = [str(c).strip() if c is not None else '' for c in row]
        if not any(cells):
            continue
        if not columns:
            for index, cell in enumerate(cells):
                for name, headers in HEADERS.items():
                    if cell.lower() in headers:
                        columns.setdefault(name, index)
            missing = ['quantity'] if 'quantity' not in columns else []
            if 'code' not in columns and 'barcode' not in columns:
                missing.insert(0, 'code')
            if missing:
                return {}, {}, [gettext(
                        'ecom_warehouse.msg_stocktake_missing_columns',
                        row=number, columns=', '.join(missing))]
            continue

        def cell(name):
            index = columns.get(name)
            return cells[index] if index is not None and index < len(
                cells) else ''
        code, barcode = cell('code'), cell('barcode')
        product = find_product(code, barcode)
        if product is None:
            errors.append(gettext('ecom_warehouse.msg_stocktake_unknown',
                    row=number, product=code or barcode))
            continue
        try:
            quantity = Decimal(cell('quantity').replace(',', ''))
        except InvalidOperation:
            errors.append(gettext('ecom_warehouse.msg_stocktake_quantity',
                    row=number, quantity=cell('quantity')))
            continue
        if quantity < 0:
            errors.append(gettext('ecom_warehouse.msg_stocktake_negative',
                    row=number, quantity=cell('quantity')))
            continue
        # the same product on several shelves is counted once, in total
        counts[product.id] = counts.get(product.id, 0) + float(quantity)
        index = columns.get('reason')
        if index is not None and index < len(texts) and texts[index]:
            reasons.setdefault(product.id, []).append(texts[index])
    if not columns:
        errors.append(gettext('ecom_warehouse.msg_stocktake_missing_columns',
                row=1, columns='code, quantity'))
    return counts, {p: '; '.join(r) for p, r in reasons.items()}, errors


class Inventory(metaclass=PoolMeta):
    __name__ = 'stock.inventory'

    ecom_import_file = fields.Char("Imported Sheet", readonly=True,
        help="The last spreadsheet whose counts were taken.")
    ecom_import_errors = fields.Text("Import Errors", readonly=True,
        help="What was wrong in the last sheet, by row; "
        "nothing of such a sheet is taken.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'ecom_import_counts': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button_action('ecom_warehouse.wizard_stocktake_import')
    def ecom_import_counts(cls, inventories):
        pass

    @classmethod
    def confirm(cls, inventories):
        "A difference is posted only with its reason"
        missing = [l for i in inventories for l in i.lines
            if l.ecom_difference and not l.ecom_reason]
        if missing:
            raise UserError(gettext('ecom_warehouse.msg_stocktake_no_reason',
                    products=', '.join(l.product.rec_name
                        for l in missing[:10])))
        super().confirm(inventories)

    def import_counts(self, data, filename):
        """Set the counts of the sheet on the stocktake's lines, or keep
        the sheet's errors on the stocktake and take nothing; return the
        errors"""
        pool = Pool()
        Product = pool.get('product.product')
        Line = pool.get('stock.inventory.line')
        rows = read_rows(data, filename)
        codes = {normalize(r[i]) for r in rows for i in range(len(r))}
        by_code = {}
        for product in Product.search(['OR',
                    ('code', 'in', list(codes)),
                    ('identifiers.code', 'in', list(codes)),
                    ]):
            by_code.setdefault(product.code, product)
            for identifier in product.identifiers:
                by_code.setdefault(identifier.code, product)

        def find_product(code, barcode):
            product = by_code.get(code) or by_code.get(barcode)
            if product and product.type == 'goods':
                return product
        counts, reasons, errors = parse_counts(rows, find_product)
        if errors:
            self.ecom_import_errors = '\n'.join(errors)
            self.save()
            return errors
        lines = {l.product.id: l for l in self.lines}
        to_save = []
        for product_id, quantity in counts.items():
            line = lines.get(product_id) or Line(inventory=self,
                product=product_id)
            line.quantity = quantity
            if product_id in reasons:
                line.ecom_reason = reasons[product_id]
            to_save.append(line)
        Line.save(to_save)
        self.ecom_import_file = filename
        self.ecom_import_errors = None
        self.save()
        # the new lines get what the books expect
        self.__class__.complete_lines([self], fill=False)
        return []


class InventoryLine(metaclass=PoolMeta):
    __name__ = 'stock.inventory.line'

    ecom_reason = fields.Char("Reason",
        states={'readonly': Eval('inventory_state') != 'draft'},
        help="Why the count differs from the books (盘盈/盘亏).")
    ecom_difference = fields.Function(fields.Float("Difference",
            digits=(16, 0),
            help="Counted less expected: gain above zero, loss below."),
        'get_ecom_difference')

    def get_ecom_difference(self, name):
        if self.quantity is None:
            if self.inventory.empty_quantity != 'empty':
                return None
            return -(self.expected_quantity or 0) or None
        return (self.quantity - (self.expected_quantity or 0)) or None


class ImportStart(ModelView):
    "Import Stocktake Counts"
    __name__ = 'ecom.stocktake.import.start'

    file = fields.Binary("Sheet", filename='filename', required=True,
        help="xlsx or csv with a header row: product code or barcode, "
        "quantity and, where it differs, the reason.")
    filename = fields.Char("File Name")


class ImportCounts(Wizard):
    "Import Stocktake Counts"
    __name__ = 'ecom.stocktake.import'

    start = StateView('ecom.stocktake.import.start',
        'ecom_warehouse.stocktake_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()

    def transition_import_(self):
        inventory = self.record
        if inventory.state != 'draft':
            raise UserError(gettext('ecom_warehouse.msg_stocktake_not_draft',
                    inventory=inventory.rec_name))
        inventory.import_counts(self.start.file,
            self.start.filename or 'counts.csv')
        return 'end'

    def end(self):
        return 'reload'
