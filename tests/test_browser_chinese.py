"""A clerk working in Chinese opens every menu entry of the web client and
reads no English in the menu tree, the tab names, the column headers or
the button labels; and she finds orders by typing into the search box."""
import re
import time

import pytest

from test_browser import ACTIVE_TAB, DIALOG, SCREENSHOTS, log_in
from test_browser_batch import (
    Server, click, close_tab, no_error_shown, wait)

pytestmark = pytest.mark.browser

# A word in English; product names, codes and units are in the records
# (never in the labels checked here), acronyms (IBAN, BIC) are allowed
ENGLISH = re.compile(r'[A-Za-z]*[a-z]{2,}')
# Read as they are: the platforms' own words for an app's credentials,
# and names of products
KEPT = {'App Key', 'App Secret', 'Skype', 'Jabber'}
# A unit's symbol after a label, as in 重量 (kg), is not English
UNIT = re.compile(r'\s*[(（](kg|g|cm|mm)[)）]')


def english(texts):
    return sorted({t for t in texts
            if t not in KEPT and ENGLISH.search(UNIT.sub('', t))})


def texts(browser, xpath):
    "The texts shown by the elements, stripped, without the empty ones"
    from selenium.webdriver.common.by import By
    return [t for t in (e.text.strip() for e in browser.find_elements(
                By.XPATH, xpath) if e.is_displayed()) if t]


# Unfold the rows of the menu tree that have children, as clicking their
# expanders does; return how many were folded
UNFOLD = """
let folded = 0;
function unfold(rows) {
    for (const row of rows) {
        if (row.tree.n_children(row) > 0 && !row.is_expanded()) {
            row.expand_row();
            folded += 1;
        }
        unfold(row.rows || []);
    }
}
unfold(Sao.main_menu_screen.current_view.rows);
return folded;
"""


def expand_menu(browser):
    "Unfold every folder of the menu tree"
    deadline = time.monotonic() + 300
    unfolded = 0
    # The children of an unfolded row show a moment later
    while unfolded < 3:
        unfolded = 0 if browser.execute_script(UNFOLD) else unfolded + 1
        assert time.monotonic() < deadline, "the menu tree does not unfold"
        time.sleep(1)


@pytest.fixture(scope='module')
def rpc(server):
    return Server(server)


def screens(rpc):
    "The menu entries that open a screen (a window action), by id"
    menus = [m for m in rpc.model('ir.ui.menu', 'search_read', [], 0, None,
            [('id', 'ASC')], ['complete_name', 'action']) if m['action']]
    kinds = {a['id']: a['type'] for a in rpc.model('ir.action', 'read',
            list({int(m['action'].split(',')[1]) for m in menus}),
            ['type'])}
    return [(m['id'], m['complete_name']) for m in menus
        if kinds[int(m['action'].split(',')[1])] == 'ir.action.act_window']


def test_every_screen_reads_in_chinese(server, browser, rpc):
    from selenium.webdriver.common.by import By
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    try:
        log_in(browser, server)
        expand_menu(browser)
        menu = texts(browser, '//*[@id="menu"]//td')
        assert len(menu) > 150, menu
        browser.save_screenshot(str(SCREENSHOTS / 'menu-chinese.png'))
        found['menu tree'] = english(menu)

        entries = screens(rpc)
        assert len(entries) > 100, entries
        for menu_id, name in entries:
            tabs = len(browser.find_elements(By.XPATH,
                    '//*[@id="tablist"]/li'))
            # What clicking the entry in the menu does
            browser.execute_script(
                "Sao.Action.exec_keyword('tree_open', "
                "{'model': 'ir.ui.menu', 'id': arguments[0]}, null, false);",
                menu_id)

            def opened(driver):
                if driver.find_elements(By.XPATH, DIALOG):
                    return 'dialog'
                return (len(driver.find_elements(By.XPATH,
                            '//*[@id="tablist"]/li')) > tabs
                    and bool(driver.find_elements(By.XPATH, ACTIVE_TAB
                        + '//*[self::th or self::label or self::table]')))
            shown = []
            if wait(browser, 180).until(opened, f"{name} does not open"
                    ) == 'dialog':
                # An entry of several actions asks which one to open
                shown += texts(browser, DIALOG + '//label')
                shown += texts(browser, DIALOG + '//button')
                click(browser, DIALOG + '//button[normalize-space(.)="确定"]')
                wait(browser, 120).until(
                    lambda driver: opened(driver) not in ['dialog', False])
            time.sleep(0.3)
            no_error_shown(browser, name)
            shown += (
                texts(browser, '//*[@id="tablist"]/li[contains(@class,'
                    ' "active")]')
                + texts(browser, ACTIVE_TAB
                    + '//div[contains(@class, "tab-domain")]//a')
                + texts(browser, ACTIVE_TAB + '//th')
                + texts(browser, ACTIVE_TAB + '//button')
                + texts(browser, ACTIVE_TAB + '//label')
                + texts(browser, ACTIVE_TAB
                    + '//ul[contains(@class, "nav-tabs")]//a'))
            if english(shown):
                found[name] = english(shown)
            close_tab(browser)
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / 'failure.png'))
        raise
    assert found == {'menu tree': []}, found


def test_clerk_finds_orders_by_typing(server, browser, rpc):
    """Buyer, phone ending and several order ids typed into the search box
    of 订单 find the orders"""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from test_browser import open_menu

    orders = rpc.draft_orders(2)
    read = rpc.model('ecom.order', 'read', orders,
        ['platform_order_id', 'buyer', 'receiver_phone'])
    log_in(browser, server)
    open_menu(browser, "订单中心", None)
    open_menu(browser, "订单", '//*[normalize-space(text())="待审核"]')
    search = ACTIVE_TAB + '//form[contains(@class, "filter-box")]//input'

    def listed(driver):
        return sorted(t for t in texts(driver, ACTIVE_TAB
                + '//table[contains(@class, "tree")]/tbody/tr/td')
            if t in {o['platform_order_id'] for o in read})

    def until_listed(expected, what):
        "Wait for the list to show the orders; say what it shows if not"
        try:
            wait(browser, 60).until(
                lambda driver: listed(driver) == expected)
        except TimeoutException:
            raise AssertionError(
                f"{what} lists {listed(browser)}, not {expected}")

    def typed(text, expected):
        box = wait(browser).until(lambda driver: driver.find_element(
                By.XPATH, search))
        box.clear()
        box.send_keys(text, Keys.ENTER)
        until_listed(expected, repr(text))

    try:
        ids = sorted(o['platform_order_id'] for o in read)
        # Pasted from a spreadsheet's column: one id a line
        box = wait(browser).until(lambda driver: driver.find_element(
                By.XPATH, search))
        box.clear()
        box.click()
        browser.execute_cdp_cmd('Input.insertText',
            {'text': '\r\n'.join(ids) + '\r\n'})
        box.send_keys(Keys.ENTER)
        until_listed(ids, "pasted ids")
        typed(' '.join(ids), ids)
        browser.save_screenshot(str(SCREENSHOTS / 'search-ids.png'))
        typed(ids[0], ids[:1])
        first = next(o for o in read if o['platform_order_id'] == ids[0])
        if first['buyer']:
            typed(first['buyer'], sorted(o['platform_order_id']
                    for o in read if o['buyer'] == first['buyer']))
        if first['receiver_phone']:
            phone = first['receiver_phone'][-4:]
            typed(phone, sorted(o['platform_order_id'] for o in read
                    if (o['receiver_phone'] or '').find(phone) >= 0))
        browser.save_screenshot(str(SCREENSHOTS / 'search.png'))
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / 'failure.png'))
        raise
