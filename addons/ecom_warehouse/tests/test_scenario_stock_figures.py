"""Available and book stock (可用库存 / 账面库存): what is on hand, what
posted shipments and audited orders already hold, the safety stock and
what the shops may still sell, per product and warehouse; the audit takes
its stock so that two audits never sell the last unit twice; low stock
shows on the to-do board."""
from proteus import Model, Wizard

from trytond.modules.ecom_order_center.order import in_locked_transaction
from trytond.modules.ecom_warehouse.tests.wave_tools import WaveCase, line
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction, TransactionError


def tea(quantity=1):
    return line('1', 'TEA-LJ-250', quantity=quantity)


class StockFiguresCase(WaveCase):

    def setUp(self):
        super().setUp()
        self.Figure = Model.get('ecom.stock.figure')
        self.Level = Model.get('ecom.stock.level')

    def figures(self, code, warehouse='WH'):
        "The stock list's row of the product in the warehouse"
        figure, = self.Figure.find([
                ('product', '=', self.seller.products[code].id),
                ('warehouse', '=', self.seller.warehouses[warehouse].id),
                ])
        return (figure.book, figure.shipments, figure.orders, figure.safety,
            figure.available)

    def keep(self, code, safety, alert=None, warehouse='WH'):
        "Set the safety stock and alert of the product in the warehouse"
        self.Level(product=self.seller.products[code],
            warehouse=self.seller.warehouses[warehouse],
            safety_quantity=safety, alert_quantity=alert).save()

    def audited(self, shop, *orders, to='cs_audit'):
        self.upsert(shop, *orders)
        records = self.Order.find([('platform_order_id', 'in',
                    [o['platform_order_id'] for o in orders])])
        for button in ['cs_audit', 'finance_audit']:
            self.Order.click(records, button)
            if button == to:
                break
        return records

    def stock_rule(self):
        "The order center's own stock rule, blocking"
        Rule = Model.get('ecom.exception_rule')
        rule, = Rule.find([('kind', '=', 'stock')])
        self.assertEqual(rule.action, 'block')
        return rule


class FiguresTestCase(StockFiguresCase):

    def test_book_promised_safety_and_available(self):
        "Posted shipments and audited orders hold stock; safety is kept"
        shipments = self.post('TB01', self.order('S1', tea(3)),
            assign=False)
        self.audited('TB01', self.order('S2', tea(2), minutes=1))
        # a kit holds its components
        self.audited('TB01', self.order('S3',
                line('1', 'KIT-TASTE-3', price='359.00'), minutes=2),
            to='finance_audit')
        # refunded lines and orders in draft hold nothing
        self.upsert('TB01', self.order('S4', tea(5), minutes=3))
        self.keep('TEA-LJ-250', 10)

        self.assertEqual(self.figures('TEA-LJ-250'),
            (200, 3, 3, 10, 184))
        self.assertEqual(self.figures('TEA-BLC-100'), (200, 0, 1, 0, 199))
        self.assertEqual(self.figures('TEA-LJ-250', 'GZ'), (80, 0, 0, 0, 80))
        # the kit: as many as its scarcest component makes
        kit, = self.Figure.find([
                ('product', '=', self.seller.products['KIT-TASTE-3'].id),
                ('warehouse', '=', self.seller.warehouses['WH'].id)])
        self.assertEqual((kit.book, kit.available), (200, 184))

        # on the product form, one row per warehouse
        template = self.seller.products['TEA-LJ-250'].template
        template = Model.get('product.template')(template.id)
        self.assertEqual(
            sorted((f.warehouse.code, f.available)
                for f in template.ecom_stock_figures),
            [('GZ', 80), ('WH', 184)])

        # the parcel leaves: book goes down with the promise
        shipment = shipments['S1']
        for button in ['assign_force', 'pick', 'pack', 'do']:
            shipment.click(button)
        self.assertEqual(self.figures('TEA-LJ-250'),
            (197, 0, 3, 10, 184))

    def test_order_center_reads_available(self):
        "The stock check and the push read the same available figures"
        self.audited('TB01', self.order('A1', tea(150)))
        self.keep('TEA-LJ-250', 40)
        with Transaction().start(DB_NAME, 0, context=self.config.context):
            Order = Pool().get('ecom.order')
            Location = Pool().get('stock.location')
            wh, gz = [Location(self.seller.warehouses[c].id)
                for c in ['WH', 'GZ']]
            tea_, kit = [self.seller.products[c].id
                for c in ['TEA-LJ-250', 'KIT-LJ-GIFT']]
            self.assertEqual(
                Order._available_stock({wh: {tea_, kit}, gz: {tea_}}),
                {wh.id: {tea_: 10, kit: 200}, gz.id: {tea_: 80}})

        # an order for more than is available waits in exception
        self.upsert('TB01', self.order('A2', tea(11), minutes=1))
        order, = self.Order.find([('platform_order_id', '=', 'A2')])
        self.assertEqual(order.state, 'exception')
        self.assertIn('TEA-LJ-250', order.exceptions)

    def test_low_stock_on_the_to_do_board(self):
        "Available under the alert: counted per warehouse on 待办"
        self.keep('TEA-LJ-250', 0, alert=50)
        self.keep('TEA-BLC-100', 0, alert=50)
        self.keep('TEA-LJ-250', 0, alert=100, warehouse='GZ')
        self.audited('TB01', self.order('L1', tea(151)))
        Todo = Model.get('ecom.order.todo')
        low = {(t.warehouse.code, t.count) for t in Todo.find(
                [('state', '=', 'wh_low_stock')])}
        self.assertEqual(low, {('WH', 1), ('GZ', 1)})
        # the order's row is still there, under its own id
        self.assertEqual(
            [(t.shop.code, t.count) for t in Todo.find(
                    [('state', '=', 'cs_approved')])], [('TB01', 1)])
        row, = Todo.find([('state', '=', 'wh_low_stock'),
                ('warehouse.code', '=', 'WH')])
        opened = Wizard('ecom.order.todo.open', [row])
        figures, = opened.actions
        self.assertEqual([(f.product.code, f.available) for f in figures],
            [('TEA-LJ-250', 49)])


