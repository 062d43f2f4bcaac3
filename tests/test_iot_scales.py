"""The box's scale drivers against pseudo-terminal scales that speak each
protocol byte for byte: garbage and parity noise on the line, a cable
pulled mid-line, motion then stable, overload; the stable-weight rule;
serial scanners; a TCP listener standing in for a 9100 label printer."""
import json
import os
import select
import shutil
import socket
import tempfile
import threading
import time
import tty
import unittest

from ecom_iot_agent import printers, scales, scanners


class PtyScale:
    """A scale on the master side of a pseudo-terminal: each command it
    receives is answered with the next reply; what it received is kept"""

    def __init__(self, command, replies):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.name = os.ttyname(self.slave)
        self.command = command
        self.replies = list(replies)
        self.received = b''
        self.closed = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        pending = b''
        while not self.closed:
            if not select.select([self.master], [], [], 0.02)[0]:
                continue
            try:
                data = os.read(self.master, 64)
            except OSError:
                return
            self.received += data
            pending += data
            while self.command in pending and self.replies:
                _, _, pending = pending.partition(self.command)
                reply = self.replies.pop(0)
                if reply is None:
                    # the cable is pulled: half a line, then nothing
                    self.closed = True
                    os.close(self.master)
                    return
                os.write(self.master, reply)

    def send(self, data):
        os.write(self.master, data)

    def close(self):
        "Pull the cable"
        if not self.closed:
            self.closed = True
            self.thread.join()
            os.close(self.master)

    def stop(self):
        self.close()
        os.close(self.slave)


class ScaleCase(unittest.TestCase):

    def scale(self, driver, command, replies, **settings):
        fake = PtyScale(command, replies)
        self.addCleanup(fake.stop)
        device = driver(fake.name, timeout=0.3, **settings).open()
        self.addCleanup(device.close)
        return fake, device

    def readings(self, device, count):
        return [device.read() for _ in range(count)]


class Toledo8217TestCase(ScaleCase):

    def test_weight_status_and_garbage(self):
        "W is answered with the weight, or with the status byte"
        fake, scale = self.scale(scales.Toledo8217, b'W', [
                b'\x02?\x41\r',                 # 0x40 | motion
                b'\x93\xff\x1bjunk\x02  1.234N\r',  # noise, then a frame
                b'\x02  2.500\r',
                b'\x02?\x42\r',                 # over capacity
                b'\x02?\x44\r',                 # under zero
                b'\x02  1.2x\r',                # not a weight
                ])
        motion, noisy, plain, over, under, bad = self.readings(scale, 6)
        self.assertEqual(fake.received, b'W' * 6)
        self.assertEqual((motion.weight, motion.stable), (None, False))
        self.assertEqual((noisy.weight, noisy.stable), (1.234, True))
        self.assertEqual(plain.weight, 2.5)
        self.assertTrue(over.overload)
        self.assertTrue(under.underload)
        self.assertIsNone(bad)
        self.assertEqual(scale.port.bytesize, 7)
        self.assertEqual(scale.port.parity, 'E')

    def test_zero_tare_clear(self):
        fake, scale = self.scale(scales.Toledo8217, b'\xff', [])
        scale.zero()
        scale.tare()
        scale.clear()
        time.sleep(0.2)
        self.assertEqual(fake.received, b'ZTC')

    def test_cable_pulled_mid_line(self):
        "Half a frame, then the port is gone: DeviceGone, not a weight"
        fake, scale = self.scale(scales.Toledo8217, b'W',
            [b'\x02  1.234\r'])
        self.assertEqual(scale.read().weight, 1.234)
        fake.replies = [None]
        fake.send(b'\x02  3.')
        with self.assertRaises(scales.DeviceGone):
            for _ in range(3):
                self.assertIsNone(scale.read())

    def test_no_answer_is_none(self):
        _, scale = self.scale(scales.Toledo8217, b'W', [])
        self.assertIsNone(scale.read())


