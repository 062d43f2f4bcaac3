"""Benchmark the available-stock figures.

    scripts/with-postgresql .venv/bin/ecom-bench stock --products 5000 \\
        --shipments 10000

The seller's products are copied in SQL up to PRODUCTS goods, each received
in both warehouses (a done move from the supplier); SHIPMENTS open customer
shipments of the main warehouse are copied from posted prototypes (one to
three of the products each, as ``ecom-bench waves`` makes them), and an
audited order not posted yet holds ORDER_LINES lines of them.  Timed, each
in one transaction: the figures (book, promised to shipments and to
orders, safety, available) of every product in both warehouses
(``stock_figures``), and the whole stock list (仓储 › 库存) searched and
read as the web client does.  The database is the one named by DB_NAME
(default bench_stock) on TRYTOND_DATABASE_URI; it is created, so use a
throwaway server.
"""
import argparse
import datetime as dt
import os
import random
import time

from .waves import CHUNK, copy_shipments, post_prototypes

# The target of the issue: figures of 5,000 products × 2 warehouses
TARGET_SECONDS = 2.0


def rows(cursor, table, where):
    cursor.execute(*table.select(where=where))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor]


def insert(cursor, table, values):
    "Insert the rows (dicts without id) in chunks; return their ids"
    columns = [c for c in values[0] if c != 'id']
    ids = []
    for i in range(0, len(values), CHUNK):
        cursor.execute(*table.insert(
                [getattr(table, c) for c in columns],
                [[v[c] for c in columns] for v in values[i:i + CHUNK]],
                returning=[table.id]))
        ids.extend(r[0] for r in cursor)
    return ids


def copy_products(count, prototype):
    "Copy the prototype product (template and variant) count times"
    from sql import Table

    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    template, product = Table('product_template'), Table('product_product')
    product_row, = rows(cursor, product, product.id == prototype)
    template_row, = rows(cursor, template,
        template.id == product_row['template'])
    codes = ['BENCH-%05d' % i for i in range(count)]
    template_ids = insert(cursor, template, [
            dict(template_row, code=c, name="压测商品 %s" % c)
            for c in codes])
    return insert(cursor, product, [
            dict(product_row, template=t, code=c, suffix_code=None)
            for t, c in zip(template_ids, codes)])


def receive(products, warehouses, quantity, prototype_move):
    "A done move from the supplier of quantity per product and warehouse"
    from sql import Table

    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    move = Table('stock_move')
    template, = rows(cursor, move, move.id == prototype_move)
    insert(cursor, move, [dict(template, product=p, to_location=storage,
                quantity=quantity, internal_quantity=quantity)
            for p in products for storage in warehouses])


def copy_order_lines(count, order_id, products, seed):
    "Give the audited order count more lines of random products"
    from sql import Table

    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    line = Table('ecom_order_line')
    template = rows(cursor, line, line.order == order_id)[0]
    rng = random.Random(seed)
    insert(cursor, line, [dict(template, product=rng.choice(products),
                platform_line_id='B%d' % i, quantity=rng.choice([1, 2]))
            for i in range(count)])


def audited_order(config, seller):
    "An order audited by customer service, not posted; return its id"
    from proteus import Model

    from trytond.modules.ecom_order_center.tests.test_scenario_order import (
        line, normalized)
    Order = Model.get('ecom.order', config=config)
    Order.upsert_normalized(seller.shops['TB01'].id, [normalized(
                'PROTO-AUDITED', line('1', 'TEA-BLC-100'),
                pay_date=dt.datetime(2026, 11, 11, 1, 0))], config.context)
    order, = Order.find([('platform_order_id', '=', 'PROTO-AUDITED')])
    order.click('cs_audit')
    assert order.state == 'cs_approved', order.state
    return order.id


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench stock',
        description=__doc__.splitlines()[0])
    parser.add_argument('--products', type=int, default=5000)
    parser.add_argument('--shipments', type=int, default=10000)
    parser.add_argument('--order-lines', type=int, default=2000)
    args = parser.parse_args(argv)
    os.environ.setdefault('DB_NAME', 'bench_stock')

    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules

    from trytond.modules.ecom_order_center.tests.tools import (
        get_seller, setup_seller)

    print("Preparing the seller's database %s ..." % DB_NAME, flush=True)
    config = activate_modules(['ecom_warehouse'], setup_seller)
    seller = get_seller(config)
    prototypes = post_prototypes(config, seller)
    order_id = audited_order(config, seller)
    warehouses = [seller.warehouses[c] for c in ['WH', 'GZ']]
    context = dict(config.context)

    from proteus import Model
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from trytond.modules.ecom_warehouse.stock_figures import stock_figures

    Move = Model.get('stock.move', config=config)
    received, = Move.find([('from_location.code', '=', 'SUP')], limit=1)
    # read through proteus before the benchmark's own transactions
    storages = [w.storage_location.id for w in warehouses]
    seller_goods = [p.id for p in seller.products.values()
        if p.type == 'goods']
    seller_kits = [p.id for p in seller.products.values()
        if p.type == 'kit']
    prototype = seller.products['TEA-LJ-250'].id
    received_id = received.id
    with Transaction().start(DB_NAME, 1, context=context) as transaction:
        began = time.perf_counter()
        made_goods = copy_products(
            max(args.products - len(seller_goods), 0), prototype)
        receive(made_goods, storages, 10000, received_id)
        goods = made_goods + seller_goods
        products = goods + seller_kits
        copy_shipments(args.shipments, prototypes, goods, seed=0)
        copy_order_lines(args.order_lines, order_id, goods, seed=0)
        transaction.commit()
    made = time.perf_counter() - began
    print("%d products, %d open shipments, %d audited order lines made "
        "in %.1f s" % (len(products), args.shipments, args.order_lines,
            made), flush=True)

    warehouse_ids = [w.id for w in warehouses]
    timings = []
    for run in range(3):
        with Transaction().start(DB_NAME, 1, context=context):
            began = time.perf_counter()
            figures = stock_figures(warehouse_ids, products)
            timings.append(time.perf_counter() - began)
    # kits have no promises of their own: their components hold them
    promised = sum((f.shipments or 0) + (f.orders or 0)
        for f in figures.values())
    best = min(timings)
    print("  figures        %6d products × %d warehouses %7.2f s "
        "(best of 3; %s)  target ≤ %.1f s: %s" % (
            len(products), len(warehouse_ids), best,
            ', '.join('%.2f' % t for t in timings), TARGET_SECONDS,
            'met' if best <= TARGET_SECONDS else 'MISSED'))
    print("  promised       %6d units to shipments and orders" % promised)

    with Transaction().start(DB_NAME, 1, context=context):
        Figure = Pool().get('ecom.stock.figure')
        began = time.perf_counter()
        found = Figure.search([])
        Figure.read([f.id for f in found], ['product', 'warehouse', 'book',
                'shipments', 'orders', 'safety', 'available', 'low'])
        listed = time.perf_counter() - began
    print("  stock list     %6d rows searched and read     %7.2f s" % (
            len(found), listed), flush=True)


if __name__ == '__main__':
    main()
