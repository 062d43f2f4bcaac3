"""The agent: one thread per device, one that delivers the outbox in order
and one that long-polls the print jobs.

Every report (weight, scan, device state, job acknowledgement) goes
through the outbox, so a report made while the server is away waits on
disk and is delivered once it is back, in order; the agent retries with
a backoff doubling up to ``BACKOFF_MAX`` seconds.  A device that goes
away is reported offline and reopened every ``REOPEN_INTERVAL`` seconds.
"""
import base64
import configparser
import logging
import os
import threading

from . import printers, scales, scanners
from .outbox import Outbox
from .server import Server, ServerAway

logger = logging.getLogger('ecom_iot_agent')

BACKOFF_MIN, BACKOFF_MAX = 0.5, 30
REOPEN_INTERVAL = 1.0
# Seconds between the questions to a polled scale while a parcel settles
# on it (``interval`` when it is empty or its weight was taken)
SETTLE_INTERVAL = 0.03
LONG_POLL = 30
# Answers after which a report is kept for later: refused key, too many
# calls; any other answer is final (a bad report must not block the rest)
RETRY_STATUSES = {401, 408, 429}


def load_config(path):
    """The agent's configuration file (INI): ``[server]`` url, database,
    key; ``[agent]`` buffer; one ``[device CODE]`` section per device with
    its driver and port or address"""
    parser = configparser.ConfigParser()
    if not parser.read(path, encoding='utf-8'):
        raise SystemExit('cannot read %s' % path)
    config = {
        'url': parser.get('server', 'url'),
        'database': parser.get('server', 'database'),
        'key': parser.get('server', 'key'),
        'buffer': parser.get('agent', 'buffer',
            fallback=os.path.join(os.path.dirname(os.path.abspath(path)),
                'ecom-iot-agent.sqlite')),
        'devices': {},
        }
    for section in parser.sections():
        if section.startswith('device '):
            config['devices'][section[len('device '):].strip()] = dict(
                parser.items(section))
    return config