class MtSicsTestCase(ScaleCase):

    def test_stable_dynamic_and_errors(self):
        fake, scale = self.scale(scales.MtSics, b'SI\r\n', [
                b'S D      0.812 kg\r\n',
                b'\xf0\x0fS S    100.00 g\r\n',
                b'S S      1.230 kg\r\n',
                b'S I\r\n',
                b'S +\r\n',
                b'S -\r\n',
                b'ES\r\n',
                b'EL\r\n',
                b'#&*\r\n',
                ])
        (dynamic, grams, stable, busy, over, under, syntax, logical,
            garbage) = self.readings(scale, 9)
        self.assertEqual(fake.received, b'SI\r\n' * 9)
        self.assertEqual((dynamic.weight, dynamic.stable), (0.812, False))
        self.assertEqual((grams.weight, grams.stable), (0.1, True))
        self.assertEqual((stable.weight, stable.stable), (1.23, True))
        self.assertEqual((busy.error, busy.weight), ('busy', None))
        self.assertTrue(over.overload)
        self.assertTrue(under.underload)
        self.assertEqual((syntax.error, logical.error), ('ES', 'EL'))
        self.assertIsNone(garbage)

    def test_zero(self):
        fake, scale = self.scale(scales.MtSics, b'\xff', [])
        scale.zero()
        time.sleep(0.2)
        self.assertEqual(fake.received, b'Z\r\n')


class AdamTestCase(ScaleCase):

    def test_print_command(self):
        fake, scale = self.scale(scales.Adam, b'P\r\n', [
                b'    2.500kg\r\n', b'\x00\x8e  0.750 kg\r\n',
                b'  -0.010kg\r\n', b'Err 4\r\n'])
        weights = [r.weight if r else None for r in self.readings(scale, 4)]
        self.assertEqual(weights, [2.5, 0.75, -0.01, None])
        self.assertEqual(fake.received, b'P\r\n' * 4)
        self.assertEqual(scale.port.baudrate, 4800)


class ContinuousTestCase(ScaleCase):

    def test_motion_then_stable_then_overload(self):
        "The scale sends on its own; noise and half lines are skipped"
        fake, scale = self.scale(scales.Continuous, b'\xff', [])
        fake.send(b'4.8\r\n'                      # a line joined late
            b'US,GS,+  4.800kg\r\n'
            b'\x8f\xa3ST,GS,+  4.8\x00\r\n'       # parity noise
            b'ST,GS,+  4.876kg\r\n'
            b'ST,NT,-  0.004kg\r\n'
            b'OL,GS,+  --.---kg\r\n')
        readings = self.readings(scale, 6)
        self.assertIsNone(readings[0])
        self.assertEqual((readings[1].weight, readings[1].stable),
            (4.8, False))
        self.assertIsNone(readings[2])
        self.assertEqual((readings[3].weight, readings[3].stable),
            (4.876, True))
        self.assertEqual(readings[4].weight, -0.004)
        self.assertTrue(readings[5].overload)

    def test_cable_pulled_mid_line(self):
        fake, scale = self.scale(scales.Continuous, b'\xff', [])
        fake.send(b'ST,GS,+  1.000kg\r\nST,GS,+  1.0')
        self.assertEqual(scale.read().weight, 1.0)
        fake.close()
        with self.assertRaises(scales.DeviceGone):
            scale.read()


def reading(weight, stable=True, **flags):
    return scales.Reading(weight=weight, stable=stable, **flags)


class StableWeightTestCase(unittest.TestCase):

    def test_stable_weight(self):
        "Stable flag and N reads within ±d; once per parcel"
        cases = [
            ("motion, then five stable reads", [
                    reading(1.1, False), reading(1.234, False)]
                + [reading(1.234)] * 4 + [reading(1.236)], [1.234]),
            ("a read out of tolerance starts over", [
                    reading(1.0), reading(1.0), reading(1.2)]
                + [reading(1.2)] * 3 + [reading(1.201)], [1.2]),
            ("the same parcel is weighed once", [reading(2.0)] * 12, [2.0]),
            ("two parcels of the same weight: lifted off between",
                [reading(2.0)] * 5 + [reading(0.0)] * 2
                + [reading(2.0)] * 5, [2.0, 2.0]),
            ("overload and errors break the run", [reading(3.0)] * 4
                + [scales.Reading(overload=True)] + [reading(3.0)] * 4
                + [None, scales.Reading(error='busy')], []),
            ]
        for name, readings, expected in cases:
            with self.subTest(name):
                stable = scales.StableWeight(reads=5, tolerance=0.005)
                weights = [w for w in map(stable.feed, readings)
                    if w is not None]
                self.assertEqual(weights, expected)


    def test_settling_while_a_parcel_waits(self):
        "Settling from the parcel's first reading until its weight is taken"
        stable = scales.StableWeight(reads=3, tolerance=0.005)
        states = []
        for item in [reading(0.0), reading(1.5, False)] + [reading(1.5)] * 3 \
                + [reading(1.5), reading(0.0)]:
            stable.feed(item)
            states.append(stable.settling)
        self.assertEqual(states,
            [False, True, True, True, False, False, False])


