"""Scale drivers over a serial port (pyserial), one class per protocol.

Each driver's ``read()`` asks the scale once (or, for a scale that sends
on its own, takes its next line) and returns a :class:`Reading`, or None
when the scale said nothing that parses (garbage, a partial line, a
timeout).  A port that went away (cable pulled) raises
:class:`DeviceGone`; the agent reopens it when it is back.

Protocols (see FORMATS.md, "Scales"):

- Mettler Toledo 8217: 9600 7E1; ``W`` → ``STX weight [N] CR``, or
  ``STX ? status CR`` in motion, over capacity or under zero; ``Z`` zero,
  ``T`` tare, ``C`` clear.
- MT-SICS: ``SI`` → ``S S <value> <unit>`` (stable) or ``S D`` (dynamic);
  ``S I`` busy, ``S +`` overload, ``S -`` underload, ``ES/ET/EL`` errors.
- Adam: 4800 8N1, ``P CR LF`` → ``<value>kg``.
- Continuous output: the scale sends ``ST,GS,+  4.876kg`` lines on its
  own: ``ST`` stable, ``US`` unstable, ``OL`` overload.
"""
import re
import termios
from dataclasses import dataclass

import serial

# The weight units the scales send, in kilograms
UNITS = {'kg': 1.0, 'g': 0.001, 'lb': 0.45359237, 'oz': 0.028349523125}
STX, CR, LF = b'\x02', b'\r', b'\n'
# Toledo 8217 status bits
MOTION, OVER_CAPACITY, UNDER_ZERO = 0x01, 0x02, 0x04


class DeviceGone(Exception):
    "The port is not there any more (unplugged, cable pulled)"


@dataclass(frozen=True)
class Reading:
    "What the scale said: the weight in kg and its flags"
    weight: float = None
    stable: bool = False
    overload: bool = False
    underload: bool = False
    error: str = None


class SerialDevice:
    "A device on a serial port, read line by line"

    baudrate = 9600
    bytesize = serial.EIGHTBITS
    parity = serial.PARITY_NONE
    stopbits = serial.STOPBITS_ONE
    terminator = CR

    def __init__(self, port, timeout=0.5, **settings):
        self.port_name = port
        self.timeout = timeout
        self.settings = settings
        self.port = None
        self.buffer = b''

    def open(self):
        try:
            self.port = serial.Serial(self.port_name,
                baudrate=self.settings.get('baudrate', self.baudrate),
                bytesize=self.bytesize, parity=self.parity,
                stopbits=self.stopbits, timeout=self.timeout)
        except (serial.SerialException, OSError, termios.error) as error:
            raise DeviceGone(str(error)) from error
        self.buffer = b''
        return self

    def close(self):
        if self.port:
            try:
                self.port.close()
            except (serial.SerialException, OSError):
                pass
        self.port = None

    def write(self, data):
        try:
            self.port.write(data)
            self.port.flush()
        except (serial.SerialException, OSError, termios.error) as error:
            raise DeviceGone(str(error)) from error

    def read_line(self):
        """The next line up to the terminator, without it; None when none
        came within the timeout (a partial line is kept for the next)"""
        while self.terminator not in self.buffer:
            try:
                chunk = self.port.read(max(1, self.port.in_waiting or 1))
            except (serial.SerialException, OSError, TypeError,
                    termios.error) as error:
                raise DeviceGone(str(error)) from error
            if not chunk:
                return None
            self.buffer += chunk
            if len(self.buffer) > 4096:
                # a line that never ends is noise
                self.buffer = self.buffer[-256:]
        line, _, self.buffer = self.buffer.partition(self.terminator)
        return line

    def drain(self):
        "Forget what the device sent before the question"
        try:
            self.port.reset_input_buffer()
        except (serial.SerialException, OSError, termios.error) as error:
            raise DeviceGone(str(error)) from error
        self.buffer = b''


def parse_weight(value, unit='kg'):
    return round(float(value) * UNITS[unit.lower()], 6)


class Toledo8217(SerialDevice):
    "Mettler Toledo 8217 protocol, polled with W"

    bytesize = serial.SEVENBITS
    parity = serial.PARITY_EVEN
    WEIGHT = re.compile(rb'\x02\s*(?P<value>-?[0-9]+(?:\.[0-9]+)?)'
        rb'\s*(?P<unit>kg|lb|g)?\s*N?$', re.IGNORECASE)
    STATUS = re.compile(rb'\x02\?(?P<status>[\x00-\xff])$')

    def __init__(self, port, unit='kg', **settings):
        super().__init__(port, **settings)
        self.unit = unit

    def read(self):
        self.drain()
        self.write(b'W')
        return self.parse(self.read_line())

    def parse(self, line):
        if line is None:
            return None
        # garbage before the frame: it starts at the last STX
        start = line.rfind(STX)
        if start < 0:
            return None
        frame = line[start:]
        match = self.STATUS.match(frame)
        if match:
            status = match['status'][0]
            return Reading(stable=not status & MOTION,
                overload=bool(status & OVER_CAPACITY),
                underload=bool(status & UNDER_ZERO))
        match = self.WEIGHT.match(frame)
        if not match:
            return None
        unit = (match['unit'] or self.unit.encode()).decode().lower()
        return Reading(weight=parse_weight(match['value'], unit),
            stable=True)

    def zero(self):
        self.write(b'Z')

    def tare(self):
        self.write(b'T')

    def clear(self):
        self.write(b'C')