class AuditTakesStockTestCase(StockFiguresCase):

    def setUp(self):
        super().setUp()
        self.rule = self.stock_rule()
        # one unit of the glass cup left to sell in Guangzhou
        self.keep('CUP-GL-300', 79, warehouse='GZ')

    def cup_orders(self, *ids):
        self.upsert('PDD01', *[self.order(i,
                    line('1', 'CUP-GL-300', price='59.00'), shop='PDD01',
                    minutes=n) for n, i in enumerate(ids)])
        return [self.Order.find([('platform_order_id', '=', i)])[0]
            for i in ids]

    def test_one_audit_the_last_unit_once(self):
        "Audited together, only the first order gets the last cup"
        first, second = self.cup_orders('C1', 'C2')
        self.assertEqual((first.state, second.state), ('draft', 'draft'))
        self.Order.click([first, second], 'cs_audit')
        first.reload()
        second.reload()
        self.assertEqual((first.state, second.state),
            ('cs_approved', 'exception'))
        self.assertIn('CUP-GL-300', second.exceptions)
        self.assertTrue(any(
                d.rule == self.rule.name for d in second.decisions))
        self.assertEqual(self.figures('CUP-GL-300', 'GZ'),
            (80, 0, 1, 79, 0))

    def test_two_audits_racing_for_the_last_unit(self):
        """A clerk's audit that read the stock before another clerk's
        audit took the last unit starts again once it has the lock, and
        finds the unit gone"""
        first, second = self.cup_orders('R1', 'R2')
        with Transaction().start(DB_NAME, 0, context=self.config.context):
            Order = Pool().get('ecom.order')
            stale, = Order.browse([second.id])
            self.assertEqual(Order._available_stock(
                    {stale.shop.warehouse: {stale.lines[0].product.id}}),
                {stale.shop.warehouse.id: {
                        stale.lines[0].product.id: 1}})
            # the other clerk audits the first order and commits
            in_locked_transaction(
                lambda: Order._cs_audit(Order.browse([first.id])))
            # this audit's stock check asks for the warehouse's lock: its
            # transaction must start again with it, reading the stock anew
            with self.assertRaises(TransactionError) as raised:
                Order._filter_stock([stale], 'draft')
            extras = {}
            raised.exception.fix(extras)
            self.assertEqual(extras, {'_lock_records': {
                        'stock_location': [stale.shop.warehouse.id]}})
        passed = []
        with Transaction().start(DB_NAME, 0, context=self.config.context):
            Order = Pool().get('ecom.order')
            passed = in_locked_transaction(
                lambda: Order._cs_audit(Order.browse([second.id])))
        self.assertEqual(passed, [])
        first.reload()
        second.reload()
        self.assertEqual((first.state, second.state),
            ('cs_approved', 'exception'))

    def test_orders_no_stock_rule_checks_pass(self):
        "Without a blocking stock rule for the shop, the audit sells on"
        self.rule.action = 'warn'
        self.rule.save()
        first, second = self.cup_orders('N1', 'N2')
        self.Order.click([first, second], 'cs_audit')
        first.reload()
        second.reload()
        self.assertEqual((first.state, second.state),
            ('cs_approved', 'cs_approved'))
        self.assertEqual(self.figures('CUP-GL-300', 'GZ'),
            (80, 0, 2, 79, -1))
