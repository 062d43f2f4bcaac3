"""Payment bills written from the layouts of FORMATS.md, in their real
encodings, for the statement scenarios."""
import io
import zipfile

FUND_FLOW_HEADER = ('账务流水号,业务流水号,商户订单号,商品名称,发生时间,'
    '对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,'
    '备注')
FUND_FLOW_NEW_COLUMNS = ',业务描述,业务账单来源,业务基础订单号,业务订单号'
ACCOUNT = '20880000000000000156'


def fund_flow_line(line_id, order, title, income='0.00', expense='0.00',
        kind='在线支付', balance='10000.00', time='2026-11-11 00:03:06',
        base_order=None):
    "One line: ids end with a TAB, amounts are two unsigned columns"
    cells = [f'{line_id}\t', f'B{line_id}\t',
        f'T200P{order}\t' if order else '', f'{title}\t', time,
        'buyer@example.com\t', income, expense, balance, '支付宝', kind, '']
    if base_order is not None:
        cells += ['', '', f'{base_order}\t', '']
    return ','.join(cells)


def fund_flow(lines, header_line=5, new_columns=False, summary=True,
        encoding='gbk'):
    "An Alipay 账务明细 file: GBK, # preamble and summary"
    header = FUND_FLOW_HEADER + (FUND_FLOW_NEW_COLUMNS if new_columns else '')
    preamble = ['#支付宝账务明细查询', f'#账号：[{ACCOUNT}]',
        '#起始日期：[2026年11月11日 00:00:00]   '
        '终止日期：[2026年11月12日 00:00:00]',
        '#-----------------------------------------账务明细列表'
        '----------------------------------------']
    preamble = preamble[:header_line - 1]
    income = [l for l in lines if _amounts(l)[0]]
    text = preamble + [header] + list(lines)
    if summary:
        text += [
            '#----------------------------------------账务明细列表结束'
            '-------------------------------------',
            f'#支出合计：{len(lines) - len(income)}笔，共0.00元',
            f'#收入合计：{len(income)}笔，共0.00元',
            '#导出时间：[2026年11月12日 13:19:00]']
    return ('\r\n'.join(text) + '\r\n').encode(encoding)


def _amounts(line):
    import csv
    cells = next(csv.reader([line]))
    return [c not in ('', '0.00', '0') for c in cells[6:8]]


def zipped(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def fund_flow_summary():
    return ('#支付宝业务汇总查询\r\n业务类型,收入笔数,收入金额（+元）\r\n'
        '在线支付,2,0.00\r\n').encode('gbk')


WECHAT_TRADE_HEADER = ('交易时间,公众账号ID,商户号,特约商户号,设备号,'
    '微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,'
    '微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,'
    '商户数据包,手续费,费率,订单金额,申请退款金额,费率备注')


def wechat_trade(rows):
    "A WeChat Pay trade bill: UTF-8, every value after a backtick"
    lines = [WECHAT_TRADE_HEADER]
    for wx_id, order, amount, state, refund_id, refund in rows:
        cells = ['2026-11-11 08:00:00', 'wx0000000000000001', '1900000001',
            '0', '', wx_id, order, 'oUser', 'JSAPI', state, 'CMB_DEBIT',
            'CNY', amount, '0.00', refund_id, refund_id and 'R' + order,
            refund, '0.00', refund_id and 'ORIGINAL', refund_id and 'SUCCESS',
            '茶叶', '', '0.60', '0.60%', amount, refund, '']
        lines.append(','.join('`' + c for c in cells))
    lines.append('总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,'
        '订单总金额,申请退款总金额')
    lines.append(','.join('`' + c for c in [
                str(len(rows)), '0.00', '0.00', '0.00', '0.00', '0.00',
                '0.00']))
    return ('\r\n'.join(lines) + '\r\n').encode('utf-8')


TRADE_HEADER = ('支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,'
    '门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,'
    '支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,'
    '券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,'
    '分润（元）,备注')


def trade(rows):
    "An Alipay 业务明细 file: GBK, # preamble and summary"
    lines = ['#支付宝业务明细查询', f'#账号：[{ACCOUNT}]', TRADE_HEADER]
    for trade_no, order, kind, amount, refund_batch in rows:
        cells = [f'{trade_no}\t', f'T200P{order}\t', kind, '西湖龙井',
            '2026-11-11 00:02:00', '2026-11-11 00:03:00', '', '', '', '',
            'buyer@example.com', amount, amount, '0.00', '0.00', '0.00',
            '0.00', '0.00', '', '0.00', '0.00',
            f'{refund_batch}\t' if refund_batch else '', '-0.60', '0.00', '']
        lines.append(','.join(cells))
    lines += ['#-----------------------------------------业务明细列表结束'
        '------------------------------------', f'#交易合计：{len(rows)}笔']
    return ('\r\n'.join(lines) + '\r\n').encode('gbk')
