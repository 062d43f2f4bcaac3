"""Benchmark finance: the courier bill check and the freight estimate.

    scripts/with-postgresql .venv/bin/ecom-bench finance --rows 10000 100000

ZTO prices by a freight template; one order is posted and shipped the
normal way, its shipment is the prototype.  For each N, N done shipments
are copied from it in SQL, each with its own waybill number and a weight
between 0.1 and 5 kg, to Zhejiang or Guangdong.  Timed, in one
transaction: reading and checking a bill of N rows for them (one in ten
weighed over, one in fifty priced over, one in a hundred not ours or
billed twice), as the import wizard does.  Then the freight of --orders
parcels is estimated by the carrier, as the order center ranks carriers.
Wall and processor time are printed (the machine may be shared).  The
database is the one named by DB_NAME (default bench_finance) on
TRYTOND_DATABASE_URI; it is created, so use a throwaway server.
"""
import argparse
import csv
import io
import os
import random
import resource
import time
from types import SimpleNamespace

# Rows per INSERT (PostgreSQL takes at most 65,535 parameters in one)
CHUNK = 1000
PROVINCES = [('浙江', 'CN-ZJ'), ('广东', 'CN-GD')]


def prototype(config, seller):
    "Price ZTO by the tests' template, ship one order; return its shipment"
    from proteus import Model, Wizard

    from trytond.modules.ecom_finance.tests.test_scenario_freight import (
        ZTO_SHEET, csv_bytes)
    from trytond.modules.ecom_order_center.tests.test_scenario_order import (
        line, normalized)
    zto = seller.carriers['ZTO']
    zto.carrier_cost_method = 'ecom_freight'
    zto.save()
    Model.get('carrier.selection', config=config)(carrier=zto).save()
    wizard = Wizard('ecom.freight_template.import', config=config)
    wizard.form.carrier = zto
    wizard.form.name = wizard.form.filename = 'zto.csv'
    wizard.form.file = csv_bytes(ZTO_SHEET)
    wizard.execute('import_')
    Order = Model.get('ecom.order', config=config)
    Order.upsert_normalized(seller.shops['TB01'].id,
        [normalized('PROTO', line('1', 'TEA-LJ-250'))], config.context)
    order, = Order.find([('platform_order_id', '=', 'PROTO')])
    for button in ['cs_audit', 'finance_audit', 'post']:
        order.click(button)
    shipment, = order.sales[0].shipments
    shipment.shipping_reference = 'PROTO'
    shipment.save()
    for button in ['assign_try', 'pick', 'pack', 'ship', 'do']:
        shipment.click(button)
    return zto.id, shipment.id


def copy_shipments(count, prototype_id, seed):
    "Insert count done shipments; return their (waybill, weight, province)"
    from sql import Table

    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    shipment = Table('stock_shipment_out')
    address = Table('party_address')
    subdivision = Table('country_subdivision')
    cursor.execute(*shipment.select(where=shipment.id == prototype_id))
    names = [d[0] for d in cursor.description]
    row = dict(zip(names, cursor.fetchone()))
    cursor.execute(*address.select(
            where=address.id == row['delivery_address']))
    names = [d[0] for d in cursor.description]
    address_row = dict(zip(names, cursor.fetchone()))
    addresses = {}
    for name, code in PROVINCES:
        cursor.execute(*subdivision.select(subdivision.id,
                where=subdivision.code == code))
        values = dict(address_row, subdivision=cursor.fetchone()[0],
            city=None)
        columns = [c for c in values if c != 'id']
        cursor.execute(*address.insert(
                [getattr(address, c) for c in columns],
                [[values[c] for c in columns]], returning=[address.id]))
        addresses[name] = cursor.fetchone()[0]
    rng = random.Random(seed)
    parcels = []
    for start in range(0, count, CHUNK):
        values = []
        for i in range(start, min(start + CHUNK, count)):
            weight = round(rng.uniform(0.1, 5), 2)
            province = rng.choice(PROVINCES)[0]
            waybill = 'ZT%d%08d' % (seed, i)
            parcels.append((waybill, weight, province))
            values.append(dict(row, number='BENCH-%d-%d' % (seed, i),
                    shipping_reference=waybill, internal_weight=weight,
                    delivery_address=addresses[province]))
        columns = [c for c in values[0] if c != 'id']
        cursor.execute(*shipment.insert(
                [getattr(shipment, c) for c in columns],
                [[v[c] for c in columns] for v in values]))
    return parcels


