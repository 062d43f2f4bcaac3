"""A clerk runs every action of 批量操作 and clicks every button of the order
form in the web client, with the mouse and with the keyboard; the server
then holds what was asked for, and no error dialog shows."""
import base64
import json
import time
import urllib.request

import pytest

import test_browser
from test_browser import ACTIVE_TAB, DIALOG, SCREENSHOTS, log_in

pytestmark = pytest.mark.browser

FOOTER = DIALOG + '//div[contains(@class, "modal-footer")]'
# The web client's message dialogs: errors, warnings, confirmations
MESSAGE = ('//div[contains(concat(" ", @class, " "), " message-dialog ")'
    ' and contains(concat(" ", @class, " "), " in ")]')


class Server:
    "The demo server over JSON-RPC, as the administrator"

    def __init__(self, url, database='ecom'):
        self.url = url + database + '/rpc/'
        self.auth = None
        user_id, session, *_ = self('common.db.login', 'admin',
            {'password': test_browser.PASSWORD}, 'zh_CN')
        self.auth = 'Session ' + base64.b64encode(
            f'admin:{user_id}:{session}'.encode()).decode()
        self.context = self('model.res.user.get_preferences', True, {})

    def __call__(self, method, *params):
        request = urllib.request.Request(self.url,
            json.dumps({'id': 0, 'method': method, 'params': params}
                ).encode(), {'Content-Type': 'application/json'})
        if self.auth:
            request.add_header('Authorization', self.auth)
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        assert 'error' not in answer, (method, answer['error'])
        return answer['result']

    def model(self, model, method, *params):
        return self('model.%s.%s' % (model, method), *params, self.context)

    def order(self, id_):
        order, = self.model('ecom.order', 'read', [id_], [
                'state', 'held', 'hold_reason', 'warehouse.code',
                'carrier.rec_name', 'salesperson.rec_name', 'merged_into',
                'split_orders'])
        return order

    def decisions(self, id_):
        "The rule and outcome of the order's decisions, newest first"
        return [(d['rule'], d['outcome']) for d in self.model(
                'ecom.order.decision', 'search_read',
                [('order', '=', id_)], 0, None, [('id', 'DESC')],
                ['rule', 'outcome'])]

    def draft_orders(self, count, timeout=600):
        """Return count new orders waiting in 待审核, copies of one the
        scheduler downloaded: the platform simulator changes its own orders
        now and then, never these"""
        deadline = time.monotonic() + timeout
        while True:
            downloaded = self.model('ecom.order', 'search', [
                    ('state', '=', 'draft'),
                    ('refund_state', '=', 'none'),
                    ('held', '=', False),
                    ('merged_into', '=', None),
                    ('merged_orders', '=', None),
                    ('split_from', '=', None),
                    ('split_orders', '=', None),
                    ], 0, 1, [('id', 'ASC')])
            if downloaded:
                break
            assert time.monotonic() < deadline, "no order waits in 待审核"
            time.sleep(10)
        original, = self.model('ecom.order', 'read', downloaded,
            ['platform_order_id'])
        return [self.model('ecom.order', 'copy', downloaded, {
                    'platform_order_id': '%s-%d' % (
                        original['platform_order_id'], time.time_ns()),
                    })[0] for _ in range(count)]


@pytest.fixture(scope='module')
def rpc(server):
    rpc = Server(server)
    # A salesperson to set in a batch: the demo has no employee
    if not rpc.model('company.employee', 'search',
            [('party.name', '=', "王业务")], 0, None, None):
        party, = rpc.model('party.party', 'create', [{'name': "王业务"}])
        rpc.model('company.employee', 'create', [{
                    'party': party, 'company': rpc.context['company']}])
    return rpc


def logged_in(browser, url):
    "Log in; return once the menu shows"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    log_in(browser, url)
    wait(browser).until(EC.visibility_of_element_located((By.XPATH,
                '//*[@id="menu"]//*[normalize-space(text())="订单中心"]')))


def wait(browser, timeout=60):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout,
        ignored_exceptions=[StaleElementReferenceException])


