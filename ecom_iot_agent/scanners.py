"""Barcode scanners: serial ones (a code per line) and keyboard-wedge
ones, read from the terminal or input device file they type into."""
from .scales import CR, LF, DeviceGone, SerialDevice


class SerialScanner(SerialDevice):
    "A scanner on a serial port: each code ends with CR (and LF)"

    terminator = CR

    def read(self):
        "The next code scanned, or None"
        line = self.read_line()
        if line is None:
            return None
        code = line.strip(LF + CR + b' \x00').decode('utf-8', 'replace')
        return code or None


class KeyboardScanner:
    "A keyboard-wedge scanner typing into a terminal or a pipe"

    def __init__(self, port, **settings):
        self.port_name = port
        self.file = None

    def open(self):
        try:
            self.file = open(self.port_name, 'rb', buffering=0)
        except OSError as error:
            raise DeviceGone(str(error)) from error
        return self

    def close(self):
        if self.file:
            self.file.close()
        self.file = None

    def read(self):
        line = b''
        while not line.endswith(LF):
            try:
                char = self.file.read(1)
            except OSError as error:
                raise DeviceGone(str(error)) from error
            if not char:
                raise DeviceGone('%s closed' % self.port_name)
            line += char
        return line.strip().decode('utf-8', 'replace') or None


DRIVERS = {
    'serial_scanner': SerialScanner,
    'keyboard': KeyboardScanner,
    }