def bill_file(parcels, template, day, seed):
    "A ZTO bill of the parcels in csv, GBK, with a few rows off"
    from trytond.modules.ecom_finance.freight import round_up
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(['中通快递 月结账单'])
    writer.writerow(['序号', '运单编号', '发件日期', '目的地', '结算重量(kg)',
            '运费(元)'])
    for i, (waybill, weight, province) in enumerate(parcels, 1):
        chance = rng.random()
        billed = round_up(weight, '0.5')
        if chance < 0.1:
            billed += 1
        if chance > 0.99:
            waybill = 'XX%s' % waybill
        elif chance > 0.98:
            waybill = parcels[i - 2][0]
        amount = template[province](billed)
        if 0.1 < chance < 0.12:
            amount += 2
        writer.writerow([i, waybill + '\t', day, province, billed,
                '{:,.2f}'.format(amount)])
    writer.writerow(['合计'])
    return out.getvalue().encode('gbk')


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench finance',
        description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, nargs='+', default=[10000])
    parser.add_argument('--orders', type=int, default=10000)
    args = parser.parse_args(argv)
    os.environ.setdefault('DB_NAME', 'bench_finance')

    from trytond.tests.test_tryton import DB_NAME
    from trytond.tests.tools import activate_modules

    from trytond.modules.ecom_order_center.tests.tools import (
        get_seller, setup_seller)

    print("Preparing the seller's database %s ..." % DB_NAME, flush=True)
    config = activate_modules(['ecom_finance'], setup_seller)
    seller = get_seller(config)
    carrier_id, prototype_id = prototype(config, seller)
    context = dict(config.context)

    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from trytond.modules.ecom_finance import courier_bill
    from trytond.modules.ecom_finance.carrier import freight_context
    from trytond.modules.ecom_finance.carrier_bill_check import check_rows

    for run, count in enumerate(args.rows):
        with Transaction().start(DB_NAME, 1, context=context) as transaction:
            pool = Pool()
            Carrier = pool.get('carrier')
            Subdivision = pool.get('country.subdivision')
            Date = pool.get('ir.date')
            began = time.perf_counter()
            parcels = copy_shipments(count, prototype_id, seed=run)
            transaction.commit()
            made = time.perf_counter() - began
            template, = Carrier(carrier_id).freight_templates
            zones = {name: template.get_zone(Subdivision.search(
                        [('code', '=', code)])[0].id)
                for name, code in PROVINCES}
            prices = {name: (lambda w, z=zone: float(z.compute_price(w)))
                for name, zone in zones.items()}
            data = bill_file(parcels, prices, Date.today().isoformat(), run)
        print("%d shipments made in %.1f s" % (count, made), flush=True)

        with Transaction().start(DB_NAME, 1, context=context) as transaction:
            pool = Pool()
            Bill = pool.get('ecom.carrier_bill')
            Mapping = pool.get('ecom.carrier_bill.mapping')
            Line = pool.get('ecom.carrier_bill.line')
            carrier = pool.get('carrier')(carrier_id)
            began, cpu = time.perf_counter(), time.process_time()
            header, rows = courier_bill.parse_bill(data, 'bench.csv')
            parsed = time.perf_counter() - began
            mapping = Mapping.get_for(carrier, header)
            bill = Bill(carrier=carrier, name='bench-%d.csv' % run,
                digest=str(run))
            bill.save()
            check_rows(bill, rows, mapping)
            checked = time.perf_counter() - began
            cpu = time.process_time() - cpu
            lines = Line.search([('bill', '=', bill.id)], count=True)
            transaction.commit()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("  bill check  %7d rows %7d lines  parse %5.1f s  total "
            "%6.1f s  cpu %6.1f s  %6.0f rows/s  peak RSS %.0f MB" % (
                len(rows), lines, parsed, checked, cpu, len(rows) / checked,
                rss), flush=True)

    with Transaction().start(DB_NAME, 1, context=context):
        pool = Pool()
        Carrier = pool.get('carrier')
        Subdivision = pool.get('country.subdivision')
        Location = pool.get('stock.location')
        Date = pool.get('ir.date')
        carrier = Carrier(carrier_id)
        # the receivers' provinces; their cities change nothing in ZTO's
        addresses = [SimpleNamespace(subdivision=s, city=None)
            for s in Subdivision.search([('code', 'like', 'CN-%')])]
        warehouse, = Location.search([('code', '=', 'WH')])
        rng = random.Random(0)
        today = Date.today()
        began, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.orders):
            with Transaction().set_context(freight_context(
                        [round(rng.uniform(0.1, 5), 2)],
                        rng.choice(addresses), warehouse, today)):
                price, _ = carrier.get_purchase_price()
            assert price is not None
        estimated = time.perf_counter() - began
        cpu = time.process_time() - cpu
    print("  estimate    %7d orders  %6.2f s  cpu %6.2f s  %6.0f orders/s" % (
            args.orders, estimated, cpu, args.orders / estimated), flush=True)


if __name__ == '__main__':
    main()
