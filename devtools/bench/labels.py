"""Waybill labels per second in one process: PDF (reportlab, Code128, QR
and Chinese in the embedded font) and ZPL, drawn the way a print batch
draws them.  No database: the labels are drawn from plain values."""
import argparse
import time

from trytond.modules.ecom_warehouse.label import (
    Label, Person, render_pdf, render_tspl, render_zpl)

TARGETS = {'pdf': 100, 'zpl': 2000, 'tspl': None}
RENDERERS = {'pdf': render_pdf, 'zpl': render_zpl, 'tspl': render_tspl}


def labels(count):
    "count labels, each with its own number (so its own barcode and QR)"
    return [Label(number='7731%011d' % (100000 + i), carrier="中通快递",
            delivery='CS%06d' % i,
            sender=Person("茶语旗舰店", "0571-88886666",
                "浙江 杭州市 西湖区 龙井路 1 号 茶语仓"),
            receiver=Person("王小明", "13800138000",
                "浙江 杭州市 西湖区 文三路 398 号 东方通信大厦 %d 楼"
                % (i % 30)),
            sort_code="浙-杭州-西湖", hub="杭州转运中心",
            route_code='330-12-07',
            order='T%08d' % i,
            items=[("西湖龙井 250g 罐装", 1)] if i % 2 else [])
        for i in range(count)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog='ecom-bench labels',
        description=__doc__)
    parser.add_argument('--labels', type=int, default=2000,
        help="labels per run (a batch of that many, as one document)")
    parser.add_argument('--size', default='100x150',
        choices=['76x130', '100x150', '100x180'])
    args = parser.parse_args(argv)
    batch = labels(args.labels)
    render_pdf(batch[:1], args.size)    # the font is loaded once
    failed = False
    for output, render in RENDERERS.items():
        start = time.perf_counter()
        data = render(batch, args.size)
        elapsed = time.perf_counter() - start
        rate = len(batch) / elapsed
        target = TARGETS[output]
        verdict = ('' if target is None else
            ' (target >= %d: %s)' % (target, 'ok' if rate >= target
                else 'MISSED'))
        failed |= target is not None and rate < target
        print('%-4s %6d labels %s in %6.2f s: %8.0f labels/s, %5.1f kB a '
            'label%s' % (output, len(batch), args.size, elapsed, rate,
                len(data) / len(batch) / 1024, verdict), flush=True)
    return 1 if failed else 0