class MtSics(SerialDevice):
    "MT-SICS, polled with SI (at once, stable or dynamic)"

    terminator = LF
    REPLY = re.compile(rb'S\s+(?P<status>[SD])\s+(?P<value>-?[0-9]+'
        rb'(?:\.[0-9]+)?)\s*(?P<unit>[a-z]+)\s*$', re.IGNORECASE)
    # S I: busy or no stable weight in time; S +, S -: over-, underload
    ERROR = re.compile(rb'S\s+(?P<code>[I+-])\s*$')
    # syntax, transmission and logical errors
    SYNTAX = re.compile(rb'(?P<code>E[STL])\s*$')

    def read(self):
        self.drain()
        self.write(b'SI\r\n')
        return self.parse(self.read_line())

    def parse(self, line):
        if line is None:
            return None
        line = line.rstrip(CR)
        match = self.REPLY.search(line)
        if match:
            try:
                weight = parse_weight(match['value'],
                    match['unit'].decode())
            except KeyError:
                return None
            return Reading(weight=weight, stable=match['status'] == b'S')
        match = self.ERROR.search(line)
        if match:
            code = match['code']
            return Reading(overload=code == b'+', underload=code == b'-',
                error='busy' if code == b'I' else None)
        match = self.SYNTAX.search(line)
        if match:
            return Reading(error=match['code'].decode())
        return None

    def zero(self):
        self.write(b'Z\r\n')


class Adam(SerialDevice):
    "Adam scales, polled with P; the reply carries no stable flag"

    baudrate = 4800
    terminator = LF
    REPLY = re.compile(rb'(?P<sign>-?)\s*(?P<value>[0-9]+(?:\.[0-9]+)?)\s*'
        rb'(?P<unit>kg|g|lb)\s*$', re.IGNORECASE)

    def read(self):
        self.drain()
        self.write(b'P\r\n')
        return self.parse(self.read_line())

    def parse(self, line):
        if line is None:
            return None
        match = self.REPLY.search(line.rstrip(CR))
        if not match:
            return None
        weight = parse_weight(match['sign'] + match['value'],
            match['unit'].decode())
        return Reading(weight=weight, stable=True)


class Continuous(SerialDevice):
    "A scale that sends its weight on its own, line after line"

    terminator = LF
    LINE = re.compile(rb'(?P<state>ST|US|OL)\s*,\s*(?:GS|NT|TR)?\s*,?'
        rb'(?P<rest>.*)$', re.IGNORECASE)
    VALUE = re.compile(rb'^\s*(?P<sign>[+-]?)\s*(?P<value>[0-9]+'
        rb'(?:\.[0-9]+)?)\s*(?P<unit>kg|g|lb)?\s*$', re.IGNORECASE)

    def read(self):
        return self.parse(self.read_line())

    def parse(self, line):
        if line is None:
            return None
        match = self.LINE.search(line.rstrip(CR))
        if not match:
            return None
        if match['state'].upper() == b'OL':
            return Reading(overload=True)
        value = self.VALUE.match(match['rest'])
        if not value:
            return None
        sign = b'-' if value['sign'] == b'-' else b''
        weight = parse_weight(sign + value['value'],
            (value['unit'] or b'kg').decode())
        return Reading(weight=weight,
            stable=match['state'].upper() == b'ST')


DRIVERS = {
    'toledo_8217': Toledo8217,
    'mt_sics': MtSics,
    'adam': Adam,
    'continuous': Continuous,
    }


class StableWeight:
    """A parcel's weight: the scale marks it stable and the same value
    (within ``tolerance`` kg) was read ``reads`` times in a row.  Once a
    parcel's weight is taken, none is taken again until the scale goes
    back under ``empty`` kg (the parcel was lifted off), so the same
    weight is never taken for two parcels."""

    def __init__(self, reads=5, tolerance=0.005, empty=0.02):
        self.reads = reads
        self.tolerance = tolerance
        self.empty = empty
        self.window = []
        self.taken = False
        self.loaded = False

    @property
    def settling(self):
        "Whether a parcel lies on the scale and its weight is not taken yet"
        return self.loaded and not self.taken

    def feed(self, reading):
        "Take one reading; return the parcel's weight when it is stable"
        if reading is None:
            return None
        if (reading.weight is None or reading.overload
                or reading.underload or reading.error):
            self.window = []
            return None
        self.loaded = reading.weight >= self.empty
        if not self.loaded:
            self.window = []
            self.taken = False
            return None
        if not reading.stable:
            self.window = []
            return None
        if self.window and abs(reading.weight - self.window[0]) > (
                self.tolerance):
            self.window = []
        self.window.append(reading.weight)
        if self.taken or len(self.window) < self.reads:
            return None
        self.taken = True
        return round(sum(self.window) / len(self.window), 3)
