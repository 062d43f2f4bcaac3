"Orders downloaded from the simulator into the order center"
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
from contextlib import closing
from datetime import timedelta

from devtools.simulator import default_credentials, shopify
from devtools.simulator.connect import point_shop
from trytond import backend
from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.modules.ecom_platforms.clients.base import utcnow
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_CACHE, DB_NAME, Client
from trytond.wsgi import app

from .simulated import (
    PLATFORM_SHOPS, admin, as_admin, run_locked, start_simulator)


def point_shops(url):
    "Point every platform shop at the simulator with its credentials"
    Shop = Pool().get('ecom.shop')
    for shop in Shop.search([('code', 'in', list(PLATFORM_SHOPS.values()))]):
        point_shop(shop, url)
        shop.save()


def table_snapshot():
    "Every stored order and line, as comparable tuples"
    pool = Pool()
    Order = pool.get('ecom.order')
    orders = Order.search([], order=[('id', 'ASC')])
    return [(o.id, o.shop.code, o.platform_order_id, o.platform_status,
            o.total_amount, o.receiver_address, o.seller_memo,
            o.refund_state, o.write_date,
            tuple((li.id, li.platform_line_id, li.quantity, li.amount,
                    li.refund_state) for li in o.lines))
        for o in orders]


class DownloadTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_platforms'])
        # closes the database's connections, which the next restore needs
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)

    def transaction(self):
        return as_admin(DB_NAME)

    def shop(self, code):
        Shop = Pool().get('ecom.shop')
        shop, = Shop.search([('code', '=', code)])
        return shop

    def test_download_every_platform(self):
        "New orders of every platform arrive with their lines"
        for platform, code in PLATFORM_SHOPS.items():
            admin(self.simulator, 'orders', {'shop': code, 'count': 5})
        with self.transaction():
            point_shops(self.simulator.url)
            Order = Pool().get('ecom.order')
            for platform, code in PLATFORM_SHOPS.items():
                with self.subTest(platform=platform):
                    log = self.shop(code).download()
                    self.assertEqual(log.errors, '')
                    self.assertEqual((log.new, log.failed), (5, 0))
                    self.assertEqual(Order.search_count(
                            [('shop.code', '=', code)]), 5)
                    shop = self.shop(code)
                    self.assertLessEqual(shop.download_cursor, utcnow())

    def test_same_window_three_times_is_identical(self):
        admin(self.simulator, 'orders', {'shop': 'TB01', 'count': 30})
        with self.transaction():
            point_shops(self.simulator.url)
            start, end = utcnow() - timedelta(hours=2), utcnow()
            snapshots = []
            for _ in range(3):
                run_locked(lambda: self.shop('TB01').download(start, end))
                snapshots.append(table_snapshot())
            self.assertEqual(len(snapshots[0]), 30)
            self.assertEqual(snapshots[0], snapshots[1])
            self.assertEqual(snapshots[1], snapshots[2])

    def test_changes_refunds_and_cancellations_flow_in(self):
        order, other = admin(self.simulator, 'orders',
            {'shop': 'PDD01', 'count': 2})['orders']
        with self.transaction():
            point_shops(self.simulator.url)
            self.shop('PDD01').download()
        lines = [{'line_id': li['line_id'], 'refund': 'requested'}
            for li in order['lines']]
        admin(self.simulator, 'orders', {'shop': 'PDD01', 'orders': [
                    {'id': order['id'], 'lines': lines,
                        'memo': '买家改地址'},
                    {'id': other['id'], 'status': 'cancelled',
                        'lines': [{'line_id': li['line_id'],
                                'refund': 'refunded'}
                            for li in other['lines']]}]})
        with self.transaction():
            log = run_locked(lambda: self.shop('PDD01').download())
            self.assertEqual(log.updated, 2)
            Order = Pool().get('ecom.order')
            stored, = Order.search([('platform_order_id', '=', order['id'])])
            self.assertEqual(stored.seller_memo, '买家改地址')
            self.assertEqual({li.refund_state for li in stored.lines},
                {'requested'})
            cancelled, = Order.search(
                [('platform_order_id', '=', other['id'])])
            self.assertEqual({li.refund_state for li in cancelled.lines},
                {'refunded'})

    def test_malformed_order_kept_as_failure(self):
        admin(self.simulator, 'orders', {'shop': 'JD01', 'count': 3})
        bad, = admin(self.simulator, 'orders', {'shop': 'JD01',
                'orders': [{'corrupt': True}]})['orders']
        with self.transaction():
            point_shops(self.simulator.url)
            log = self.shop('JD01').download()
            self.assertEqual((log.new, log.failed), (3, 1))
            self.assertIn(bad['id'], log.errors)
            Failure = Pool().get('ecom.sync_failure')
            failure, = Failure.search([])
            self.assertEqual(failure.platform_order_id, bad['id'])
            self.assertIn('N/A', failure.payload)
            self.assertFalse(failure.resolved)
        admin(self.simulator, 'orders', {'shop': 'JD01',
                'orders': [{'id': bad['id'], 'corrupt': False}]})
        with self.transaction():
            run_locked(lambda: self.shop('JD01').download(
                    utcnow() - timedelta(hours=1),
                    utcnow() + timedelta(minutes=1)))
            failure, = Pool().get('ecom.sync_failure').search([])
            self.assertTrue(failure.resolved)

    def test_session_expired_marks_shop(self):
        admin(self.simulator, 'fault', {'shop': 'DY01',
                'kind': 'session_expired'})
        with self.transaction():
            point_shops(self.simulator.url)
            log = self.shop('DY01').download()
            shop = self.shop('DY01')
            self.assertEqual(shop.auth_state, 'expired')
            self.assertIn('30002', log.errors)
            self.assertIsNone(shop.download_cursor)
            shop.session_key = default_credentials('DY01')['session']
            shop.save()
            self.assertEqual(self.shop('DY01').auth_state, 'authorized')

    def test_call_limit_and_errors_retried(self):
        admin(self.simulator, 'orders', {'shop': 'TM01', 'count': 4})
        for kind in ['call_limit', 'http_500', 'malformed_json']:
            admin(self.simulator, 'fault', {'shop': 'TM01', 'kind': kind})
        with self.transaction():
            point_shops(self.simulator.url)
            log = self.shop('TM01').download()
            self.assertEqual((log.new, log.errors), (4, ''))

    def test_cron_queues_a_task_per_due_shop(self):
        with self.transaction() as transaction:
            point_shops(self.simulator.url)
            Shop = Pool().get('ecom.shop')
            Shop.download_due()
            Queue = Pool().get('ir.queue')
            tasks = Queue.search([])
            self.assertEqual(len(tasks), 6)
            self.assertEqual({t.data['model'] for t in tasks}, {'ecom.shop'})
            Shop.download_due()
            self.assertEqual(len(Queue.search([])), 6)
            transaction.rollback()

    def test_shopify_webhook_hmac(self):
        "A webhook signed with the shop's secret stores the order"
        order, = admin(self.simulator, 'orders',
            {'shop': 'SP01', 'count': 1})['orders']
        with self.transaction() as transaction:
            point_shops(self.simulator.url)
            transaction.commit()
        body = json.dumps(shopify.webhook_payload(order)).encode()
        url = '/%s/ecom_platforms/shopify/SP01/webhook' % DB_NAME
        client = Client(app, Response)
        for secret, status, count in [
                ('wrong-secret', 401, 0),
                (default_credentials('SP01')['webhook_secret'], 200, 1)]:
            with self.subTest(secret=secret):
                response = client.post(url, data=body,
                    headers=shopify.webhook_headers(
                        'SP01', 'orders/updated', body, secret))
                self.assertEqual(response.status_code, status)
                with self.transaction():
                    self.assertEqual(Pool().get('ecom.order').search_count(
                            [('platform_order_id', '=', order['id'])]),
                        count)