def click(browser, xpath, how='mouse'):
    """Click the element, or press Enter on it, once it takes it, as the
    form redraws"""
    from selenium.common.exceptions import (
        ElementClickInterceptedException, ElementNotInteractableException,
        StaleElementReferenceException)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    def clicked(driver):
        try:
            element = driver.find_element(By.XPATH, xpath)
            if how == 'mouse':
                element.click()
            else:
                element.send_keys(Keys.ENTER)
        except (StaleElementReferenceException,
                ElementClickInterceptedException,
                ElementNotInteractableException):
            return False
        return True
    wait(browser).until(clicked)


def no_error_shown(browser, doing=''):
    "Fail with its text when the web client shows an error dialog"
    from selenium.webdriver.common.by import By
    for dialog in browser.find_elements(By.XPATH, MESSAGE):
        pytest.fail("%s: the web client shows: %s" % (doing, dialog.text))


def open_order(browser, rpc, id_):
    "Open the form of the order in a new tab, as a link to it does"
    from selenium.webdriver.common.by import By
    number, = rpc.model('ecom.order', 'read', [id_], ['platform_order_id'])
    browser.execute_script("window.location.hash = arguments[0];",
        f'#ecom/model/ecom.order/{id_}')

    def shown(driver):
        return [e.get_attribute('value') for e in driver.find_elements(
                By.XPATH, ACTIVE_TAB + '//input[@name="platform_order_id"]')
            ] == [number['platform_order_id']]
    wait(browser).until(shown)


def close_tab(browser):
    "Close the tab, without saving what the form may still hold"
    from selenium.webdriver.common.by import By
    click(browser, '//*[@id="tablist"]'
        '/li[contains(@class, "active")]//button[contains(@class, "close")]')
    time.sleep(0.5)
    for button in browser.find_elements(By.XPATH,
            '//div[contains(@class, "confirmation-dialog")'
            ' and contains(@class, " in")]//button[normalize-space(.)="否"]'):
        button.click()


def choose(browser, xpath, label, how):
    """Choose label in the select with the mouse or, from the first option
    down, with the keyboard; once the choice stays"""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    def chosen(driver):
        select = driver.find_element(By.XPATH, xpath)
        current = Select(select).all_selected_options
        if [o.text for o in current] == [label]:
            return True
        if how == 'mouse':
            Select(select).select_by_visible_text(label)
        else:
            options = [o.text for o in Select(select).options]
            select.send_keys(Keys.HOME)
            for _ in range(options.index(label)):
                select.send_keys(Keys.ARROW_DOWN)
    wait(browser).until(chosen)
    time.sleep(0.5)
    wait(browser).until(chosen)


def run_button(browser, how):
    "Click 执行 in the dialog, or reach it with Tab and press Enter"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    button = wait(browser).until(EC.element_to_be_clickable((By.XPATH,
                FOOTER + '//button[normalize-space(.)="执行"]')))
    if how == 'mouse':
        button.click()
    else:
        button.send_keys(Keys.ENTER)


def fill_many2one(browser, name, text, how):
    "Type text in the field and take the match the web client offers"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    entry = browser.find_element(By.XPATH,
        DIALOG + '//input[@name="%s"]' % name)
    entry.send_keys(text)
    match = wait(browser).until(EC.visibility_of_element_located((By.XPATH,
                DIALOG + '//div[contains(@class, "form-many2one")]'
                '//ul[contains(@class, "dropdown-menu")]'
                '//li[contains(normalize-space(.), "%s")]' % text)))
    if how == 'mouse':
        match.click()
    else:
        entry.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait(browser).until(EC.invisibility_of_element_located((By.XPATH,
                DIALOG + '//div[contains(@class, "form-many2one")]'
                '//ul[contains(@class, "dropdown-menu")]//li')))
    assert text in entry.get_attribute('value'), entry.get_attribute('value')


