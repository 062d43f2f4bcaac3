"""The seller of the order center with the warehouse floor: posted orders
whose shipments are assigned, ready to be waved."""
import datetime as dt
import unittest

from proteus import Model, Wizard

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    line, normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)

__all__ = ['WAREHOUSE_MODULES', 'WaveCase', 'line', 'normalized']

# The modules of the warehouse scenarios' seller database: the warehouse
# floor, and Tryton's purchase requests for the replenishment
WAREHOUSE_MODULES = ['ecom_warehouse', 'stock_supply']


class WaveCase(unittest.TestCase):
    "A seller whose posted orders wait in the warehouse to be picked"

    def setUp(self):
        self.config = activate_seller(WAREHOUSE_MODULES)
        self.seller = get_seller(self.config)
        self.Order = Model.get('ecom.order')
        self.Shipment = Model.get('stock.shipment.out')
        self.Wave = Model.get('ecom.wave')
        self.paid = dt.datetime(2026, 11, 11, 0, 0)

    def tearDown(self):
        drop_seller()

    def upsert(self, shop, *orders):
        return self.Order.upsert_normalized(
            self.seller.shops[shop].id, list(orders), self.config.context)

    def order(self, order_id, *lines, shop='TB01', minutes=0, **values):
        "A normalized order paid minutes after the first"
        pay_date = self.paid + dt.timedelta(minutes=minutes)
        return normalized(order_id, *lines, pay_date=pay_date,
            order_date=pay_date, **values)

    def post(self, shop, *orders, assign=True, ship_dates=None):
        """Post the orders of the shop and assign their shipments; return
        the shipments by platform order id"""
        self.upsert(shop, *orders)
        ids = [o['platform_order_id'] for o in orders]
        records = self.Order.find([('platform_order_id', 'in', ids)])
        if ship_dates:
            for record in records:
                date = ship_dates.get(record.platform_order_id)
                if date:
                    for order_line in record.lines:
                        order_line.ship_date = date
                    record.save()
        for button in ['cs_audit', 'finance_audit', 'post']:
            self.Order.click(records, button)
        result = {}
        for record in self.Order.find([('platform_order_id', 'in', ids)]):
            shipment, = record.sales[0].shipments
            if assign:
                shipment.click('assign_try')
                self.assertEqual(shipment.state, 'assigned')
            result[record.platform_order_id] = shipment
        return result

    def build(self, warehouse='WH', **values):
        "Build waves as a clerk does in the wizard; return them by bin order"
        build = Wizard('ecom.wave.build')
        build.form.warehouse = self.seller.warehouses[warehouse]
        for name, value in values.items():
            setattr(build.form, name, value)
        build.execute('open_')
        return self.Wave.find([], order=[('id', 'ASC')])

    def request_refund(self, order_id, *lines, shop='TB01', **values):
        "The buyer asks for a refund of the whole order on the platform"
        refunded = [dict(l, refund_status='requested') for l in lines]
        self.upsert(shop, self.order(order_id, *refunded, **values))

    @staticmethod
    def shipments_of(wave):
        return [(l.bin, l.shipment.id) for l in wave.lines]
