"""A process killed in the middle of a floor step (building waves, getting
waybill numbers, printing a batch) leaves nothing half-made: run again,
the step makes everything once, no number lost or handed out twice."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from devtools.simulator.server import Simulator
from trytond import backend
from trytond.tests.test_tryton import DB_CACHE

from .kill_floor import PARCELS

COMMAND = [sys.executable, '-m',
    'trytond.modules.ecom_warehouse.tests.kill_floor']


class KillTestCase(unittest.TestCase):

    def setUp(self):
        self.simulator = Simulator(rate=0).start('127.0.0.1', 0)
        self.addCleanup(self.simulator.stop)
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        # the steps' database, restored from the run's cache
        self.env = dict(os.environ, DB_NAME='killfloor',
            DB_CACHE=DB_CACHE or directory)
        if backend.name == 'sqlite':
            self.env.update(TRYTOND_DATABASE_URI='sqlite://',
                TRYTOND_DATABASE__PATH=directory)
        self.addCleanup(self.floor, 'drop')

    def floor(self, action):
        "Run the action to its end; the floor's state after it"
        done = subprocess.run(COMMAND + [action, self.simulator.url],
            env=self.env, check=True, capture_output=True, text=True,
            timeout=900)
        if action != 'drop':
            return json.loads(done.stdout.splitlines()[-1])

    def kill(self, action, pause):
        "Run the step and kill it where it pauses; the floor's state then"
        process = subprocess.Popen(
            COMMAND + [action, self.simulator.url, pause],
            env=self.env, stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(process.stdout.readline().strip(), 'paused')
        finally:
            process.kill()
            process.wait()
            process.stdout.close()
        return self.floor('report')

    def numbers(self):
        "The numbers the waybill service handed out"
        return set(self.simulator.waybill.service('cainiao').numbers)

    def test_killed_steps_run_again(self):
        parcels = self.floor('prepare')['parcels']
        self.assertEqual(len(parcels), PARCELS)

        # killed with the waves built but not committed: no wave
        state = self.kill('wave', 'create_waves')
        self.assertEqual(state['waves'], 0)
        self.assertEqual({p['waves'] for p in state['parcels'].values()},
            {0})
        state = self.floor('wave')
        self.assertEqual(state['waves'], 1)
        self.assertEqual({p['waves'] for p in state['parcels'].values()},
            {1})

        # killed once the service answered: the requests wait, the
        # numbers are taken at the service
        state = self.kill('fetch', 'store')
        for parcel in state['parcels'].values():
            self.assertEqual(parcel['waybills'], [['requested', None]])
        taken = self.numbers()
        self.assertEqual(len(taken), PARCELS)
        # run again, each parcel has the number the service took for it
        state = self.floor('fetch')
        got = []
        for parcel in state['parcels'].values():
            (waybill_state, number), = parcel['waybills']
            self.assertEqual(waybill_state, 'reserved')
            got.append(number)
        self.assertEqual(sorted(got), sorted(taken))
        self.assertEqual(self.numbers(), taken)

        # killed with the batch drawn but not committed: nothing printed
        state = self.kill('print', '_log_job')
        self.assertEqual(state['jobs'], 0)
        for parcel in state['parcels'].values():
            self.assertEqual(parcel['copies'], [])
            self.assertEqual(parcel['waybills'][0][0], 'reserved')
        state = self.floor('print')
        self.assertEqual(state['jobs'], 1)
        for parcel in state['parcels'].values():
            self.assertEqual(parcel['copies'], [1])
            self.assertEqual(parcel['waybills'][0][0], 'printed')
        self.assertEqual(self.numbers(), taken)
