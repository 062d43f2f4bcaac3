"""A sorter at the second sort (二次分拣) of a picked wave scans its items
with only a barcode scanner: each scan shows, in large type, the bin the
item goes to; an item no bin needs and a code nobody knows are shown in
red; the wave then tells its bins complete."""
import pytest

from test_browser import SCREENSHOTS, log_in
from test_browser_batch import DIALOG, Server, click, no_error_shown, wait
from test_browser_packing import CODE, assigned_parcel, scan

pytestmark = pytest.mark.browser

BIG = DIALOG + '//font[@size="7"]'


@pytest.fixture(scope='module')
def rpc(server):
    return Server(server)


def waybill_parcel(rpc):
    """An assigned parcel with the number the demo's waybill account got
    from the simulator; its items by code"""
    shipment, items = assigned_parcel(rpc)
    rpc.model('stock.shipment.out', 'fetch_waybill', [shipment['id']])
    fetched, = rpc.model('stock.shipment.out', 'read', [shipment['id']],
        ['shipping_reference', 'waybill_error', 'waybill.number',
            'warehouse'])
    assert not fetched['waybill_error'], fetched
    assert fetched['shipping_reference'] == fetched['waybill.']['number']
    return fetched, items


def picking_wave(rpc, parcels):
    "A wave of the parcels, bins in their order, being picked"
    wave, = rpc.model('ecom.wave', 'create', [{
                'warehouse': parcels[0]['warehouse'],
                'lines': [['create', [{'shipment': p['id'], 'bin': bin_}
                            for bin_, p in enumerate(parcels, 1)]]],
                }])
    rpc.model('ecom.wave', 'start_picking', [wave])
    return wave


def big_text(browser):
    from selenium.webdriver.common.by import By
    return browser.find_element(By.XPATH, BIG)


def test_sorter_scans_a_wave_into_its_bins(server, browser, rpc):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    parcels = [waybill_parcel(rpc) for _ in range(2)]
    wave = picking_wave(rpc, [p for p, _ in parcels])
    try:
        log_in(browser, server)
        browser.execute_script("window.location.hash = arguments[0];",
            f'#ecom/model/ecom.wave/{wave}')
        click(browser, '//*[contains(@class, "tab-content")]'
            '//button[normalize-space(.)="二次分拣"]')
        wait(browser, 120).until(
            EC.visibility_of_element_located((By.XPATH, CODE)))
        # the scan field takes the scanner's typing: no click from here on
        wait(browser, 10).until(lambda driver:
            driver.switch_to.active_element.get_attribute('name') == 'code')

        # each bin's items in turn: the lowest bin needing an item gets it
        for bin_, (_, items) in enumerate(parcels, 1):
            scans = [code for code, quantity in items.items()
                for _ in range(quantity)]
            for count, code in enumerate(scans, 1):
                shows = ('此格已分完' if count == len(scans)
                    else '放入 %d 号格' % bin_)
                scan(browser, code, shows)
                assert big_text(browser).text == str(bin_)
                assert big_text(browser).get_attribute('color') == 'green'
            if bin_ == 1:
                browser.save_screenshot(str(SCREENSHOTS / 'sort-bin.png'))

        code = next(iter(parcels[0][1]))
        scan(browser, code, '没有分拣格还需要它')
        assert big_text(browser).get_attribute('color') == 'red'
        scan(browser, 'NO-SUCH-ITEM', '未知条码')
        assert big_text(browser).get_attribute('color') == 'red'
        wait(browser, 60).until(lambda driver: [
                e.get_attribute('value') for e in driver.find_elements(
                    By.XPATH, DIALOG + '//input[@name="complete_bins"]')]
            == ['1, 2'])
        no_error_shown(browser, "sorting")
        browser.save_screenshot(str(SCREENSHOTS / 'sort-station.png'))
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / 'failure.png'))
        raise

    sorted_wave, = rpc.model('ecom.wave', 'read', [wave],
        ['complete_bins', 'lines'])
    assert sorted_wave['complete_bins'] == '1, 2'
    lines = rpc.model('ecom.wave.line', 'read', sorted_wave['lines'],
        ['bin', 'sort_complete'])
    assert sorted((l['bin'], l['sort_complete']) for l in lines) == [
        (1, True), (2, True)]
