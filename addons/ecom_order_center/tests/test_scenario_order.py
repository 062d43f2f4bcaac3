"""Orders arrive from the platforms as normalized orders and are stored once,
kept up to date, and mapped to products."""
import datetime as dt
import unittest
from decimal import Decimal

from proteus import Model
from trytond.model.modelview import AccessButtonError

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.pool import Pool
from trytond.transaction import Transaction


def normalized(order_id, *lines, **values):
    order = {
        'platform_order_id': order_id,
        'platform_status': 'WAIT_SELLER_SEND_GOODS',
        'status': 'paid',
        'modified': dt.datetime(2026, 11, 11, 0, 5),
        'buyer': 'tea_lover_88',
        'receiver_name': '王小明',
        'receiver_phone': '13800138000',
        'receiver_province': '浙江',
        'receiver_city': '杭州市',
        'receiver_district': '西湖区',
        'receiver_address': '文三路 398 号',
        'buyer_message': '',
        'seller_memo': '',
        'seller_flag': 0,
        'order_date': dt.datetime(2026, 11, 11, 0, 1),
        'pay_date': dt.datetime(2026, 11, 11, 0, 2),
        'total_amount': Decimal('168.00'),
        'shipping_amount': Decimal('0.00'),
        'carrier_code': None,
        'lines': list(lines) or [line('1', 'TEA-LJ-250')],
        'raw': {},
        }
    order.update(values)
    return order


def line(line_id, outer_code, quantity=1, price='168.00', item=None,
        refund='none'):
    return {
        'platform_line_id': line_id,
        'platform_item_id': item or 'item-' + outer_code,
        'platform_sku_id': 'sku-' + outer_code,
        'outer_code': outer_code,
        'title': outer_code,
        'quantity': quantity,
        'unit_price': Decimal(price),
        'amount': Decimal(price) * (
            quantity if isinstance(quantity, int) else 1),
        'refund_status': refund,
        }


class OrderCenterCase(unittest.TestCase):
    "A seller with shops, products and kits, receiving TB01's orders"

    def setUp(self):
        self.config = activate_seller()
        self.seller = get_seller(self.config)
        self.shop = self.seller.shops['TB01']
        self.Order = Model.get('ecom.order')

    def tearDown(self):
        drop_seller()

    def upsert(self, *orders):
        return self.Order.upsert_normalized(
            self.shop.id, list(orders), self.config.context)


class ReadInChineseCase(OrderCenterCase):
    "TB01's orders read by a clerk in Chinese or in English"

    def setUp(self):
        super().setUp()
        Lang = Model.get('ir.lang')
        chinese, = Lang.find([('code', '=', 'zh_CN')])
        chinese.click('load_translations')

    def read_in(self, language, platform_order_id):
        "The order as a reader of the language reads it"
        with self.config.set_context(language=language):
            Order = Model.get('ecom.order')
            order, = Order.find([
                    ('platform_order_id', '=', platform_order_id)])
            return order


