"""A clerk finds an order held in 异常 by the buyer's refund request,
reads at the top of its form what holds it and what to do, checks the
refund on the platform with 检查退款 from the order's form and the order
goes on; an order whose refund the platform agreed is cancelled."""
import base64
import json
import time
import urllib.request

import pytest
from conftest import PASSWORD, run_demo
from test_browser import (
    ACTIVE_TAB, LIST, SCREENSHOTS, domain_tab, log_in, open_menu)

pytestmark = pytest.mark.browser

SHOP = 'TB01'
# The form's fields and buttons, on the shown tab
def field(name):
    return ACTIVE_TAB + f'//select[@name="{name}"]'


def button(text):
    return ACTIVE_TAB + f'//button[normalize-space(.)="{text}"]'


# The form's header: what holds the order and what to do
ATTENTION = (ACTIVE_TAB + '//div[contains(@class, "form-richtext")]'
    '//div[contains(@class, "richtext")]')


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    """A demo of its own whose simulator makes no orders: only the test
    changes its orders"""
    yield from run_demo(tmp_path_factory, 'browser-demo-refund.log',
        ORDERS_PER_MINUTE='0')


class Rpc:
    "The server's JSON-RPC, logged in as admin"

    def __init__(self, url, database='ecom'):
        self.url = url + database + '/rpc/'
        self.auth = None
        user_id, session = self('common.db.login',
            'admin', {'password': PASSWORD}, 'zh_CN')[:2]
        self.auth = 'Session ' + base64.b64encode(
            f'admin:{user_id}:{session}'.encode()).decode()

    def __call__(self, method, *params):
        headers = {'Content-Type': 'application/json'}
        if self.auth:
            headers['Authorization'] = self.auth
            params += ({},)
        request = urllib.request.Request(self.url, method='POST',
            headers=headers, data=json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode())
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        assert 'error' not in answer, answer
        return answer['result']

    def orders(self, ids):
        "The (state, refund state) of the shop's orders by platform id"
        return {o['platform_order_id']: (o['state'], o['refund_state'])
            for o in self('model.ecom.order.search_read', [
                    ('shop.code', '=', SHOP),
                    ('platform_order_id', 'in', ids),
                    ], 0, None, None,
                ['platform_order_id', 'state', 'refund_state'])}


def platform(simulator, body):
    "Change orders on the platform through the simulator's admin API"
    request = urllib.request.Request(simulator + '/_sim/orders',
        data=json.dumps(body).encode(), method='POST',
        headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())['orders']


def refunds(order, stage):
    "The change of every line of order to the refund stage"
    return {'id': order['id'], 'lines': [
            {'line_id': line['line_id'], 'refund': stage}
            for line in order['lines']]}


