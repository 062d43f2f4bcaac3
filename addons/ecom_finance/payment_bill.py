# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Read the merchant bills of Alipay and WeChat Pay as FORMATS.md gives
them: rows of named cells with their line number in the file.

Parsing is pure: a malformed file raises BillError naming the file, the
line and the reason; nothing is read by position but the header's names.
"""
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation

ALIPAY_FUND_FLOW = 'alipay_fund_flow'
ALIPAY_TRADE = 'alipay_trade'
WECHAT_TRADE = 'wechat_trade'
WECHAT_FUND_FLOW = 'wechat_fund_flow'
# the column naming a kind of bill in its header
HEADER_KEYS = [
    ('账务流水号', ALIPAY_FUND_FLOW),
    ('支付宝交易号', ALIPAY_TRADE),
    ('微信订单号', WECHAT_TRADE),
    ('资金流水单号', WECHAT_FUND_FLOW),
    ]
# Taobao and Tmall write the order's tid in the merchant order id
TAOBAO_ORDER = re.compile(r'^T\d+P(\d+)$')


class BillError(Exception):
    "A bill that cannot be read: the reason's key and its values"

    def __init__(self, reason, **values):
        super().__init__(reason, values)
        self.reason = reason
        self.values = values


class Bill:
    "The rows of one bill file"

    def __init__(self, filename, kind, account=None):
        self.filename = filename
        self.kind = kind
        self.account = account
        self.rows = []
        self.summary = {}


def clean(cell):
    "A cell without the TAB suffix and backtick prefix bills add to ids"
    return (cell or '').strip().lstrip('`').strip()


def parse_amount(text, filename=None, line=None):
    "Return the Decimal of an amount written 1,234.50, ¥12 or full-width"
    value = unicodedata.normalize('NFKC', clean(text))
    value = re.sub(r'[\s,¥元]', '', value)
    if not value:
        return Decimal(0)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise BillError(
            'amount', file=filename, line=line, value=clean(text))


def parse_date(text, filename=None, line=None):
    text = unicodedata.normalize('NFKC', clean(text))
    for format_ in ['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S',
            '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M', '%Y-%m-%d', '%Y/%m/%d']:
        try:
            return dt.datetime.strptime(text, format_)
        except ValueError:
            continue
    raise BillError('date', file=filename, line=line, value=text)


def platform_order_id(merchant_order_id):
    "The platform's order id in a merchant order id (T200P<tid> → tid)"
    value = clean(merchant_order_id)
    match = TAOBAO_ORDER.match(value)
    return match.group(1) if match else value or None


def decode(data, filename):
    """Return the text of the bill: UTF-8 (WeChat) or GBK (Alipay)"""
    for encoding in ['utf-8-sig', 'gb18030']:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BillError('encoding', file=filename)


def read_files(data, filename):
    "Return (name, bytes) of the file or of the members of a ZIP"
    if data[:4] == b'PK\x03\x04':
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return [(f'{filename}/{info.filename}', archive.read(info))
                    for info in archive.infolist() if not info.is_dir()]
        except (zipfile.BadZipFile, EOFError):
            raise BillError('truncated', file=filename, line=0)
    return [(filename, data)]


def parse_bills(data, filename):
    """Return the bills of the file (a ZIP gives the detail files it holds;
    its summary files are told apart by their first line and left)"""
    bills = []
    for name, content in read_files(data, filename):
        text = decode(content, name)
        first = text.lstrip().split('\n', 1)[0]
        if '汇总' in first:
            continue
        bills.append(parse_bill(text, name))
    if not bills:
        raise BillError('not_a_bill', file=filename)
    return bills


def parse_bill(text, filename):
    lines = text.splitlines()
    header, bill, number = None, None, 0
    comments = []
    summary_header = None
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if raw.startswith('#'):
            comments.append(raw)
            if bill and header:
                # the end of the list: what follows is the summary
                header = None
            continue
        cells = [clean(c) for c in next(csv.reader([raw]))]
        if bill is None:
            for key, kind in HEADER_KEYS:
                if key in cells:
                    bill = Bill(filename, kind, _account(comments))
                    header = cells
                    break
            else:
                if number > 10:
                    break
            continue
        if summary_header is not None:
            bill.summary = dict(zip(summary_header, cells))
            summary_header = None
            continue
        if cells and cells[0].startswith('总'):
            # WeChat's summary block: its header, then one row
            summary_header = cells
            header = None
            continue
        if header is None:
            continue
        if len(cells) < len(header):
            raise BillError('short_line', file=filename, line=number)
        bill.rows.append((number, dict(zip(header, cells))))
    if bill is None:
        raise BillError('not_a_bill', file=filename)
    bill.summary.update(_alipay_summary(comments))
    _check_complete(bill, number)
    return bill


def _account(comments):
    for comment in comments:
        match = re.search(r'账号[:：]\s*[\[［]?(\d+)', comment)
        if match:
            return match.group(1)


def _alipay_summary(comments):
    "Counts of the Alipay summary lines: #收入合计：18笔，共14989.00元"
    summary = {}
    for comment in comments:
        match = re.search(r'(支出|收入)合计[:：]\s*(\d+)\s*笔', comment)
        if match:
            summary[match.group(1)] = int(match.group(2))
    return summary


def _check_complete(bill, last_line):
    "A bill cut short has no summary, or fewer rows than it counts"
    if bill.kind == ALIPAY_FUND_FLOW:
        if '收入' not in bill.summary or '支出' not in bill.summary:
            raise BillError('truncated', file=bill.filename, line=last_line)
        expected = bill.summary['收入'] + bill.summary['支出']
    elif bill.kind == ALIPAY_TRADE:
        return
    else:
        if not bill.summary:
            raise BillError('truncated', file=bill.filename, line=last_line)
        count = (bill.summary.get('总交易单数')
            or bill.summary.get('资金流水总笔数'))
        if count is None:
            return
        expected = int(parse_amount(count, bill.filename, last_line))
    if expected != len(bill.rows):
        raise BillError('truncated', file=bill.filename, line=last_line)
