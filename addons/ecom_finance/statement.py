# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Alipay and WeChat Pay bills as formats of Tryton's statement import:
one origin per bill line, unique on the bill's own line id, matched to
its order's invoice; the rest (fees, withdrawals) by statement rules."""
import unicodedata
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelView, Unique, fields
from trytond.modules.account_statement.exceptions import ImportStatementError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from . import payment_bill as bills

UNMATCHED = [
    (None, ""),
    ('no_order', "No such order"),
    ('other_company', "Order of another company"),
    ('no_invoice', "Invoice not made yet"),
    ('amount', "Amount differs"),
    ]


def _cell(row, *names):
    "The cell of the first header name given, full- or half-width"
    for name in names:
        name = unicodedata.normalize('NFKC', name)
        for key, value in row.items():
            if unicodedata.normalize('NFKC', key).startswith(name):
                return value
    return ''


class StatementImportStart(metaclass=PoolMeta):
    __name__ = 'account.statement.import.start'

    ecom_journal = fields.Many2One('account.statement.journal', "Journal",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'invisible': ~Eval('file_format').in_(['alipay', 'wechat_pay']),
            },
        help="The journal of the Alipay or WeChat Pay account; "
        "found from the account number of the bill when empty.")
    ecom_filename = fields.Char("File Name", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.file_format.selection.extend([
                # the selection is not translated: the names as printed
                ('alipay', "支付宝账单 (Alipay)"),
                ('wechat_pay', "微信支付账单 (WeChat Pay)"),
                ])
        cls.file_.filename = 'ecom_filename'


class StatementImport(metaclass=PoolMeta):
    __name__ = 'account.statement.import'

    def do_import_(self, action):
        pool = Pool()
        Statement = pool.get('account.statement')
        action, data = super().do_import_(action)
        if self.start.file_format in {'alipay', 'wechat_pay'}:
            statements = Statement.browse(data['res_id'])
            Statement.ecom_match(statements)
            Statement.apply_rules(statements)
        return action, data

    def parse_alipay(self):
        return self.ecom_parse()

    def parse_wechat_pay(self):
        return self.ecom_parse()

    def ecom_parse(self):
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        filename = self.start.ecom_filename or self.start.file_format
        try:
            parsed = bills.parse_bills(self.start.file_, filename)
            statements, seen = [], {}
            for bill in parsed:
                origins = []
                for number, row in bill.rows:
                    origin = self.ecom_origin(bill, number, row)
                    if origin.ecom_line_key in seen:
                        raise bills.BillError('duplicate_line',
                            file=bill.filename, line=number,
                            first=seen[origin.ecom_line_key],
                            number=origin.number)
                    seen[origin.ecom_line_key] = number
                    origins.append(origin)
                statements.append((bill, self.ecom_statement(bill), origins))
        except bills.BillError as error:
            raise ImportStatementError(gettext(
                    'ecom_finance.msg_bill_' + error.reason, **error.values))
        keys = [o.ecom_line_key for _, _, origins in statements
            for o in origins]
        existing = set()
        for sub in range(0, len(keys), 1000):
            existing.update(o.ecom_line_key for o in Origin.search([
                        ('ecom_line_key', 'in', keys[sub:sub + 1000]),
                        ]))
        result = []
        for bill, statement, origins in statements:
            origins = [o for o in origins if o.ecom_line_key not in existing]
            if not origins:
                continue
            statement.origins = origins
            statement.number_of_lines = len(origins)
            statement.total_amount = sum(o.amount for o in origins)
            statement.date = max(o.date for o in origins)
            result.append(statement)
        if not result:
            raise ImportStatementError(gettext(
                    'ecom_finance.msg_bill_already_imported', file=filename))
        return result

    def ecom_statement(self, bill):
        pool = Pool()
        Statement = pool.get('account.statement')
        Journal = pool.get('account.statement.journal')
        statement = Statement()
        statement.name = bill.filename
        statement.company = self.start.company
        statement.journal = self.start.ecom_journal
        if not statement.journal and bill.account:
            statement.journal = Journal.get_by_bank_account(
                statement.company, bill.account)
        if not statement.journal:
            raise ImportStatementError(gettext(
                    'account_statement.msg_import_no_journal',
                    account=bill.account or bill.filename))
        return statement

    def ecom_origin(self, bill, number, row):
        "Return the origin of the bill's row"
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        values = getattr(self, 'ecom_values_' + bill.kind)(
            bill, number, row)
        if not values['number']:
            raise bills.BillError('no_id', file=bill.filename, line=number)
        origin = Origin()
        origin.number = values['number']
        origin.ecom_line_key = ':'.join(
            [bill.kind, bill.account or '', values['number']])
        origin.ecom_file_line = number
        origin.date = values['date'].date()
        origin.amount = values['amount']
        origin.description = '|'.join(filter(None, values['description']))
        origin.ecom_platform_order_id = values.get('order')
        origin.information = {k: v for k, v in {
                'ecom_business_type': values.get('type'),
                'ecom_platform_order_id': values.get('order'),
                'ecom_fee': str(values['fee']) if values.get('fee') else None,
                }.items() if v}
        return origin

    def ecom_values_alipay_fund_flow(self, bill, number, row):
        amount = lambda *n: bills.parse_amount(  # noqa: E731
            _cell(row, *n), bill.filename, number)
        return {
            'number': _cell(row, '账务流水号'),
            'date': bills.parse_date(
                _cell(row, '发生时间'), bill.filename, number),
            'amount': amount('收入金额') - amount('支出金额'),
            'type': _cell(row, '业务类型'),
            'order': (_cell(row, '业务基础订单号')
                or bills.platform_order_id(_cell(row, '商户订单号'))),
            'description': [_cell(row, '业务类型'), _cell(row, '商品名称'),
                _cell(row, '备注')],
            }

    def ecom_values_alipay_trade(self, bill, number, row):
        kind = _cell(row, '业务类型')
        refund = _cell(row, '退款批次号')
        return {
            'number': (_cell(row, '支付宝交易号')
                + (('/' + refund) if refund else '')),
            'date': bills.parse_date(
                _cell(row, '完成时间') or _cell(row, '创建时间'),
                bill.filename, number),
            'amount': bills.parse_amount(
                _cell(row, '商家实收'), bill.filename, number),
            'fee': bills.parse_amount(
                _cell(row, '服务费'), bill.filename, number),
            'type': kind,
            'order': bills.platform_order_id(_cell(row, '商户订单号')),
            'description': [kind, _cell(row, '商品名称'), _cell(row, '备注')],
            }

    def ecom_values_wechat_trade(self, bill, number, row):
        refund = bills.parse_amount(
            _cell(row, '退款金额'), bill.filename, number)
        state = _cell(row, '交易状态')
        is_refund = state == 'REFUND' or (refund and state != 'SUCCESS')
        return {
            'number': (_cell(row, '微信退款单号') if is_refund
                else _cell(row, '微信订单号')),
            'date': bills.parse_date(
                _cell(row, '交易时间'), bill.filename, number),
            'amount': -refund if is_refund else bills.parse_amount(
                _cell(row, '应结订单金额'), bill.filename, number),
            'fee': bills.parse_amount(
                _cell(row, '手续费'), bill.filename, number),
            'type': '退款' if is_refund else '交易',
            'order': bills.platform_order_id(_cell(row, '商户订单号')),
            'description': [_cell(row, '交易类型'), state,
                _cell(row, '商品名称')],
            }

    def ecom_values_wechat_fund_flow(self, bill, number, row):
        amount = bills.parse_amount(
            _cell(row, '收支金额'), bill.filename, number)
        if _cell(row, '收支类型') == '支出':
            amount = -abs(amount)
        return {
            'number': _cell(row, '资金流水单号'),
            'date': bills.parse_date(
                _cell(row, '记账时间'), bill.filename, number),
            'amount': amount,
            'type': _cell(row, '业务类型'),
            'order': None,
            'description': [_cell(row, '业务名称'), _cell(row, '业务类型'),
                _cell(row, '备注')],
            }


class StatementOrigin(metaclass=PoolMeta):
    __name__ = 'account.statement.origin'

    ecom_line_key = fields.Char("Bill Line Key", readonly=True,
        help="The bill's kind, account and own line id: "
        "a line is imported once.")
    ecom_file_line = fields.Integer("File Line", readonly=True)
    ecom_platform_order_id = fields.Char("Platform Order ID", readonly=True)
    ecom_order = fields.Many2One('ecom.order', "Order", readonly=True,
        ondelete='SET NULL')
    ecom_unmatched = fields.Selection(UNMATCHED, "Unmatched", readonly=True,
        help="Why the line has no receipt for its order's invoice.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(
            ('ecom_line_key_unique',
                Unique(t, t.ecom_line_key),
                'ecom_finance.msg_bill_line_unique'))
        cls._sql_indexes.add(
            Index(t, (t.ecom_platform_order_id, Index.Equality())))


class Statement(metaclass=PoolMeta):
    __name__ = 'account.statement'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update(
            ecom_match={
                'invisible': Eval('state') != 'draft',
                'depends': ['state'],
                },
            )

    @classmethod
    @ModelView.button
    def ecom_match(cls, statements):
        """Make the receipts of the origins that carry an order id, from
        the order's invoice, and say why for the others"""
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        Line = pool.get('account.statement.line')
        origins = [o for s in statements if s.state == 'draft'
            for o in s.origins
            if o.ecom_platform_order_id and not o.lines]
        lines, to_write = [], defaultdict(list)
        for sub in range(0, len(origins), 1000):
            chunk = origins[sub:sub + 1000]
            orders = cls._ecom_orders(
                {o.ecom_platform_order_id for o in chunk})
            for origin in chunk:
                order, line, reason = cls._ecom_match_origin(
                    origin, orders.get(origin.ecom_platform_order_id, []))
                if line:
                    lines.append(line)
                to_write[(order.id if order else None, reason)].append(
                    origin)
        Line.save(lines)
        if to_write:
            Origin.write(*(v for (order, reason), records in to_write.items()
                    for v in (records, {
                            'ecom_order': order,
                            'ecom_unmatched': reason})))

    @classmethod
    def _ecom_orders(cls, order_ids):
        Order = Pool().get('ecom.order')
        orders = defaultdict(list)
        for order in Order.search([
                    ('platform_order_id', 'in', list(order_ids)),
                    ]):
            orders[order.platform_order_id].append(order)
        return orders

    @classmethod
    def _ecom_match_origin(cls, origin, orders):
        "Return the order, the statement line and the reason of no line"
        pool = Pool()
        Line = pool.get('account.statement.line')
        if not orders:
            return None, None, 'no_order'
        company_orders = [o for o in orders
            if o.shop.company == origin.company]
        if not company_orders:
            return orders[0], None, 'other_company'
        order = company_orders[0]
        refund = origin.amount < 0
        invoices = [i for s in order.sales for i in s.invoices]
        if refund:
            invoices += cls._ecom_credit_notes(invoices)
        invoices = [i for i in set(invoices)
            if i.state == 'posted' and i.type == 'out'
            and (i.total_amount < 0) == refund and i.amount_to_pay]
        invoices.sort(key=lambda i: i.id)
        if not invoices:
            return order, None, 'no_invoice'
        invoice = next((i for i in invoices
                if i.amount_to_pay == origin.amount), None)
        if invoice is None:
            return order, None, 'amount'
        line = Line(
            statement=origin.statement, origin=origin, number=origin.number,
            date=origin.date, amount=origin.amount, party=invoice.party,
            account=invoice.account, related_to=invoice,
            description=origin.description)
        return order, line, None

    @classmethod
    def _ecom_credit_notes(cls, invoices):
        "The credit notes of the invoices, which the sale does not list"
        Invoice = Pool().get('account.invoice')
        origins = [str(l) for i in invoices for l in i.lines]
        if not origins:
            return []
        return Invoice.search([('lines.origin', 'in', origins)])

    @classmethod
    def ecom_retry_matching(cls):
        "Match again the lines whose invoice was not made yet"
        pool = Pool()
        Origin = pool.get('account.statement.origin')
        origins = Origin.search([
                ('ecom_unmatched', '=', 'no_invoice'),
                ('statement.state', '=', 'draft'),
                ])
        statements = list({o.statement for o in origins})
        if statements:
            cls.ecom_match(statements)



class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('account.statement|ecom_retry_matching',
                "Match Payment Bill Lines Awaiting Their Invoice"))
