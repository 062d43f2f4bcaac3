"""The packing station of the IoT scenarios: the seller's warehouse WH with
a box, its scale, waybill printer and scanner, a waybill account on the
simulator and a ZPL waybill template."""
import json
import sys

from proteus import Model, Wizard

from trytond.modules.ecom_warehouse.tests.waybill_tools import (
    WarehouseCase, line)
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, Client
from trytond.wsgi import app


def served_routes():
    """The routes module whose functions the server runs: the tests import
    the module a second time under their own package name, and the first
    copy registered answers"""
    endpoint, _ = app.url_map.bind('localhost').match(
        '/%s/ecom_iot/jobs' % DB_NAME, method='GET')
    return sys.modules[endpoint.__module__]


def make_box(config, warehouse, identifier='PACK-01', printer='zebra'):
    "A box of the warehouse with its scale, waybill printer and scanner"
    Box = Model.get('ecom.iot.box', config=config)
    box = Box(name='打包台 %s' % identifier, identifier=identifier,
        warehouse=warehouse)
    for name, code, kind, driver, address, role in [
            ('电子秤', 'scale', 'scale', 'toledo_8217', '/dev/ttyUSB0', None),
            ('面单打印机', printer, 'printer', 'raw_tcp', '127.0.0.1:9100',
                'waybill'),
            ('扫码枪', 'scanner', 'scanner', 'serial_scanner',
                '/dev/ttyACM0', None),
            ]:
        box.devices.new(name=name, code=code, kind=kind, driver=driver,
            address=address, role=role)
    box.save()
    return box


def add_slip_printer(box, address='127.0.0.1:9101', code='laser'):
    "Give the box a printer of packing slips; return it"
    box.devices.new(name='发货单打印机', code=code, kind='printer',
        driver='raw_tcp', address=address, role='slip')
    box.save()
    printer, = [d for d in box.devices if d.code == code]
    return printer


def make_key(box):
    "Make the box a key through the wizard; return the key shown"
    wizard = Wizard('ecom.iot.box.key', [box])
    key = wizard.form.key
    wizard.execute('end')
    return key


class BoxClient:
    "A box calling the server's routes with its key"

    def __init__(self, key, database=DB_NAME):
        self.client = Client(app, Response)
        self.key = key
        self.prefix = '/%s/ecom_iot' % database

    def call(self, method, path, body=None, key=None):
        key = self.key if key is None else key
        headers = {'Authorization': 'Bearer ' + key} if key else {}
        response = self.client.open(self.prefix + path, method=method,
            headers=headers, data=json.dumps(body) if body is not None
            else None, content_type='application/json')
        data = response.get_data()
        try:
            data = json.loads(data)
        except ValueError:
            pass
        return response.status_code, data

    def jobs(self, wait=0, **kwargs):
        return self.call('GET', '/jobs?wait=%s' % wait, **kwargs)

    def ack(self, job, printed=True, **body):
        return self.call('POST', '/jobs/%s/ack' % job['id'],
            dict(copy=job['copy'], printed=printed, **body))

    def weight(self, seq, value, stable=True, unit='kg', device='scale'):
        return self.call('POST', '/weight', {'seq': seq, 'device': device,
                'value': value, 'unit': unit, 'stable': stable})

    def scan(self, seq, code, device='scanner'):
        return self.call('POST', '/scan', {'seq': seq, 'device': device,
                'code': code})


class StationCase(WarehouseCase):
    "WarehouseCase on the database with ecom_iot, with a box at WH"

    modules = ['ecom_iot']

    def setUp(self):
        super().setUp()
        self.warehouse = self.seller.warehouses['WH']
        self.box = make_box(self.config, self.warehouse)
        self.key = make_key(self.box)
        self.station = BoxClient(self.key)

    def waybill_template(self, output='zpl'):
        Template = Model.get('ecom.print.template')
        Template(name="中通 100×150 ZPL", kind='waybill',
            carrier=self.seller.carriers['ZTO'], size='100x150',
            output=output).save()

    def slip_template(self):
        Template = Model.get('ecom.print.template')
        Template(name="发货单 100×150", kind='packing_slip', size='100x150',
            title="发货单", footer="感谢惠顾").save()

    def parcel(self, order_id, *lines):
        "A posted, assigned parcel of TB01 with its waybill number"
        shipment, = self.shipments((order_id, '浙江', list(lines)))
        shipment.click('assign_try')
        shipment.click('fetch_waybill')
        shipment.reload()
        self.assertEqual(shipment.state, 'assigned')
        self.assertTrue(shipment.shipping_reference, shipment.waybill_error)
        return shipment


__all__ = ['StationCase', 'BoxClient', 'add_slip_printer', 'make_box',
    'make_key', 'line']
