"""A clerk opening an order reads at the top of its form what holds it and
what to do about it, in the clerk's language: blocking first, warnings
after; nothing when nothing holds the order."""
from proteus import Model

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    ReadInChineseCase, line, normalized)


class OrderAttentionTestCase(ReadInChineseCase):

    def assertAttention(self, platform_order_id, expected):
        "The header reads expected, {language: lines}"
        for language, lines in expected.items():
            with self.subTest(order=platform_order_id, language=language):
                self.assertEqual(
                    self.read_in(language, platform_order_id).attention,
                    '\n'.join(lines) if lines else None)

    def order(self, platform_order_id):
        order, = self.Order.find([
                ('platform_order_id', '=', platform_order_id)])
        return order

    def test_refund_request_says_check_refund_then_warnings(self):
        self.upsert(normalized('A1001', line('1', 'TEA-LJ-250',
                    refund='requested'), buyer='refund_buyer',
                buyer_message='请周五前发货'))
        self.assertEqual(self.order('A1001').state, 'exception')
        self.assertAttention('A1001', {
                'zh_CN': [
                    "买家申请了退款。 → 点击“检查退款”向平台查询退款进度。",
                    "提醒：买家留言：请周五前发货",
                    ],
                'en': [
                    "The buyer asked for a refund. → Click “Check Refund” "
                    "to ask the platform how the refund stands.",
                    "Warning: The buyer wrote: 请周五前发货",
                    ],
                })

    def test_unmapped_sku_says_map_it_under_listings(self):
        self.upsert(normalized('A2001', line('1', 'ABC-1'),
                buyer='unmapped_buyer'))
        self.assertEqual(self.order('A2001').state, 'exception')
        self.assertAttention('A2001', {
                'zh_CN': [
                    "平台商品 \"ABC-1\" (商品 item-ABC-1，SKU sku-ABC-1) "
                    "未匹配产品。 → 在“平台商品”中为它选择产品，"
                    "订单随即重新检查。",
                    ],
                'en': [
                    "Listing \"ABC-1\" (item item-ABC-1, SKU sku-ABC-1) is "
                    "not mapped to a product. → Choose its product under "
                    "Listings: the order is checked again then.",
                    ],
                })

    def test_held_order_says_why_and_release(self):
        self.upsert(normalized('A3001', buyer='held_buyer'))
        order = self.order('A3001')
        order.hold_reason = "买家要求改地址"
        order.save()
        order.click('hold')
        self.assertAttention('A3001', {
                'zh_CN': ["挂起：买家要求改地址 → 可以继续时点击“释放”。"],
                'en': ["Held: 买家要求改地址 → click “Release” when it "
                    "may go on."],
                })
        order.click('release')
        self.assertAttention('A3001', {'zh_CN': None, 'en': None})

    def test_clean_order_shows_nothing(self):
        self.upsert(normalized('A4001', buyer='clean_buyer'))
        order = self.order('A4001')
        self.assertEqual(order.state, 'draft')
        self.assertFalse(order.findings)
        self.assertAttention('A4001', {'zh_CN': None, 'en': None})
        self.assertIsNone(order.attention_html)

    def test_form_shows_blocking_lines_in_red(self):
        self.upsert(normalized('A5001', line('1', 'TEA-LJ-250',
                    refund='requested'), buyer='<b>buyer</b>',
                buyer_message='<script>'))
        order = self.order('A5001')
        self.assertEqual(order.attention_html,
            '<div><font size="4" color="#c9302c"><b>The buyer asked for a '
            'refund. → Click “Check Refund” to ask the platform how the '
            'refund stands.</b></font></div>'
            '<div><font color="#8a6d3b">Warning: The buyer wrote: '
            '&lt;script&gt;</font></div>')

    def test_address_completed_then_check_again(self):
        self.upsert(normalized('A6001', receiver_address='',
                buyer='address_buyer'))
        order = self.order('A6001')
        self.assertEqual(order.state, 'exception')
        # The finding names the fields as the check saw them.
        found = {}
        for language in ['zh_CN', 'en']:
            with self.config.set_context(language=language):
                finding, = Model.get('ecom.order.finding').find([
                        ('order', '=', order.id)])
                found[language] = finding.message
        self.assertAttention('A6001', {
                'zh_CN': [found['zh_CN'] + " → 在“收货人”页补全地址，"
                    "再点击“重新检查”。"],
                'en': [found['en'] + " → Complete the address on the "
                    "Receiver page, then click “Check Again”."],
                })
        order.receiver_address = '文三路 398 号'
        order.save()
        order.click('recheck')
        self.assertEqual(order.state, 'draft')
        self.assertAttention('A6001', {'zh_CN': None, 'en': None})
        self.assertEqual(order.decisions[0].outcome, "Draft")
