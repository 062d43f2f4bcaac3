"""A finance clerk of one shop, logged in over JSON-RPC, gets nothing of
another shop's payment bill lines, statement lines or courier bill lines;
lines of no shop (a fee, a parcel not ours) stay hers to work on."""
import datetime as dt
import unittest
from decimal import Decimal

from proteus import Model

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.modules.ecom_platforms.tests.test_isolation import (
    RPCError, shop_user)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

SHOP_A, SHOP_B = 'TB01', 'PDD01'
PASSWORD = 'tea-finance-2026-hz'
MODELS = {
    'account.statement.origin': (['number', 'amount', 'ecom_order.buyer'],
        {'description': "核对"}),
    'account.statement.line': (['amount', 'party.name', 'origin.number'],
        {'description': "核对"}),
    'ecom.carrier_bill.line': (['waybill', 'bill.name', 'billed_amount'],
        {'decision': 'accepted'}),
    }
# the button the clerk clicks on a courier bill line
BUTTONS = {'ecom.carrier_bill.line': 'dispute'}
METHODS = ['read', 'search', 'search_count', 'search_read', 'export_data',
    'write', 'button', 'delete']
# What each attempt on shop B's line gives; write and delete may be
# denied to her groups on every shop, as they then are on shop A's line
ON_B = {'read': {'refused'}, 'search': {'empty'}, 'search_count': {'empty'},
    'search_read': {'empty'}, 'export_data': {'refused'},
    'write': {'refused', 'denied'}, 'button': {'refused', 'denied', ''},
    'delete': {'refused', 'denied'}}


class FinanceIsolationTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.config = activate_seller(['ecom_finance'])
        cls.seller = get_seller(cls.config)
        cls.records = {code: cls.shop_lines(code)
            for code in [SHOP_A, SHOP_B]}
        cls.records[None] = cls.lines(None, None, 'FEE')
        cls.clerk = cls.make_clerk()

    @classmethod
    def tearDownClass(cls):
        drop_seller()

    @classmethod
    def shop_lines(cls, code):
        "The shop's order shipped, then a bill line of each kind of it"
        Order = Model.get('ecom.order')
        shop = cls.seller.shops[code]
        Order.upsert_normalized(shop.id, [normalized(code + '-1',
                    buyer='buyer_' + code)], cls.config.context)
        order, = Order.find([('shop', '=', shop.id)])
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        shipment, = order.sales[0].shipments
        for button in ['assign_try', 'pick', 'pack', 'ship', 'do']:
            shipment.click(button)
        return cls.lines(order.id, shipment.id, code)

    @classmethod
    def lines(cls, order, shipment, code):
        """A payment bill line of the order with its statement line and a
        courier bill line of the parcel, as the imports make them"""
        with Transaction().start(DB_NAME, 0,
                context=cls.config.context) as transaction:
            pool = Pool()
            Journal = pool.get('account.statement.journal')
            Statement = pool.get('account.statement')
            Origin = pool.get('account.statement.origin')
            Line = pool.get('account.statement.line')
            Bill = pool.get('ecom.carrier_bill')
            BillLine = pool.get('ecom.carrier_bill.line')
            Party = pool.get('party.party')
            journal, = Journal.search([], limit=1) or cls.journal()
            today = dt.date.today()
            statement, = Statement.create([{'name': 'ALI-' + code,
                        'journal': journal.id, 'company': journal.company.id,
                        'date': today, 'number_of_lines': 1,
                        'total_amount': Decimal('168.00')}])
            origin, = Origin.create([{'statement': statement.id,
                        'number': 'A-' + code, 'date': today,
                        'amount': Decimal('168.00'),
                        'ecom_order': order,
                        'ecom_line_key': 'alipay:1:' + code}])
            party, = Party.search([], limit=1)
            line, = Line.create([{'statement': statement.id,
                        'origin': origin.id, 'date': today,
                        'amount': Decimal('168.00'), 'party': party.id,
                        'account': cls.seller.accounts['receivable'].id}])
            bill, = Bill.create([{'company': journal.company.id,
                        'carrier': cls.seller.carriers['ZTO'].id,
                        'name': 'zto-%s.csv' % code, 'digest': code}])
            bill_line, = BillLine.create([{'bill': bill.id,
                        'line_number': 1, 'waybill': 'ZT' + code,
                        'shipment': shipment, 'billed_weight': 1.0,
                        'billed_amount': Decimal('5.00'),
                        'category': 'matched', 'decision': 'pending'}])
            transaction.commit()
            return {'account.statement.origin': origin.id,
                'account.statement.line': line.id,
                'ecom.carrier_bill.line': bill_line.id}

    @classmethod
    def journal(cls):
        "The shops' Alipay account"
        pool = Pool()
        Account = pool.get('account.account')
        AccountJournal = pool.get('account.journal')
        Journal = pool.get('account.statement.journal')
        cash = Account(cls.seller.accounts['cash'].id)
        alipay, = Account.create([{'name': "支付宝", 'code': '1012',
                    'type': cash.type.id, 'parent': cash.parent.id}])
        account_journal, = AccountJournal.search([('code', '=', 'STA')])
        return Journal.create([{'name': "支付宝",
                    'journal': account_journal.id, 'account': alipay.id,
                    'validation': 'number_of_lines'}])

    @classmethod
    def make_clerk(cls):
        return shop_user(cls.seller, SHOP_A, "淘宝财务", 'fin_tb', PASSWORD,
            ["E-commerce Finance", "Accounting", "Statement"])

    def attempt(self, model, method, code):
        "'ok', 'empty', 'refused', 'denied' or 'LEAK' for the shop's line"
        rpc = self.clerk
        record = self.records[code][model]
        fields, values = MODELS[model]
        domain = [('id', '=', record)]
        try:
            if method == 'read':
                result = rpc.model(model, 'read', [record], fields)
            elif method == 'search':
                result = rpc.model(model, 'search', domain, 0, None, None)
            elif method == 'search_count':
                result = rpc.model(model, 'search_count', domain, 0, None)
            elif method == 'search_read':
                result = rpc.model(model, 'search_read', domain, 0, None,
                    None, fields)
            elif method == 'export_data':
                result = rpc.model(model, 'export_data', [record],
                    [f.replace('.', '/') for f in fields])
            elif method == 'write':
                result = rpc.model(model, 'write', [record], values)
            elif method == 'button':
                if model not in BUTTONS:
                    return ''
                result = rpc.model(model, BUTTONS[model], [record])
            elif method == 'delete':
                result = rpc.model(model, 'delete', [record])
        except RPCError as error:
            if error.refused:
                return 'refused' if error.names(record) else 'denied'
            # past the access checks a business rule stopped her
            return 'LEAK' if code == SHOP_B else 'ok'
        if result in ([], 0):
            return 'empty'
        return 'LEAK' if code == SHOP_B else 'ok'

    def test_finance_clerk_gets_no_line_of_another_shop(self):
        table = {}
        # delete last: the other attempts need the lines
        for method in METHODS:
            for model in MODELS:
                table[model, method] = tuple(self.attempt(model, method, code)
                    for code in [SHOP_B, SHOP_A, None])
        print("\n%-26s %-13s %-8s %-8s %s" % (
                "model", "method", SHOP_B, SHOP_A, "no shop"))
        for (model, method), outcomes in table.items():
            print("%-26s %-13s %-8s %-8s %s" % ((model, method) + outcomes))
        for (model, method), (on_b, on_a, on_none) in table.items():
            with self.subTest(model=model, method=method):
                self.assertIn(on_b, ON_B[method])
                if on_b in {'denied', ''}:
                    self.assertEqual(on_a, on_b)
                else:
                    self.assertIn(on_a, {'ok', 'denied'})
                self.assertEqual(on_none, on_a)
        for model in MODELS:
            # her own shop's lines and those of no shop she reads
            self.assertEqual(table[model, 'read'][1:], ('ok', 'ok'))
