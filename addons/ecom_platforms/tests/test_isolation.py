"""A clerk of one shop, logged in over JSON-RPC, gets nothing of another
shop: every model that holds a shop's data, every way of reading it and
every way of acting on it.

The clerk (客服, Sales and Stock) works on TB01 only; every record below
exists once for TB01 (shop A) and once for PDD01 (shop B). The table
``MATRIX`` says what each attempt on shop B's record gives; the same
attempt on shop A's record must get past the access checks."""
import base64
import json
import unittest
from decimal import Decimal

from proteus import Model

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, Client
from trytond.transaction import Transaction
from trytond.wsgi import app

SHOP_A, SHOP_B = 'TB01', 'PDD01'
PASSWORD = 'tea-clerk-2026-hz'
CREDENTIALS = {'app_key': "App Key", 'app_secret': "App Secret",
    'session_key': "Session Key", 'webhook_secret': "Webhook Secret"}

# what reading a model through a relation may show of the receiver
DOTTED = {
    'ecom.order': ['shop.name', 'receiver_phone'],
    'ecom.order.line': ['order.buyer', 'order.receiver_phone'],
    'ecom.order.decision': ['order.receiver_phone', 'outcome'],
    'ecom.order.finding': ['order.receiver_phone', 'values'],
    'ecom.listing': ['shop.name', 'title'],
    'ecom.sync_log': ['shop.name', 'errors'],
    'ecom.sync_failure': ['shop.name', 'payload'],
    'sale.sale': ['shipment_address.party_name',
        'shipment_address.street'],
    'sale.line': ['sale.shipment_address.street', 'description'],
    'stock.shipment.out': ['delivery_address.party_name',
        'delivery_address.street'],
    'stock.shipment.out.return': ['customer.name', 'reference'],
    'account.invoice': ['invoice_address.street', 'description'],
    'party.address': ['party_name', 'street'],
    }
# a harmless change the clerk may make on her shop's record
WRITES = {
    'ecom.order': {'seller_memo': "核对地址"},
    'ecom.order.line': {'title': "核对"},
    'ecom.order.decision': {'outcome': "核对"},
    'ecom.order.finding': {'values': "核对"},
    'ecom.listing': {'title': "核对"},
    'ecom.sync_log': {'errors': "核对"},
    'ecom.sync_failure': {'reason': "核对"},
    'sale.sale': {'comment': "核对"},
    'sale.line': {'note': "核对"},
    'stock.shipment.out': {'reference': "核对"},
    'stock.shipment.out.return': {'reference': "核对"},
    'account.invoice': {'comment': "核对"},
    'party.address': {'name': "核对"},
    }
# a button of each model (no-ops on shop A's records in their state)
BUTTONS = {
    'ecom.order': 'cs_audit',
    'sale.sale': 'quote',
    'stock.shipment.out': 'do',
    'stock.shipment.out.return': 'do',
    'account.invoice': 'validate_invoice',
    }
# wizard name, model, state to execute, data
WIZARDS = {
    'ecom.order': ('ecom.order.batch', 'start', {}),
    'sale.sale': ('sale.return_sale', 'start', {}),
    'stock.shipment.out': ('stock.shipment.assign', 'start', {}),
    'account.invoice': ('account.invoice.credit', 'start', {}),
    }
REPORTS = {
    'sale.sale': 'sale.sale',
    'stock.shipment.out': 'stock.shipment.out.delivery_note',
    'stock.shipment.out.return':
        'stock.shipment.out.return.restocking_list',
    'account.invoice': 'account.invoice',
    }
METHODS = ['read', 'search', 'search_count', 'search_read',
    'export_data', 'export_data_domain', 'write', 'button', 'wizard',
    'report', 'delete']
# What each attempt on shop B's record gives the clerk of shop A:
# refused (an access error naming the record: the shop rules), empty
# (nothing found) or denied (her groups may not do it on any shop, as on
# shop A); '' where the model has no such method.
MATRIX = {
    'ecom.order': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        'refused', 'refused', '', 'refused'])),
    'ecom.order.line': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        '', '', '', 'refused'])),
    'ecom.order.decision': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'denied',
        '', '', '', 'refused'])),
    'ecom.order.finding': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'denied',
        '', '', '', 'refused'])),
    'ecom.listing': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        '', '', '', 'refused'])),
    'ecom.sync_log': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        '', '', '', 'refused'])),
    'ecom.sync_failure': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        '', '', '', 'refused'])),
    'sale.sale': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        'refused', 'refused', 'refused', 'refused'])),
    'sale.line': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        '', '', '', 'refused'])),
    'stock.shipment.out': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        'refused', 'refused', 'refused', 'refused'])),
    'stock.shipment.out.return': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        'refused', '', 'refused', 'refused'])),
    'account.invoice': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'denied',
        'refused', 'denied', 'refused', 'refused'])),
    'party.address': dict(zip(METHODS, [
        'refused', 'empty', 'empty', 'empty', 'refused', 'empty', 'refused',
        '', '', '', 'refused'])),
    }


