"""The database of the end-to-end station tests, made in its own process
for a real trytond server to serve:
``python -m trytond.modules.ecom_iot.tests.station_server SIMULATOR_URL
PRINTER_ADDRESS ADMIN_PASSWORD [SLIP_PRINTER_ADDRESS]`` with DB_NAME,
DB_CACHE, TRYTOND_DATABASE_URI (and TRYTOND_DATABASE__PATH for SQLite)
set.

It activates the seller's database with ecom_iot, registers the box of
WH with its waybill printer at PRINTER_ADDRESS (and its packing slip
printer at SLIP_PRINTER_ADDRESS, with a packing slip template), makes it
a key and posts orders whose assigned parcels have waybill numbers; it
prints what the test needs as JSON."""
import json
import sys


def main(simulator_url, printer_address, admin_password,
        slip_printer_address=None):
    print(json.dumps(prepare(simulator_url, printer_address,
                admin_password, parcels=3,
                slip_printer=slip_printer_address)))


def prepare(simulator_url, printer_address, admin_password, parcels=2,
        boxes=1, slip_printer=None):
    """Make the station's database; return the box key, the parcels
    (id, waybill number, expected weight) and the keys of the other
    boxes"""
    from proteus import Model

    from trytond.modules.ecom_order_center.tests.tools import (
        seller_database)
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME
    from trytond.transaction import Transaction

    from .tools import (
        StationCase, add_slip_printer, line, make_box, make_key)

    case = StationCase.outside_a_test(
        seller_database(['ecom_iot']), simulator_url)
    case.account('cainiao')
    case.waybill_template('zpl')
    shipments = [case.parcel('E2E-%d' % i, line('1', 'TEA-LJ-250'))
        for i in range(1, parcels + 1)]
    box = make_box(case.config, case.seller.warehouses['WH'])
    zebra, = [d for d in box.devices if d.code == 'zebra']
    zebra.address = printer_address
    zebra.save()
    if slip_printer:
        add_slip_printer(box, slip_printer)
        case.slip_template()
    key = make_key(box)
    others = [make_key(make_box(case.config, case.seller.warehouses['WH'],
                identifier='PACK-%02d' % i)) for i in range(2, boxes + 1)]
    User = Model.get('res.user')
    admin, = User.find([('login', '=', 'admin')])
    admin.password = admin_password
    admin.save()
    with Transaction().start(DB_NAME, 0, readonly=True):
        Shipment = Pool().get('stock.shipment.out')
        expected = [Shipment(s.id).ecom_get_expected_weight()
            for s in shipments]
    return {
        'key': key,
        'others': others,
        'box': box.id,
        'shop': case.shop.id,
        'parcels': [{
                'id': s.id,
                'waybill': s.shipping_reference,
                'expected': w,
                } for s, w in zip(shipments, expected)],
        'item': 'TEA-LJ-250',
        }


if __name__ == '__main__':
    main(*sys.argv[1:])
