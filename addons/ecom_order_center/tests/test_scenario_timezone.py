"""A shop counts its days in its own time zone: an order placed just after
midnight in China is a sale of that day, not of the day before in UTC."""
import datetime as dt

from .test_scenario_order import OrderCenterCase, normalized

# 2026-11-11 00:00:05 China time, as the platforms' times are stored
SINGLES_DAY_MIDNIGHT = dt.datetime(2026, 11, 10, 16, 0, 5)


class TimezoneTestCase(OrderCenterCase):

    def post(self, order_id):
        orders = self.Order.find([('platform_order_id', '=', order_id)])
        for button in ['cs_audit', 'finance_audit', 'post']:
            self.Order.click(orders, button)
        order, = orders
        order.reload()
        return order

    def test_chinese_shops_count_days_in_china_time(self):
        "Every shop of a Chinese platform and a manual shop: China time"
        self.assertEqual({s.platform: s.timezone
                for s in self.seller.shops.values()},
            {s.platform: 'Asia/Shanghai'
                for s in self.seller.shops.values()})

    def test_order_after_midnight_is_a_sale_of_that_day(self):
        "Placed at 00:00:05 on 11-11 China time: a sale of 11-11"
        self.upsert(normalized('T1111', order_date=SINGLES_DAY_MIDNIGHT,
                pay_date=SINGLES_DAY_MIDNIGHT,
                modified=SINGLES_DAY_MIDNIGHT))
        order = self.post('T1111')
        self.assertEqual(order.state, 'posted')
        # The order keeps the true instant.
        self.assertEqual(order.order_date, SINGLES_DAY_MIDNIGHT)
        sale, = order.sales
        self.assertEqual(sale.sale_date, dt.date(2026, 11, 11))

    def test_shop_in_another_time_zone_counts_its_own_days(self):
        "The same instant is still 11-10 for a shop selling from Berlin"
        self.shop.timezone = 'Europe/Berlin'
        self.shop.save()
        self.upsert(normalized('T1112', order_date=SINGLES_DAY_MIDNIGHT))
        sale, = self.post('T1112').sales
        self.assertEqual(sale.sale_date, dt.date(2026, 11, 10))
