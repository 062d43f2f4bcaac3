"""A shop's credentials stay secret when its platform calls fail: the sync
log, the sync failures, the shop's authorisation message and the server's
log show what went wrong without the secret, the session key or the
signed URL."""
import re
import socket
import unittest

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.modules.ecom_platforms.clients import Retryable
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from devtools.simulator import default_credentials
from .simulated import (
    admin, as_admin, make_client, start_simulator, window)
from .test_download import point_shops

UNMASKED_SIGNATURE = re.compile(r'\b(sign|access_token)=(?!\*\*\*)')


def unreachable_url():
    "The URL of a free port nobody listens on"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    return 'http://127.0.0.1:%s' % port


class SecretsTestCase(unittest.TestCase):

    def setUp(self):
        self.config = activate_seller(['ecom_platforms'])
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)

    def shop(self, code):
        Shop = Pool().get('ecom.shop')
        shop, = Shop.search([('code', '=', code)])
        return shop

    def assertNoSecret(self, text, *codes):
        for code in codes:
            credentials = default_credentials(code)
            for name in ['app_secret', 'session', 'webhook_secret']:
                self.assertNotIn(credentials[name], text)
        self.assertIsNone(UNMASKED_SIGNATURE.search(text), text)

    def test_failed_downloads_keep_the_credentials_out(self):
        "Unreachable, expired, slow and broken: no secret in any trace"
        admin(self.simulator, 'orders', {'shop': 'JD01', 'count': 1})
        admin(self.simulator, 'orders', {'shop': 'JD01',
                'orders': [{'corrupt': True}]})
        admin(self.simulator, 'fault', {'shop': 'TB01',
                'kind': 'session_expired'})
        admin(self.simulator, 'fault', {'shop': 'PDD01', 'kind': 'slow',
                'seconds': 1})
        with as_admin(DB_NAME, platform_timeout=0.3), \
                self.assertLogs(level='DEBUG') as logs:
            point_shops(self.simulator.url)
            douyin = self.shop('DY01')
            douyin.endpoint = unreachable_url()
            douyin.save()
            codes = ['DY01', 'TB01', 'PDD01', 'JD01']
            sync_logs = {code: self.shop(code).download() for code in codes}

            self.assertIn('connection', sync_logs['DY01'].errors)
            self.assertIn('access_token=***', sync_logs['DY01'].errors)
            self.assertIn('27', sync_logs['TB01'].errors)
            self.assertEqual(self.shop('TB01').auth_state, 'expired')
            self.assertIn('timed out', sync_logs['PDD01'].errors)
            self.assertEqual(sync_logs['JD01'].failed, 1)
            Failure = Pool().get('ecom.sync_failure')
            failures = Failure.search([])
            self.assertEqual(len(failures), 1)
            traces = [log.errors for log in sync_logs.values()]
            traces += ['%s %s' % (f.reason, f.payload) for f in failures]
            traces.append(self.shop('TB01').auth_message)
        # but the SQL statements the database logs at DEBUG, where the
        # set-up above writes the credentials
        traces += [line for line in logs.output
            if not line.startswith('DEBUG:trytond.backend.')]
        self.assertNoSecret('\n'.join(traces), *codes)

    def test_client_errors_name_no_credential(self):
        "The errors a client raises are redacted wherever they come from"
        client = make_client(self.simulator, 'douyin',
            endpoint=unreachable_url(), retries=0)
        with self.assertRaises(Retryable) as context:
            list(client.orders_changed(*window()))
        self.assertIn('access_token=***', str(context.exception))
        self.assertIsNone(context.exception.__context__)
        self.assertNoSecret(str(context.exception), 'DY01')

