"""A download run in its own process, for the kill-and-rerun test:
``python -m trytond.modules.ecom_platforms.tests.kill_download ACTION URL``
with DB_NAME, TRYTOND_DATABASE_URI and TRYTOND_DATABASE__PATH set."""
import sys


def main(action, url):
    from trytond.modules.ecom_order_center.tests.tools import (
        seller_database)
    from trytond.tests.test_tryton import DB_NAME
    if action == 'prepare':
        seller_database(['ecom_platforms'])
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from .simulated import as_admin, run_locked
    from .test_download import point_shops
    Pool.start()
    Pool(DB_NAME).init()
    with as_admin(DB_NAME) as transaction:
        if action == 'prepare':
            point_shops(url)
            transaction.commit()
            return

        def download():
            shop, = Pool().get('ecom.shop').search(
                [('code', '=', 'PDD01')])
            shop.download(commit=True)
        # as trytond-worker runs a task
        run_locked(download)
        Transaction().commit()


if __name__ == '__main__':
    main(*sys.argv[1:])
