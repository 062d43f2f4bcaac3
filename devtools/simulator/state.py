"""The simulator's world: shops, listings, orders and pending faults.

Orders are kept in one platform-neutral shape and rendered in each
platform's wire format by the platform modules. Times are Unix seconds.
Everything is saved to a JSON file so a restarted simulator carries on.
"""
import json
import os
import random
import threading
import time
from decimal import Decimal

from .catalog import (
    ADDRESSES, BUYER_MESSAGES, GIVEN, LISTINGS, SELLER_MEMOS, STREETS,
    SURNAMES)

DEFAULT_SHOPS = [
    ('TB01', 'taobao'), ('TM01', 'tmall'), ('JD01', 'jd'),
    ('PDD01', 'pdd'), ('DY01', 'douyin'), ('SP01', 'shopify'),
    ]
ID_BASE = {
    'taobao': 3000000000000000000, 'tmall': 3100000000000000000,
    'jd': 280000000000, 'douyin': 6900000000000000000,
    'shopify': 5100000000000,
    }


def default_credentials(code):
    "The credentials a shop has in a fresh simulator (and the demo uses)"
    code = code.lower()
    return {
        'app_key': code + '-key',
        'app_secret': code + '-secret',
        'session': code + '-session',
        'webhook_secret': code + '-webhook',
        }