class Agent:

    def __init__(self, config):
        self.config = config
        self.server = Server(config['url'], config['database'],
            config['key'])
        self.outbox = Outbox(config['buffer'])
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.states = {}
        self.printers = {}
        self.threads = []
        for code, settings in config['devices'].items():
            driver = settings['driver']
            if driver in printers.DRIVERS:
                self.printers[code] = printers.DRIVERS[driver](
                    settings['address'])
            elif driver in scales.DRIVERS:
                self.threads.append(threading.Thread(target=self.run_scale,
                        args=(code, settings), daemon=True))
            elif driver in scanners.DRIVERS:
                self.threads.append(threading.Thread(
                        target=self.run_scanner, args=(code, settings),
                        daemon=True))
            else:
                raise SystemExit('device %s: unknown driver %s'
                    % (code, driver))
        self.threads.append(threading.Thread(target=self.run_outbox,
                daemon=True))
        if self.printers:
            self.threads.append(threading.Thread(target=self.run_jobs,
                    daemon=True))

    def start(self):
        try:
            status, info = self.server.call('GET', '/box', timeout=5)
        except ServerAway as error:
            logger.warning("server away at start (%s)", error)
        else:
            if status == 200:
                self.outbox.number_after(info['last_sequence'])
                logger.info("box %s", info['name'])
            else:
                logger.error("server answered %s: is the key right?", status)
        for thread in self.threads:
            thread.start()
        return self

    def run(self):
        self.start()
        self.stopping.wait()

    def stop(self):
        self.stopping.set()
        self.wake.set()

    def report(self, path, body):
        "Keep the report on disk and wake the delivery"
        seq = self.outbox.put(path, body)
        self.wake.set()
        return seq

    def device_state(self, code, state, message=None):
        "Report the device's state when it changed"
        if self.states.get(code) != (state, message):
            self.states[code] = (state, message)
            logger.info("device %s: %s %s", code, state, message or '')
            self.report('/device', {'device': code, 'state': state,
                    'message': message})

    # Devices --------------------------------------------------------------

    def _open(self, code, device):
        "Open the device, waiting while it is away; False when stopping"
        while not self.stopping.is_set():
            try:
                device.open()
            except scales.DeviceGone as error:
                self.device_state(code, 'offline', str(error))
                self.stopping.wait(REOPEN_INTERVAL)
                continue
            self.device_state(code, 'online')
            return True
        return False

    def run_scale(self, code, settings):
        driver = scales.DRIVERS[settings['driver']]
        options = {'timeout': float(settings.get('timeout', 0.5))}
        if settings.get('baudrate'):
            options['baudrate'] = int(settings['baudrate'])
        if settings.get('unit') and driver is scales.Toledo8217:
            options['unit'] = settings['unit']
        scale = driver(settings['port'], **options)
        stable = scales.StableWeight(reads=int(settings.get('reads', 5)),
            tolerance=float(settings.get('tolerance', 0.005)),
            empty=float(settings.get('empty', 0.02)))
        interval = float(settings.get('interval', 0.2))
        settle_interval = float(settings.get('settle_interval',
                SETTLE_INTERVAL))
        polled = driver is not scales.Continuous
        while self._open(code, scale):
            while not self.stopping.is_set():
                try:
                    reading = scale.read()
                except scales.DeviceGone as error:
                    scale.close()
                    self.device_state(code, 'offline', str(error))
                    break
                if reading and reading.overload:
                    self.device_state(code, 'error', 'overload')
                elif reading and reading.weight is not None:
                    self.device_state(code, 'online')
                weight = stable.feed(reading)
                if weight is not None:
                    logger.info("scale %s: %.3f kg", code, weight)
                    self.report('/weight', {'device': code,
                            'value': weight, 'unit': 'kg', 'stable': True})
                if polled:
                    # a parcel settling is read again soon: its weight is
                    # taken after its reads, not after reads × interval
                    self.stopping.wait(settle_interval if stable.settling
                        else interval)

    def run_scanner(self, code, settings):
        driver = scanners.DRIVERS[settings['driver']]
        scanner = driver(settings['port'])
        while self._open(code, scanner):
            while not self.stopping.is_set():
                try:
                    scanned = scanner.read()
                except scales.DeviceGone as error:
                    scanner.close()
                    self.device_state(code, 'offline', str(error))
                    break
                if scanned:
                    logger.info("scanner %s: %s", code, scanned)
                    self.report('/scan', {'device': code, 'code': scanned})

    # The server -----------------------------------------------------------

    def run_outbox(self):
        "Deliver the reports in order, each until the server took it"
        backoff = BACKOFF_MIN
        while not self.stopping.is_set():
            item = self.outbox.first()
            if item is None:
                self.wake.wait(1)
                self.wake.clear()
                continue
            seq, path, body = item
            try:
                status, _ = self.server.call('POST', path, body)
            except ServerAway as error:
                status = None
                logger.warning("server away (%s): %d reports wait",
                    error, len(self.outbox))
            if status is None or status in RETRY_STATUSES:
                if status:
                    logger.warning("server answered %s to %s", status, path)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            if status != 200:
                logger.error("report %s to %s refused: %s", seq, path,
                    status)
            self.outbox.done(seq)
            backoff = BACKOFF_MIN

    def run_jobs(self):
        "Long-poll the print jobs and print each copy once"
        backoff = BACKOFF_MIN
        while not self.stopping.is_set():
            try:
                status, jobs = self.server.call('GET',
                    '/jobs?wait=%d' % LONG_POLL, timeout=LONG_POLL + 15)
            except ServerAway as error:
                logger.warning("server away (%s)", error)
                status, jobs = None, None
            if status != 200:
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            backoff = BACKOFF_MIN
            for job in jobs:
                self.print_job(job)

    def print_job(self, job):
        job_id, copy, code = job['id'], job['copy'], job['printer']
        ack = '/jobs/%d/ack' % job_id
        if self.outbox.printed(job_id, copy):
            # sent again after a lost acknowledgement: printed already
            self.report(ack, {'copy': copy, 'printed': True})
            return
        printer = self.printers.get(code)
        if printer is None:
            self.report(ack, {'copy': copy, 'printed': False,
                    'error': 'no printer %s on this box' % code})
            return
        try:
            printer.print(base64.b64decode(job['data']), job['output'])
        except printers.PrinterError as error:
            logger.warning("printer %s: %s", code, error)
            self.device_state(code, error.state, str(error))
            self.report(ack, {'copy': copy, 'printed': False,
                    'error': str(error), 'printer': code,
                    'state': error.state})
            return
        self.outbox.mark_printed(job_id, copy)
        logger.info("printed job %s copy %s on %s", job_id, copy, code)
        self.device_state(code, 'online')
        self.report(ack, {'copy': copy, 'printed': True})
