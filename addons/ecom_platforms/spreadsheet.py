"""Orders typed into a spreadsheet (.xlsx or .csv in UTF-8 or GBK): one row
a line, rows of one order share its number; columns found by header name,
Chinese or English."""
import csv
import io
from collections import OrderedDict
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

# normalized key: header names accepted (compared without spaces and
# brackets, case-insensitive)
HEADERS = OrderedDict([
    ('platform_order_id', ["订单号", "订单编号", "order id", "order"]),
    ('order_date', ["下单时间", "创建时间", "order date"]),
    ('pay_date', ["付款时间", "支付时间", "pay date"]),
    # the version of the order: a row older than the stored order is stale
    ('modified', ["修改时间", "更新时间", "modified", "updated"]),
    ('buyer', ["买家", "买家昵称", "buyer"]),
    ('receiver_name', ["收货人", "收件人", "receiver"]),
    ('receiver_phone', ["手机", "联系电话", "电话", "phone"]),
    ('receiver_province', ["省", "省份", "province"]),
    ('receiver_city', ["市", "城市", "city"]),
    ('receiver_district', ["区", "区县", "district"]),
    ('receiver_address', ["详细地址", "地址", "address"]),
    ('buyer_message', ["买家留言", "buyer message"]),
    ('seller_memo', ["卖家备注", "备注", "seller memo"]),
    ('shipping_amount', ["运费", "shipping"]),
    ('outer_code', ["商家编码", "商品编码", "sku", "code"]),
    ('title', ["商品名称", "商品", "title"]),
    ('quantity', ["数量", "quantity"]),
    ('unit_price', ["单价", "价格", "unit price", "price"]),
    ])
REQUIRED = ['platform_order_id', 'outer_code', 'quantity', 'unit_price']
TEMPLATE_HEADERS = ["订单号", "下单时间", "付款时间", "买家", "收货人", "手机",
    "省", "市", "区", "详细地址", "买家留言", "卖家备注", "运费", "商家编码",
    "商品名称", "数量", "单价"]
TEMPLATE_ROW = ["M20261111001", "2026-11-11 10:00:00", "2026-11-11 10:01:00",
    "王芳", "王芳", "13800000000", "浙江省", "杭州市", "西湖区", "文三路1号",
    "请尽快发货", "", "0", "TEA-LJ-250", "西湖龙井 250g", "2", "168.00"]


class RowError(ValueError):
    "A row that cannot be read: a message id of ecom_platforms and values"

    def __init__(self, message, **values):
        super().__init__(message)
        self.message = message
        self.values = values


def _key(text):
    text = str(text or '').strip().lower()
    for char in ' （）()【】[]元':
        text = text.replace(char, '')
    return text


ALIASES = {_key(alias): field for field, aliases in HEADERS.items()
    for alias in aliases}


def decode(data):
    "Text of a CSV file in UTF-8 (with or without BOM) or GBK"
    for encoding in ('utf-8-sig', 'gb18030'):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RowError('msg_import_encoding')


def read_rows(data, filename):
    "The file's rows as lists of cell values, header first"
    if (filename or '').lower().endswith(('.xlsx', '.xlsm')):
        from openpyxl import load_workbook
        sheet = load_workbook(io.BytesIO(data), read_only=True,
            data_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(decode(data))))


def template_xlsx():
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "订单"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(TEMPLATE_ROW)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _date(value, zone):
    if value in (None, ''):
        return None
    if not isinstance(value, datetime):
        text = str(value).strip().replace('/', '-')
        for pattern in ('%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d'):
            try:
                value = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise RowError('msg_import_date', value=text)
    # typed in the shop's local time, stored in UTC
    return value.replace(tzinfo=zone).astimezone(timezone.utc).replace(
        tzinfo=None)


def _decimal(value, name):
    try:
        return Decimal(str(value if value not in (None, '') else 0
                ).strip()).quantize(Decimal('0.0001'))
    except InvalidOperation:
        raise RowError('msg_import_number', field=name, value=value)


def parse(data, filename, timezone_name='Asia/Shanghai'):
    """Return (normalized orders, [(row number, RowError)]): a bad row is
    reported and its order left out, the other orders kept; the times of
    the rows are local times of the time zone named"""
    zone = ZoneInfo(timezone_name)
    try:
        rows = [r for r in read_rows(data, filename)
            if any(c not in (None, '') for c in r)]
    except RowError as error:
        return [], [(1, error)]
    if not rows:
        return [], [(1, RowError('msg_import_empty'))]
    columns = {}
    for index, header in enumerate(rows[0]):
        field = ALIASES.get(_key(header))
        if field and field not in columns:
            columns[field] = index
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        return [], [(1, RowError('msg_import_columns', columns=', '.join(
                        HEADERS[f][0] for f in missing)))]
    orders, errors, bad = OrderedDict(), [], set()
    for number, row in enumerate(rows[1:], start=2):
        values = {f: row[i] if i < len(row) else None
            for f, i in columns.items()}
        order_id = str(values['platform_order_id'] or '').strip()
        try:
            if not order_id:
                raise RowError('msg_import_no_order')
            quantity = _decimal(values['quantity'], HEADERS['quantity'][0])
            if quantity <= 0 or quantity != int(quantity):
                raise RowError('msg_import_quantity')
            unit_price = _decimal(values['unit_price'],
                HEADERS['unit_price'][0])
            if not str(values['outer_code'] or '').strip():
                raise RowError('msg_import_no_code')
            order = orders.get(order_id) or _new_order(
                order_id, values, zone)
        except RowError as error:
            errors.append((number, error))
            bad.add(order_id)
            continue
        orders[order_id] = order
        line_number = len(order['lines']) + 1
        amount = (unit_price * quantity).quantize(Decimal('0.01'))
        code = str(values['outer_code']).strip()
        order['lines'].append({
                'platform_line_id': '%s-%d' % (order_id, line_number),
                'platform_item_id': code, 'platform_sku_id': '',
                'outer_code': code,
                'title': str(values.get('title') or code),
                'quantity': int(quantity), 'unit_price': unit_price,
                'amount': amount, 'refund_status': 'none'})
        order['total_amount'] += amount
        order['raw']['rows'].append(number)
    return [o for k, o in orders.items() if k not in bad], errors


def _new_order(order_id, values, zone):
    text = {k: str(values.get(k) or '').strip() for k in HEADERS}
    shipping = _decimal(values.get('shipping_amount'),
        HEADERS['shipping_amount'][0]).quantize(Decimal('0.01'))
    order_date = _date(values.get('order_date'), zone) or datetime.now(
        timezone.utc).replace(tzinfo=None)
    return {
        'platform_order_id': order_id, 'platform_status': 'imported',
        'status': 'paid',
        'modified': _date(values.get('modified'), zone) or order_date,
        'buyer': text['buyer'], 'receiver_name': text['receiver_name'],
        'receiver_phone': text['receiver_phone'],
        'receiver_province': text['receiver_province'],
        'receiver_city': text['receiver_city'],
        'receiver_district': text['receiver_district'],
        'receiver_address': text['receiver_address'],
        'buyer_message': text['buyer_message'],
        'seller_memo': text['seller_memo'], 'seller_flag': 0,
        'order_date': order_date,
        'pay_date': _date(values.get('pay_date'), zone) or order_date,
        'total_amount': shipping, 'shipping_amount': shipping,
        'carrier_code': None, 'lines': [],
        'raw': {'rows': [], 'values': {k: text[k] for k in text}},
        }