@unittest.skipUnless(backend.name == 'sqlite',
    "the killed worker's database is a SQLite file whatever the backend: "
    "the SQLite run covers it")
class KillTestCase(unittest.TestCase):
    "A worker killed in the middle of a download loses and doubles nothing"

    def test_kill_and_rerun(self):
        simulator = start_simulator(seed=7)
        self.addCleanup(simulator.stop)
        now = time.time()
        simulator.state.generate(600, ['PDD01'], now - 2.5 * 86400, now - 60)
        expected = {o['id']: len(o['lines'])
            for o in simulator.state.orders('PDD01').values()}
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        # The worker's database is a file restored from the run's cache
        env = dict(os.environ, DB_NAME='killtest',
            DB_CACHE=DB_CACHE or directory,
            TRYTOND_DATABASE_URI='sqlite://',
            TRYTOND_DATABASE__PATH=directory)
        command = [sys.executable, '-m',
            'trytond.modules.ecom_platforms.tests.kill_download']
        subprocess.run(command + ['prepare', simulator.url], env=env,
            check=True, timeout=600)
        database = os.path.join(directory, 'killtest.sqlite')

        def stored():
            with closing(sqlite3.connect(database, timeout=30)) as db:
                return db.execute(
                    'SELECT o.platform_order_id, COUNT(l.id) '
                    'FROM ecom_order o JOIN ecom_shop s ON s.id = o.shop '
                    'LEFT JOIN ecom_order_line l ON l."order" = o.id '
                    'WHERE s.code = ? GROUP BY o.id', ('PDD01',)).fetchall()

        # every platform call answers slowly, so the kill lands mid-way
        simulator.state.add_fault('PDD01', 'slow', 100000, 0.03)
        worker = subprocess.Popen(command + ['download', simulator.url],
            env=env)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and worker.poll() is None:
            if len(stored()) >= 100:
                break
            time.sleep(0.2)
        self.assertIsNone(worker.poll(), "the download ended before the kill")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        partial = stored()
        self.assertLess(len(partial), len(expected))

        simulator.state.data['faults'] = []
        subprocess.run(command + ['download', simulator.url], env=env,
            check=True, timeout=600)
        rows = stored()
        # the figures, for the record (pytest -s shows them)
        print("killed with %d of %d orders stored; after the rerun %d, "
            "%d lines" % (len(partial), len(expected), len(rows),
                sum(count for _, count in rows)))
        self.assertEqual(len(rows), len({r[0] for r in rows}))
        self.assertEqual(dict(rows), expected)
