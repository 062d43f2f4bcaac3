"""A careless platform sends malformed orders, old versions and wrong
shops: each bad order fails alone with its reason, the newest version of
an order wins, and a wrong shop is refused before anything is stored."""
import datetime as dt
from decimal import Decimal

from proteus import Model

from trytond.exceptions import UserError
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    OrderCenterCase, line, normalized)

MEGABYTE = 10 ** 6


def with_line(**values):
    "A normalized order whose only line has values"
    return {'lines': [dict(line('1', 'TEA-LJ-250'), **values)]}


# kind: the values that make the order malformed, a word of the reason
MALFORMED = [
    ("seller flag as text", {'seller_flag': 'red'}, 'seller_flag'),
    ("seller flag as a list", {'seller_flag': [1]}, 'seller_flag'),
    ("modified as text", {'modified': '2026-11-11 00:05'}, 'modified'),
    ("modified as a number", {'modified': 1793000000}, 'modified'),
    ("modified in 1900", {'modified': dt.datetime(1900, 1, 1)},
        'modified'),
    ("quantity NaN", with_line(quantity=float('nan')), 'quantity'),
    ("quantity infinite", with_line(quantity=float('inf')), 'quantity'),
    ("quantity 1e300", with_line(quantity=1e300), 'quantity'),
    ("quantity of a half", with_line(quantity=0.5), 'quantity'),
    ("unit price NaN", with_line(unit_price='NaN'), 'unit_price'),
    ("negative amount", with_line(amount=Decimal('-1')), 'amount'),
    ("total of 1e10", {'total_amount': Decimal('1e10')}, 'total_amount'),
    ("surrogate in the buyer", {'buyer': 'tea\ud800'}, 'buyer'),
    ("surrogate in the address", {'receiver_address': '\udfff路'},
        'receiver_address'),
    ("surrogate in the title", with_line(title='龙井\ud83d'), 'title'),
    ("surrogate in the outer code", with_line(outer_code='TEA\udc00'),
        'outer_code'),
    ("NUL in the receiver", {'receiver_name': '王\x00明'},
        'receiver_name'),
    ("buyer of a megabyte", {'buyer': 'b' * MEGABYTE}, 'buyer'),
    ("outer code of a megabyte", with_line(outer_code='C' * MEGABYTE),
        'outer_code'),
    ("status as a list", {'status': ['paid']}, 'status'),
    ]


class MalformedOrderTestCase(OrderCenterCase):

    def test_each_malformed_order_fails_alone(self):
        "Each malformed order fails with its reason, the good ones are kept"
        bad = [normalized('B%02d' % i, **values)
            for i, (_, values, _) in enumerate(MALFORMED)]
        good = [normalized('G%02d' % i) for i in range(len(bad))]
        mixed = [order for pair in zip(good, bad) for order in pair]
        results = {r[0]: r for r in self.upsert(*mixed)}
        for i, (kind, _, word) in enumerate(MALFORMED):
            with self.subTest(kind=kind):
                _, outcome, order_id, reason = results['B%02d' % i]
                self.assertEqual((outcome, order_id), ('failed', None))
                self.assertIn(word, reason)
                self.assertLess(len(reason), 300)
        self.assertEqual({results['G%02d' % i][1] for i in range(len(bad))},
            {'new'})
        self.assertEqual(sorted(o.platform_order_id for o in self.Order.find(
                        [('shop', '=', self.shop.id)])),
            sorted(o['platform_order_id'] for o in good))

    def test_long_and_untidy_texts_are_cleaned(self):
        "Long texts are cut with an ellipsis, control characters cleaned"
        result, = self.upsert(normalized('C1001',
                line('1', 'TEA-LJ-250')
                | {'title': '龙井' * MEGABYTE},
                receiver_name=' 王\t小明\x07 ',
                seller_memo='第一行\r\n第二行\x1b',
                receiver_address='路' * MEGABYTE))
        self.assertEqual(result[1], 'new')
        order, = self.Order.find([('platform_order_id', '=', 'C1001')])
        self.assertEqual(order.receiver_name, '王 小明')
        self.assertEqual(order.seller_memo, '第一行\n第二行')
        self.assertEqual(len(order.receiver_address), 500)
        self.assertTrue(order.receiver_address.endswith('路…'))
        self.assertEqual(len(order.lines[0].title), 255)
        self.assertTrue(order.lines[0].title.endswith('…'))

    def test_order_id_with_spaces_is_found_again(self):
        "An order id sent with spaces around it is the same order"
        self.upsert(normalized(' S1001 '))
        result, = self.upsert(normalized('S1001\n', seller_memo='改'))
        self.assertEqual(result[1], 'updated')
        self.assertEqual(self.Order.find(
                [('shop', '=', self.shop.id)])[0].seller_memo, '改')

    def test_wrong_shop_is_refused(self):
        "Orders for no shop, a shop code or another company's shop"
        with self.assertRaises(UserError) as context:
            self.Order.upsert_normalized(self.shop.id, normalized('W1001'),
                self.config.context)
        self.assertIn("must be a list", context.exception.message)
        Company = Model.get('company.company')
        Party = Model.get('party.party')
        Shop = Model.get('ecom.shop')
        party = Party(name="别家公司")
        party.save()
        other = Company(party=party, currency=self.seller.company.currency)
        other.save()
        # the clerk works for both companies, in the seller's now
        User = Model.get('res.user')
        user = User(self.config.user)
        user.companies.append(Company(other.id))
        user.save()
        with self.config.set_context(company=other.id, companies=[other.id]):
            foreign = Shop(code='OT01', name="别家店", platform='taobao',
                company=other, warehouse=self.shop.warehouse)
            foreign.save()
        for shop in [None, 'TB01', str(self.shop.id), 987654, -1, 2 ** 70,
                True, foreign.id]:
            with self.subTest(shop=shop):
                with self.assertRaises(UserError) as context:
                    self.Order.upsert_normalized(shop,
                        [normalized('W1001')], self.config.context)
                self.assertIn("shop of your company",
                    context.exception.message)
        self.assertEqual(self.Order.find([]), [])


class NewestVersionTestCase(OrderCenterCase):

    def test_older_version_changes_nothing(self):
        "An update older than the stored order is stale"
        newer = normalized('N1001', seller_memo='改地址',
            receiver_address='文二路 1 号',
            modified=dt.datetime(2026, 11, 11, 0, 30))
        older = normalized('N1001', seller_memo='',
            modified=dt.datetime(2026, 11, 11, 0, 5))
        self.assertEqual(self.upsert(newer)[0][1], 'new')
        (_, outcome, order_id, _), = self.upsert(older)
        self.assertEqual(outcome, 'stale')
        order = self.Order(order_id)
        self.assertEqual((order.seller_memo, order.receiver_address),
            ('改地址', '文二路 1 号'))
        self.assertEqual(order.platform_modified,
            dt.datetime(2026, 11, 11, 0, 30))
        self.assertEqual(self.upsert(newer)[0][1], 'unchanged')

    def test_newest_of_one_batch_wins(self):
        "Two versions in one batch, the newer one first: the newer is kept"
        self.upsert(normalized('N2001', seller_memo='第二版',
                modified=dt.datetime(2026, 11, 11, 1, 0)),
            normalized('N2001', seller_memo='第一版',
                modified=dt.datetime(2026, 11, 11, 0, 30)))
        order, = self.Order.find([('platform_order_id', '=', 'N2001')])
        self.assertEqual(order.seller_memo, '第二版')
