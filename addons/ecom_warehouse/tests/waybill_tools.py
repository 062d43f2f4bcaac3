"""The warehouse of the waybill and print scenarios: TB01's posted orders
as customer shipments, the simulator's waybill services beside them."""
import json
import unittest
import urllib.request
from types import SimpleNamespace

from proteus import Model

from devtools.simulator.connect import waybill_account
from devtools.simulator.server import Simulator
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    line, normalized)
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller, get_seller)
from trytond.modules.ecom_warehouse.tests.wave_tools import (
    WAREHOUSE_MODULES)

RECEIVERS = {
    '浙江': ('浙江', '杭州市', '西湖区', '文三路 398 号'),
    '广东': ('广东', '广州市', '天河区', '天河路 208 号'),
    }


class WarehouseCase(unittest.TestCase):
    # the modules of the seller's database
    modules = WAREHOUSE_MODULES

    def setUp(self):
        self._use(activate_seller(self.modules))
        self.simulator = Simulator(rate=0).start('127.0.0.1', 0)
        self.addCleanup(self.simulator.stop)

    @classmethod
    def outside_a_test(cls, config, simulator_url):
        """The case's helpers on the database of config and a simulator
        already running, for a process that makes the database another
        one works on"""
        case = cls('shipments')
        case._use(config)
        case.simulator = SimpleNamespace(url=simulator_url)
        return case

    def _use(self, config):
        self.config = config
        self.seller = get_seller(config)
        self.shop = self.seller.shops['TB01']
        self.Order = Model.get('ecom.order')
        self.Shipment = Model.get('stock.shipment.out')
        self.Waybill = Model.get('ecom.waybill')

    def tearDown(self):
        drop_seller()

    def sim(self, **body):
        "Set up the simulator's waybill service"
        request = urllib.request.Request(self.simulator.url + '/_sim/waybill',
            data=json.dumps(body).encode('utf-8'), method='POST',
            headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request) as answer:
            return json.loads(answer.read())

    def account(self, service='cainiao', carrier='ZTO', **values):
        account = waybill_account(self.seller.carriers[carrier],
            self.seller.warehouses['WH'], service, self.simulator.url,
            **values)
        account.save()
        return account

    def shipments(self, *orders, carrier='ZTO'):
        """Post the orders (id, province, items) and give their shipments
        the carrier, in the orders' order"""
        self.Order.upsert_normalized(self.shop.id, [
                normalized(order_id, *(items or []),
                    receiver_province=RECEIVERS[province][0],
                    receiver_city=RECEIVERS[province][1],
                    receiver_district=RECEIVERS[province][2],
                    receiver_address=RECEIVERS[province][3])
                for order_id, province, items in orders],
            self.config.context)
        records = self.Order.find([('platform_order_id', 'in',
                    [o[0] for o in orders])])
        for button in ['cs_audit', 'finance_audit', 'post']:
            self.Order.click(records, button)
        shipments = []
        for order_id, _, _ in orders:
            order, = self.Order.find([('platform_order_id', '=', order_id)])
            shipment, = order.sales[0].shipments
            shipment.carrier = self.seller.carriers[carrier]
            shipment.save()
            shipments.append(shipment)
        return shipments


__all__ = ['WarehouseCase', 'line']
