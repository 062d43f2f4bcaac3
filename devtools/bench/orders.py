"""Benchmark the order pipeline against Tryton's plain sale API.

    scripts/with-postgresql .venv/bin/ecom-bench orders --orders 1000 10000

For each N it generates N orders spread over the seller's three shops that
ship from the main warehouse, as a seller's orders come in (single items,
kits, two-item orders and unknown SKUs that end in exception; every shop
runs a tiered gift rule and one capped per buyer), pushes them through
upsert (with listing mapping, gifts and checks), customer-service audit,
finance audit and posting, in batches (posting in the batch action's
chunks), and prints orders/second per stage.

The batches run in worker processes (--workers, one per core by default)
that load the modules the way trytond and trytond-worker do, not in the
test mode that prepares the database.  A shop's downloads are upserted one
batch after the other, as its queue tasks run, and the shops side by side;
the audits and posting run their batches side by side, and two that need
the same lock wait for each other, retried as Tryton's worker retries.

Then it posts a sample of the same orders the way a plain connector would:
one sale at a time through proteus (create, quote, confirm, process) in one
such process, and prints the ratio.  The database is the one named by
DB_NAME (default bench_ecom) on TRYTOND_DATABASE_URI; it is created, so use
a throwaway server.
"""
import argparse
import datetime as dt
import multiprocessing
import os
import random
import time
import traceback
from decimal import Decimal

# Most orders in one batch of a download and of an audit; posting takes the
# batch action's chunks (batch.CHUNK)
CHUNK = {'upsert': 500, 'audit': 500}
# The shops the orders come from, with their share of the orders
SHOPS = {'TB01': 5, 'TM01': 3, 'JD01': 2}


def generate(count, prefix, products, kits, seed=8):
    "Return count normalized orders, a mix a tea shop sees"
    rng = random.Random(seed)
    start = dt.datetime(2026, 11, 11)
    provinces = ['浙江', '广东省', '上海', '北京市', '江苏省', '四川省',
        '广西壮族自治区', '新疆维吾尔自治区']
    orders = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.60:
            codes = [rng.choice(products)]
        elif roll < 0.80:
            codes = [rng.choice(kits)]
        elif roll < 0.95:
            codes = rng.sample(products, 2)
        else:
            codes = ['UNKNOWN-%d' % rng.randrange(20)]
        lines = []
        for j, code in enumerate(codes, 1):
            quantity = rng.choice([1, 1, 1, 2, 3])
            price = Decimal(rng.choice(['39.00', '88.00', '168.00']))
            lines.append({
                    'platform_line_id': '%s-%d-%d' % (prefix, i, j),
                    'platform_item_id': 'item-' + code,
                    'platform_sku_id': 'sku-' + code,
                    'outer_code': code, 'title': code,
                    'quantity': quantity, 'unit_price': price,
                    'amount': price * quantity, 'refund_status': 'none',
                    })
        when = start + dt.timedelta(seconds=37 * i)
        orders.append({
                'platform_order_id': '%s%06d' % (prefix, i),
                'platform_status': 'WAIT_SELLER_SEND_GOODS',
                'status': 'paid', 'modified': when,
                'buyer': 'buyer%d' % rng.randrange(count),
                'receiver_name': '顾客%d' % i,
                'receiver_phone': '138%08d' % i,
                'receiver_province': rng.choice(provinces),
                'receiver_city': '市', 'receiver_district': '区',
                'receiver_address': '路 %d 号' % i,
                'buyer_message': '', 'seller_memo': '', 'seller_flag': 0,
                'order_date': when, 'pay_date': when,
                'total_amount': sum(l['amount'] for l in lines),
                'shipping_amount': Decimal(0), 'carrier_code': None,
                'lines': lines, 'raw': {},
                })
    return orders


def chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def even_chunks(items, size, workers):
    """Split items into batches of at most size, as many as a multiple of
    workers and of even sizes, so that no worker waits for another's last
    batch"""
    count = -(-len(items) // size)
    count = -(-count // workers) * workers
    return list(chunks(items, -(-len(items) // count)))


def timed(label, count, func, report, workers=None):
    """Run func and print its orders/second; with workers also the
    processor milliseconds per order their processes spent, which a busy
    machine does not change as much as the elapsed time"""
    start, cpu = time.perf_counter(), workers.cpu if workers else 0
    func()
    seconds = time.perf_counter() - start
    report.append((label, count, seconds))
    line = '  %-22s %7d orders %8.1f s %9.1f orders/s' % (
        label, count, seconds, count / seconds if seconds else 0)
    if workers:
        line += ' %7.1f cpu ms/order' % (
            1000 * (workers.cpu - cpu) / count)
    print(line, flush=True)
    return seconds


def in_transaction(database, context, func, retry=100):
    """Run func in a transaction, restarted as Tryton asks to take locks and
    retried while another process holds them"""
    from trytond import backend
    from trytond.transaction import Transaction, TransactionError
    extras = {}
    for count in range(retry + 1):
        try:
            with Transaction().start(
                    database, 1, context=context, **extras) as transaction:
                try:
                    result = func()
                except TransactionError as exception:
                    transaction.rollback()
                    exception.fix(extras)
                    continue
                transaction.commit()
                return result
        except backend.DatabaseOperationalError:
            if count == retry:
                raise
            time.sleep(0.02 * (count + 1) * random.random())


def upsert(database, context, shop_id, batches):
    "Upsert the shop's batches one after the other, each committed"
    from trytond.pool import Pool
    for orders in batches:
        in_transaction(database, context,
            lambda: Pool().get('ecom.order').upsert_normalized(
                shop_id, orders))


def act(database, context, shop_ids, ids, state, button):
    "Press the button on those of the orders still in state"
    from trytond.pool import Pool

    def press():
        Order = Pool().get('ecom.order')
        getattr(Order, button)(Order.search([
                    ('shop', 'in', shop_ids),
                    ('platform_order_id', 'in', ids),
                    ('state', '=', state),
                    ]))
    in_transaction(database, context, press)


def _serve(database, context, tasks, done):
    "Load the modules as a server does, then run tasks until None comes"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        Pool(database).init()
    done.put(None)
    for func, args in iter(tasks.get, None):
        start = time.process_time()
        try:
            value = func(database, context, *args)
        except Exception:
            done.put(('error', traceback.format_exc(), 0))
        else:
            done.put(('ok', value, time.process_time() - start))


class Workers:
    "Processes that run tasks side by side"

    def __init__(self, database, context, count):
        spawn = multiprocessing.get_context('spawn')
        self.tasks, self.done = spawn.Queue(), spawn.Queue()
        # processor seconds the tasks took, summed over the processes
        self.cpu = 0
        self.processes = [spawn.Process(target=_serve, daemon=True,
                args=(database, context, self.tasks, self.done))
            for _ in range(count)]
        for process in self.processes:
            process.start()
        for process in self.processes:
            self.done.get()

    def run(self, func, *batches):
        "Run func on each batch of arguments side by side; return the results"
        for args in batches:
            self.tasks.put((func, args))
        results = []
        for _ in batches:
            outcome, value, cpu = self.done.get()
            if outcome == 'error':
                raise RuntimeError(value)
            self.cpu += cpu
            results.append(value)
        return results

    def close(self):
        for process in self.processes:
            self.tasks.put(None)
        for process in self.processes:
            process.join()


def pipeline(workers, database, context, orders):
    """Push the orders, listed by shop id, through every stage; return the
    per-stage report"""
    from trytond.pool import Pool

    from trytond.modules.ecom_order_center.batch import CHUNK as BATCH_CHUNK

    shop_ids = list(orders)
    # In the order they were paid, whatever the shop
    ids = sorted(o['platform_order_id'] for shop_id in shop_ids
        for o in orders[shop_id])
    count = len(ids)
    report = []

    def stage(state, button, size):
        return lambda: workers.run(act, *[(shop_ids, batch, state, button)
                for batch in even_chunks(
                    ids, size, len(workers.processes))])

    # A shop's downloads come one after the other, as its queue tasks do:
    # the first paid is the first served when a gift's cap is near.
    total = timed('upsert + checks', count,
        lambda: workers.run(upsert, *[
                (shop_id, list(chunks(orders[shop_id], CHUNK['upsert'])))
                for shop_id in shop_ids]), report, workers)
    total += timed('customer-service audit', count,
        stage('draft', 'cs_audit', CHUNK['audit']), report, workers)
    total += timed('finance audit', count,
        stage('cs_approved', 'finance_audit', CHUNK['audit']), report, workers)
    total += timed('post as sales', count,
        stage('approved', 'post', BATCH_CHUNK), report, workers)
    report.append(('end to end', count, total))
    print('  %-22s %7d orders %8.1f s %9.1f orders/s' % (
            'end to end', count, total, count / total), flush=True)

    def outcome():
        Order = Pool().get('ecom.order')
        states, gifts = {}, 0
        for order in Order.search([
                    ('shop', 'in', shop_ids),
                    ('platform_order_id', 'in', ids)]):
            states[order.state] = states.get(order.state, 0) + 1
            gifts += any(l.gift for l in order.lines)
        print('  outcome: %s; %d with gifts' % (', '.join(
                    '%d %s' % (n, s) for s, n in sorted(states.items())),
                gifts), flush=True)
    in_transaction(database, context, outcome)
    return report


def plain_sales(database, context, orders, warehouse, carrier):
    """Post the orders one sale at a time through proteus as admin; return
    the seconds it took"""
    from proteus import Model
    from proteus import config as pconfig
    config = pconfig.set_trytond(database)
    Sale = Model.get('sale.sale', config=config)
    Party = Model.get('party.party', config=config)
    Product = Model.get('product.product', config=config)
    warehouse = Model.get('stock.location', config=config)(warehouse)
    carrier = Model.get('carrier', config=config)(carrier)
    customer = Party(name="Plain connector customer")
    customer.addresses.new(party_name="Plain connector customer")
    customer.save()
    products = {p.code: p for p in Product.find([])}
    start = time.perf_counter()
    for order in orders:
        sale = Sale(party=customer, reference=order['platform_order_id'],
            warehouse=warehouse, carrier=carrier)
        for values in order['lines']:
            line = sale.lines.new()
            line.product = products[values['outer_code']]
            line.quantity = values['quantity']
            line.unit_price = values['unit_price']
        sale.click('quote')
        sale.click('confirm')
        sale.click('process')
    return time.perf_counter() - start


def add_gift_rules(config, seller, shop):
    "The shop's promotions: a tiered gift and one capped per buyer"
    from proteus import Model
    Rule = Model.get('ecom.gift_rule', config=config)
    Product = Model.get('product.product', config=config)

    def rule(name, codes, tiers, **values):
        rule = Rule(name=name, shop=shop, **values)
        for code in codes:
            rule.products.append(Product(seller.products[code].id))
        for threshold, code in tiers:
            gift = rule.gifts.new()
            gift.threshold = Decimal(threshold)
            gift.product = seller.products[code]
        rule.save()
    rule("买龙井送试饮", ['TEA-LJ-250', 'TEA-LJ-500', 'KIT-LJ-GIFT'],
        [(1, 'GFT-SP-01'), (2, 'GFT-TS-01')])
    rule("满300送茶匙", [], [(300, 'GFT-TS-01')], threshold_type='amount',
        buyer_cap=1, total_cap=1000000)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench orders',
        description=__doc__.splitlines()[0])
    parser.add_argument('--orders', type=int, nargs='+', default=[1000])
    parser.add_argument('--plain', type=int, default=50,
        help="how many orders to post one sale at a time")
    parser.add_argument('--workers', type=int, default=os.cpu_count(),
        help="processes that run batches side by side")
    args = parser.parse_args(argv)
    os.environ.setdefault('DB_NAME', 'bench_ecom')

    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules

    from trytond.modules.ecom_order_center.tests.tools import (
        KITS, PRODUCTS, get_seller, receive_stock, setup_seller)

    print("Preparing the seller's database %s ..." % DB_NAME, flush=True)
    config = activate_modules(['ecom_order_center'], setup_seller)
    seller = get_seller(config)
    # Enough stock that only the generated unknown SKUs end in exception.
    receive_stock({'WH': 10 * sum(args.orders)}, {
            code: product for code, product in seller.products.items()
            if product.type == 'goods'},
        seller.warehouses, seller.company, config)
    shops = [seller.shops[code] for code in SHOPS]
    for shop in shops:
        add_gift_rules(config, seller, shop)
    context = dict(config.context)
    products = [code for code, *_ in PRODUCTS if not code.startswith('GFT')]
    kits = [code for code, *_ in KITS]

    print("Starting %d worker processes ..." % args.workers, flush=True)
    workers = Workers(DB_NAME, context, args.workers)
    try:
        results = {}
        for run, count in enumerate(args.orders):
            print("Pipeline, %d orders:" % count, flush=True)
            orders = generate(count, 'B%d-' % run, products, kits, seed=run)
            by_shop = {shop.id: [] for shop in shops}
            for order, shop in zip(orders, random.Random(run).choices(
                        shops, list(SHOPS.values()), k=count)):
                by_shop[shop.id].append(order)
            results[count] = pipeline(workers, DB_NAME, context, by_shop)

        sample = [o for o in generate(args.plain, 'P-', products, kits)
            if not o['lines'][0]['outer_code'].startswith('UNKNOWN')]
        seconds, = workers.run(plain_sales, (sample,
                seller.warehouses['WH'].id, seller.carriers['ZTO'].id))
    finally:
        workers.close()
    plain_rate = len(sample) / seconds
    print("Plain sale API, one sale at a time through proteus:")
    print('  %-22s %7d sales  %8.1f s %9.2f sales/s' % (
            'create+quote+confirm+process', len(sample), seconds,
            plain_rate))
    for count, report in results.items():
        _, _, total = report[-1]
        print("Pipeline at %d orders: %.1f× the plain path" % (
                count, count / total / plain_rate))
    if len(results) > 1:
        costs = [report[-1][2] / count for count, report in results.items()]
        print("Cost per order at %d vs %d orders: %.2f×" % (
                max(results), min(results), costs[-1] / costs[0]))


if __name__ == '__main__':
    main()
