"""The floor's steps run in their own process, for the kill-and-rerun
test: ``python -m trytond.modules.ecom_warehouse.tests.kill_floor ACTION
SIMULATOR_URL [PAUSE]`` with DB_NAME, DB_CACHE and TRYTOND_DATABASE_URI
(and TRYTOND_DATABASE__PATH for SQLite) set.

ACTION is ``prepare`` (the seller's database with its Cainiao account, a
waybill template and posted orders), one of the steps ``wave`` (build
the waves of WH), ``fetch`` (get the shipments' waybill numbers) and
``print`` (print their waybills), ``report`` or ``drop``.  With PAUSE, the
step stops where the test kills it: it prints ``paused`` once the work
of the step is done but not yet committed (for ``fetch``: once the
service answered, before the answers are stored).  Every action but
``drop`` prints the floor's state as JSON."""
import json
import sys
import time

PARCELS = 6


def main(action, simulator_url, pause=None):
    from trytond.tests.test_tryton import DB_NAME, drop_db
    if action == 'drop':
        drop_db()
        return
    if action == 'prepare':
        drop_db()
        prepare(simulator_url)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    Pool(DB_NAME).init()
    if action in STEPS:
        with Transaction().start(DB_NAME, 0):
            admin, = Pool().get('res.user').search(
                [('login', '=', 'admin')])
        with Transaction().start(DB_NAME, admin.id) as transaction:
            User = Pool().get('res.user')
            with transaction.set_context(
                    User.get_preferences(context_only=True)):
                STEPS[action](Pool(), pause)
            transaction.commit()
    with Transaction().start(DB_NAME, 0, readonly=True):
        print(json.dumps(report(Pool())), flush=True)


def prepare(simulator_url):
    from proteus import Model

    from trytond.modules.ecom_order_center.tests.tools import (
        seller_database)

    from .wave_tools import WAREHOUSE_MODULES
    from .waybill_tools import WarehouseCase

    case = WarehouseCase.outside_a_test(
        seller_database(WAREHOUSE_MODULES), simulator_url)
    case.account('cainiao')
    Model.get('ecom.print.template')(name="中通 100×150", kind='waybill',
        carrier=case.seller.carriers['ZTO'], size='100x150').save()
    case.Shipment.click(case.shipments(*(('K%d' % i, '浙江', None)
                for i in range(1, PARCELS + 1))), 'assign_try')


def paused(pause, name):
    "Stop here, for the test to kill the process, when asked to"
    if pause == name:
        print('paused', flush=True)
        time.sleep(600)


def after(pause, owner, name):
    "Pause once owner's function name has done its work"
    function = getattr(owner, name)

    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        paused(pause, name)
        return result
    setattr(owner, name, wrapper)


def shipments(pool):
    Shipment = pool.get('stock.shipment.out')
    return Shipment.search([('number', '!=', None),
            ('state', 'not in', ['done', 'cancelled'])])


def build_waves(pool, pause):
    from .. import wave_build
    after(pause, wave_build, 'create_waves')
    warehouse, = pool.get('stock.location').search([('code', '=', 'WH')])
    wave_build.build_waves(warehouse)


def fetch_waybills(pool, pause):
    Waybill = pool.get('ecom.waybill')
    store = Waybill.store

    def stored(by_account, answers):
        paused(pause, 'store')
        return store(by_account, answers)
    Waybill.store = stored
    pool.get('stock.shipment.out').fetch_waybills(shipments(pool))


def print_waybills(pool, pause):
    Shipment = pool.get('stock.shipment.out')
    after(pause, Shipment, '_log_job')
    Shipment.print_documents(shipments(pool), 'waybill')


STEPS = {'wave': build_waves, 'fetch': fetch_waybills,
    'print': print_waybills}


def report(pool):
    """Per shipment: its open waves, its waybills (state, number) and its
    printed copies; and the waves and print jobs made"""
    Line = pool.get('ecom.wave.line')
    Log = pool.get('ecom.print.log')
    parcels = {}
    for shipment in shipments(pool):
        parcels[shipment.number] = {
            'waves': Line.search_count([('shipment', '=', shipment.id),
                    ('wave_open', '=', True)]),
            'waybills': sorted([w.state, w.number]
                for w in shipment.waybills),
            'copies': sorted(l.copy_number for l in Log.search([
                        ('shipment', '=', shipment.id),
                        ('kind', '=', 'waybill')])),
            }
    return {
        'parcels': parcels,
        'waves': pool.get('ecom.wave').search_count([]),
        'jobs': pool.get('ecom.print.job').search_count([]),
        }


if __name__ == '__main__':
    main(*sys.argv[1:])
