"""Benchmark the packing floor: scans through the real server, shipping.

    scripts/with-postgresql .venv/bin/ecom-bench packing --parcels 1000

It posts single-line orders of the seller's main warehouse, assigns their
shipments and gives each a waybill number.  Then:

- scan round trip: ``trytond`` serves the database (its WSGI server, as
  in production) and --stations threads, one packer each, verify
  --scanned parcels over JSON-RPC at once (waybill, then each item, as a
  scanner types them); it prints the latency of a scan (median, p95, max);
- shipping: the other parcels are verified in the server's process, then
  every verified parcel is weighed and shipped in the batch action's
  chunks (the shipments done, their orders shipped); it prints parcels/s.

The database is the one named by DB_NAME (default bench_packing) on
TRYTOND_DATABASE_URI; it is created, so use a throwaway server.
"""
import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal

from .orders import chunks, in_transaction

# Goods the generated orders sell, one line each
PRODUCTS = ['TEA-LJ-250', 'TEA-BLC-100', 'TEA-TGY-250', 'CUP-CR-150',
    'POT-GW-150', 'TEA-HC-150']
CHUNK = 200
PASSWORD = 'bench-packing-station'


def generate(count):
    "Single-line orders of one or two pieces"
    import datetime as dt
    start = dt.datetime(2026, 11, 11)
    orders = []
    for i in range(count):
        code = PRODUCTS[i % len(PRODUCTS)]
        quantity = 1 + i % 2
        when = start + dt.timedelta(seconds=11 * i)
        orders.append({
                'platform_order_id': 'PK%06d' % i,
                'platform_status': 'WAIT_SELLER_SEND_GOODS',
                'status': 'paid', 'modified': when,
                'buyer': 'buyer%d' % i, 'receiver_name': '顾客%d' % i,
                'receiver_phone': '139%08d' % i, 'receiver_province': '浙江',
                'receiver_city': '杭州市', 'receiver_district': '西湖区',
                'receiver_address': '文三路 %d 号' % i,
                'buyer_message': '', 'seller_memo': '', 'seller_flag': 0,
                'order_date': when, 'pay_date': when,
                'total_amount': Decimal('88.00') * quantity,
                'shipping_amount': Decimal(0), 'carrier_code': None,
                'lines': [{
                        'platform_line_id': 'PK%06d-1' % i,
                        'platform_item_id': 'item-' + code,
                        'platform_sku_id': 'sku-' + code,
                        'outer_code': code, 'title': code,
                        'quantity': quantity,
                        'unit_price': Decimal('88.00'),
                        'amount': Decimal('88.00') * quantity,
                        'refund_status': 'none',
                        }],
                'raw': {},
                })
    return orders


def prepare(database, context, shop_id, carrier_id, orders, stations):
    """Post the orders, assign their shipments with a waybill number each;
    make the stations' packers; return the shipments' (id, waybill,
    item codes) in order"""
    from trytond.pool import Pool

    for batch in chunks(orders, 500):
        in_transaction(database, context,
            lambda: Pool().get('ecom.order').upsert_normalized(
                shop_id, batch))
    ids = [o['platform_order_id'] for o in orders]
    for state, button in [('draft', 'cs_audit'),
            ('cs_approved', 'finance_audit'), ('approved', 'post')]:
        for batch in chunks(ids, CHUNK):
            def press():
                Order = Pool().get('ecom.order')
                getattr(Order, button)(Order.search([
                            ('platform_order_id', 'in', batch),
                            ('state', '=', state)]))
            in_transaction(database, context, press)

    def assign(batch):
        pool = Pool()
        Order = pool.get('ecom.order')
        Shipment = pool.get('stock.shipment.out')
        shipments = [s for o in Order.search([
                    ('platform_order_id', 'in', batch)], order=[('id', 'ASC')])
            for sale in o.sales for s in sale.shipments]
        Shipment.write(shipments, {'carrier': carrier_id})
        for shipment in shipments:
            shipment.shipping_reference = 'ZTB' + shipment.number
        Shipment.save(shipments)
        Shipment.assign_try(shipments)
        return [(s.id, s.shipping_reference, [
                    m.product.identifiers[0].code
                    for m in s.outgoing_moves
                    for _ in range(int(m.quantity))])
            for s in Shipment.browse(shipments) if s.state == 'assigned']
    parcels = []
    for batch in chunks(ids, CHUNK):
        parcels.extend(in_transaction(database, context,
                lambda: assign(batch)))

    def packers():
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = [ModelData.get_id('ecom_order_center',
                'group_ecom_warehouse'), ModelData.get_id('stock',
                'group_stock')]
        User.create([{
                    'name': 'Packer %d' % i, 'login': 'packer%d' % i,
                    'password': PASSWORD, 'groups': [('add', groups)],
                    } for i in range(stations)])
    in_transaction(database, context, packers)
    return parcels


