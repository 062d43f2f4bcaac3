"Shared set-up for tests that talk to a simulator started in-process"
import json
import unittest
import urllib.request
from datetime import timedelta

from devtools.simulator import Simulator, default_credentials
from trytond.modules.ecom_platforms.clients import client_class
from trytond.modules.ecom_platforms.clients.base import utcnow

PLATFORM_SHOPS = {'taobao': 'TB01', 'tmall': 'TM01', 'jd': 'JD01',
    'pdd': 'PDD01', 'douyin': 'DY01', 'shopify': 'SP01'}


def start_simulator(path=None, seed=1):
    return Simulator(path, rate=0, seed=seed).start('127.0.0.1', 0)


def admin(simulator, action, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(simulator.url + '/_sim/' + action,
        data=data, method='POST' if data is not None else 'GET',
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def make_client(simulator, platform, **overrides):
    credentials = default_credentials(PLATFORM_SHOPS[platform])
    values = {
        'endpoint': simulator.url, 'app_key': credentials['app_key'],
        'app_secret': credentials['app_secret'],
        'session_key': credentials['session'],
        'retries': 3, 'backoff': 0.01, 'max_backoff': 0.05,
        }
    values.update(overrides)
    return client_class(platform)(**values)


def window(hours=3):
    now = utcnow()
    return now - timedelta(hours=hours), now + timedelta(minutes=5)


FAST = {'platform_backoff': 0.01, 'platform_max_backoff': 0.05,
    'platform_retries': 3}


def as_admin(database_name, **context):
    "A transaction as the admin user in the company, with fast retries"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    transaction = Transaction().start(database_name, 0,
        context=dict(FAST, **context))
    User = Pool().get('res.user')
    admin_user, = User.search([('login', '=', 'admin')])
    transaction.set_user(admin_user.id)
    transaction.set_context(company=admin_user.company.id)
    return transaction


def run_locked(func):
    """Run func the way Tryton's dispatcher and worker do: when it needs
    records locked, roll back and run it again with them locked"""
    from trytond.transaction import Transaction, TransactionError
    transaction = Transaction()
    extras = {}
    while True:
        try:
            return func()
        except TransactionError as error:
            transaction.rollback()
            error.fix(extras)
            # the locks are taken as the transaction (re)starts
            for table, ids in extras.get('_lock_records', {}).items():
                transaction.database.lock_records(
                    transaction.connection, table, ids)
                transaction._locked_records[table].update(ids)


class SimulatedShopsCase(unittest.TestCase):
    "The seller's database with the platforms, and a simulator of them"

    def setUp(self):
        from trytond.modules.ecom_order_center.tests.tools import (
            activate_seller, drop_seller)
        activate_seller(['ecom_platforms'])
        # closes the database's connections, which the next restore needs
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)

    def shop(self, code):
        "The seller's shop of the code, in the current transaction"
        from trytond.pool import Pool
        shop, = Pool().get('ecom.shop').search([('code', '=', code)])
        return shop
