"""Finance sees what each order earned once its goods, gifts, freight
and platform fees are paid, per order, shop, product, salesperson and
day; each salesperson's orders, amount, refunds and gross margin per
month, a salesperson seeing their own figures only."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
from proteus import Model, Wizard

from trytond.modules.ecom_finance.tests import bills
from trytond.modules.ecom_finance.tests import test_scenario_carrier_bill as \
    parcels
from trytond.modules.ecom_finance.tests.test_scenario_statement import (
    import_bill, payment_journal)
from trytond.modules.ecom_order_center.tests.test_scenario_order import line
from trytond.modules.ecom_order_center.tests.tools import make_employees
from trytond.tests.tools import set_user

# the sales are dated the day the buyers ordered (normalized orders)
SALE_DATE = dt.date(2026, 11, 11)
NOVEMBER = {'from_date': dt.date(2026, 11, 1),
    'to_date': dt.date(2026, 11, 30)}
CENT = Decimal('0.01')


class ProfitScenarioTestCase(parcels.ShippedParcelsCase):
    maxDiff = None

    def setUp(self):
        super().setUp()
        self.employees = make_employees(self.seller.company, ["张三", "李四"])
        self.costs = {code: product.cost_price
            for code, product in self.seller.products.items()}

    def rows(self, model, key, **context):
        Report = Model.get(model)
        with self.config.set_context(company=self.seller.company.id,
                **{**NOVEMBER, **context}):
            return {key(r): r for r in Report.find([])}

    def post(self, order_id, salesperson, *lines, shop='TB01'):
        "The order with its salesperson posted"
        Order = self.Order
        Order.upsert_normalized(self.seller.shops[shop].id,
            [parcels.normalized(order_id, *lines)], self.config.context)
        order, = Order.find([('platform_order_id', '=', order_id)])
        order.salesperson = self.employees[salesperson]
        order.save()
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        return order

    def ship(self, order, waybill):
        shipment, = order.sales[0].shipments
        shipment.shipping_reference = waybill
        shipment.save()
        for button in ['assign_try', 'pick', 'pack', 'ship', 'do']:
            shipment.click(button)
        order.reload()
        invoice, = order.sales[0].invoices
        invoice.click('post')
        return shipment, invoice

    def test_profit_and_performance(self):
        "Each order's profit from its sale, moves, parcels, bills and fees"
        c = self.costs
        # 7001 by 张三: a tin of Longjing, which gives a sample as gift
        Rule = Model.get('ecom.gift_rule')
        rule = Rule(name="买龙井送试饮", shop=self.seller.shops['TB01'])
        rule.products.append(Model.get('product.product')(
                self.seller.products['TEA-LJ-250'].id))
        gift = rule.gifts.new()
        gift.threshold = Decimal(1)
        gift.product = self.seller.products['GFT-SP-01']
        gift.quantity = 1
        rule.save()
        first = self.post('7001', "张三", line('1', 'TEA-LJ-250'))
        first_parcel, _ = self.ship(first, 'ZT7001')
        # 7002 by 李四: two Keemun, one refunded by a credit note
        second = self.post('7002', "李四",
            line('1', 'TEA-HC-150', quantity=2, price='138.00'))
        second_parcel, invoice = self.ship(second, 'ZT7002')
        credit = Wizard('account.invoice.credit', [invoice])
        credit.form.with_refund = False
        credit.execute('credit')
        Invoice = Model.get('account.invoice')
        credit_note, = Invoice.find([('type', '=', 'out'),
                ('total_amount', '<', 0)])
        credit_note.lines[0].quantity = -1
        credit_note.click('post')
        # 7003 by 张三 in the Pinduoduo shop: posted, not shipped yet
        third = self.post('7003', "张三",
            line('1', 'TEA-BLC-100', price='88.00'), shop='PDD01')
        # Alipay takes a service fee on 7001
        journal, _ = payment_journal(self.seller)
        import_bill(journal, bills.fund_flow([
                    bills.fund_flow_line('2026111100101', '7001', "服务费",
                        expense='1.68', kind='服务费')]), 'fees.csv')

        self.assertGreater(first_parcel.cost, 0)
        self.assertGreater(third.freight_cost, 0)
        profit = {
            '7001': Decimal('168.00') - c['TEA-LJ-250'] - c['GFT-SP-01']
            - first_parcel.cost - Decimal('1.68'),
            '7002': 2 * Decimal('138.00') - Decimal('138.00')
            - 2 * c['TEA-HC-150'] - second_parcel.cost,
            '7003': Decimal('88.00') - third.freight_cost,
            }
        orders = self.rows('ecom.profit.order',
            lambda r: r.order.platform_order_id)
        self.assertEqual({k: (r.shop.code, r.salesperson.party.name, r.date,
                    r.revenue, r.refund, r.cost, r.gift_cost, r.freight,
                    r.fee, r.profit) for k, r in orders.items()}, {
                '7001': ('TB01', "张三", SALE_DATE, Decimal('168.00'), 0,
                    c['TEA-LJ-250'], c['GFT-SP-01'], first_parcel.cost,
                    Decimal('1.68'), profit['7001']),
                '7002': ('TB01', "李四", SALE_DATE, Decimal('276.00'),
                    Decimal('138.00'), 2 * c['TEA-HC-150'], 0,
                    second_parcel.cost, 0, profit['7002']),
                '7003': ('PDD01', "张三", SALE_DATE, Decimal('88.00'), 0, 0,
                    0, third.freight_cost, 0, profit['7003']),
                })
        self.assertEqual(orders['7002'].margin,
            (profit['7002'] * 100 / Decimal('138.00')).quantize(CENT))

        # per shop, salesperson and day: the orders' sums
        shops = self.rows('ecom.profit.shop', lambda r: r.shop.code)
        self.assertEqual({k: (r.orders, r.profit) for k, r in shops.items()},
            {'TB01': (2, profit['7001'] + profit['7002']),
                'PDD01': (1, profit['7003'])})
        people = self.rows('ecom.profit.salesperson',
            lambda r: r.salesperson.party.name)
        self.assertEqual({k: r.profit for k, r in people.items()},
            {"张三": profit['7001'] + profit['7003'],
                "李四": profit['7002']})
        days = self.rows('ecom.profit.day', lambda r: r.date)
        self.assertEqual({k: r.profit for k, r in days.items()},
            {SALE_DATE: sum(profit.values())})
        only_pdd = self.rows('ecom.profit.order',
            lambda r: r.order.platform_order_id,
            shop=self.seller.shops['PDD01'].id)
        self.assertEqual(list(only_pdd), ['7003'])
        self.assertEqual(self.rows('ecom.profit.day', lambda r: r.date,
                from_date=dt.date(2026, 12, 1)), {})

        # per product, best sellers first: the goods without freight
        Report = Model.get('ecom.profit.product')
        with self.config.set_context(company=self.seller.company.id,
                **NOVEMBER):
            products = [(r.product.code, r.quantity, r.revenue, r.refund,
                    r.cost, r.gift_cost, r.profit)
                for r in Report.find([], order=[('quantity', 'DESC'),
                        ('revenue', 'DESC')])]
        self.assertEqual(products, [
                ('TEA-HC-150', 2, Decimal('276.00'), Decimal('138.00'),
                    2 * c['TEA-HC-150'], 0,
                    Decimal('138.00') - 2 * c['TEA-HC-150']),
                ('TEA-LJ-250', 1, Decimal('168.00'), 0, c['TEA-LJ-250'], 0,
                    Decimal('168.00') - c['TEA-LJ-250']),
                # 7003 is not shipped: no cost yet
                ('TEA-BLC-100', 1, Decimal('88.00'), 0, 0, 0,
                    Decimal('88.00')),
                ('GFT-SP-01', 1, 0, 0, 0, c['GFT-SP-01'], -c['GFT-SP-01']),
                ])

        # salesperson performance for the month
        performance = self.rows('ecom.salesperson_performance',
            lambda r: r.salesperson.party.name, period='month')
        zhang_margin = (Decimal('256.00') - c['TEA-LJ-250']
            - c['GFT-SP-01'])
        li_margin = Decimal('138.00') - 2 * c['TEA-HC-150']
        self.assertEqual({k: (r.date, r.orders, r.revenue, r.refund,
                    r.gross_margin, r.gross_margin_rate)
                for k, r in performance.items()}, {
                "张三": (dt.date(2026, 11, 1), 2, Decimal('256.00'), 0,
                    zhang_margin,
                    (zhang_margin * 100 / Decimal('256.00')).quantize(CENT)),
                "李四": (dt.date(2026, 11, 1), 1, Decimal('276.00'),
                    Decimal('138.00'), li_margin,
                    (li_margin * 100 / Decimal('138.00')).quantize(CENT)),
                })

        # the list goes to a spreadsheet with its columns in Chinese
        Lang = Model.get('ir.lang')
        chinese, = Lang.find([('code', '=', 'zh_CN')])
        chinese.click('load_translations')
        Report = Model.get('ecom.profit.order')
        with self.config.set_context(company=self.seller.company.id,
                language='zh_CN', **NOVEMBER):
            export = Wizard('ecom.report.export_xlsx', Report.find([]))
        self.assertTrue(export.form.filename.endswith('.xlsx'))
        sheet = openpyxl.load_workbook(io.BytesIO(export.form.file)).active
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        self.assertEqual(header[:4], ("日期", "订单", "店铺", "业务员"))
        by_order = {r[header.index("订单")]: r for r in rows[1:]}
        self.assertEqual(len(by_order), 3)
        row = next(r for k, r in by_order.items() if k.endswith('7002'))
        self.assertEqual(row[header.index("业务员")], "李四")
        self.assertEqual(Decimal(str(row[header.index("退款")])),
            Decimal('138.00'))
        self.assertEqual(Decimal(str(row[header.index("利润")])),
            profit['7002'])

        # 张三 as salesperson sees his own figures only
        User = Model.get('res.user')
        Group = Model.get('res.group')
        zhang = User(name="张三", login='zhangsan')
        zhang.groups.extend(Group.find(
                [('name', '=', "E-commerce Salesperson")]))
        zhang.companies.append(Model.get('company.company')(
                self.seller.company.id))
        zhang.company = self.seller.company
        zhang.employees.append(self.employees["张三"])
        zhang.employee = self.employees["张三"]
        zhang.save()
        set_user(zhang, self.config)
        own = self.rows('ecom.salesperson_performance',
            lambda r: r.salesperson.id, period='month')
        self.assertEqual(list(own), [self.employees["张三"].id])
        self.assertEqual(own[self.employees["张三"].id].revenue,
            Decimal('256.00'))

    def test_performance_of_the_memo_salesperson(self):
        """The salesperson the seller memo names counts in 业务员业绩; set
        on the sale by hand, the figures follow"""
        shop = self.seller.shops['TB01']
        shop.salesperson_patterns.new(pattern=r'#(\S+)')
        shop.save()
        self.Order.upsert_normalized(shop.id, [parcels.normalized('7201',
                    line('1', 'TEA-LJ-250'), seller_memo="#李四")],
            self.config.context)
        order, = self.Order.find([('platform_order_id', '=', '7201')])
        self.assertEqual(order.salesperson, self.employees["李四"])
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)

        def performance():
            return {k: (r.orders, r.revenue) for k, r in self.rows(
                    'ecom.salesperson_performance',
                    lambda r: r.salesperson.party.name,
                    period='month').items()}
        self.assertEqual(performance(), {"李四": (1, Decimal('168.00'))})
        sale, = order.sales
        sale.ecom_salesperson = self.employees["张三"]
        sale.save()
        self.assertEqual(performance(), {"张三": (1, Decimal('168.00'))})

    def test_clerk_of_one_shop(self):
        "A finance clerk of one shop counts that shop's orders only"
        self.post('7101', "张三", line('1', 'TEA-LJ-250'))
        self.post('7102', "张三", line('1', 'TEA-LJ-250', price='150.00'),
            shop='PDD01')
        User = Model.get('res.user')
        Group = Model.get('res.group')
        clerk = User(name="财务", login='finance-pdd')
        clerk.groups.extend(Group.find([('name', '=', "E-commerce Finance")]))
        clerk.companies.append(Model.get('company.company')(
                self.seller.company.id))
        clerk.company = self.seller.company
        clerk.ecom_shops.append(Model.get('ecom.shop')(
                self.seller.shops['PDD01'].id))
        clerk.save()
        set_user(clerk, self.config)
        orders = self.rows('ecom.profit.order',
            lambda r: r.order.platform_order_id)
        self.assertEqual(list(orders), ['7102'])
        products = self.rows('ecom.profit.product', lambda r: r.product.code)
        self.assertEqual(products['TEA-LJ-250'].revenue, Decimal('150.00'))
