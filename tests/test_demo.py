"""`make demo` stops as a whole: when its server is killed, the platform
simulator, trytond-cron and the cron's workers stop with it, and the demo
starts again on the same data directory."""
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

# The demo runs on SQLite whatever the backend of the run: the SQLite run
# covers it.
pytestmark = pytest.mark.demo

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = 'demo-test-pw'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def processes_of(data_dir):
    """The running processes started for the demo on data_dir (they all
    carry its DATA_DIR): pid -> (parent pid, command line)"""
    marker = b'\0DATA_DIR=' + os.fsencode(data_dir) + b'\0'
    found = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/environ', 'rb') as environ:
                if marker not in b'\0' + environ.read():
                    continue
            with open(f'/proc/{pid}/stat', 'rb') as stat:
                # the fields after the command, which may hold anything
                parent = int(stat.read().rsplit(b')', 1)[1].split()[1])
            with open(f'/proc/{pid}/cmdline', 'rb') as cmdline:
                argv = [os.fsdecode(a)
                    for a in cmdline.read().split(b'\0') if a]
        except OSError:
            # ended meanwhile, or not ours
            continue
        found[int(pid)] = parent, argv
    return found


def program(argv):
    "The name of the program a command line runs, Python scripts included"
    names = [os.path.basename(a) for a in argv[:2]]
    if len(names) > 1 and names[0].startswith('python'):
        return names[1]
    return names[0]


def as_in_a_terminal():
    """Let Ctrl-C interrupt make demo as it does in a terminal, also when
    the tests run where it is ignored (in the background of a script)"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(what)


@pytest.fixture
def data_dir(tmp_path):
    """A data directory with a database demo.sh takes as its own, made the
    quick way: a bare Tryton database (this test is about processes) and
    the stamp that says it is up to date with the modules"""
    env = {key: value for key, value in os.environ.items()
        if key not in {'DB_NAME', 'DB_CACHE', 'TRYTOND_DATABASE_URI'}}
    env.update(TRYTOND_CONFIG=str(ROOT / 'config' / 'trytond.conf'),
        TRYTOND_DATABASE__PATH=str(tmp_path))
    (tmp_path / 'ecom.sqlite').touch()
    password = tmp_path / 'password'
    password.write_text(PASSWORD + '\n')
    subprocess.run([ROOT / '.venv' / 'bin' / 'trytond-admin', '-d', 'ecom',
            '--all', '--email', 'admin@example.com'],
        env=dict(env, TRYTONPASSFILE=str(password)), check=True,
        capture_output=True, timeout=600)
    modules_hash = subprocess.run([ROOT / 'scripts' / 'modules-hash'],
        check=True, capture_output=True, text=True).stdout
    (tmp_path / 'ecom.modules').write_text(modules_hash)
    return tmp_path


class Demo:
    "One `make demo` on data_dir and free ports"

    def __init__(self, data_dir):
        self.data_dir = str(data_dir)
        self.port = free_port()
        env = dict(os.environ, DATA_DIR=self.data_dir, PORT=str(self.port),
            SIM_PORT=str(free_port()), ADMIN_PASSWORD=PASSWORD)
        for var in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE',
                'TRYTOND_DATABASE_URI']:
            env.pop(var, None)
        self.log = open(data_dir / 'make-demo.log', 'a+')
        self.make = subprocess.Popen(['make', '-s', 'demo'], cwd=ROOT,
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=as_in_a_terminal)

    def output(self):
        self.log.seek(0)
        return self.log.read()[-3000:]

    def serving(self):
        if self.make.poll() is not None:
            pytest.fail("make demo stopped:\n" + self.output())
        try:
            urllib.request.urlopen(
                f'http://127.0.0.1:{self.port}/', timeout=1).close()
        except OSError:
            return False
        return True

    def programs(self):
        "The pids of the demo's processes, by the program each runs"
        programs = {}
        for pid, (_, argv) in processes_of(self.data_dir).items():
            programs.setdefault(program(argv), []).append(pid)
        return programs

    def cron_workers(self):
        "The processes trytond-cron forked"
        processes = processes_of(self.data_dir)
        return [pid for pid, (parent, argv) in processes.items()
            if parent in processes
            and program(processes[parent][1]) == 'trytond-cron']

    def wait_started(self):
        "Wait until the server answers and the cron has forked its workers"
        wait_until(self.serving, 300, "the demo's server does not answer")
        wait_until(self.cron_workers, 60, "trytond-cron forked no worker")
        programs = self.programs()
        for name in ['ecom-simulator', 'trytond-cron', 'trytond']:
            assert name in programs, (name, programs)
        return programs

    def assert_stopped(self):
        "Nothing of the demo is left a few seconds after make ended"
        self.make.wait(30)
        deadline = time.monotonic() + 10
        while processes_of(self.data_dir) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_of(self.data_dir) == {}

    def close(self):
        if self.make.poll() is None:
            os.killpg(self.make.pid, signal.SIGKILL)
        for pid in processes_of(self.data_dir):
            os.kill(pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def start_demo():
    "Start make demo on a data directory; what is left is killed afterwards"
    demos = []

    def start(data_dir):
        demos.append(Demo(data_dir))
        return demos[-1]
    yield start
    for demo in demos:
        demo.close()


def test_killed_server_stops_the_whole_demo(data_dir, start_demo):
    demo = start_demo(data_dir)
    server, = demo.wait_started()['trytond']
    os.kill(server, signal.SIGKILL)
    demo.assert_stopped()

    # Started again on the same data directory, the demo serves; Ctrl-C
    # (an interrupt to make and what runs in the foreground) stops it all.
    again = start_demo(data_dir)
    again.wait_started()
    assert f'password: {PASSWORD}' in again.output()
    os.killpg(again.make.pid, signal.SIGINT)
    again.assert_stopped()
