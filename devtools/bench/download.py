"""Measure download + normalize + upsert of orders from the simulator.

    scripts/with-postgresql .venv/bin/ecom-bench download --orders 10000

``make bench`` runs it after the order pipeline's benchmark on a throwaway
PostgreSQL server.  The database is the one named by DB_NAME (default
bench_platforms) on TRYTOND_DATABASE_URI; it is set up with the shared
seller if needed.  The download runs in a process that loads the modules
the way trytond and trytond-worker do, not in the test mode that prepares
the database."""
import argparse
import os
import time
from datetime import timedelta


def download(database, context, shop_code, start, end):
    "Download the shop's orders as the admin; return the figures"
    from trytond.pool import Pool

    from trytond.modules.ecom_platforms.tests.simulated import as_admin
    with as_admin(database) as transaction:
        shop, = Pool().get('ecom.shop').search([('code', '=', shop_code)])
        began = time.perf_counter()
        fetched = list(shop.get_client().orders_changed(start, end))
        fetch = time.perf_counter() - began
        began = time.perf_counter()
        log = shop.download(start, end, commit=True)
        total = time.perf_counter() - began
        backend = transaction.database.__class__.__module__
        new, failed = log.new, log.failed
        transaction.commit()
    return len(fetched), fetch, total, backend, new, failed


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench download')
    parser.add_argument('--orders', type=int, default=10000)
    parser.add_argument('--shop', default='TB01',
        help="shop code whose platform is simulated")
    options = parser.parse_args(argv)
    os.environ.setdefault('DB_NAME', 'bench_platforms')

    from trytond.modules.ecom_order_center.tests.tools import setup_seller
    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules
    activate_modules(['ecom_platforms'], setup_seller)

    from trytond.modules.ecom_platforms.clients.base import utcnow
    from trytond.modules.ecom_platforms.tests.simulated import as_admin
    from trytond.modules.ecom_platforms.tests.test_download import (
        point_shops)

    from ..simulator import Simulator
    from .orders import Workers

    simulator = Simulator(None, rate=0, seed=1).start('127.0.0.1', 0)
    try:
        now = time.time()
        simulator.state.generate(options.orders, [options.shop],
            now - 20 * 3600, now - 60)
        end = utcnow()
        start = end - timedelta(hours=21)
        with as_admin(DB_NAME) as transaction:
            point_shops(simulator.url)
            transaction.commit()
        worker = Workers(DB_NAME, {}, 1)
        try:
            (fetched, fetch, total, backend, new, failed), = worker.run(
                download, (options.shop, start, end))
        finally:
            worker.close()
        print("orders: %d (%s, %s)" % (fetched, options.shop, backend))
        print("download + normalize: %.1f s, %.0f orders/s" % (
                fetch, fetched / fetch))
        print("download + normalize + upsert: %.1f s, %.0f orders/s "
            "(new %s, failed %s)" % (total, fetched / total, new, failed))
    finally:
        simulator.stop()


if __name__ == '__main__':
    main()