def run_batch(browser, rpc, id_, label, how, reason=None, **many2ones):
    """Run 批量操作 on the order with the action label, typing the reason or
    choosing the many2ones on the next step; return the report line"""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.common.exceptions import WebDriverException
    open_order(browser, rpc, id_)
    select = DIALOG + '//select[@name="action"]'
    entry = (ACTIVE_TAB + '//ul[@aria-labelledby="action"]'
        '//a[normalize-space(.)="批量操作"]')

    def dialog_shown(driver):
        "Open the toolbar's action menu and click 批量操作, as it redraws"
        if driver.find_elements(By.XPATH, select):
            return True
        try:
            shown = [e for e in driver.find_elements(By.XPATH, entry)
                if e.is_displayed()]
            if shown:
                shown[0].click()
            else:
                driver.find_element(By.XPATH,
                    ACTIVE_TAB + '//button[@id="action"]').click()
        except WebDriverException:
            pass
        time.sleep(1)
    wait(browser).until(dialog_shown)
    wait(browser).until(EC.visibility_of_element_located((By.XPATH, select)))
    choose(browser, select, label, how)
    run_button(browser, how)
    if reason is not None:
        entry = wait(browser).until(EC.visibility_of_element_located(
                (By.XPATH, DIALOG + '//input[@name="reason"]')))
        entry.send_keys(reason)
        if how == 'mouse':
            run_button(browser, how)
        else:
            entry.send_keys(Keys.ENTER)
    elif many2ones:
        for name, text in many2ones.items():
            wait(browser).until(EC.visibility_of_element_located(
                    (By.XPATH, DIALOG + '//input[@name="%s"]' % name)))
            fill_many2one(browser, name, text, how)
        run_button(browser, how)
    report = (DIALOG + '//table[contains(@class, "tree")]/tbody'
        '/tr[td[normalize-space(.)="成功" or normalize-space(.)="跳过"'
        ' or normalize-space(.)="失败"]]')
    line, = wait(browser, 120).until(
        EC.visibility_of_all_elements_located((By.XPATH, report)))
    line = test_browser.cell_texts(line)
    browser.find_element(By.XPATH,
        FOOTER + '//button[normalize-space(.)="关闭"]').click()
    wait(browser).until(EC.invisibility_of_element_located((By.XPATH, DIALOG)))
    no_error_shown(browser)
    close_tab(browser)
    return line


@pytest.mark.parametrize('how', ['mouse', 'keyboard'])
def test_every_batch_action_does_what_the_clerk_chose(server, browser, rpc,
        how):
    """Each action chosen in 批量操作 is the one the server runs: the order
    goes through every action in turn and the server holds each outcome"""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    id_, = rpc.draft_orders(1)
    hold_reason = f"等买家确认地址（{how}）"
    reject_reason = f"金额不对（{how}）"
    steps = [
        ("挂起", {'reason': hold_reason},
            {'state': 'draft', 'held': True, 'hold_reason': hold_reason}),
        ("释放", {}, {'held': False, 'hold_reason': None}),
        ("客审", {}, {'state': 'cs_approved'}),
        ("弃审", {}, {'state': 'draft'}),
        ("客审", {}, {'state': 'cs_approved'}),
        ("驳回", {'reason': reject_reason}, {'state': 'draft'}),
        ("修改仓库", {'warehouse': "广州仓"}, {'state': 'draft'}),
        ("修改快递", {'carrier': "顺丰速运"}, {'state': 'draft'}),
        ("修改业务员", {'salesperson': "王业务"}, {'state': 'draft'}),
        ("合并", {}, {'state': 'draft', 'merged_into': None}),
        ("客审", {}, {'state': 'cs_approved'}),
        ("财审", {}, {'state': 'approved'}),
        ("生成销售单", {}, {'state': 'posted'}),
        ]
    try:
        logged_in(browser, server)
        for label, values, expected in steps:
            line = run_batch(browser, rpc, id_, label, how, **values)
            order = rpc.order(id_)
            for name, value in expected.items():
                assert order[name] == value, (label, line, name, order)
            (rule, outcome), *_ = rpc.decisions(id_)
            if label == "驳回":
                assert outcome == "已驳回到待审核：" + reject_reason, outcome
            elif label == "修改仓库":
                assert order['warehouse.']['code'] == 'GZ', order
            elif label == "修改快递":
                assert order["carrier."]["rec_name"].startswith(
                    "顺丰速运"), order
            elif label == "修改业务员":
                assert order['salesperson.']['rec_name'] == "王业务", order
            elif label == "合并":
                # One order alone is not merged: the batch says so
                assert line[1] == "失败", line
                assert rule == "批量操作：合并", rule
            if label != "合并":
                assert line[1] == "成功", (label, line)
        browser.save_screenshot(str(SCREENSHOTS / f'batch-actions-{how}.png'))
    except Exception:
        browser.save_screenshot(
            str(SCREENSHOTS / f'batch-actions-{how}-failure.png'))
        raise


