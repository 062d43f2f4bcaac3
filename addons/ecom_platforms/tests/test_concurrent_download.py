"""While one shop's platform is unreachable and another's answers slowly,
the downloads hold no write open: a clerk's edits go through at once."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from trytond import backend
from trytond.tests.test_tryton import DB_CACHE, DB_NAME

from .simulated import admin, start_simulator

SCRIPT = [sys.executable, '-m',
    'trytond.modules.ecom_platforms.tests.concurrent_download']
# seconds each answer of the slow platform takes
SLOW = 3


def closed_port():
    "A local port nothing listens on"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class ConcurrentDownloadTestCase(unittest.TestCase):

    def setUp(self):
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)
        self.env = dict(os.environ, DB_NAME=DB_NAME + '_concurrent')
        if backend.name == 'sqlite':
            # threads of one in-memory database share its connection:
            # processes work on a file restored from the run's cache
            directory = tempfile.mkdtemp()
            self.addCleanup(shutil.rmtree, directory)
            self.env.update(DB_NAME='concurrent',
                DB_CACHE=DB_CACHE or directory,
                TRYTOND_DATABASE__PATH=directory)
        else:
            self.addCleanup(self.run_script, 'drop', '')

    def run_script(self, action, arg):
        return subprocess.run(SCRIPT + [action, arg], env=self.env,
            check=True, timeout=600, capture_output=True, text=True).stdout

    def test_writes_do_not_wait_on_platforms(self):
        admin(self.simulator, 'orders', {'shop': 'JD01', 'count': 5})
        self.run_script('prepare', json.dumps([self.simulator.url,
                    'http://127.0.0.1:%d' % closed_port()]))
        self.simulator.state.add_fault('PDD01', 'slow', 2, SLOW)
        downloads = [subprocess.Popen(SCRIPT + ['download', code],
                env=self.env) for code in ['TB01', 'PDD01']]
        try:
            # the downloads are waiting on their platforms by then
            time.sleep(1.5)
            written = json.loads(self.run_script('write', str(SLOW)))
        finally:
            for download in downloads:
                download.wait(timeout=120)
        self.assertEqual([d.returncode for d in downloads], [0, 0])
        self.assertEqual(written['errors'], [])
        self.assertGreater(written['writes'], 5)
        self.assertLess(written['longest'], 1)
        errors = json.loads(self.run_script('report', ''))
        self.assertIn('connection', errors['TB01'])
        self.assertIn('Connection refused', errors['TB01'])
        self.assertEqual(errors['PDD01'], '')