class RPCError(Exception):
    "The server answered a JSON-RPC call with an error"

    def __init__(self, error):
        super().__init__(error)
        self.error = error

    @property
    def refused(self):
        "Whether the error is Tryton refusing access"
        name, args = self.error[0], self.error[1]
        return (name == 'UserError'
            and args[0].startswith('You are not allowed to'))

    def names(self, record):
        "Whether the refusal names the record (a record rule refused it)"
        return ('"%s"' % record) in self.error[1][0]


class JSONRPC:
    "A client logged in through the WSGI application, as sao does"

    def __init__(self, database, login, password):
        self.client = Client(app, Response)
        self.url = '/%s/rpc/' % database
        self.headers = {}
        user_id, session, _ = self('common.db.login', login,
            {'password': password}, 'en')
        token = base64.b64encode(
            ('%s:%s:%s' % (login, user_id, session)).encode()).decode()
        self.headers = {'Authorization': 'Session ' + token}
        self.context = self('model.res.user.get_preferences', True, {})

    def __call__(self, method, *params):
        response = self.client.post(self.url, headers=self.headers,
            data=json.dumps({'id': 1, 'method': method,
                    'params': list(params)}, default=str),
            content_type='application/json')
        if response.status_code != 200:
            raise RPCError(['HTTP', response.status_code])
        data = json.loads(response.get_data())
        if 'error' in data:
            raise RPCError(data['error'])
        return data['result']

    def model(self, model, method, *params, context=None):
        return self('model.%s.%s' % (model, method), *params,
            dict(self.context, **(context or {})))


def shop_user(seller, shop, name, login, password, groups):
    "A user of the seller's shop alone in the groups, logged in"
    User = Model.get('res.user')
    Group = Model.get('res.group')
    user = User(name=name, login=login, password=password)
    user.groups.extend(Group.find([('name', 'in', groups)]))
    assert len(user.groups) == len(groups), groups
    user.companies.append(Model.get('company.company')(seller.company.id))
    user.company = seller.company
    user.ecom_shops.append(Model.get('ecom.shop')(seller.shops[shop].id))
    user.save()
    return JSONRPC(DB_NAME, login, password)


class IsolationTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.config = activate_seller(['ecom_platforms'])
        cls.seller = get_seller(cls.config)
        cls.records = {SHOP_A: {}, SHOP_B: {}}
        for code in [SHOP_A, SHOP_B]:
            cls.records[code] = cls.shop_records(code)
        cls.open_sync_logs_to_clerks()
        cls.clerk = cls.make_clerk()

    @classmethod
    def tearDownClass(cls):
        drop_seller()

    @classmethod
    def shop_records(cls, code):
        "One record of each model for the shop, made as the admin"
        shop = cls.seller.shops[code]
        Order = Model.get('ecom.order')
        Order.upsert_normalized(shop.id, [normalized(code + '-1',
                    buyer='buyer_' + code, receiver_phone='1390000' + code,
                    receiver_name="收件人" + code)],
            cls.config.context)
        order, = Order.find([('shop', '=', shop.id)])
        # What a check found: made on the server as a check makes it
        Finding = Model.get('ecom.order.finding')
        finding = Finding(Finding._proxy.create([{
                        'order': order.id, 'kind': 'changed',
                        'action': 'block',
                        'message_id': 'ecom_order_center.msg_finding_text',
                        'values': '{"text": "买家改地址"}',
                        }], cls.config.context)[0])
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        order.reload()
        sale, = order.sales
        sale_line = sale.lines[0]
        shipment, = sale.shipments
        outgoing = shipment.outgoing_moves[0]

        Listing = Model.get('ecom.listing')
        listing = Listing(shop=shop, platform_item_id='I' + code,
            title="龙井 " + code)
        listing.save()
        SyncLog = Model.get('ecom.sync_log')
        log = SyncLog(shop=shop, kind='orders', errors="")
        log.save()
        # as the download keeps them: its fields are read-only to clients
        with Transaction().start(DB_NAME, 0):
            Failure = Pool().get('ecom.sync_failure')
            failure, = Failure.create([{'shop': shop.id,
                        'platform_order_id': code + '-9', 'reason': "bad",
                        'payload': '{"receiver": "%s"}' % code}])

        Return = Model.get('stock.shipment.out.return')
        Location = Model.get('stock.location')
        customer_location, = Location.find([('code', '=', 'CUS')])
        warehouse = Location(shipment.warehouse.id)
        shipment_return = Return(customer=sale.party, warehouse=warehouse)
        move = shipment_return.incoming_moves.new()
        move.product = outgoing.product
        move.quantity = 1
        move.unit = outgoing.unit
        move.from_location = customer_location
        move.to_location = warehouse.input_location
        move.unit_price = outgoing.unit_price
        move.currency = outgoing.currency
        move.origin = Model.get('stock.move')(outgoing.id)
        shipment_return.save()

        Invoice = Model.get('account.invoice')
        invoice = Invoice(type='out', party=sale.party)
        line = invoice.lines.new()
        line.product = sale_line.product
        line.quantity = 1
        line.unit_price = Decimal('168.00')
        line.account = cls.seller.accounts['revenue']
        line.origin = Model.get('sale.line')(sale_line.id)
        invoice.save()
        return {
            'ecom.order': order.id,
            'ecom.order.line': order.lines[0].id,
            'ecom.order.decision': order.decisions[0].id,
            'ecom.order.finding': finding.id,
            'ecom.listing': listing.id,
            'ecom.sync_log': log.id,
            'ecom.sync_failure': failure.id,
            'sale.sale': sale.id,
            'sale.line': sale_line.id,
            'stock.shipment.out': shipment.id,
            'stock.shipment.out.return': shipment_return.id,
            'account.invoice': invoice.id,
            'party.address': sale.shipment_address.id,
            }

    @classmethod
    def open_sync_logs_to_clerks(cls):
        "A seller who lets customer service read the sync logs"
        Access = Model.get('ir.model.access')
        Group = Model.get('res.group')
        cs, = Group.find([('name', '=', "E-commerce Customer Service")])
        for name in ['ecom.sync_log', 'ecom.sync_failure']:
            Access(model=name, group=cs, perm_read=True, perm_write=True,
                perm_create=False, perm_delete=True).save()

    @classmethod
    def make_clerk(cls):
        return shop_user(cls.seller, SHOP_A, "淘宝客服", 'cs_tb', PASSWORD,
            ["E-commerce Customer Service", "Sales", "Stock"])

    def attempt(self, model, method, code):
        """Try method on the shop's record of model as the clerk:
        'ok', 'empty', 'refused' or 'leak'"""
        rpc = self.clerk
        record = self.records[code][model]
        fields = DOTTED[model]
        domain = [('id', '=', record)]
        active = {'active_model': model, 'active_id': record,
            'active_ids': [record], 'active_test': False}
        try:
            if method == 'read':
                result = rpc.model(model, 'read', [record], fields)
            elif method == 'search':
                result = rpc.model(model, 'search', domain, 0, None, None,
                    context={'active_test': False})
            elif method == 'search_count':
                result = rpc.model(model, 'search_count', domain, 0, None,
                    context={'active_test': False})
            elif method == 'search_read':
                result = rpc.model(model, 'search_read', domain, 0, None,
                    None, fields, context={'active_test': False})
            elif method == 'export_data':
                result = rpc.model(model, 'export_data', [record],
                    [f.replace('.', '/') for f in fields])
            elif method == 'export_data_domain':
                result = rpc.model(model, 'export_data_domain', domain,
                    [f.replace('.', '/') for f in fields], 0, None, None,
                    context={'active_test': False})
            elif method == 'write':
                result = rpc.model(model, 'write', [record],
                    WRITES[model])
            elif method == 'button':
                if model not in BUTTONS:
                    return ''
                result = rpc.model(model, BUTTONS[model], [record])
            elif method == 'wizard':
                if model not in WIZARDS:
                    return ''
                name, state, data = WIZARDS[model]
                context = dict(rpc.context, **active)
                session, _, _ = rpc('wizard.%s.create' % name, context)
                result = rpc('wizard.%s.execute' % name, session, data,
                    state, context)
            elif method == 'report':
                if model not in REPORTS:
                    return ''
                result = rpc('report.%s.execute' % REPORTS[model],
                    [record], {'model': model, 'id': record,
                        'ids': [record]}, dict(rpc.context, **active))
            elif method == 'delete':
                result = rpc.model(model, 'delete', [record])
        except RPCError as error:
            if error.refused:
                # by the shop rules, or for her groups on any shop
                return 'refused' if error.names(record) else 'denied'
            # past the access checks, the business rules stopped her (a
            # posted order is not deleted): on shop B that is a leak
            return 'ok' if code == SHOP_A else 'LEAK'
        if result in ([], 0):
            return 'empty'
        return 'ok' if code == SHOP_A else 'LEAK'

    def test_clerk_gets_nothing_of_another_shop(self):
        "Every model and method: refused or empty for shop B, ok for A"
        table = {}
        # delete last: the other attempts need the records
        for method in METHODS:
            for model in MATRIX:
                table[model, method] = (
                    self.attempt(model, method, SHOP_B),
                    self.attempt(model, method, SHOP_A))
        print_matrix(table)
        for (model, method), (on_b, on_a) in table.items():
            with self.subTest(model=model, method=method):
                self.assertEqual(on_b, MATRIX[model][method])
                # what her groups may not do on any shop is denied on
                # shop A too; everything else works there
                if on_b in {'denied', ''}:
                    self.assertEqual(on_a, on_b)
                else:
                    self.assertIn(on_a, {'ok', 'denied'})

    def test_clerk_reads_no_shop_credentials(self):
        "The shop's credentials: refused however the clerk asks for them"
        shop = self.seller.shops[SHOP_A].id
        order = self.records[SHOP_A]['ecom.order']
        for name, label in CREDENTIALS.items():
            for model, method, params in [
                    ('ecom.shop', 'read', ([shop], [name])),
                    ('ecom.shop', 'search_read',
                        ([('id', '=', shop)], 0, None, None, [name])),
                    ('ecom.shop', 'export_data', ([shop], [name])),
                    ('ecom.shop', 'search', ([(name, '!=', None)],)),
                    ('ecom.order', 'read', ([order], ['shop.' + name])),
                    ('ecom.order', 'export_data',
                        ([order], ['shop/' + name])),
                    ('ecom.order', 'search',
                        ([('shop.' + name, '!=', None)],)),
                    ]:
                with self.subTest(field=name, model=model, method=method):
                    with self.assertRaises(RPCError) as context:
                        self.clerk.model(model, method, *params)
                    self.assertEqual(context.exception.error[1][0],
                        'You are not allowed to access '
                        '"Ecom Shop.%s".' % label)
        self.assertEqual(self.clerk.model('ecom.shop', 'read', [shop],
                ['name', 'endpoint']), [{'id': shop,
                    'name': self.seller.shops[SHOP_A].name,
                    'endpoint': None}])


    def test_relations_and_resources_reach_no_other_shop(self):
        """Shop B's data reached from records the clerk may read: a shop's
        orders and logs, a customer's addresses, the notes and attachments
        on shop B's order"""
        rpc = self.clerk
        records = self.records[SHOP_B]
        shop_b = self.seller.shops[SHOP_B].id
        order_b = records['ecom.order']
        address_b = Model.get('party.address')(records['party.address'])
        party_b = address_b.party.id
        secrets = {address_b.street, '1390000' + SHOP_B, "收件人" + SHOP_B}
        # what the admin keeps on the order
        Note = Model.get('ir.note')
        Attachment = Model.get('ir.attachment')
        resource = 'ecom.order,%s' % order_b
        order = Model.get('ecom.order')(order_b)
        note = Note(resource=order, message="收件人" + SHOP_B + " 改地址")
        note.save()
        attachment = Attachment(resource=order, name="地址截图.txt",
            type='data', data=('收件人' + SHOP_B).encode())
        attachment.save()

        for model, method, params in [
                ('ecom.shop', 'export_data',
                    ([shop_b], ['orders/receiver_phone'])),
                ('ecom.shop', 'export_data',
                    ([shop_b], ['orders/lines/order/receiver_name'])),
                ('ecom.shop', 'export_data',
                    ([shop_b], ['sync_logs/errors'])),
                ('party.party', 'export_data',
                    ([party_b], ['addresses/street'])),
                ('party.party', 'search_read',
                    ([('id', '=', party_b)], 0, None, None,
                        ['addresses.street'])),
                ('ir.note', 'search_read',
                    ([('resource', '=', resource)], 0, None, None,
                        ['message'])),
                ('ir.note', 'read', ([note.id], ['message'])),
                ('ir.attachment', 'read', ([attachment.id], ['data'])),
                ('ir.attachment', 'search_read',
                    ([('resource', '=', resource)], 0, None, None,
                        ['name', 'data'])),
                ]:
            with self.subTest(model=model, method=method, params=params):
                try:
                    result = rpc.model(model, method, *params)
                except RPCError as error:
                    self.assertTrue(error.refused, error.error)
                    continue
                text = json.dumps(result, ensure_ascii=False, default=str)
                for secret in secrets:
                    self.assertNotIn(secret, text)
        # the shop itself is readable, its orders of shop B are not listed
        (shop,) = rpc.model('ecom.shop', 'read', [shop_b], ['orders'])
        self.assertEqual(shop['orders'], [])


def print_matrix(table):
    models = list(MATRIX)
    width = max(map(len, models)) + 2
    print('\nShop B / shop A, as the clerk of shop A over JSON-RPC')
    print(''.ljust(width) + ''.join(m[:12].ljust(13) for m in METHODS))
    for model in models:
        print(model.ljust(width) + ''.join(
                ('%s/%s' % table[model, m] if table[model, m][0] else '-'
                    ).ljust(13) for m in METHODS))

