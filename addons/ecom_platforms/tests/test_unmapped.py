"""A new shop's first download: orders whose lines map to no product, with
long and odd texts, are all stored with their reasons, on every platform"""
import time
import unittest

from trytond.modules.ecom_order_center.tests.tools import (
    activate_seller, drop_seller)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME

from .simulated import (
    PLATFORM_SHOPS, admin, as_admin, run_locked, start_simulator)
from .test_download import point_shops

MEMO = "买家要求周五前送达，包装加固。" * 134  # 2,010 characters
MESSAGE = "请尽快发货🍵🎁 <b>&\"'\u200b 谢谢！\n第二行"


def unmapped_lines(count, tag):
    return [{
            'line_id': f'{tag}{n:02d}',
            'item_id': f'9{tag}{n:03d}',
            'sku_id': f'8{tag}{n:03d}',
            'variant_id': f'7{tag}{n:03d}',
            'outer_code': f'NEW-{tag}-{n:02d}',
            'title': f"新上架商品 {n} 号 🍃 " + "长标题" * 20,
            'quantity': 1,
            'price': '19.90',
            'refund': 'none',
            } for n in range(1, count + 1)]


class UnmappedDownloadTestCase(unittest.TestCase):

    def setUp(self):
        activate_seller(['ecom_platforms'])
        self.addCleanup(drop_seller)
        self.simulator = start_simulator()
        self.addCleanup(self.simulator.stop)

    def test_unmapped_lines_and_odd_texts_stored_with_reasons(self):
        "1, 2 and 20 unmapped lines: every order stored, each line a reason"
        created = {}
        for platform, code in PLATFORM_SHOPS.items():
            created[code] = admin(self.simulator, 'orders', {
                    'shop': code, 'orders': [
                        {'lines': unmapped_lines(count, f'{count}'),
                            'memo': MEMO, 'message': MESSAGE}
                        for count in [1, 2, 20]]})['orders']
        # Platforms count in whole seconds: let the orders' second end
        time.sleep(1.1)
        with as_admin(DB_NAME) as transaction:
            point_shops(self.simulator.url)
            transaction.commit()
            pool = Pool()
            Shop = pool.get('ecom.shop')
            Order = pool.get('ecom.order')
            for platform, code in PLATFORM_SHOPS.items():
                with self.subTest(platform=platform):
                    shop, = Shop.search([('code', '=', code)])
                    log = run_locked(lambda: shop.download())
                    self.assertEqual(log.errors, '')
                    self.assertEqual((log.new, log.failed), (3, 0))
                    for sent, count in zip(created[code], [1, 2, 20]):
                        order, = Order.search([
                                ('shop', '=', shop.id),
                                ('platform_order_id', '=', str(sent['id'])),
                                ])
                        self.assertEqual(order.state, 'exception')
                        unmapped = [f for f in order.findings
                            if f.kind == 'mapping']
                        self.assertEqual(len(unmapped), count)
                        for n in range(1, count + 1):
                            self.assertIn(f'9{count}{n:03d}',
                                order.exceptions)
                        self.assertIn('🍵', order.buyer_message or '')
                        self.assertTrue(order.seller_memo)
