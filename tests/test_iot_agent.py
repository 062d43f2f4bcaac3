"""The packing station end to end: the real ``ecom-iot-agent`` process on a
pseudo-terminal scale and scanner and a TCP 9100 printer stand-in,
against a real trytond server.

The packer scans the waybill and the item, puts the parcel on the scale:
its stable weight lands on the shipment, the warehouse's weight check
lets it go, it ships and its waybill prints on the station's printer; its
packing slip prints on the slip printer only when its shop prints slips.
With the server stopped, the agent keeps what it reports on disk and
delivers it once, in order, when the server is back; a scanner pulled
out and plugged in again is reopened."""
import base64
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import tty
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from devtools.simulator.printer import RawPrinter
from devtools.simulator.server import Simulator
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = 'station-e2e-pw'
LOGS = ROOT / 'var' / 'log'


class Pty:
    "A serial device on the master side of a pseudo-terminal"

    def __init__(self, link):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.link = link
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.ttyname(self.slave), link)

    def send(self, data):
        os.write(self.master, data)
        # the agent's questions, if any, are not needed
        while select.select([self.master], [], [], 0)[0]:
            os.read(self.master, 1024)

    def unplug(self):
        os.close(self.master)
        os.close(self.slave)
        os.unlink(self.link)


def wait_for(condition, timeout=60, message=''):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError('timed out: %s' % message)


class StationEndToEndTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp()
        cls.simulator = Simulator(rate=0).start('127.0.0.1', 0)
        cls.printer = RawPrinter()
        cls.slip_printer = RawPrinter()
        cls.database = 'station_e2e_%d' % os.getpid()
        uri = os.environ.get('TRYTOND_DATABASE_URI', 'sqlite://')
        cache = os.environ.get('DB_CACHE') or os.path.join(
            cls.directory, 'cache')
        cls.env = dict(os.environ, DB_NAME=cls.database, DB_CACHE=cache,
            TRYTOND_DATABASE_URI=uri, TRYTOND_DATABASE__URI=uri,
            TRYTOND_DATABASE__PATH=cls.directory)
        cls.env.pop('TRYTOND_CONFIG', None)
        prepared = subprocess.run([sys.executable, '-m',
                'trytond.modules.ecom_iot.tests.station_server',
                cls.simulator.url, cls.printer.address, PASSWORD,
                cls.slip_printer.address],
            env=cls.env, check=True, capture_output=True, text=True,
            timeout=900)
        cls.station = json.loads(prepared.stdout.strip().splitlines()[-1])
        cls.port = free_port()
        cls.url = 'http://127.0.0.1:%d' % cls.port
        cls.server = None

    @classmethod
    def tearDownClass(cls):
        cls.stop_server()
        cls.simulator.stop()
        cls.printer.close()
        cls.slip_printer.close()
        shutil.rmtree(cls.directory, ignore_errors=True)

    @classmethod
    def start_server(cls):
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / 'iot-e2e-trytond.log', 'a')
        cls.server = subprocess.Popen([str(BIN / 'trytond'),
                '-d', cls.database],
            env=dict(cls.env, TRYTOND_WEB__LISTEN='127.0.0.1:%d' % cls.port),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def up():
            try:
                urllib.request.urlopen(cls.url + '/', timeout=1)
            except urllib.error.HTTPError:
                return True
            except OSError:
                if cls.server.poll() is not None:
                    raise AssertionError('trytond stopped')
                return False
            return True
        wait_for(up, 120, 'trytond')
        cls.session = None

    @classmethod
    def stop_server(cls):
        if cls.server and cls.server.poll() is None:
            os.killpg(cls.server.pid, signal.SIGTERM)
            cls.server.wait(30)
        cls.server = None

    def rpc(self, method, *params):
        "Call the server over JSON-RPC as the admin, as the web client does"
        headers = {'Content-Type': 'application/json'}
        if method != 'common.db.login':
            if not self.__class__.session:
                user_id, session = self.rpc('common.db.login', 'admin',
                    {'password': PASSWORD}, 'en')[:2]
                self.__class__.session = base64.b64encode(('admin:%s:%s' % (
                            user_id, session)).encode()).decode()
            headers['Authorization'] = 'Session ' + self.session
        request = urllib.request.Request(
            '%s/%s/rpc/' % (self.url, self.database),
            data=json.dumps({'id': 1, 'method': method,
                    'params': list(params)}).encode(), headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        self.assertNotIn('error', answer)
        return answer['result']

    def read(self, model, ids, fields):
        return self.rpc('model.%s.read' % model, ids, fields, {})

    def start_agent(self, name):
        directory = os.path.join(self.directory, name)
        os.makedirs(directory)
        self.scale = Pty(os.path.join(directory, 'scale'))
        self.scanner = Pty(os.path.join(directory, 'scanner'))
        config = os.path.join(directory, 'agent.conf')
        with open(config, 'w') as file:
            file.write('[server]\nurl = %s\ndatabase = %s\nkey = %s\n\n'
                '[agent]\nbuffer = %s\n\n'
                '[device scale]\ndriver = continuous\nport = %s\n'
                'reads = 5\n\n'
                '[device scanner]\ndriver = serial_scanner\nport = %s\n\n'
                '[device zebra]\ndriver = raw_tcp\naddress = %s\n\n'
                '[device laser]\ndriver = raw_tcp\naddress = %s\n' % (
                    self.url, self.database, self.station['key'],
                    os.path.join(directory, 'buffer.sqlite'),
                    self.scale.link, self.scanner.link,
                    self.printer.address, self.slip_printer.address))
        log = open(LOGS / ('iot-e2e-agent-%s.log' % name), 'w')
        agent = subprocess.Popen([str(BIN / 'ecom-iot-agent'), '-c', config,
                '-v'], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.addCleanup(self.stop_agent, agent, log)
        return agent, os.path.join(directory, 'buffer.sqlite')

    def stop_agent(self, agent, log):
        if agent.poll() is None:
            os.killpg(agent.pid, signal.SIGTERM)
            agent.wait(30)
        log.close()
        for device in [self.scale, self.scanner]:
            if os.path.lexists(device.link):
                device.unplug()

    def device_states(self):
        devices = self.rpc('model.ecom.iot.device.search_read', [], 0, None,
            None, ['code', 'state'], {})
        return {d['code']: d['state'] for d in devices}

    def wait_online(self, *codes):
        "Until the agent opened the devices (what came before is lost)"
        wait_for(lambda: all(self.device_states()[c] == 'online'
                for c in codes), 30, 'devices online')

    def pack(self, parcel):
        "Scan the waybill and the item, then the parcel lies on the scale"
        self.scanner.send(parcel['waybill'].encode() + b'\r\n')
        time.sleep(0.3)
        self.scanner.send(self.station['item'].encode() + b'\r\n')
        time.sleep(0.3)
        line = b'ST,GS,+%8.3fkg\r\n' % parcel['expected']
        for reading in [b'US,GS,+  0.350kg\r\n'] + [line] * 8:
            self.scale.send(reading)
            time.sleep(0.05)

    def labels(self, parcel):
        return [data for data in self.printer.received
            if parcel['waybill'].encode() in data]

    def printed_jobs(self, parcel):
        "The station's print jobs of the parcel once all are printed"
        def printed():
            jobs = self.rpc('model.ecom.iot.print_job.search_read',
                [('shipment', '=', parcel['id'])], 0, None, None,
                ['state', 'printer.code', 'job'], {})
            if jobs and all(j['state'] == 'done' for j in jobs):
                return jobs
        return wait_for(printed, 30, 'the acknowledgements')

    def slips(self):
        "The documents the slip printer received"
        return self.slip_printer.received

    def shipment(self, parcel):
        shipment, = self.read('stock.shipment.out', [parcel['id']],
            ['state', 'ecom_weight', 'ecom_weight_state'])
        return shipment

    def test_1_weight_lands_and_waybill_prints(self):
        "Scan, weigh: the parcel ships and its waybill prints by itself"
        self.start_server()
        self.start_agent('flow')
        self.wait_online('scale', 'scanner')
        parcel = self.station['parcels'][0]
        self.pack(parcel)
        label, = wait_for(lambda: self.labels(parcel), 60, 'the label')
        self.assertTrue(label.startswith(b'^XA'))
        self.assertIn(b'^PW800', label)
        shipment = self.shipment(parcel)
        self.assertEqual((shipment['state'], shipment['ecom_weight_state']),
            ('done', 'ok'))
        self.assertAlmostEqual(shipment['ecom_weight'], parcel['expected'],
            places=3)
        box, = self.read('ecom.iot.box', [self.station['box']],
            ['message', 'ok', 'last_contact'])
        self.assertTrue(box['ok'], box['message'])
        self.assertTrue(box['last_contact'])
        # the shop prints no packing slips: the waybill is all
        jobs = self.printed_jobs(parcel)
        self.assertEqual([j['printer.']['code'] for j in jobs], ['zebra'])
        time.sleep(1)
        self.assertEqual(len(self.labels(parcel)), 1)
        self.assertEqual(self.slips(), [])

    def test_2_server_down_reports_wait_on_disk(self):
        """The server stops while the packer works: the agent keeps the
        scans and the weight on disk, and once the server is back they
        arrive once, in order, and the waybill prints once"""
        if not self.server:
            self.start_server()
        agent, buffer = self.start_agent('down')
        parcel = self.station['parcels'][1]
        self.wait_online('scale', 'scanner')

        # the scanner's cable is pulled and plugged in again
        self.scanner.unplug()
        time.sleep(1.5)
        self.scanner = Pty(self.scanner.link)
        wait_for(lambda: 'reopened' if 'device scanner: online' in (
                LOGS / 'iot-e2e-agent-down.log').read_text().split(
                'device scanner: offline', 1)[-1] else None, 30,
            'scanner reopened')

        self.stop_server()
        self.pack(parcel)
        wait_for(lambda: sqlite3.connect(buffer).execute(
                "SELECT 1 FROM report WHERE path = '/weight'").fetchall(),
            10, 'the weight in the buffer')
        waiting = [p for p, in sqlite3.connect(buffer).execute(
                'SELECT path FROM report ORDER BY seq').fetchall()]
        # (device states reported meanwhile may wait beside them)
        self.assertEqual([p for p in waiting if p != '/device'],
            ['/scan', '/scan', '/weight'])
        self.assertEqual(self.labels(parcel), [])

        self.start_server()
        label, = wait_for(lambda: self.labels(parcel), 90, 'the label')
        wait_for(lambda: not sqlite3.connect(buffer).execute(
                'SELECT COUNT(*) FROM report').fetchone()[0], 30,
            'the buffer emptied')
        shipment = self.shipment(parcel)
        self.assertEqual(shipment['state'], 'done')
        time.sleep(1)
        self.assertEqual(len(self.labels(parcel)), 1)
        self.assertEqual(self.device_states()['scanner'], 'online')

    def test_3_packing_slip_prints_when_the_shop_says(self):
        """The shop prints packing slips: the parcel's slip arrives at the
        station's slip printer beside its waybill, once"""
        if not self.server:
            self.start_server()
        self.rpc('model.ecom.shop.write', [self.station['shop']],
            {'ecom_print_slip': 'print'}, {})
        self.start_agent('slip')
        # the devices are online from the agents before: until this one
        # opened them, what they send is lost
        wait_for(lambda: all('device %s: online' % code in (
                    LOGS / 'iot-e2e-agent-slip.log').read_text()
                for code in ['scale', 'scanner']), 30, 'devices opened')
        parcel = self.station['parcels'][2]
        self.pack(parcel)
        wait_for(lambda: self.labels(parcel), 60, 'the label')
        slip, = wait_for(self.slips, 30, 'the packing slip')
        self.assertTrue(slip.startswith(b'%PDF'))
        jobs = {j['printer.']['code']: j for j in self.printed_jobs(parcel)}
        self.assertEqual(sorted(jobs), ['laser', 'zebra'])
        document, = self.read('ecom.print.job', [jobs['laser']['job']],
            ['kind', 'data'])
        self.assertEqual(document['kind'], 'packing_slip')
        self.assertEqual(base64.b64decode(document['data']['base64']), slip)
        time.sleep(1)
        self.assertEqual(len(self.slips()), 1)
        self.assertEqual(len(self.labels(parcel)), 1)