def wait_for(predicate, timeout, message, interval=2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(message)


def test_clerk_checks_refunds_on_the_platform(server, browser):
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    rpc = Rpc(server)
    shop, = rpc('model.ecom.shop.search_read', [('code', '=', SHOP)],
        0, None, None, ['endpoint'])
    simulator = shop['endpoint']
    # The suite's default rules hold orders with a refund request.
    if not rpc('model.ecom.exception_rule.search', [
                ('kind', '=', 'refund'), ('action', '=', 'block'),
                ], 0, None, None):
        rpc('model.ecom.exception_rule.create', [{
                    'name': "申请退款", 'kind': 'refund',
                    'action': 'block'}])

    # Two buyers pay, then ask for a refund of everything they bought;
    # the scheduler downloads the orders, which wait in exception.
    refused, agreed = platform(simulator, {'shop': SHOP, 'count': 2})
    ids = [refused['id'], agreed['id']]
    platform(simulator, {'shop': SHOP, 'orders': [
                refunds(refused, 'requested'), refunds(agreed, 'requested')]})
    held = {i: ('exception', 'requested') for i in ids}
    wait_for(lambda: rpc.orders(ids) == held, 300,
        f"the refund requests were not downloaded: {rpc.orders(ids)}")
    # No download on schedule from now on: only the clerk's check asks
    # the platform (a download already running ends first).
    rpc('model.ecom.shop.write', [shop['id']], {'download_interval': 0})
    time.sleep(10)
    # The platform refuses the first refund and agrees to the second.
    platform(simulator, {'shop': SHOP, 'orders': [
                refunds(refused, 'refused'), refunds(agreed, 'refunded')]})
    time.sleep(1.1)  # the platform counts its changes in whole seconds

    wait = WebDriverWait(browser, 120)

    def open_order(platform_order_id):
        "Open the order from the list of 异常 in a new tab"
        open_menu(browser, "订单", None)
        wait.until(EC.element_to_be_clickable(
                (By.XPATH, domain_tab("异常")))).click()
        row = wait.until(EC.visibility_of_element_located((By.XPATH,
                    LIST + '/tbody/tr[td[normalize-space(.)='
                    f'"{platform_order_id}"]]')))
        ActionChains(browser).double_click(row).perform()
        wait.until(EC.visibility_of_element_located(
                (By.XPATH, field('state'))))

    def shown(name):
        "The text of the selection field name on the form"
        return Select(browser.find_element(By.XPATH, field(name))
            ).first_selected_option.text

    def screenshot(name):
        "Save the form, its state fields in view"
        browser.execute_script("arguments[0].scrollIntoView("
            "{block: 'center', inline: 'center'})",
            browser.find_element(By.XPATH, field('state')))
        browser.save_screenshot(str(SCREENSHOTS / name))

    def shows(name, text):
        "Wait for the form to show text in the selection field name"
        WebDriverWait(browser, 120, poll_frequency=1, ignored_exceptions=[
                NoSuchElementException, StaleElementReferenceException],
            ).until(lambda driver: shown(name) == text,
            f"{name} does not show {text}")

    try:
        browser.set_window_size(1920, 1080)
        log_in(browser, server)
        open_menu(browser, "订单中心", None)
        open_order(refused['id'])
        shows('state', "异常")
        shows('refund_state', "申请中")
        # The top of the form says what holds the order and what to do.
        header = wait.until(EC.visibility_of_element_located(
                (By.XPATH, ATTENTION)))
        assert header.text.splitlines()[0] == ("买家申请了退款。 → "
            "点击“检查退款”向平台查询退款进度。"), header.text
        # (the form is wider than the window: its left edge in view)
        browser.execute_script("arguments[0].scrollIntoView("
            "{block: 'start', inline: 'start'})", header.find_element(
                By.XPATH, './ancestor::div[contains(@class, "form-item")]'))
        browser.save_screenshot(str(SCREENSHOTS / 'order-attention.png'))
        # The findings say why the order waits.
        wait.until(EC.element_to_be_clickable((By.XPATH,
                    ACTIVE_TAB + '//a[@role="tab"]'
                    '[normalize-space(.)="检查发现"]'))).click()
        finding = wait.until(EC.visibility_of_element_located((By.XPATH,
                    ACTIVE_TAB + '//table[contains(@class, "tree")]'
                    '/tbody/tr[td[normalize-space(.)="申请退款"]]')))
        assert "拦截" in finding.text, finding.text
        assert "买家申请了退款。" in finding.text, finding.text
        screenshot('refund-before.png')

        # 检查退款 asks the platform, which refused: the order goes on.
        wait.until(EC.element_to_be_clickable(
                (By.XPATH, button("检查退款")))).click()
        shows('refund_state', "已拒绝")
        assert shown('state') != "异常"
        # Nothing holds it any more: the header says nothing of the refund
        # (a warning, such as the buyer's message, may stay).
        headers = [e for e in browser.find_elements(By.XPATH, ATTENTION)
            if e.is_displayed()]
        assert not any("检查退款" in e.text for e in headers), [
            e.text for e in headers]
        screenshot('refund-after.png')
        state, refund_state = rpc.orders([refused['id']])[refused['id']]
        assert (state in {'draft', 'cs_approved'}
            and refund_state == 'refused'), (state, refund_state)

        # The refund the platform agreed to cancels the order.
        open_order(agreed['id'])
        shows('state', "异常")
        wait.until(EC.element_to_be_clickable(
                (By.XPATH, button("检查退款")))).click()
        shows('state', "已取消")
        assert rpc.orders([agreed['id']]) == {
            agreed['id']: ('cancelled', 'refunded')}
        screenshot('refund-cancelled.png')
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / 'failure.png'))
        raise