class NormalizedOrderTestCase(OrderCenterCase):

    def test_same_batch_twice_stores_orders_once(self):
        "Downloading the same orders again adds and changes nothing"
        batch = [normalized('T1001'), normalized('T1002',
                line('1', 'KIT-LJ-GIFT', price='338.00'),
                line('2', 'CUP-CR-150', quantity=2, price='39.00'))]
        first = self.upsert(*batch)
        self.assertEqual([r[1] for r in first], ['new', 'new'])
        second = self.upsert(*batch)
        self.assertEqual([r[1] for r in second], ['unchanged', 'unchanged'])
        orders = self.Order.find([('shop', '=', self.shop.id)])
        self.assertEqual(len(orders), 2)
        order, = self.Order.find([('platform_order_id', '=', 'T1002')])
        self.assertEqual(order.state, 'draft')
        self.assertEqual(
            {l.product.code for l in order.lines},
            {'KIT-LJ-GIFT', 'CUP-CR-150'})
        self.assertEqual(order.receiver_subdivision.code, 'CN-ZJ')
        self.assertEqual(order.total_amount, Decimal('168.00'))

    def test_memo_edit_and_refund_update_the_order(self):
        "A memo edited and a refund asked on the platform reach the order"
        self.upsert(normalized('T2001'))
        result, = self.upsert(normalized('T2001', line(
                    '1', 'TEA-LJ-250', refund='requested'),
                seller_memo='送礼，不要放发票'))
        self.assertEqual(result[1], 'updated')
        order, = self.Order.find([('platform_order_id', '=', 'T2001')])
        self.assertEqual(order.seller_memo, '送礼，不要放发票')
        self.assertEqual(order.refund_state, 'requested')
        self.assertEqual(order.lines[0].refund_state, 'requested')
        self.assertEqual(len(order.lines), 1)

    def test_unmapped_listing_waits_until_mapped(self):
        "An unknown SKU puts the order in exception until it is mapped"
        self.upsert(normalized('T3001', line('1', 'NO-SUCH-CODE')),
            normalized('T3002', line('1', 'NO-SUCH-CODE'),
                line('2', 'TEA-BLC-100')))
        orders = self.Order.find([('platform_order_id', 'in',
                    ['T3001', 'T3002'])])
        self.assertEqual({o.state for o in orders}, {'exception'})
        for order in orders:
            self.assertIn('NO-SUCH-CODE', order.exceptions)
            self.assertTrue(order.decisions)

        Listing = Model.get('ecom.listing')
        listing, = Listing.find([('outer_code', '=', 'NO-SUCH-CODE')])
        listing.product = self.seller.products['TEA-MLH-100']
        listing.save()

        for order in orders:
            order.reload()
            self.assertEqual(order.state, 'draft')
            self.assertFalse(order.exceptions)
            self.assertIn('TEA-MLH-100',
                {l.product.code for l in order.lines})

    def test_mapping_by_alias_and_barcode(self):
        "Outer codes map through SKU aliases and barcodes too"
        Alias = Model.get('ecom.sku_alias')
        Alias(outer_code='LJ250-OLD',
            product=self.seller.products['TEA-LJ-250']).save()
        barcode = self.seller.products['POT-ZS-200'].identifiers[0].code
        self.upsert(normalized('T4001', line('1', 'LJ250-OLD'),
                line('2', barcode, price='388.00')))
        order, = self.Order.find([('platform_order_id', '=', 'T4001')])
        self.assertEqual(order.state, 'draft')
        self.assertEqual([l.product.code for l in order.lines],
            ['TEA-LJ-250', 'POT-ZS-200'])

    def test_bad_order_is_reported_and_the_rest_stored(self):
        "A malformed order fails with its reason; the batch goes on"
        results = self.upsert(
            normalized('T5001', status='lost'),
            normalized('T5002', lines=[]),
            {'status': 'paid'},
            normalized('T5003', line('1', 'TEA-LJ-250', quantity='x')),
            normalized('T5004'),
            # an area code where the province's name belongs
            normalized('T5005', receiver_province=330000))
        outcomes = [(r[1], r[3]) for r in results]
        self.assertEqual([o for o, _ in outcomes],
            ['failed', 'failed', 'failed', 'failed', 'new', 'new'])
        self.assertIn('lost', outcomes[0][1])
        self.assertIn('platform_order_id', outcomes[2][1])
        self.assertIn('x', outcomes[3][1])
        orders = self.Order.find([('shop', '=', self.shop.id)],
            order=[('platform_order_id', 'ASC')])
        self.assertEqual([o.platform_order_id for o in orders],
            ['T5004', 'T5005'])
        self.assertEqual([o.receiver_subdivision.code
                if o.receiver_subdivision else None for o in orders],
            ['CN-ZJ', None])

    def test_cancelled_on_platform_cancels_unposted_order(self):
        "A trade closed on the platform cancels the waiting order"
        self.upsert(normalized('T6001'))
        result, = self.upsert(normalized('T6001', status='cancelled',
                platform_status='TRADE_CLOSED'))
        self.assertEqual(result[1], 'updated')
        order, = self.Order.find([('platform_order_id', '=', 'T6001')])
        self.assertEqual(order.state, 'cancelled')
        self.assertEqual(order.platform_status, 'TRADE_CLOSED')