def click_button(browser, label, how, confirm=False):
    "Click the button of the order form, or press Enter on it"
    click(browser, ACTIVE_TAB + '//div[contains(@class, "form")]'
        '//button[normalize-space(.)="%s"][not(@disabled)]' % label, how)
    if confirm:
        click(browser, '//div[contains(@class, "confirmation-dialog")'
            ' and contains(@class, " in")]//button[normalize-space(.)="确定"]')


def test_every_order_button_runs_without_error(server, browser, rpc):
    """Each button of the order form changes the order as it says, with no
    error dialog: the workflow from 待审核 to 已生成销售单, and the buttons
    of merged, split and intercepted orders"""
    from selenium.webdriver.common.by import By
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    order, merged, master, part, root = rpc.draft_orders(5)
    # Two orders merged by hand, an order split in two
    rpc.model('ecom.order', 'write', [merged], {'merged_into': master})
    rpc.model('ecom.order', 'write', [part], {'split_from': root})
    steps = [
        (order, "挂起", {'held': True}),
        (order, "释放", {'held': False}),
        (order, "匹配赠品", {'state': 'draft'}),
        (order, "分配仓库快递", {'state': 'draft'}),
        (order, "重新检查", {'state': 'draft'}),
        (order, "取消", {'state': 'cancelled'}),
        (order, "重置为待审核", {'state': 'draft'}),
        (order, "客审", {'state': 'cs_approved'}),
        (order, "弃审", {'state': 'draft'}),
        (order, "客审", {'state': 'cs_approved'}),
        (order, "财审", {'state': 'approved'}),
        (order, "生成销售单", {'state': 'posted'}),
        (merged, "取消合并", {'merged_into': None}),
        (root, "取消拆分", {'split_orders': []}),
        ]
    try:
        logged_in(browser, server)
        for i, (id_, label, expected) in enumerate(steps):
            how = ['mouse', 'keyboard'][i % 2]
            open_order(browser, rpc, id_)
            if label == "挂起":
                browser.find_element(By.XPATH,
                    ACTIVE_TAB + '//input[@name="hold_reason"]').send_keys(
                    "买家要求改地址")
            click_button(browser, label, how)

            def done(driver, id_=id_, expected=expected, label=label):
                "The button is back (the web client has its answer)"
                if driver.find_elements(By.XPATH, MESSAGE):
                    return True
                if driver.find_elements(By.XPATH, ACTIVE_TAB
                        + '//button[normalize-space(.)="%s"][@disabled]'
                        % label):
                    return False
                order = rpc.order(id_)
                return all(order[name] == value
                    for name, value in expected.items())
            wait(browser).until(done)
            no_error_shown(browser, label)
            if label == "挂起":
                assert rpc.order(id_)['hold_reason'] == "买家要求改地址"
            close_tab(browser)

        # The buyer asks for a refund of the posted order: its parcel is
        # intercepted, and the clerk cancels it
        shipments = rpc.model('stock.shipment.out', 'search',
            [('moves.sale.ecom_orders', '=', order)], 0, None, None)
        assert shipments, order
        rpc.model('stock.shipment.out', 'write', shipments,
            {'ecom_intercepted': True})
        open_order(browser, rpc, order)
        click_button(browser, "取消已拦截包裹", 'mouse', confirm=True)
        wait(browser).until(lambda driver: rpc.model('stock.shipment.out',
                'read', shipments, ['state'])[0]['state'] == 'cancelled'
            or driver.find_elements(By.XPATH, MESSAGE))
        no_error_shown(browser)
        browser.save_screenshot(str(SCREENSHOTS / 'order-buttons.png'))
    except Exception:
        browser.save_screenshot(
            str(SCREENSHOTS / 'order-buttons-failure.png'))
        raise
