"""Label printers: raw TCP (port 9100, ZPL/TSPL) and CUPS (``lp``).

A printer's ``print(data, output)`` returns when the printer took the
bytes, or raises :class:`PrinterError` with the reason and the device
state to report (``error``, ``offline``, ``paper_out``)."""
import re
import socket
import subprocess


class PrinterError(Exception):

    def __init__(self, message, state='error'):
        super().__init__(message)
        self.state = state


class RawTcpPrinter:
    "A printer that takes its language's bytes on a TCP port (9100)"

    def __init__(self, address, timeout=10):
        host, _, port = address.rpartition(':')
        self.host, self.port = (host, int(port)) if host else (
            address, 9100)
        self.timeout = timeout

    def print(self, data, output='zpl'):
        try:
            with socket.create_connection((self.host, self.port),
                    timeout=self.timeout) as connection:
                connection.sendall(data)
                connection.shutdown(socket.SHUT_WR)
        except OSError as error:
            raise PrinterError('%s:%s: %s' % (self.host, self.port,
                    error.strerror or error), state='offline') from error


class CupsPrinter:
    """A CUPS queue, ``queue`` or ``queue@host:port`` for another server
    than the box's own: ZPL and TSPL go raw (``-o raw``), else a driver
    would print the commands as text; PDF goes through the queue's
    driver"""

    JOB = re.compile(r'request id is (?P<job>\S+)')

    def __init__(self, address, lp='lp', timeout=30):
        self.queue, _, self.server = address.partition('@')
        self.lp = lp
        self.timeout = timeout

    def print(self, data, output='pdf'):
        # -h before -d: lp looks the queue up on the server named before
        command = [self.lp] + (['-h', self.server] if self.server else [])
        command += ['-d', self.queue]
        if output in {'zpl', 'tspl'}:
            command += ['-o', 'raw']
        try:
            result = subprocess.run(command + ['-'], input=data,
                capture_output=True, timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PrinterError('lp: %s' % error) from error
        if result.returncode:
            message = result.stderr.decode('utf-8', 'replace').strip()
            raise PrinterError('%s: %s' % (self.queue, message or 'lp failed'),
                state='paper_out' if 'paper' in message.lower()
                else 'error')
        match = self.JOB.search(result.stdout.decode('utf-8', 'replace'))
        return match['job'] if match else None


DRIVERS = {
    'raw_tcp': RawTcpPrinter,
    'cups': CupsPrinter,
    }