class AuditPostTestCase(OrderCenterCase):
    "Clerks audit orders and finance posts them as Tryton sales"

    def test_audited_orders_become_confirmed_sales(self):
        "A kit order and a plain order are audited twice and posted"
        self.upsert(
            normalized('T7001', line('1', 'KIT-LJ-GIFT', price='338.00'),
                shipping_amount=Decimal('12.00'),
                total_amount=Decimal('350.00')),
            normalized('T7002', line('1', 'CUP-GL-300', quantity=2,
                    price='59.00')))
        orders = self.Order.find([('shop', '=', self.shop.id)])
        for order in orders:
            order.carrier = self.seller.carriers['ZTO']
            order.save()
        self.Order.click(orders, 'cs_audit')
        self.assertEqual({o.state for o in orders}, {'cs_approved'})
        self.Order.click(orders, 'finance_audit')
        self.assertEqual({o.state for o in orders}, {'approved'})
        self.Order.click(orders, 'post')

        kit_order, = self.Order.find([('platform_order_id', '=', 'T7001')])
        self.assertEqual(kit_order.state, 'posted')
        sale, = kit_order.sales
        self.assertEqual(sale.state, 'processing')
        self.assertEqual(sale.reference, 'T7001')
        self.assertEqual(sale.shipment_address.subdivision.code, 'CN-ZJ')
        self.assertEqual(sale.shipment_address.street, '文三路 398 号')
        self.assertEqual(sale.shipment_address.party_name,
            '王小明 13800138000')
        # The receivers stay on the sales, out of the customer's addresses.
        self.assertEqual([a.party_name for a in sale.party.addresses],
            [self.shop.name])
        goods = [l for l in sale.lines if l.shipment_cost is None]
        self.assertEqual([l.product.code for l in goods], ['KIT-LJ-GIFT'])
        self.assertEqual(goods[0].unit_price, Decimal('338.0000'))
        self.assertEqual(
            sorted((c.product.code, c.quantity) for c in goods[0].components),
            [('BOX-GF-L', 1), ('BOX-GF-S', 1), ('TEA-LJ-500', 1)])
        self.assertEqual([l.sequence for l in sale.lines], [1, 2])
        fee, = [l for l in sale.lines if l.shipment_cost is not None]
        self.assertEqual(fee.amount, Decimal('12.00'))
        shipment, = sale.shipments
        self.assertEqual(
            sorted((m.product.code, m.quantity)
                for m in shipment.outgoing_moves),
            [('BOX-GF-L', 1), ('BOX-GF-S', 1), ('TEA-LJ-500', 1)])
        self.assertEqual(sale.total_amount, Decimal('350.00'))
        self.assertEqual(kit_order.decisions[0].rule, 'Posting')
        # The parcel weighs what its goods weigh: two cups of 0.35 kg.
        cup_order, = self.Order.find([('platform_order_id', '=', 'T7002')])
        shipment, = cup_order.sales[0].shipments
        self.assertEqual(
            [(m.product.code, m.internal_quantity)
                for m in shipment.outgoing_moves], [('CUP-GL-300', 2)])
        self.assertAlmostEqual(shipment.weight, 0.70)
        # Posting processed the sales: no task processes them again.
        with Transaction().start(
                self.config.database_name, 0, readonly=True):
            self.assertEqual([t.data['method']
                    for t in Pool().get('ir.queue').search([])
                    if t.data['model'] == 'sale.sale'], [])

    def test_shops_posted_together_keep_their_customers(self):
        "Orders of two shops posted in one click go to each shop's customer"
        self.upsert(normalized('T7101'), normalized('T7102'))
        other = self.seller.shops['TM01']
        self.Order.upsert_normalized(other.id, [normalized('M7101')],
            self.config.context)
        orders = self.Order.find([('platform_order_id', 'in',
                    ['T7101', 'M7101', 'T7102'])])
        self.Order.click(orders, 'cs_audit')
        self.Order.click(orders, 'finance_audit')
        self.Order.click(orders, 'post')
        for order in orders:
            order.reload()
            sale, = order.sales
            customer = order.shop.customer
            self.assertEqual(sale.party, customer)
            self.assertEqual(sale.invoice_address.party, customer)
            self.assertEqual(sale.shipment_address.party, customer)
            self.assertEqual(sale.state, 'processing')
        self.assertEqual(len({o.shop.customer for o in orders}), 2)

    def test_new_shop_comes_with_its_customer(self):
        "A new shop has the customer its sales go to; a lost one is remade"
        Shop = Model.get('ecom.shop')
        shop = Shop(name="茶语抖音店", code='DY09', platform='douyin',
            warehouse=self.seller.warehouses['WH'])
        shop.save()
        self.assertEqual(shop.customer.name, "茶语抖音店")
        self.assertEqual([a.party_name for a in shop.customer.addresses],
            ["茶语抖音店"])

        # Without one, the shop's first posting makes it again.
        shop.customer = None
        shop.save()
        self.shop = shop
        self.upsert(normalized('T7101'))
        order, = self.Order.find([('platform_order_id', '=', 'T7101')])
        for button in ['cs_audit', 'finance_audit', 'post']:
            order.click(button)
        sale, = order.sales
        shop.reload()
        self.assertEqual(sale.party, shop.customer)
        self.assertEqual(shop.customer.name, "茶语抖音店")

    def test_refund_request_blocks_audit(self):
        "An order whose buyer asked a refund waits in exception, not audit"
        self.upsert(normalized('T8001', line(
                    '1', 'TEA-LJ-250', refund='requested')),
            normalized('T8002', buyer='another_buyer'))
        refunded, = self.Order.find([('platform_order_id', '=', 'T8001')])
        self.assertEqual(refunded.state, 'exception')
        self.assertIn('refund', refunded.exceptions)
        with self.assertRaisesRegex(AccessButtonError, 'T8001'):
            self.Order.click([refunded], 'cs_audit')
        other, = self.Order.find([('platform_order_id', '=', 'T8002')])
        self.Order.click([other], 'cs_audit')
        self.assertEqual(other.state, 'cs_approved')

    def test_undo_audit_and_second_clerk_does_nothing_twice(self):
        "Auditing orders already audited by a colleague is refused"
        self.upsert(normalized('T9001'))
        order, = self.Order.find([('platform_order_id', '=', 'T9001')])
        self.Order.click([order], 'cs_audit')
        decisions = len(order.decisions)
        # A second clerk's selection still shows the order as draft.
        with self.assertRaisesRegex(AccessButtonError, 'T9001'):
            self.Order.click([order], 'cs_audit')
        order.reload()
        self.assertEqual(order.state, 'cs_approved')
        self.assertEqual(len(order.decisions), decisions)
        self.Order.click([order], 'undo_audit')
        self.assertEqual(order.state, 'draft')


