# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Read a courier's monthly bill (快递账单, csv or xlsx): one row per
waybill, its columns found by their header names, which each courier
words its own way (运单号 or 运单编号, 计费重量 or 结算重量…).

Parsing is pure: a malformed file raises CourierBillError naming the
file, the line and the reason, before anything is written.
"""
import csv
import datetime as dt
import io
import re
import unicodedata
from decimal import Decimal, InvalidOperation

# the names couriers give each column, the likeliest first
COLUMNS = {
    'waybill': ['运单号', '运单编号', '运单号码', '快递单号', '单号'],
    'weight': ['计费重量', '结算重量', '计费重', '重量'],
    'amount': ['运费', '金额', '结算金额', '应付金额', '运费金额', '费用'],
    'destination': ['目的地', '目的省份', '到达省份', '收件省份', '目的省'],
    'date': ['发件日期', '寄件日期', '揽收日期', '发货日期', '揽收时间',
        '日期'],
    }
REQUIRED = ['waybill', 'weight', 'amount']
# the first cell of the rows that sum the bill up
SUMMARY = re.compile(r'^(合计|总计|小计|共计)')


class CourierBillError(Exception):
    "A bill that cannot be read: the reason's key and its values"

    def __init__(self, key, **values):
        super().__init__(key, values)
        self.key = key
        self.values = values


def header_name(text):
    "A header without spaces, full-width forms or its unit: 计费重量(kg)"
    name = re.sub(r'\s+', '', unicodedata.normalize('NFKC', str(text or '')))
    return re.sub(r'[(\[【].*[)\]】]$', '', name)


def clean(cell):
    "A cell as text without the quote, TAB and backtick of exported ids"
    if cell is None:
        return ''
    return unicodedata.normalize('NFKC', str(cell)).strip().strip("'`")


def parse_number(cell):
    """Return the Decimal of an amount or weight written ¥1,234.50,
    １２.５kg or with full-width digits, or raise ValueError"""
    if isinstance(cell, (int, float, Decimal)):
        return Decimal(str(cell))
    text = re.sub(r'[\s,¥元]|kg$|KG$|公斤$', '', clean(cell))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(cell)


def parse_date(cell):
    "Return the date of a cell written 2026-11-03, 2026/11/3 or 20261103"
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = clean(cell)
    match = re.match(r'^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})', text)
    if not match:
        raise ValueError(cell)
    return dt.date(*map(int, match.groups()))


def read_rows(data, filename):
    "Return the rows of a csv (UTF-8 or GBK) or xlsx bill"
    if data[:4] == b'PK\x03\x04' or filename.lower().endswith('.xlsx'):
        import openpyxl
        try:
            book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True)
            return [list(r) for r in book.worksheets[0].iter_rows(
                    values_only=True)]
        except Exception as exception:
            raise CourierBillError('unreadable',
                file=filename, reason=str(exception) or type(
                    exception).__name__)
    for encoding in ['utf-8-sig', 'gb18030']:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exception:
            error = exception
    else:
        line = data[:error.start].count(b'\n') + 1
        raise CourierBillError('encoding', file=filename, line=line)
    try:
        return list(csv.reader(io.StringIO(text, newline=''), strict=True))
    except csv.Error as exception:
        raise CourierBillError('unreadable', file=filename,
            reason=str(exception))


def find_columns(cells, mapping):
    """Return the index of each column of the header cells, or None when
    they are not a bill's header; the mapping's names come first"""
    names = [header_name(c) for c in cells]
    columns = {}
    for kind, candidates in COLUMNS.items():
        mapped = header_name(mapping.get(kind)) if mapping.get(kind) else None
        for candidate in ([mapped] if mapped else []) + candidates:
            if candidate in names:
                columns[kind] = names.index(candidate)
                break
    if all(k in columns for k in REQUIRED):
        return columns


def parse_bill(data, filename, mapping=None):
    """Return the header names used by kind and the bill's rows as
    (line number, values) in the file's order"""
    mapping = mapping or {}
    columns, rows, total = None, [], None
    for number, row in enumerate(read_rows(data, filename), 1):
        if not any(clean(c) for c in row):
            continue
        if columns is None:
            columns = find_columns(row, mapping)
            if columns is not None:
                header = {k: clean(row[i]) for k, i in columns.items()}
            continue
        if SUMMARY.match(clean(row[0])):
            if len(row) > columns['amount']:
                try:
                    total = (number, parse_number(row[columns['amount']]))
                except ValueError:
                    pass
            continue
        if len(row) <= max(columns.values()):
            raise CourierBillError('short_line', file=filename, line=number)
        values = {'waybill': clean(row[columns['waybill']])}
        if not values['waybill']:
            raise CourierBillError('no_waybill', file=filename, line=number)
        for kind in ['weight', 'amount']:
            cell = row[columns[kind]]
            try:
                values[kind] = parse_number(cell)
            except ValueError:
                raise CourierBillError('number', file=filename, line=number,
                    column=header[kind], value=clean(cell))
        values['destination'] = (clean(row[columns['destination']])
            if 'destination' in columns else None)
        values['date'] = None
        if 'date' in columns and clean(row[columns['date']]):
            try:
                values['date'] = parse_date(row[columns['date']])
            except ValueError:
                raise CourierBillError('date', file=filename, line=number,
                    column=header['date'], value=clean(row[columns['date']]))
        rows.append((number, values))
    if columns is None:
        raise CourierBillError('no_header', file=filename)
    if not rows:
        raise CourierBillError('empty', file=filename)
    if total and total[1] != sum(v['amount'] for _, v in rows):
        # a file cut at the end of a line shows only by its total
        raise CourierBillError('total', file=filename, line=total[0],
            total=total[1], sum=sum(v['amount'] for _, v in rows))
    return header, rows
