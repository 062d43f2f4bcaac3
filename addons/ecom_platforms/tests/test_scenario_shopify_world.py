"""A Shopify shop selling abroad: an order paid in US dollars to California
is downloaded, passes the address rule, posts as a sale in dollars to a US
address, gets one line refunded and is fulfilled with its tracking number;
an order in a currency without a rate on its date waits for the rate."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from .simulated import admin, as_admin, run_locked, start_simulator
from .test_clients import CALIFORNIA
from .test_download import point_shops


class ShopifyWorldTestCase(unittest.TestCase):

    def setUp(self):
        activate_seller(['ecom_platforms'])
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)

    def shop(self):
        shop, = Pool().get('ecom.shop').search([('code', '=', 'SP01')])
        return shop

    def rates(self, usd_since):
        "The company's rates: yuan as the base, dollars from usd_since"
        Currency = Pool().get('currency.currency')
        cny, = Currency.search([('code', '=', 'CNY')])
        usd, = Currency.search([('code', '=', 'USD')])
        Currency.write([cny], {'rates': [('create', [{
                            'date': dt.date(2000, 1, 1),
                            'rate': Decimal(1)}])]},
            [usd], {'rates': [('create', [{
                            'date': usd_since, 'rate': Decimal('0.14')}])]})

    def add_order(self, **values):
        listings = self.simulator.state.data['shops']['SP01']['listings']
        order, = admin(self.simulator, 'orders', {'shop': 'SP01', 'orders': [
                    dict({'receiver': CALIFORNIA}, post_fee='5.00',
                        **values,
                        lines=[{
                                'line_id': '51000%02d' % n,
                                'item_id': listing['item_id'],
                                'sku_id': listing['sku_id'],
                                'variant_id': listing['variant_id'],
                                'outer_code': listing['outer_code'],
                                'title': listing['title'], 'quantity': 1,
                                'price': '20.00', 'refund': 'none'}
                            for n, listing in enumerate(listings[:2], 1)])
                    ]})['orders']
        return order

    def download(self):
        Order = Pool().get('ecom.order')
        log = run_locked(lambda: self.shop().download())
        self.assertEqual((log.errors, log.failed), ('', 0))
        return Order.search([('shop.code', '=', 'SP01')])

    def test_usd_order_to_california(self):
        platform_order = self.add_order(currency='USD')
        with as_admin(DB_NAME):
            pool = Pool()
            Order = pool.get('ecom.order')
            Rule = pool.get('ecom.exception_rule')
            Carrier = pool.get('carrier')
            # the seller's rule on addresses blocks
            self.assertEqual(Rule.search_count([('kind', '=', 'address'),
                        ('action', '=', 'block')]), 1)
            self.rates(dt.date(2000, 1, 1))
            point_shops(self.simulator.url)

            order, = self.download()
            self.assertEqual(order.state, 'draft', order.exceptions)
            self.assertEqual(order.currency.code, 'USD')
            self.assertEqual(order.total_amount, Decimal('45.00'))
            self.assertEqual(order.receiver_country.code, 'US')
            self.assertEqual(order.receiver_subdivision.code, 'US-CA')
            self.assertEqual(
                (order.receiver_city, order.receiver_zip),
                ('San Francisco', '94105'))

            run_locked(lambda: Order.cs_audit([order]))
            run_locked(lambda: Order.finance_audit([order]))
            run_locked(lambda: Order.post([order]))
            order = Order(order.id)
            self.assertEqual(order.state, 'posted')
            sale, = order.sales
            self.assertEqual(sale.currency.code, 'USD')
            # the goods and the shipping the buyer paid, in dollars
            self.assertEqual(sale.untaxed_amount, Decimal('45.00'))
            address = sale.shipment_address
            self.assertEqual(
                (address.country.code, address.subdivision.code,
                    address.city, address.postal_code),
                ('US', 'US-CA', 'San Francisco', '94105'))
            shipment, = sale.shipments
            self.assertEqual(shipment.delivery_address, address)

            first, second = platform_order['lines']
            admin(self.simulator, 'orders', {'shop': 'SP01', 'orders': [{
                            'id': platform_order['id'], 'lines': [{
                                    'line_id': first['line_id'],
                                    'refund': 'refunded'}]}]})
            order, = self.download()
            self.assertEqual(
                {li.platform_line_id: li.refund_state for li in order.lines},
                {first['line_id']: 'refunded', second['line_id']: 'none'})

            ups, = Carrier.search([], limit=1)
            order.carrier = ups
            order.tracking_number = '1Z999AA10123456784'
            order.save()
            # Shipping through the warehouse is test_lifecycle's story:
            # here the shipment waits to be confirmed on Shopify.
            run_locked(lambda: Order.queue_platform_shipments([order]))
            Order.confirm_pending_shipments()
            self.assertEqual(Order(order.id).platform_shipment, 'confirmed')
        shipment = self.simulator.state.data['shipments'][-1]
        self.assertEqual(
            (shipment['order'], shipment['tracking'], shipment['lines']),
            (platform_order['id'], '1Z999AA10123456784',
                [second['line_id']]))

    def test_currency_without_rate_blocks(self):
        self.add_order(currency='USD')
        self.add_order(currency='EUR')
        with as_admin(DB_NAME):
            # dollars have a rate only from tomorrow on
            self.rates(dt.date.today() + dt.timedelta(days=1))
            point_shops(self.simulator.url)
            orders = self.download()
            findings = {o.currency_code: [(f.kind, f.action, f.message_id)
                    for f in o.findings if f.kind == 'currency']
                for o in orders}
            self.assertEqual(findings, {
                    'USD': [('currency', 'block',
                            'ecom_order_center.msg_currency_rate')],
                    'EUR': [('currency', 'block',
                            'ecom_order_center.msg_currency_unknown')]})
            self.assertEqual({o.state for o in orders}, {'exception'})
            usd, = [o for o in orders if o.currency_code == 'USD']
            self.assertEqual(usd.exceptions,
                'No rate of USD on %s: the order\'s amounts cannot be '
                'booked.' % usd.order_date.date().isoformat())

    def test_address_rule_asks_what_the_country_needs(self):
        "A US address needs its zip, a French one its city, not a province"
        self.add_order(currency='CNY', receiver=dict(CALIFORNIA, zip=''))
        self.add_order(currency='CNY', receiver=dict(CALIFORNIA,
                country='FR', province='', province_code='', city='',
                district=''))
        self.add_order(currency='CNY', receiver=dict(CALIFORNIA,
                country='FR', province='', province_code='', city='Paris'))
        with as_admin(DB_NAME):
            pool = Pool()
            Country = pool.get('country.country')
            Country.create([{'name': "法国", 'code': 'FR'}])
            point_shops(self.simulator.url)
            orders = self.download()
            found = sorted((o.receiver_city or '', o.receiver_zip or '',
                    o.exceptions) for o in orders)
        self.assertEqual(found, [
                ('', '94105', 'The address lacks City.'),
                ('Paris', '94105', None),
                ('San Francisco', '', 'The address lacks Postal Code.'),
                ])