class ExceptionRuleTestCase(OrderCenterCase):
    "Exception rules stop or flag orders before audit, and say why"

    def order(self, order_id):
        order, = self.Order.find([('platform_order_id', '=', order_id)])
        return order

    def test_buyer_message_warns_but_order_goes_on(self):
        self.upsert(normalized('E1001', buyer_message='请周五前发货'))
        order = self.order('E1001')
        self.assertEqual(order.state, 'draft')
        finding, = [d for d in order.decisions
            if d.rule == 'Buyer message']
        self.assertIn('请周五前发货', finding.values)

    def test_blacklisted_phone_and_short_stock_block(self):
        Blacklist = Model.get('ecom.blacklist')
        Blacklist(value='13900000000', reason='恶意退款').save()
        self.upsert(
            normalized('E2001', receiver_phone='13900000000'),
            normalized('E2002', line('1', 'POT-ZS-200', quantity=500,
                    price='388.00'), buyer='bulk_buyer'))
        blacklisted = self.order('E2001')
        self.assertEqual(blacklisted.state, 'exception')
        self.assertIn('13900000000', blacklisted.exceptions)
        short = self.order('E2002')
        self.assertEqual(short.state, 'exception')
        self.assertIn('POT-ZS-200', short.exceptions)
        self.assertIn('杭州仓', short.exceptions)

    def test_incomplete_address_and_unpaid_block(self):
        self.upsert(
            normalized('E3001', receiver_address='', buyer='a'),
            normalized('E3002', status='unpaid', buyer='b',
                platform_status='WAIT_BUYER_PAY'))
        incomplete = self.order('E3001')
        self.assertEqual(incomplete.state, 'exception')
        self.assertIn('Address', incomplete.exceptions)
        unpaid = self.order('E3002')
        self.assertEqual(unpaid.state, 'exception')
        self.assertIn('WAIT_BUYER_PAY', unpaid.exceptions)

    def test_rule_turned_off_lets_orders_through(self):
        Rule = Model.get('ecom.exception_rule')
        rule, = Rule.find([('kind', '=', 'status')])
        rule.active = False
        rule.save()
        self.upsert(normalized('E4001', status='unpaid'))
        self.assertEqual(self.order('E4001').state, 'draft')


