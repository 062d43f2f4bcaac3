"""A packer at the packing station (验货台) verifies a parcel with only a
barcode scanner: the scanner types each code and Enter into the web
client; the server then holds the parcel packed."""
import shutil

import pytest

from test_browser import SCREENSHOTS, log_in, open_menu
from test_browser_batch import DIALOG, Server, no_error_shown, wait

pytestmark = pytest.mark.browser

DOCS = SCREENSHOTS.parent.parent / 'docs'
CODE = DIALOG + '//input[@name="code"]'


@pytest.fixture(scope='module')
def rpc(server):
    return Server(server)


def assigned_parcel(rpc):
    """Post an order the scheduler downloaded; return its shipment,
    assigned, with a waybill number, and the codes of its items"""
    order_id, = rpc.draft_orders(1)
    for button in ['cs_audit', 'finance_audit', 'post']:
        rpc.model('ecom.order', button, [order_id])
    order, = rpc.model('ecom.order', 'read', [order_id],
        ['state', 'platform_order_id', 'sales'])
    assert order['state'] == 'posted', order
    sale, = rpc.model('sale.sale', 'read', order['sales'], ['shipments'])
    shipment_id, = sale['shipments']
    carrier, = rpc.model('carrier', 'search', [], 0, 1, None)
    rpc.model('stock.shipment.out', 'write', [shipment_id], {
            'shipping_reference': 'ZTBRW' + order['platform_order_id'],
            'carrier': carrier,
            })
    rpc.model('stock.shipment.out', 'assign_force', [shipment_id])
    shipment, = rpc.model('stock.shipment.out', 'read', [shipment_id],
        ['state', 'shipping_reference', 'outgoing_moves'])
    assert shipment['state'] == 'assigned', shipment
    items = {}
    for move in rpc.model('stock.move', 'read', shipment['outgoing_moves'],
            ['product.code', 'quantity', 'state']):
        if move['state'] != 'cancelled' and move['quantity']:
            code = move['product.']['code']
            items[code] = items.get(code, 0) + int(move['quantity'])
    return shipment, items


def scan(browser, code, shows):
    """Type the code and Enter where the cursor is, as a scanner does;
    wait for the status to show the text and the scan field to be empty
    again"""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.switch_to.active_element.send_keys(code, Keys.ENTER)
    wait(browser, 120).until(lambda driver: shows in ''.join(
            e.text for e in driver.find_elements(By.XPATH,
                DIALOG + '//font'))
        and not driver.find_element(By.XPATH, CODE).get_attribute('value'))


def test_packer_verifies_a_parcel_with_the_keyboard(server, browser, rpc):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shipment, items = assigned_parcel(rpc)
    try:
        log_in(browser, server)
        open_menu(browser, "仓储", None)
        open_menu(browser, "验货台", None)
        wait(browser, 120).until(
            EC.visibility_of_element_located((By.XPATH, CODE)))
        # The cursor goes to the scan field by itself (the web client
        # focuses it just after drawing it): no click from here on.
        wait(browser, 10).until(lambda driver:
            driver.switch_to.active_element.get_attribute('name') == 'code')

        scan(browser, 'NO-SUCH-CODE', '未知条码')
        red = browser.find_element(By.XPATH, DIALOG + '//font')
        assert red.get_attribute('color') == '#c62828'
        browser.save_screenshot(str(SCREENSHOTS / 'packing-unknown.png'))

        scan(browser, shipment['shipping_reference'], '请扫描商品')
        codes = list(items.items())
        for code, quantity in codes[:-1]:
            scan(browser, '%s×%d' % (code, quantity),
                '已扫 %d / 应有 %d' % (quantity, quantity))
        code, quantity = codes[-1]
        for _ in range(quantity):
            scan(browser, code, code)
        wait(browser, 120).until(lambda driver: '验货完成' in ''.join(
                e.text for e in driver.find_elements(By.XPATH,
                    DIALOG + '//font')))
        green = browser.find_element(By.XPATH, DIALOG + '//font')
        assert green.get_attribute('color') == '#1a7f37'
        no_error_shown(browser, "verifying")
        browser.save_screenshot(str(SCREENSHOTS / 'packing-station.png'))
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / 'failure.png'))
        raise

    packed, = rpc.model('stock.shipment.out', 'read', [shipment['id']],
        ['state', 'ecom_verify_state', 'ecom_packer.login'])
    assert packed['state'] == 'packed'
    assert packed['ecom_verify_state'] == 'verified'
    assert packed['ecom_packer.']['login'] == 'admin'
    DOCS.mkdir(exist_ok=True)
    shutil.copy(SCREENSHOTS / 'packing-station.png',
        DOCS / 'packing-station.png')
