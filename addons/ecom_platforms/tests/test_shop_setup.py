"""A shop as an admin sets it up: what it lacks is said on the shop and in
its sync log in Chinese, the Taobao sign method is the shop's choice, the
download wizard offers yesterday as the shop counts its days, and a
Shopify shop takes its time zone from Shopify."""
import datetime as dt
from unittest import mock

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .simulated import SimulatedShopsCase, admin, as_admin
from .test_download import point_shops


class ShopSetupTestCase(SimulatedShopsCase):

    def chinese(self):
        Lang = Pool().get('ir.lang')
        chinese, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([chinese])
        return Transaction().set_context(language='zh_CN')

    def test_missing_credentials_said_in_chinese(self):
        "A shop without its session key says so, on the shop and the log"
        with as_admin(DB_NAME):
            point_shops(self.simulator.url)
            shop = self.shop('TB01')
            shop.session_key = None
            shop.endpoint = ' '
            shop.save()
            with self.chinese():
                shop = self.shop('TB01')
                self.assertEqual(shop.setup_message,
                    '店铺“%s”无法调用平台接口：缺少接口地址、授权令牌。'
                    % shop.rec_name)
                log = shop.download()
                self.assertEqual(log.errors.strip(), shop.setup_message)
                self.assertEqual(log.new, 0)
            # set up, the message is gone and the download works
            point_shops(self.simulator.url)
            self.assertIsNone(self.shop('TB01').setup_message)
            self.assertEqual(self.shop('TB01').download().errors, '')

    def test_sign_method_is_the_shops(self):
        "The application signs with MD5 on the open platform: so must the shop"
        self.simulator.state.data['shops']['TB01']['sign_method'] = 'md5'
        admin(self.simulator, 'orders', {'shop': 'TB01', 'count': 2})
        with as_admin(DB_NAME):
            point_shops(self.simulator.url)
            shop = self.shop('TB01')
            self.assertEqual(shop.top_sign_method, 'hmac-sha256')
            log = shop.download()
            self.assertIn('Invalid signature', log.errors)
            self.assertEqual(log.new, 0)

            shop.top_sign_method = 'md5'
            shop.save()
            self.assertEqual(self.shop('TB01').get_client().sign_method,
                'md5')
            log = self.shop('TB01').download()
            self.assertEqual((log.errors, log.new), ('', 2))

    def test_download_wizard_offers_the_shops_yesterday(self):
        "At 00:30 on 11-11 in Beijing, yesterday is 11-10 from midnight"
        Wizard = None
        with as_admin(DB_NAME):
            pool = Pool()
            Wizard = pool.get('ecom.shop.download', type='wizard')
            taobao = self.shop('TB01')
            shopify = self.shop('SP01')
            shopify.timezone = 'America/Los_Angeles'
            shopify.save()
            now = dt.datetime(2026, 11, 10, 16, 30)     # UTC
            with mock.patch(
                    'trytond.modules.ecom_platforms.download.utcnow',
                    return_value=now):
                for shops, start in [
                        # 11-10 00:00 in Beijing
                        ([taobao], dt.datetime(2026, 11, 9, 16, 0)),
                        # 08:30 on 11-10 in Los Angeles: 11-09 00:00 there
                        ([shopify], dt.datetime(2026, 11, 9, 8, 0)),
                        # both: the earlier
                        ([taobao, shopify], dt.datetime(2026, 11, 9, 8, 0)),
                        ]:
                    with self.subTest(shops=[s.code for s in shops]):
                        with Transaction().set_context(
                                active_model='ecom.shop',
                                active_ids=[s.id for s in shops],
                                active_id=shops[0].id):
                            session_id, _, _ = Wizard.create()
                            wizard = Wizard(session_id)
                            self.assertEqual(wizard.default_start([]), {
                                    'from_date': start, 'to_date': now})
                            Wizard.delete(session_id)

    def test_shopify_shop_takes_its_time_zone_from_shopify(self):
        "The time zone set in the Shopify admin is the shop's after a download"
        self.simulator.state.data['shops']['SP01']['timezone'] = (
            'Europe/Berlin')
        with as_admin(DB_NAME):
            point_shops(self.simulator.url)
            shop = self.shop('SP01')
            self.assertNotEqual(shop.timezone, 'Europe/Berlin')
            self.assertEqual(shop.download().errors, '')
            self.assertEqual(self.shop('SP01').timezone, 'Europe/Berlin')
            # the Chinese platforms count in Beijing time whatever happens
            self.assertEqual(self.shop('TB01').download().errors, '')
            self.assertEqual(self.shop('TB01').timezone, 'Asia/Shanghai')
