"""A clerk opens the web client in Chromium, logs in, finds the order
center in Chinese and audits the waiting orders with 批量操作."""
import pytest
from conftest import PASSWORD, ROOT

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / 'var' / 'screenshots'


def log_in(browser, url):
    """Log into sao as admin; return a patient WebDriverWait

    The demo's SQLite database is locked now and then while the scheduler
    downloads orders; a login refused for that ("Not found.") is tried
    again, as the clerk would."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    for attempt in range(3):
        browser.get(url + '#ecom')
        try:
            login = wait.until(
                EC.visibility_of_element_located((By.ID, 'login')))
            login.send_keys('admin', Keys.ENTER)
            password = wait.until(EC.visibility_of_element_located(
                    (By.CSS_SELECTOR, 'input[type="password"]')))
            password.send_keys(PASSWORD, Keys.ENTER)
            wait.until(EC.visibility_of_element_located((By.ID, 'menu')))
            wait.until(lambda driver: driver.find_elements(
                    By.XPATH, '//*[@id="menu"]//*[normalize-space(text())]'))
            return wait
        except TimeoutException:
            if attempt == 2:
                raise
            browser.get('about:blank')


def open_menu(browser, name, shows):
    "Click the menu entry name; wait for shows in the opened tab"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 60).until(EC.visibility_of_element_located(
            (By.XPATH, '//*[@id="menu"]//*[normalize-space(text())="%s"]'
                % name))).click()
    if shows:
        WebDriverWait(browser, 120).until(
            EC.visibility_of_element_located((By.XPATH,
                    '//*[contains(@class, "tab-content")]' + shows)))


def test_clerk_logs_in_and_opens_order_center(server, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        log_in(browser, server)
        open_menu(browser, "订单中心", None)
        # The order list opens in a tab with its Chinese filter tabs.
        open_menu(browser, "订单", '//*[normalize-space(text())="待审核"]')
        browser.save_screenshot(str(SCREENSHOTS / 'order-center.png'))
        assert '订单中心' in browser.page_source

        # The to-do board: orders per shop and step, in Chinese.
        open_menu(browser, "待办",
            '//th[.//text()[normalize-space(.)="订单数"]]')
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / 'failure.png'))
        raise
    browser.save_screenshot(str(SCREENSHOTS / 'todo.png'))


# The tab of sao shown now, and the parts of it the clerk uses
ACTIVE_TAB = ('//div[@id="tabs"]//div[@role="tabpanel"'
    ' and contains(@class, "active")]')
LIST = ACTIVE_TAB + '//table[contains(@class, "tree")]'
# The dialog sao shows on top, e.g. a wizard's
DIALOG = ('//div[contains(concat(" ", @class, " "), " modal ")'
    ' and contains(concat(" ", @class, " "), " in ")]'
    '//div[contains(@class, "modal-dialog")]')
OUTCOMES = {'成功', '跳过', '失败'}


def domain_tab(name):
    "The filter tab name (e.g. 待审核) above the list"
    return (ACTIVE_TAB + '//div[contains(@class, "tab-domain")]'
        '//a[@role="tab"][normalize-space(text())="%s"]' % name)


def cell_texts(row):
    "The texts of the cells of a table row that show something"
    from selenium.webdriver.common.by import By
    return [t for t in (td.text.strip()
            for td in row.find_elements(By.XPATH, './td')) if t]


def test_clerk_audits_orders_in_batch(server, browser):
    """The clerk selects the orders to audit, runs 批量操作 客审 on them and
    reads what happened to each; audited orders wait for finance"""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slow = WebDriverWait(browser, 120)
    try:
        log_in(browser, server)
        open_menu(browser, "订单中心", None)
        open_menu(browser, "订单", '//*[normalize-space(text())="待审核"]')

        # The demo starts without orders: the platform simulator makes
        # them and the scheduler downloads them every minute.  While none
        # waits for the audit, the clerk clicks 待审核 again (a new search).
        drafts = (LIST + '/tbody/tr[td[contains(@class, "selection-state")]'
            '//input][td[normalize-space(.)="待审核"]]')

        def draft_listed(driver):
            if driver.find_elements(By.XPATH, drafts):
                return True
            driver.find_element(By.XPATH, domain_tab("待审核")).click()
        WebDriverWait(browser, 480, poll_frequency=10).until(
            draft_listed, "no order waits in 待审核")

        # Select them all with the checkbox of the list's header.
        browser.find_element(By.XPATH,
            LIST + '/thead//th[contains(@class, "selection-state")]'
            '//input').click()

        def all_selected(driver):
            "The cell texts of the listed orders once all are selected"
            rows = driver.find_elements(By.XPATH, drafts)
            if rows and all(row.find_element(By.XPATH,
                        './td[contains(@class, "selection-state")]//input'
                        ).is_selected() for row in rows):
                return [cell_texts(row) for row in rows]
        selected = WebDriverWait(browser, 120, ignored_exceptions=[
                StaleElementReferenceException]).until(all_selected)

        # 批量操作 is in the menu of the toolbar's launch action button.
        browser.find_element(By.XPATH,
            ACTIVE_TAB + '//button[@id="action"]').click()
        slow.until(EC.element_to_be_clickable((By.XPATH,
                    ACTIVE_TAB + '//ul[@aria-labelledby="action"]'
                    '//a[normalize-space(.)="批量操作"]'))).click()
        slow.until(EC.visibility_of_element_located(
                (By.XPATH, DIALOG + '//select/option[.="客审"]')))

        def choose_cs_audit(driver):
            "Choose 客审; true once the choice stays after the form shows"
            action = Select(driver.find_element(By.XPATH, DIALOG + '//select'))
            if [o.text for o in action.all_selected_options] == ["客审"]:
                return True
            action.select_by_visible_text("客审")
        WebDriverWait(browser, 60, poll_frequency=1).until(choose_cs_audit)
        slow.until(EC.element_to_be_clickable((By.XPATH,
                    DIALOG + '//div[contains(@class, "modal-footer")]'
                    '//button[normalize-space(.)="执行"]'))).click()

        # The report: one line per selected order, with what happened.
        report = (DIALOG + '//table[contains(@class, "tree")]/tbody'
            '/tr[td[normalize-space(.)="成功" or normalize-space(.)="跳过"'
            ' or normalize-space(.)="失败"]]')
        lines = [cell_texts(row) for row in slow.until(
                EC.visibility_of_all_elements_located((By.XPATH, report)))]
        browser.save_screenshot(str(SCREENSHOTS / 'batch.png'))
        assert len(lines) == len(selected), (lines, selected)
        done = []
        for line in lines:
            assert len(line) == 3, line
            order, outcome, reason = line
            assert outcome in OUTCOMES, line
            assert any(order in row for row in selected), (line, selected)
            # Each order says why: a done audit says the order's new state
            assert reason, line
            if outcome == '成功':
                assert reason == '订单现在为 已客审。', line
                done.append(order)
        assert done, lines
        # The totals above the report add up its lines.
        for name, outcome in [
                ('done', '成功'), ('skipped', '跳过'), ('failed', '失败')]:
            total = browser.find_element(By.XPATH,
                DIALOG + '//input[@name="%s" and @type="text"]' % name)
            assert total.get_attribute('value') == str(
                [line[1] for line in lines].count(outcome)), (name, lines)
        browser.find_element(By.XPATH,
            DIALOG + '//div[contains(@class, "modal-footer")]'
            '//button[normalize-space(.)="关闭"]').click()
        slow.until(EC.invisibility_of_element_located((By.XPATH, DIALOG)))

        # The audited orders now wait for the finance audit.
        browser.find_element(By.XPATH, domain_tab("待财审")).click()
        for order in done:
            slow.until(EC.visibility_of_element_located((By.XPATH,
                        LIST + '/tbody/tr[td[normalize-space(.)="%s"]]'
                        '[td[normalize-space(.)="已客审"]]' % order)))
        browser.save_screenshot(str(SCREENSHOTS / 'batch-finance.png'))
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / 'failure.png'))
        raise
