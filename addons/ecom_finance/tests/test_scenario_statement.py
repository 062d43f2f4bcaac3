"""Finance imports the Alipay and WeChat Pay bills into statements: each
bill line once, the receipts against the orders' invoices, fees and
withdrawals by statement rules, the rest listed with the reason."""
import unittest
from decimal import Decimal

from proteus import Model, Wizard

from trytond.modules.account_statement.exceptions import ImportStatementError
from trytond.modules.ecom_finance.tests import bills
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)


def payment_journal(seller):
    """Return the Alipay statement journal and the bank account: fees
    (服务费) and withdrawals (提现) are booked by statement rules"""
    accounts = seller.accounts
    Account = Model.get('account.account')
    AccountJournal = Model.get('account.journal')
    StatementJournal = Model.get('account.statement.journal')
    cash = accounts['cash']
    alipay_account = Account(name="支付宝", code='1012',
        type=cash.type, parent=cash.parent, reconcile=False)
    alipay_account.save()
    bank = Account(name="招商银行", code='1002', type=cash.type,
        parent=cash.parent)
    bank.save()
    account_journal, = AccountJournal.find([('code', '=', 'STA')])
    journal = StatementJournal(name="支付宝", journal=account_journal,
        account=alipay_account, validation='number_of_lines')
    journal.save()
    Rule = Model.get('account.statement.rule')
    Information = Model.get('account.statement.origin.information')
    business_type, = Information.find(
        [('name', '=', 'ecom_business_type')])
    for name, kind, account in [
            ("支付宝服务费", '服务费', accounts['expense']),
            ("提现到银行", '提现', bank)]:
        rule = Rule(name=name, company=seller.company)
        information = rule.information_rules.new()
        information.key = business_type
        information.char = kind
        rule_line = rule.lines.new()
        rule_line.amount = 'pending'
        rule_line.account = account
        rule.save()
    return journal, bank


def import_bill(journal, data, filename, file_format='alipay'):
    "Return the statements the bill file is imported into"
    wizard = Wizard('account.statement.import')
    wizard.form.file_ = data
    wizard.form.file_format = file_format
    wizard.form.ecom_filename = filename
    wizard.form.ecom_journal = journal
    wizard.execute('import_')
    Statement = Model.get('account.statement')
    return Statement.find([('name', 'like', filename + '%')],
        order=[('id', 'DESC')])


class StatementScenarioTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_finance'])
        self.seller = get_seller(self.config)
        self.Order = Model.get('ecom.order')
        self.journal, self.bank = payment_journal(self.seller)

    def tearDown(self):
        drop_seller()

    def invoiced(self, order_id, *lines, post=True):
        "An order downloaded, posted, shipped and (posted) invoiced"
        shop = self.seller.shops['TB01']
        self.Order.upsert_normalized(shop.id, [normalized(order_id, *lines)],
            self.config.context)
        order, = self.Order.find([('platform_order_id', '=', order_id)])
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        shipment, = order.sales[0].shipments
        for button in ['assign_try', 'pick', 'pack', 'ship', 'do']:
            shipment.click(button)
        order.reload()
        invoice, = order.sales[0].invoices
        if post:
            invoice.click('post')
        return invoice

    def import_bill(self, data, filename, file_format='alipay'):
        return import_bill(self.journal, data, filename, file_format)

    def test_fund_flow_into_receipts(self):
        "Sales are received on their invoices, fees and withdrawals by rule"
        paid = self.invoiced('1001')
        differs = self.invoiced('1002')
        later = self.invoiced('1003', post=False)
        lines = [
            bills.fund_flow_line('2026111100001', '1001', "西湖龙井",
                income=str(paid.total_amount)),
            bills.fund_flow_line('2026111100002', '1002', "西湖龙井",
                income=str(differs.total_amount + 1)),
            bills.fund_flow_line('2026111100003', '9999', "不是我们的",
                income='10.00'),
            bills.fund_flow_line('2026111100004', None, "技术服务费",
                expense='１.９９', kind='服务费'),
            bills.fund_flow_line('2026111100005', None, "提现",
                expense='"1,000.00"', kind='提现'),
            bills.fund_flow_line('2026111100006', '1003', "西湖龙井",
                income=str(later.total_amount)),
            ]
        statement, = self.import_bill(bills.fund_flow(lines), 'alipay.csv')
        self.assertEqual(statement.number_of_lines, 6)
        self.assertEqual(statement.total_amount, paid.total_amount
            + differs.total_amount + 1 + 10 - Decimal('1001.99')
            + later.total_amount)
        origins = {o.number: o for o in statement.origins}
        self.assertEqual(
            {n: o.ecom_unmatched for n, o in origins.items()}, {
                '2026111100001': None,
                '2026111100002': 'amount',
                '2026111100003': 'no_order',
                '2026111100004': None,
                '2026111100005': None,
                '2026111100006': 'no_invoice',
                })
        receipt, = origins['2026111100001'].lines
        self.assertEqual(receipt.related_to, paid)
        fee, = origins['2026111100004'].lines
        self.assertEqual(fee.amount, Decimal('-1.99'))
        self.assertEqual(fee.account, self.seller.accounts['expense'])
        withdrawal, = origins['2026111100005'].lines
        self.assertEqual(withdrawal.account, self.bank)

        # The invoice is posted: the cron matches the line waiting for it
        later.click('post')
        Cron = Model.get('ir.cron')
        cron, = Cron.find([
                ('method', '=', 'account.statement|ecom_retry_matching')])
        cron.click('run_once')
        origin = Model.get('account.statement.origin')(
            origins['2026111100006'].id)
        self.assertIsNone(origin.ecom_unmatched)
        self.assertEqual(origin.lines[0].related_to, later)

        # The clerk books the rest by hand and posts: the invoices are paid
        for number in ['2026111100002', '2026111100003']:
            origin = Model.get('account.statement.origin')(origins[number].id)
            origin_line = origin.lines.new()
            origin_line.amount = origin.amount
            origin_line.account = self.seller.accounts['revenue']
            origin.save()
        statement.reload()
        statement.click('validate_statement')
        statement.click('post')
        for invoice in [paid, later]:
            invoice.reload()
            self.assertEqual(invoice.state, 'paid')

    def test_same_file_twice_adds_nothing(self):
        "The same file again is refused; an overlapping one adds its news"
        self.invoiced('2001')
        first = [bills.fund_flow_line(f'20261111000{i}', None, "服务费",
                expense='0.50', kind='服务费') for i in range(10, 13)]
        self.import_bill(bills.fund_flow(first), 'day1.csv')
        with self.assertRaises(ImportStatementError) as cm:
            self.import_bill(bills.fund_flow(first), 'day1-again.csv')
        self.assertEqual(cm.exception.message,
            'Every line of the file "day1-again.csv" is imported already.')
        overlap = first[1:] + [bills.fund_flow_line('2026111100013', None,
                "服务费", expense='0.50', kind='服务费')]
        statement, = self.import_bill(bills.fund_flow(overlap), 'day2.csv')
        self.assertEqual([o.number for o in statement.origins],
            ['2026111100013'])

    def test_header_variants_zip_and_wechat(self):
        "Header on line 2 with the new columns, in a ZIP; a WeChat bill"
        invoice = self.invoiced('3001')
        detail = bills.fund_flow([bills.fund_flow_line('2026111100020',
                    None, "西湖龙井", income=str(invoice.total_amount),
                    base_order='3001')], header_line=2, new_columns=True)
        data = bills.zipped({
                '20880000000000000156_20261111_账务明细.csv': detail,
                '20880000000000000156_20261111_账务明细(汇总).csv':
                    bills.fund_flow_summary(),
                })
        statement, = self.import_bill(data, 'alipay.zip')
        origin, = statement.origins
        self.assertEqual(origin.ecom_platform_order_id, '3001')
        self.assertEqual(origin.lines[0].related_to, invoice)

        sold = self.invoiced('3002')
        trade = bills.trade([
                ('2026111122001', '3002', '交易', str(sold.total_amount), ''),
                ('2026111122001', '3002', '退款', '-10.00', 'RF3002'),
                ])
        statement, = self.import_bill(trade, 'trade.csv')
        self.assertEqual(
            {o.number: (o.amount, o.ecom_unmatched)
                for o in statement.origins}, {
                '2026111122001': (sold.total_amount, None),
                '2026111122001/RF3002': (Decimal('-10.00'), 'no_invoice'),
                })

        wechat = bills.wechat_trade([
                ('4200000001', '3001', '10.00', 'SUCCESS', '', '0.00'),
                ('4200000002', '3999', '20.00', 'SUCCESS', '', '0.00'),
                ])
        statement, = self.import_bill(wechat, 'wechat.csv', 'wechat_pay')
        self.assertEqual(
            {o.number: (o.amount, o.ecom_unmatched)
                for o in statement.origins}, {
                '4200000001': (Decimal('10.00'), 'amount'),
                '4200000002': (Decimal('20.00'), 'no_order'),
                })

    def test_bad_files_import_nothing(self):
        "Each bad file is refused, naming the file, the line and the reason"
        Statement = Model.get('account.statement')
        good = [bills.fund_flow_line('2026111100030', None, "服务费",
                expense='0.50', kind='服务费')]
        for data, filename, message in [
                ('账务流水号'.encode('utf-16'), 'utf16.csv',
                    'The file "utf16.csv" is neither GBK nor UTF-8'),
                (bills.fund_flow(good, summary=False), 'cut.csv',
                    'The file "cut.csv" is cut short at line 6'),
                (bills.fund_flow(good)[:-300], 'cut2.csv',
                    'The file "cut2.csv" is cut short'),
                ('姓名,电话\r\n王芳,138\r\n'.encode('gbk'), 'people.csv',
                    'The file "people.csv" is not a bill'),
                (bills.fund_flow(good + [bills.fund_flow_line(
                                '2026111100031', None, "服务费",
                                expense='五元', kind='服务费')]),
                    'amount.csv',
                    'The file "amount.csv", line 7: "五元" is not an amount'),
                (bills.fund_flow(good + good), 'twice.csv',
                    'The file "twice.csv", line 7: the line id '
                    '2026111100030 is already on line 6'),
                (bills.fund_flow(good)[:40] + b'PK', 'x.zip',
                    'The file "x.zip" is not a bill'),
                ]:
            with self.subTest(filename=filename):
                with self.assertRaises(ImportStatementError) as cm:
                    self.import_bill(data, filename)
                self.assertIn(message, cm.exception.message)
                self.assertEqual(Statement.find([]), [])

    def test_refund_against_the_credit_note(self):
        "A refund is paid back on the credit note; a partial one waits"
        invoice = self.invoiced('5001')
        other = self.invoiced('5002')
        credit_notes = []
        for refunded in [invoice, other]:
            credit = Wizard('account.invoice.credit', [refunded])
            credit.form.with_refund = False
            credit.execute('credit')
            credit_note, = Model.get('account.invoice').find([
                    ('type', '=', 'out'), ('state', '=', 'draft')])
            self.assertEqual(credit_note.total_amount, -refunded.total_amount)
            credit_note.click('post')
            credit_notes.append(credit_note)
        lines = [
            bills.fund_flow_line('2026111100040', '5001', "退款",
                expense=str(invoice.total_amount), kind='交易退款'),
            bills.fund_flow_line('2026111100041', '5002', "部分退款",
                expense='1.00', kind='交易退款'),
            ]
        statement, = self.import_bill(bills.fund_flow(lines), 'refund.csv')
        origins = {o.number: o for o in statement.origins}
        refund, = origins['2026111100040'].lines
        self.assertEqual(refund.related_to, credit_notes[0])
        self.assertEqual(refund.amount, -invoice.total_amount)
        self.assertEqual(origins['2026111100041'].ecom_unmatched, 'amount')
        self.assertEqual(origins['2026111100041'].lines, [])
