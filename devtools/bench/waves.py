"""Benchmark building waves and their pick lists.

    scripts/with-postgresql .venv/bin/ecom-bench waves --shipments 1000 10000

A few orders of three shops are posted and their shipments assigned the
normal way; they are the prototypes.  For each N, N assigned shipments of
the main warehouse are then made quickly by copying a prototype's rows in
SQL (shipment, inventory and outgoing moves, one to three products in the
mix of a tea shop's parcels, the outgoing moves tied to the prototype's
sale lines, so the build reads the shops and pay dates as it does for real
orders).  Timed, each in one transaction: building waves of all N
(``build_waves``, at most 100 orders a wave) and reading every wave's
aggregated pick list with its bins.  The database is the one named by
DB_NAME (default bench_waves) on TRYTOND_DATABASE_URI; it is created, so
use a throwaway server.
"""
import argparse
import datetime as dt
import os
import random
import time

# Orders per wave in the benchmark's build
WAVE_ORDERS = 100
# Rows per INSERT (PostgreSQL takes at most 65,535 parameters in one)
CHUNK = 1000


def post_prototypes(config, seller):
    "Post one order of each of three shops; return their shipment ids"
    from proteus import Model

    from trytond.modules.ecom_order_center.tests.test_scenario_order import (
        line, normalized)
    Order = Model.get('ecom.order', config=config)
    ids = []
    for i, shop in enumerate(['TB01', 'TM01', 'JD01']):
        order_id = 'PROTO-%s' % shop
        Order.upsert_normalized(seller.shops[shop].id, [normalized(order_id,
                    line('1', 'TEA-LJ-250'),
                    pay_date=dt.datetime(2026, 11, 11, 0, i))],
            config.context)
        orders = Order.find([('platform_order_id', '=', order_id)])
        for button in ['cs_audit', 'finance_audit', 'post']:
            Order.click(orders, button)
        shipment, = orders[0].sales[0].shipments
        shipment.click('assign_try')
        assert shipment.state == 'assigned', shipment.state
        ids.append(shipment.id)
    return ids


def copy_shipments(count, prototypes, products, seed):
    """Insert count assigned shipments copied from the prototypes, with
    random products; return their ids"""
    from sql import Table

    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    shipment = Table('stock_shipment_out')
    move = Table('stock_move')
    rng = random.Random(seed)

    def rows(table, where):
        cursor.execute(*table.select(where=where))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor]

    templates = []
    for id_ in prototypes:
        row, = rows(shipment, shipment.id == id_)
        moves = rows(move, move.shipment == 'stock.shipment.out,%s' % id_)
        inventory, = [m for m in moves
            if m['to_location'] == row['warehouse_output']]
        outgoing, = [m for m in moves if m is not inventory]
        templates.append((row, inventory, outgoing))

    ids = []
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        chosen = [rng.choice(templates) for _ in range(size)]
        values = []
        for i, (row, _, _) in enumerate(chosen, start):
            values.append(dict(row, number='BENCH-%s-%d' % (seed, i)))
        columns = [c for c in values[0] if c != 'id']
        cursor.execute(*shipment.insert(
                [getattr(shipment, c) for c in columns],
                [[v[c] for c in columns] for v in values]))
        numbers = [v['number'] for v in values]
        cursor.execute(*shipment.select(shipment.id, shipment.number,
                where=shipment.number.in_(numbers)))
        by_number = dict((n, i) for i, n in cursor)
        new_ids = [by_number[n] for n in numbers]
        ids.extend(new_ids)
        move_values = []
        for id_, (_, inventory, outgoing) in zip(new_ids, chosen):
            kind = rng.random()
            if kind < 0.6:
                picked = [(rng.choice(products), 1)]
            elif kind < 0.8:
                picked = [(rng.choice(products), rng.choice([2, 3]))]
            else:
                picked = [(p, 1) for p in rng.sample(products, 3)]
            for product, quantity in picked:
                for template in (inventory, outgoing):
                    move_values.append(dict(template,
                            shipment='stock.shipment.out,%s' % id_,
                            product=product, quantity=quantity,
                            internal_quantity=quantity))
        columns = [c for c in move_values[0] if c != 'id']
        for i in range(0, len(move_values), CHUNK):
            cursor.execute(*move.insert(
                    [getattr(move, c) for c in columns],
                    [[v[c] for c in columns]
                        for v in move_values[i:i + CHUNK]]))
    return ids


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench waves',
        description=__doc__.splitlines()[0])
    parser.add_argument('--shipments', type=int, nargs='+', default=[1000])
    args = parser.parse_args(argv)
    os.environ.setdefault('DB_NAME', 'bench_waves')

    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules

    from trytond.modules.ecom_order_center.tests.tools import (
        PRODUCTS, get_seller, setup_seller)

    print("Preparing the seller's database %s ..." % DB_NAME, flush=True)
    config = activate_modules(['ecom_warehouse'], setup_seller)
    seller = get_seller(config)
    prototypes = post_prototypes(config, seller)
    products = [seller.products[code].id for code, *_ in PRODUCTS]
    warehouse = seller.warehouses['WH'].id
    context = dict(config.context)

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from trytond.modules.ecom_warehouse.wave_build import build_waves

    costs = {}
    for run, count in enumerate(args.shipments):
        with Transaction().start(DB_NAME, 1, context=context) as transaction:
            began = time.perf_counter()
            copy_shipments(count, prototypes, products, seed=run)
            transaction.commit()
            made = time.perf_counter() - began
        print("%d shipments made in %.1f s" % (count, made), flush=True)

        with Transaction().start(DB_NAME, 1, context=context) as transaction:
            pool = Pool()
            Location = pool.get('stock.location')
            Pick = pool.get('ecom.wave.pick')
            began = time.perf_counter()
            waves = build_waves(Location(warehouse), max_orders=WAVE_ORDERS)
            built = time.perf_counter() - began
            waved = sum(len(w.lines) for w in waves)
            began = time.perf_counter()
            picks = Pick.search([('wave', 'in', [w.id for w in waves])])
            rows = Pick.read([p.id for p in picks], [
                    'wave', 'location', 'product_code', 'quantity', 'bins'])
            listed = time.perf_counter() - began
            transaction.commit()
        assert waved >= count, (waved, count)
        total = built + listed
        costs[count] = total / waved
        print("  build waves     %6d shipments %3d waves %7.2f s "
            "%8.0f shipments/s" % (waved, len(waves), built, waved / built))
        print("  pick lists      %6d lines              %7.2f s" % (
                len(rows), listed))
        print("  waves + lists   %6d shipments          %7.2f s "
            "%6.2f ms/shipment" % (waved, total, 1000 * total / waved),
            flush=True)
    if len(costs) > 1:
        print("Cost per shipment at %d vs %d shipments: %.2f×" % (
                max(costs), min(costs), costs[max(costs)] / costs[min(costs)]))


if __name__ == '__main__':
    main()
