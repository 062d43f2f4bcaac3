"The platform simulator of devtools/, which the platform tests talk to"
import os
import tempfile
import time
import unittest

from devtools.simulator import Simulator
from trytond.modules.ecom_platforms.tests.simulated import (
    admin, make_client, start_simulator, window)


class SimulatorStateTestCase(unittest.TestCase):
    "The simulator keeps its world across restarts"

    def test_restart_keeps_orders(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'state.json')
            simulator = start_simulator(path)
            created = admin(simulator, 'orders',
                {'shop': 'TB01', 'count': 3})['orders']
            simulator.stop()
            simulator = start_simulator(path)
            try:
                client = make_client(simulator, 'taobao')
                ids = {o['platform_order_id']
                    for o in client.orders_changed(*window())}
                self.assertEqual(ids, {o['id'] for o in created})
                state = admin(simulator, 'state')
                self.assertEqual(state['shops']['TB01']['orders'], 3)
            finally:
                simulator.stop()

    def test_generates_at_rate(self):
        simulator = Simulator(rate=600, seed=3).start('127.0.0.1', 0)
        try:
            time.sleep(1.5)
            state = admin(simulator, 'state')
            total = sum(s['orders'] for s in state['shops'].values())
            self.assertGreater(total, 0)
        finally:
            simulator.stop()
