"""Downloads and a clerk's writes run in processes of their own, for the
test that no write waits on a platform:
``python -m trytond.modules.ecom_platforms.tests.concurrent_download ACTION
ARG`` with DB_NAME, TRYTOND_DATABASE_URI and DB_CACHE set (and
TRYTOND_DATABASE__PATH on SQLite)."""
import json
import sys
import time

# slow retries, as on a real worker: an unreachable platform keeps the
# download busy for seconds
RETRIES = {'platform_retries': 2, 'platform_backoff': 1.0,
    'platform_max_backoff': 2.0}


def main(action, arg):
    from trytond.modules.ecom_order_center.tests.tools import (
        seller_database)
    from trytond.tests.test_tryton import DB_NAME
    if action == 'prepare':
        seller_database(['ecom_platforms'])
    if action == 'drop':
        from trytond.tests.test_tryton import drop_db
        drop_db()
        return
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .simulated import as_admin, run_locked
    from .test_download import point_shops
    Pool.start()
    Pool(DB_NAME).init()

    def shop(code):
        shop, = Pool().get('ecom.shop').search([('code', '=', code)])
        return shop

    if action == 'prepare':
        url, unreachable = json.loads(arg)
        with as_admin(DB_NAME) as transaction:
            point_shops(url)
            run_locked(lambda: shop('JD01').download(commit=True))
            tb01 = shop('TB01')
            tb01.endpoint = unreachable
            tb01.save()
            transaction.commit()
    elif action == 'download':
        # as trytond-worker runs the queued task of one shop
        with as_admin(DB_NAME, **RETRIES) as transaction:
            Shop = Pool().get('ecom.shop')
            run_locked(lambda: Shop.download_orders([shop(arg)]))
            transaction.commit()
    elif action == 'write':
        # a clerk edits orders, one short transaction each
        duration = float(arg)
        waits, errors = [], []
        started = time.monotonic()
        count = 0
        while time.monotonic() - started < duration:
            began = time.monotonic()
            try:
                with as_admin(DB_NAME) as transaction:
                    Order = Pool().get('ecom.order')
                    orders = Order.search([('shop.code', '=', 'JD01')])
                    count += 1
                    Order.write(orders, {'seller_memo': '第 %d 次' % count})
                    transaction.commit()
            except backend.DatabaseOperationalError as error:
                errors.append(str(error))
            waits.append(time.monotonic() - began)
            time.sleep(0.05)
        print(json.dumps({'writes': len(waits), 'longest': max(waits),
                    'errors': errors}))
    elif action == 'report':
        with Transaction().start(DB_NAME, 0, readonly=True):
            SyncLog = Pool().get('ecom.sync_log')
            print(json.dumps({log.shop.code: log.errors
                        for log in SyncLog.search([
                                ('shop.code', 'in', ['TB01', 'PDD01'])])}))


if __name__ == '__main__':
    main(*sys.argv[1:])