class State:

    def __init__(self, path=None, seed=None):
        self.path = path
        self.lock = threading.RLock()
        self.random = random.Random(seed)
        self.dirty = False
        self.data = None
        if path and os.path.exists(path):
            with open(path, encoding='utf-8') as f:
                self.data = json.load(f)
        if not self.data:
            self.data = {'seq': 0, 'shops': {}, 'orders': {},
                'faults': [], 'shipments': [], 'stock_updates': []}
            for code, platform in DEFAULT_SHOPS:
                self.add_shop(code, platform)
            self.dirty = True

    # persistence
    def save(self):
        with self.lock:
            if not self.path or not self.dirty:
                return
            tmp = self.path + '.tmp'
            with open(tmp, 'w', encoding='utf-8') as f:
                json.dump(self.data, f, ensure_ascii=False)
            os.replace(tmp, self.path)
            self.dirty = False

    def next_id(self):
        self.data['seq'] += 1
        return self.data['seq']

    # shops and listings
    def add_shop(self, code, platform, **credentials):
        with self.lock:
            shop = {'platform': platform, 'session_valid': True}
            shop.update(default_credentials(code))
            shop.update(credentials)
            shop['listings'] = self._make_listings(code, platform)
            self.data['shops'][code] = shop
            self.data['orders'].setdefault(code, {})
            self.dirty = True
            return shop

    def _make_listings(self, code, platform):
        base = ID_BASE.get(platform, 600000000000)
        listings = []
        for i, (outer, title, price) in enumerate(LISTINGS):
            item_id = str(base // 1000 + 1000 + i)
            # every second item sells as a SKU variant, the others plain
            sku_id = str(base // 100 + 5000 + i) if i % 2 else ''
            listings.append({'item_id': item_id, 'sku_id': sku_id,
                    'outer_code': outer, 'title': title, 'price': price,
                    'quantity': 100, 'variant_id': str(base // 10 + i),
                    'inventory_item_id': str(base // 10 + 900 + i)})
        return listings

    def shop_by(self, key, value):
        for code, shop in self.data['shops'].items():
            if shop.get(key) == value:
                return code, shop
        return None, None

    # faults
    def add_fault(self, shop, kind, count=1, seconds=None):
        with self.lock:
            self.data['faults'].append({'shop': shop, 'kind': kind,
                    'count': count, 'seconds': seconds})
            self.dirty = True

    def take_fault(self, shop):
        with self.lock:
            for fault in self.data['faults']:
                if fault['shop'] in (shop, '*') and fault['count'] > 0:
                    fault['count'] -= 1
                    self.data['faults'] = [
                        f for f in self.data['faults'] if f['count'] > 0]
                    self.dirty = True
                    return fault

    # orders
    def orders(self, shop):
        return self.data['orders'].setdefault(shop, {})

    def new_order(self, shop, now=None, **values):
        "Create an order with random but plausible content"
        with self.lock:
            rnd = self.random
            # the platforms count time in whole seconds
            now = int(now if now is not None else time.time())
            platform = self.data['shops'][shop]['platform']
            number = self.next_id()
            if platform == 'pdd':
                order_id = '%s-%015d' % (
                    time.strftime('%y%m%d', time.gmtime(now)), number)
            else:
                order_id = str(ID_BASE.get(platform, 1000) + number * 7 + 3)
            province, city, district = rnd.choice(ADDRESSES)
            lines = []
            listings = self.data['shops'][shop]['listings']
            for n, listing in enumerate(rnd.sample(
                        listings, rnd.choice([1, 1, 1, 2, 3]))):
                lines.append({
                        'line_id': '%s%02d' % (order_id, n + 1),
                        'item_id': listing['item_id'],
                        'sku_id': listing['sku_id'],
                        'variant_id': listing['variant_id'],
                        'outer_code': listing['outer_code'],
                        'title': listing['title'],
                        'quantity': rnd.choice([1, 1, 1, 2, 3]),
                        'price': listing['price'],
                        'refund': 'none',
                        })
            name = rnd.choice(SURNAMES) + rnd.choice(GIVEN)
            paid = values.get('status', 'paid') != 'unpaid'
            order = {
                'id': order_id, 'status': 'paid' if paid else 'unpaid',
                'created': now - 60, 'modified': now,
                'pay_time': now - 30 if paid else None,
                'buyer': 'tb_%s%d' % ('buyer', number),
                'receiver': {
                    'name': name,
                    'phone': '1%d%08d' % (rnd.choice([38, 39, 58, 86]),
                        rnd.randrange(10 ** 8)),
                    'province': province, 'city': city,
                    'district': district,
                    'address': '%s%d号' % (rnd.choice(STREETS),
                        rnd.randrange(1, 400)),
                    'zip': '310000',
                    },
                'message': rnd.choice(BUYER_MESSAGES),
                'memo': rnd.choice(SELLER_MEMOS),
                'flag': rnd.choice([0, 0, 0, 1, 4]),
                'post_fee': rnd.choice(['0.00', '0.00', '8.00', '12.00']),
                'discount': '0.00',
                'lines': lines,
                'shipping': None,
                'corrupt': False,
                }
            order.update(values)
            order['lines'] = [dict(line) for line in order['lines']]
            self.orders(shop)[order['id']] = order
            self.dirty = True
            return order

    def update_order(self, shop, order_id, now=None, **values):
        with self.lock:
            order = self.orders(shop)[order_id]
            lines = values.pop('lines', None)
            order.update(values)
            if lines is not None:
                by_id = {line['line_id']: line for line in order['lines']}
                for line in lines:
                    by_id[line['line_id']].update(line)
            order['modified'] = max(
                int(now if now is not None else time.time()),
                order['modified'] + 1)
            self.dirty = True
            return order

    def mutate_random(self, shop, now=None):
        "Move one existing order on, the way buyers and sellers do"
        with self.lock:
            orders = [o for o in self.orders(shop).values()
                if o['status'] in ('unpaid', 'paid', 'shipped')]
            if not orders:
                return
            rnd = self.random
            order = rnd.choice(orders)
            action = rnd.choice(['pay', 'refund', 'edit', 'cancel',
                    'finish'])
            now = now if now is not None else time.time()
            if order['status'] == 'unpaid':
                if action == 'cancel':
                    self.update_order(shop, order['id'], now,
                        status='cancelled')
                else:
                    self.update_order(shop, order['id'], now,
                        status='paid', pay_time=now)
            elif action == 'refund':
                line = rnd.choice(order['lines'])
                stage = {'none': 'requested', 'requested': rnd.choice(
                        ['refused', 'refunded'])}.get(line['refund'])
                if stage:
                    line['refund'] = stage
                    status = order['status']
                    if all(li['refund'] == 'refunded'
                            for li in order['lines']):
                        status = 'cancelled'
                    self.update_order(shop, order['id'], now,
                        status=status)
            elif action == 'edit' and order['status'] == 'paid':
                receiver = dict(order['receiver'])
                receiver['address'] += ' (改)'
                self.update_order(shop, order['id'], now,
                    receiver=receiver, memo=order['memo'] + ' 买家改地址')
            elif action == 'finish' and order['status'] == 'shipped':
                self.update_order(shop, order['id'], now,
                    status='finished')

    def generate(self, count, shops=None, start=None, end=None):
        "Add count orders spread over the shops and over [start, end]"
        with self.lock:
            shops = shops or sorted(self.data['shops'])
            end = end if end is not None else time.time()
            start = start if start is not None else end - 3600
            created = []
            for n in range(count):
                when = start + (end - start) * (n + 1) / count
                created.append(self.new_order(shops[n % len(shops)], when))
            return created

    def ship(self, shop, order_id, carrier, tracking, line_ids=None):
        with self.lock:
            if order_id not in self.orders(shop):
                raise KeyError(order_id)
            self.data['shipments'].append({'shop': shop, 'order': order_id,
                    'carrier': carrier, 'tracking': tracking,
                    'lines': line_ids})
            self.update_order(shop, order_id, status='shipped',
                shipping={'carrier': carrier, 'tracking': tracking})

    def set_stock(self, shop, item_id, sku_id, quantity):
        with self.lock:
            for listing in self.data['shops'][shop]['listings']:
                if (listing['item_id'] == str(item_id)
                        and (not sku_id or listing['sku_id'] == str(sku_id))):
                    listing['quantity'] = int(quantity)
                    self.data['stock_updates'].append({'shop': shop,
                            'item': str(item_id), 'sku': str(sku_id or ''),
                            'quantity': int(quantity)})
                    self.dirty = True
                    return listing

    def changed(self, shop, start, end):
        "Orders of shop modified in [start, end], oldest change first"
        return sorted((o for o in self.orders(shop).values()
                if start <= o['modified'] <= end),
            key=lambda o: (o['modified'], o['id']))


def amount(value):
    return Decimal(value).quantize(Decimal('0.01'))


def order_total(order):
    goods = sum(amount(li['price']) * li['quantity'] for li in order['lines'])
    return goods + amount(order['post_fee']) - amount(order['discount'])
