"""The box prints on a real CUPS queue: a private cupsd with a raw queue
whose device is a socket printer (a listener standing in for a 9100
printer) gets the ZPL byte for byte; an unknown queue is a
printer error.  Debian's cups is installed when missing; when it cannot
be, the test is skipped and says why."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from devtools.simulator.printer import RawPrinter
from ecom_iot_agent import printers

CUPSD = '/usr/sbin/cupsd'
SOCKET_BACKEND = '/usr/lib/cups/backend/socket'


def install_cups():
    "None when cupsd and lp are there (installing them), else why not"
    if all(map(os.path.exists, [CUPSD, SOCKET_BACKEND])) and shutil.which(
            'lpadmin'):
        return None
    if os.geteuid() != 0:
        return "Debian cups is not installed and installing it needs root"
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for command in [['apt-get', 'update', '-qq'], ['apt-get', 'install',
                '-y', '-qq', '--no-install-recommends', 'cups']]:
        try:
            result = subprocess.run(command, env=env, capture_output=True,
                text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as error:
            return "cannot install Debian cups: %s" % error
        if result.returncode:
            return "cannot install Debian cups: %s" % (
                result.stderr.strip().splitlines() or ['failed'])[-1]
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class CupsTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        reason = install_cups()
        if reason:
            raise unittest.SkipTest(reason)
        cls.directory = tempfile.mkdtemp()
        os.chmod(cls.directory, 0o755)
        cls.printer = RawPrinter()
        for name in ['spool', 'tmp', 'state', 'cache', 'ppd']:
            os.mkdir(os.path.join(cls.directory, name))
        cls.port = free_port()
        cls.server = '127.0.0.1:%d' % cls.port
        with open(os.path.join(cls.directory, 'cupsd.conf'), 'w') as conf:
            conf.write('Listen %s\nLogLevel warn\nWebInterface No\n'
                'Browsing Off\n<Location />\nOrder allow,deny\nAllow all\n'
                '</Location>\n<Location /admin>\nOrder allow,deny\n'
                'Allow all\n</Location>\n'
                '<Policy default>\n<Limit All>\nOrder allow,deny\n'
                'Allow all\n</Limit>\n</Policy>\n' % cls.server)
        with open(os.path.join(cls.directory, 'cups-files.conf'),
                'w') as conf:
            conf.write('ServerRoot {d}\nRequestRoot {d}/spool'
                '\nTempDir {d}/tmp\nStateDir {d}/state\nCacheDir {d}/cache'
                '\nErrorLog {d}/error_log\nAccessLog {d}/access_log\n'
                'PageLog {d}/page_log\nSystemGroup root\n'.format(
                    d=cls.directory))
        cls.cupsd = subprocess.Popen([CUPSD, '-f',
                '-c', os.path.join(cls.directory, 'cupsd.conf'),
                '-s', os.path.join(cls.directory, 'cups-files.conf')],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(('127.0.0.1', cls.port), 1).close()
                break
            except OSError:
                time.sleep(0.2)
        subprocess.run(['lpadmin', '-h', cls.server, '-p', 'zebra', '-E',
                '-v', 'socket://127.0.0.1:%d' % (
                    cls.printer.port)],
            check=True, timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.cupsd.terminate()
        cls.cupsd.wait(30)
        cls.printer.close()
        shutil.rmtree(cls.directory, ignore_errors=True)

    def test_raw_queue_gets_the_zpl(self):
        zpl = ('^XA^CI28^PW800^LL1200^FO40,40^A@N,40,40^FD杭州^FS'
            '^FO40,120^BCN,120,Y,N,N^FD7731000001^FS^XZ').encode('utf-8')
        printer = printers.CupsPrinter('zebra@' + self.server)
        job = printer.print(zpl, 'zpl')
        self.assertTrue(job.startswith('zebra-'), job)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.printer.received:
            time.sleep(0.2)
        self.assertEqual(self.printer.received, [zpl])

    def test_unknown_queue_is_a_printer_error(self):
        printer = printers.CupsPrinter('nowhere@' + self.server)
        with self.assertRaises(printers.PrinterError) as raised:
            printer.print(b'^XA^XZ', 'zpl')
        self.assertIn('nowhere', str(raised.exception))
