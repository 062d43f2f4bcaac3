"""The demo server and the Chromium that the browser tests share: one
`make demo` for the whole run."""
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = 'browser-test-pw'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_demo(tmp_path_factory, log_name='browser-demo.log', **settings):
    """Run the README's main command on a fresh database and a free port,
    with the demo's settings given (e.g. ORDERS_PER_MINUTE); yield its URL
    and stop it afterwards"""
    port = free_port()
    env = dict(os.environ, DATA_DIR=str(tmp_path_factory.mktemp('db')),
        PORT=str(port), SIM_PORT=str(free_port()), ADMIN_PASSWORD=PASSWORD,
        **settings)
    for var in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE',
            'TRYTOND_DATABASE_URI']:
        env.pop(var, None)
    (ROOT / 'var' / 'log').mkdir(parents=True, exist_ok=True)
    log = open(ROOT / 'var' / 'log' / log_name, 'w+')
    process = subprocess.Popen(['make', '-s', 'demo'], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail("make demo stopped:\n" + log.read()[-3000:])
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(1)
        log.seek(0)
        assert f'password: {PASSWORD}' in log.read()
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        log.close()


@pytest.fixture(scope='session')
def server(tmp_path_factory):
    "The demo the browser tests share"
    yield from run_demo(tmp_path_factory)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = '/usr/bin/chromium'
    for argument in ['--headless=new', '--no-sandbox', '--disable-gpu',
            '--disable-dev-shm-usage', '--window-size=1400,900',
            '--lang=zh-CN', '--disable-background-networking',
            '--disable-component-update', '--disable-sync',
            '--no-first-run', '--disable-quic']:
        options.add_argument(argument)
    driver = webdriver.Chrome(
        service=Service('/usr/bin/chromedriver'), options=options)
    try:
        yield driver
    finally:
        driver.quit()