class RefundInterceptionTestCase(OrderCenterCase):
    "A refund asked after posting stops the parcel at packing"

    def post(self, *orders):
        self.upsert(*orders)
        records = self.Order.find([('shop', '=', self.shop.id)])
        for button in ['cs_audit', 'finance_audit', 'post']:
            self.Order.click(records, button)
        return records

    def test_refund_after_posting_intercepts_shipment(self):
        self.post(normalized('R1001', line('1', 'TEA-DHP-200',
                    price='228.00')))
        result, = self.upsert(normalized('R1001', line('1', 'TEA-DHP-200',
                    price='228.00', refund='requested')))
        self.assertEqual(result[1], 'updated')
        order, = self.Order.find([('platform_order_id', '=', 'R1001')])
        self.assertEqual(order.state, 'posted')
        self.assertEqual(order.refund_state, 'requested')
        shipment, = order.sales[0].shipments
        self.assertTrue(shipment.ecom_intercepted)
        self.assertIn('refund', shipment.ecom_intercept_reason)
        self.assertIn('intercepted', order.exceptions)
        # The same news again intercepts nothing more.
        again, = self.upsert(normalized('R1001', line('1', 'TEA-DHP-200',
                    price='228.00', refund='requested')))
        self.assertEqual(again[1], 'unchanged')

    def test_address_edit_after_posting_is_not_applied(self):
        self.post(normalized('R2001'))
        self.upsert(normalized('R2001', receiver_address='新地址 1 号'))
        order, = self.Order.find([('platform_order_id', '=', 'R2001')])
        self.assertEqual(order.receiver_address, '文三路 398 号')
        self.assertIn('receiver_address', order.exceptions)
        self.assertFalse(order.sales[0].shipments[0].ecom_intercepted)


class AuditStrategyTestCase(OrderCenterCase):
    "Orders a strategy allows are audited without a clerk"

    def test_small_quiet_orders_are_audited_alone(self):
        Strategy = Model.get('ecom.audit_strategy')
        Strategy(name="小额无留言免客审", stage='cs', shop=self.shop,
            max_amount=Decimal('500'), no_buyer_message=True,
            stock_available=True).save()
        Strategy(name="小额免财审", stage='finance',
            max_amount=Decimal('300')).save()
        self.upsert(
            normalized('S1001', buyer='a'),
            normalized('S1002', buyer='b', buyer_message='能开发票吗'),
            normalized('S1003', line('1', 'POT-ZS-200', price='388.00'),
                total_amount=Decimal('388.00'), buyer='c'))
        states = {o.platform_order_id: o for o in self.Order.find(
                [('shop', '=', self.shop.id)])}
        self.assertEqual(states['S1001'].state, 'approved')
        self.assertEqual(states['S1002'].state, 'draft')
        self.assertEqual(states['S1003'].state, 'cs_approved')
        self.assertIn('小额免财审',
            [d.rule for d in states['S1001'].decisions])
        left, = [d for d in states['S1002'].decisions
            if d.outcome == 'Left to a person.']
        self.assertIn('No Buyer Message', left.values)
