"""Benchmarks of ecom suite, on the database named by DB_NAME on
TRYTOND_DATABASE_URI (use a throwaway server: ``make bench``).

    ecom-bench orders --orders 1000 10000   # the order pipeline
    ecom-bench download --orders 10000      # download from the simulator
    ecom-bench labels --labels 2000         # waybill PDF/ZPL labels per second
    ecom-bench packing --parcels 1000       # scans and shipping
    ecom-bench waves --shipments 1000 10000 # waves and pick lists
    ecom-bench iot --parcels 30 --boxes 20  # packing stations' boxes
    ecom-bench stock --products 5000        # available-stock figures
    ecom-bench finance --rows 10000 100000  # courier bill check, freight
"""
import argparse
import importlib

BENCHMARKS = {
    'orders': "the order pipeline against Tryton's plain sale API",
    'download': "download, normalize and upsert from the simulator",
    'labels': "waybill labels per second, as PDF, ZPL and TSPL",
    'packing': "scan round trip through the server and shipping",
    'waves': "waves and their pick lists of assigned shipments",
    'iot': "packing stations' boxes: weight, labels, long polls, idle CPU",
    'stock': "available-stock figures of every product and warehouse",
    'finance': "courier bill check and freight estimate",
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench',
        description="Benchmarks of ecom suite",
        epilog="; ".join('%s: %s' % item for item in BENCHMARKS.items())
        + ". 'ecom-bench <benchmark> --help' lists its options.")
    parser.add_argument('benchmark', choices=list(BENCHMARKS))
    parser.add_argument('options', nargs=argparse.REMAINDER,
        help="the benchmark's options")
    args = parser.parse_args(argv)
    importlib.import_module('.' + args.benchmark, __name__).main(
        args.options)
