"""Fully managed shops (运营全托管): the platform ships the orders; those
it reports shipped are posted as sales shipped from the shop's warehouse
at once, so the stock leaves without picking and nothing is written
back."""
from trytond.modules.ecom_warehouse.tests.test_scenario_stock_figures import (
    StockFiguresCase)
from trytond.modules.ecom_warehouse.tests.wave_tools import line


class FullyManagedTestCase(StockFiguresCase):

    def setUp(self):
        super().setUp()
        shop = self.seller.shops['DY01']
        shop.ecom_fully_managed = True
        shop.save()

    def managed_order(self, order_id, status, *lines, minutes=0):
        return self.order(order_id, *lines, shop='DY01', status=status,
            platform_status=status.upper(), minutes=minutes)

    def test_shipped_orders_posted_and_their_stock_gone(self):
        self.upsert('DY01',
            self.managed_order('M1', 'shipped',
                line('1', 'TEA-LJ-250', quantity=2)),
            self.managed_order('M2', 'finished',
                line('1', 'KIT-TASTE-3', price='359.00'), minutes=1),
            self.managed_order('M3', 'paid', minutes=2))
        orders = {o.platform_order_id: o for o in self.Order.find(
                [('shop.code', '=', 'DY01')])}
        self.assertEqual(orders['M1'].state, 'shipped')
        self.assertEqual(orders['M2'].state, 'done')
        # an order the platform has not shipped yet waits as any other
        self.assertEqual(orders['M3'].state, 'draft')
        for code in ['M1', 'M2']:
            order = orders[code]
            self.assertEqual(order.warehouse, self.seller.warehouses['GZ'])
            sale, = order.sales
            shipment, = sale.shipments
            self.assertEqual(shipment.state, 'done')
            self.assertEqual(shipment.warehouse,
                self.seller.warehouses['GZ'])
            self.assertTrue(any("platform" in (d.outcome or '')
                    for d in order.decisions))
        # the goods left Guangzhou: three cans of Longjing in all
        self.assertEqual(self.figures('TEA-LJ-250', 'GZ')[:3], (77, 0, 0))
        self.assertEqual(self.figures('TEA-BLC-100', 'GZ')[0], 79)
        self.assertEqual(self.Shipment.find([('state', '!=', 'done')]), [])

        # the same orders downloaded again change nothing
        self.upsert('DY01',
            self.managed_order('M1', 'shipped',
                line('1', 'TEA-LJ-250', quantity=2)))
        self.assertEqual(self.figures('TEA-LJ-250', 'GZ')[0], 77)
        self.assertEqual(len(orders['M1'].sales), 1)

    def test_other_shops_hold_shipped_orders(self):
        "A shop not fully managed keeps an order shipped elsewhere"
        self.upsert('PDD01', self.order('P1', shop='PDD01',
                status='shipped', platform_status='SHIPPED'))
        order, = self.Order.find([('platform_order_id', '=', 'P1')])
        self.assertEqual(order.state, 'exception')
        self.assertEqual(order.sales, [])
        self.assertEqual(self.figures('TEA-LJ-250', 'GZ')[0], 80)