class Station:
    "A packer at a station: a JSON-RPC session of the server"

    def __init__(self, port, database, login):
        self.connection = http.client.HTTPConnection('127.0.0.1', port)
        self.database = database
        self.path = '/%s/rpc/' % database
        user, session, *_ = self.call('common.db.login',
            [login, {'password': PASSWORD}, 'en'], auth=False)
        self.auth = 'Session ' + base64.b64encode(
            ('%s:%s:%s' % (login, user, session)).encode()).decode()
        self.context = self.call('model.res.user.get_preferences',
            [True, {}])
        self.latencies = []

    def call(self, method, params, auth=True):
        headers = {'Content-Type': 'application/json'}
        if auth:
            headers['Authorization'] = self.auth
        body = json.dumps({'id': 1, 'method': method, 'params': params})
        self.connection.request('POST', self.path, body, headers)
        response = json.loads(self.connection.getresponse().read())
        if response.get('error'):
            raise RuntimeError(response['error'])
        return response['result']

    def scan(self, state, code):
        start = time.perf_counter()
        state, result = self.call(
            'model.stock.shipment.out.ecom_verify_scan',
            [state, code, self.context])
        self.latencies.append(time.perf_counter() - start)
        return state, result

    def verify(self, parcels, failures):
        for _, waybill, items in parcels:
            state, result = self.scan({}, waybill)
            for code in items:
                state, result = self.scan(state, code)
            if not result['complete']:
                failures.append((waybill, result['message']))


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def serve(database):
    "Start trytond's WSGI server on the database; return it and its port"
    port = free_port()
    config = tempfile.NamedTemporaryFile('w', suffix='.conf', delete=False)
    config.write('[web]\nlisten = 127.0.0.1:%d\n' % port)
    config.close()
    command = [os.path.join(os.path.dirname(sys.executable), 'trytond'),
        '-c', config.name, '-d', database]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), 1).close()
            return server, port
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("trytond did not start")


def scan_round_trip(database, parcels, stations):
    "Verify the parcels from the stations at once; return the latencies"
    server, port = serve(database)
    try:
        desks = [Station(port, database, 'packer%d' % i)
            for i in range(stations)]
        failures = []
        threads = [threading.Thread(target=desk.verify,
                args=(parcels[i::stations], failures))
            for i, desk in enumerate(desks)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(30)
    latencies = sorted(t for desk in desks for t in desk.latencies)
    return latencies, seconds, failures


def ship(database, context, ids):
    """Verify in-process the parcels not verified yet, then weigh and ship
    every one; return the seconds of each part"""
    from trytond.pool import Pool

    def verify(batch):
        Shipment = Pool().get('stock.shipment.out')
        Shipment.ecom_verified(Shipment.browse(
                [s for s in Shipment.browse(batch) if s.state == 'assigned']))

    def weigh(batch):
        Shipment = Pool().get('stock.shipment.out')
        shipments = Shipment.browse(batch)
        for shipment in shipments:
            Shipment.ecom_weigh([shipment],
                shipment.ecom_get_expected_weight())

    def ship_(batch):
        Shipment = Pool().get('stock.shipment.out')
        Shipment.ecom_ship(Shipment.browse(batch))

    seconds = {}
    for name, func in [('verify', verify), ('weigh', weigh),
            ('ship', ship_)]:
        start = time.perf_counter()
        for batch in chunks(ids, CHUNK):
            in_transaction(database, context, lambda: func(batch))
        seconds[name] = time.perf_counter() - start

    def outcome():
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        Order = pool.get('ecom.order')
        done = Shipment.search_count([('id', 'in', ids),
                ('state', '=', 'done')])
        shipped = Order.search_count([('state', '=', 'shipped')])
        return done, shipped
    return seconds, in_transaction(database, context, outcome)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench packing',
        description=__doc__.splitlines()[0])
    parser.add_argument('--parcels', type=int, default=1000,
        help="how many verified parcels to ship")
    parser.add_argument('--scanned', type=int, default=320,
        help="how many of them the stations verify through the server")
    parser.add_argument('--stations', type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault('DB_NAME', 'bench_packing')

    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules

    from trytond.modules.ecom_order_center.tests.tools import (
        get_seller, receive_stock, setup_seller)

    print("Preparing the seller's database %s ..." % DB_NAME, flush=True)
    config = activate_modules(['ecom_warehouse'], setup_seller)
    seller = get_seller(config)
    receive_stock({'WH': 2 * args.parcels}, {
            code: seller.products[code] for code in PRODUCTS},
        seller.warehouses, seller.company, config)
    context = dict(config.context)
    start = time.perf_counter()
    parcels = prepare(DB_NAME, context, seller.shops['TB01'].id,
        seller.carriers['ZTO'].id, generate(args.parcels), args.stations)
    print("  %d parcels posted and assigned in %.1f s" % (
            len(parcels), time.perf_counter() - start), flush=True)

    scanned = parcels[:args.scanned]
    print("Scan round trip, %d stations through trytond's WSGI server:"
        % args.stations, flush=True)
    latencies, seconds, failures = scan_round_trip(DB_NAME, scanned,
        args.stations)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print("  %d scans of %d parcels in %.1f s (%.1f scans/s): median "
        "%.0f ms, p95 %.0f ms, max %.0f ms; %d not complete" % (
            len(latencies), len(scanned), seconds,
            len(latencies) / seconds, 1000 * statistics.median(latencies),
            1000 * p95, 1000 * latencies[-1], len(failures)), flush=True)

    print("Shipping %d verified parcels:" % len(parcels), flush=True)
    ids = [id_ for id_, _, _ in parcels]
    seconds, (done, shipped) = ship(DB_NAME, context, ids)
    print("  verified in-process %d parcels in %.1f s" % (
            len(parcels) - len(scanned), seconds['verify']))
    for name in ['weigh', 'ship']:
        print("  %-6s %5d parcels %7.1f s %8.1f parcels/s" % (
                name, len(ids), seconds[name], len(ids) / seconds[name]))
    print("  outcome: %d shipments done, %d orders shipped" % (
            done, shipped), flush=True)


if __name__ == '__main__':
    main()