class ScaleLoopTestCase(ScaleCase):
    "The agent's loop on a polled scale"

    def test_settling_parcel_is_read_without_waiting_the_interval(self):
        """The parcel's stable reads come one after another: its weight is
        reported well before reads × interval"""
        from ecom_iot_agent.agent import Agent
        empty, parcel = b'\x02  0.000\r', b'\x02  1.250\r'
        fake = PtyScale(b'W', [empty] * 2 + [parcel] * 20 + [empty] * 50)
        self.addCleanup(fake.stop)
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        agent = Agent({'url': 'http://127.0.0.1:9', 'database': 'none',
                'key': 'iot_none',
                'buffer': os.path.join(directory, 'buffer.sqlite'),
                'devices': {'scale': {'driver': 'toledo_8217',
                        'port': fake.name, 'reads': '5',
                        'interval': '0.5'}}})
        self.addCleanup(agent.stop)
        threading.Thread(target=agent.run_scale,
            args=('scale', agent.config['devices']['scale']),
            daemon=True).start()
        deadline = time.monotonic() + 10
        while b'W' * 3 not in fake.received:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.005)
        # the scale answered the parcel's first read
        start = time.monotonic()
        while not [r for r in self.reports(agent) if r[1] == '/weight']:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.005)
        self.assertLess(time.monotonic() - start, 2 * 0.5)
        (_, _, body), = [r for r in self.reports(agent)
            if r[1] == '/weight']
        self.assertEqual((body['value'], body['stable']), (1.25, True))

    def reports(self, agent):
        with agent.outbox.lock:
            rows = agent.outbox.connection.execute(
                'SELECT seq, path, body FROM report').fetchall()
        return [(seq, path, json.loads(body)) for seq, path, body in rows]


class SerialScannerTestCase(ScaleCase):

    def test_codes_one_per_line(self):
        fake, scanner = self.scale(scanners.SerialScanner, b'\xff', [])
        fake.send(b'ZT7731000001\r\n6901234567892\r\x00\r')
        codes = [scanner.read() for _ in range(3)]
        self.assertEqual(codes, ['ZT7731000001', '6901234567892', None])


class RawTcpPrinterTestCase(unittest.TestCase):

    def test_zpl_reaches_port_9100_listener(self):
        "A listener standing in for the printer gets the ZPL as sent"
        listener = socket.create_server(('127.0.0.1', 0))
        self.addCleanup(listener.close)
        received = []

        def serve():
            connection, _ = listener.accept()
            with connection:
                data = b''
                while chunk := connection.recv(4096):
                    data += chunk
                received.append(data)
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        zpl = ('^XA^CI28^PW800^LL1200^FO40,40^A@N,40,40^FD杭州市西湖区^FS'
            '^FO40,120^BCN,120,Y,N,N^FD7731000001^FS^XZ').encode('utf-8')
        port = listener.getsockname()[1]
        printers.RawTcpPrinter('127.0.0.1:%d' % port).print(zpl)
        thread.join(5)
        self.assertEqual(received, [zpl])
        self.assertTrue(received[0].startswith(b'^XA^CI28'))

    def test_printer_away(self):
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        printer = printers.RawTcpPrinter('127.0.0.1:%d' % port, timeout=1)
        with self.assertRaises(printers.PrinterError) as raised:
            printer.print(b'^XA^XZ')
        self.assertEqual(raised.exception.state, 'offline')
        self.assertIn('Connection refused', str(raised.exception))


class KeyboardScannerTestCase(unittest.TestCase):

    def test_codes_typed_into_a_terminal(self):
        "A keyboard-wedge scanner types each code and Enter"
        master, slave = os.openpty()
        tty.setraw(slave)
        self.addCleanup(os.close, slave)
        scanner = scanners.KeyboardScanner(os.ttyname(slave)).open()
        self.addCleanup(scanner.close)
        os.write(master, b'ZT7731000002\r\n')
        self.assertEqual(scanner.read(), 'ZT7731000002')
        os.close(master)
        with self.assertRaises(scales.DeviceGone):
            scanner.read()
