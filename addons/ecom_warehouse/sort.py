# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""Second sort (二次分拣): the picked items of a wave go to their bins.

The sorter scans an item; :meth:`Wave.sort_scan` finds the lowest bin that
still needs the product, counts the item there and answers with the bin.
An item no bin needs (all sorted, or only intercepted or short shipments
want it) is flagged and nothing is counted; an unknown code changes
nothing.  The station screen is a wizard whose form the scanner fills: the
code and Enter.
"""
from collections import defaultdict
from html import escape

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model import dualmethod
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

SORT_STATES = {'picking', 'done'}


class Sorted(ModelSQL, ModelView):
    "Sorted Items of a Wave Bin"
    __name__ = 'ecom.wave.sorted'

    line = fields.Many2One('ecom.wave.line', "Wave Line", required=True,
        ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='CASCADE')
    quantity = fields.Float("Quantity", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('line_product_unique', Unique(t, t.line, t.product),
                'ecom_warehouse.msg_wave_sorted_unique'),
            ]

    @classmethod
    def quantities(cls, waves):
        "Return the quantity sorted per (line, product) of the waves"
        Line = Pool().get('ecom.wave.line')
        cursor = Transaction().connection.cursor()
        sorted_ = cls.__table__()
        line = Line.__table__()
        cursor.execute(*sorted_.join(line,
                condition=sorted_.line == line.id
                ).select(sorted_.line, sorted_.product, sorted_.quantity,
                where=line.wave.in_([w.id for w in waves])))
        return {(l, p): q for l, p, q in cursor}

    @classmethod
    def complete_lines(cls, waves):
        "Return the ids of the waves' lines of which every item is sorted"
        Pick = Pool().get('ecom.wave.pick')
        done = cls.quantities(waves)
        needed = defaultdict(lambda: defaultdict(float))
        for (_, _, product), lines in Pick.needs(waves).items():
            for line, (_, quantity) in lines.items():
                needed[line.id][product] += quantity
        return {l for l, products in needed.items()
            if all(done.get((l, p), 0) >= q for p, q in products.items())}


class Wave(metaclass=PoolMeta):
    __name__ = 'ecom.wave'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__['sort_scan'] = RPC(instantiate=0, readonly=False)

    @dualmethod
    def sort_scan(cls, waves, code):
        """Sort one scanned item into a bin of the wave: return a dict
        with the status (sorted, complete, flagged, unknown), the bin and
        the message to show"""
        self, = waves
        pool = Pool()
        Pick = pool.get('ecom.wave.pick')
        Sorted = pool.get('ecom.wave.sorted')
        code = (code or '').strip()
        product = self._scanned_product(code)
        if not product:
            return self._scan_result('unknown', None,
                'ecom_warehouse.msg_sort_unknown', code=code)
        if self.state not in SORT_STATES:
            return self._scan_result('flagged', None,
                'ecom_warehouse.msg_sort_wave_state',
                wave=self.rec_name, state=self.state_string)
        self.__class__.flag_intercepted([self])
        self.__class__.lock([self])
        needs = defaultdict(float)
        for (_, _, product_id), lines in Pick.needs([self]).items():
            if product_id == product.id:
                for line, (_, quantity) in lines.items():
                    needs[line] += quantity
        done = Sorted.quantities([self])
        for line in sorted(needs, key=lambda l: l.bin):
            if done.get((line.id, product.id), 0) < needs[line]:
                break
        else:
            return self._flag_unneeded(product)
        records = Sorted.search([
                ('line', '=', line.id), ('product', '=', product.id)])
        if records:
            record, = records
            record.quantity += 1
        else:
            record = Sorted(line=line, product=product, quantity=1)
        record.save()
        complete = line.id in Sorted.complete_lines([self])
        return self._scan_result('complete' if complete else 'sorted',
            line.bin, 'ecom_warehouse.msg_sort_complete' if complete
            else 'ecom_warehouse.msg_sort_bin',
            product=product.rec_name, bin=line.bin)

    def _flag_unneeded(self, product):
        "The product is needed by no bin: say if a taken out one wanted it"
        Pick = Pool().get('ecom.wave.pick')
        for (_, _, product_id), lines in Pick.needs(
                [self], removed=True).items():
            if product_id != product.id:
                continue
            for line in sorted(lines, key=lambda l: l.bin):
                if line.state == 'removed':
                    return self._scan_result('flagged', line.bin,
                        'ecom_warehouse.msg_sort_taken_out',
                        product=product.rec_name, bin=line.bin,
                        reason=line.reason or line.removal_string)
        return self._scan_result('flagged', None,
            'ecom_warehouse.msg_sort_not_needed', product=product.rec_name)

    @staticmethod
    def _scanned_product(code):
        "Return the product of the code: its code or a barcode identifier"
        Product = Pool().get('product.product')
        if not code:
            return None
        products = Product.search([
                ['OR',
                    ('code', '=', code),
                    ('identifiers.code', '=', code),
                    ]], limit=1)
        return products[0] if products else None

    @staticmethod
    def _scan_result(status, bin_, message, **values):
        return {
            'status': status,
            'bin': bin_,
            'message': gettext(message, **values),
            }


class SortStart(ModelView):
    "Second Sort"
    __name__ = 'ecom.wave.sort.start'

    wave = fields.Many2One('ecom.wave', "Wave", readonly=True)
    code = fields.Char("Scan",
        help="Scan the item's barcode or type its code, then Enter.")
    bin = fields.Char("Bin", readonly=True)
    status = fields.Char("Status", readonly=True)
    display = fields.Text("Result", readonly=True)
    message = fields.Char("Message", readonly=True)
    complete_bins = fields.Char("Complete Bins", readonly=True)


class Sort(Wizard):
    "Second Sort"
    __name__ = 'ecom.wave.sort'

    start = StateView('ecom.wave.sort.start',
        'ecom_warehouse.wave_sort_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Sort", 'scan', 'tryton-ok', default=True),
            ])
    scan = StateTransition()

    def default_start(self, fields):
        values = {
            'wave': self.record.id,
            'complete_bins': self.record.complete_bins,
            'code': None,
            }
        if getattr(self.start, 'status', None):
            values.update({
                    'bin': self.start.bin,
                    'status': self.start.status,
                    'message': self.start.message,
                    'display': self.start.display,
                    })
        return values

    def transition_scan(self):
        result = self.record.sort_scan(self.start.code)
        bin_ = str(result['bin']) if result['bin'] is not None else ''
        self.start.bin = bin_
        self.start.status = result['status']
        self.start.message = result['message']
        self.start.display = display(result['status'], bin_,
            result['message'])
        return 'start'


def display(status, bin_, message):
    "The scan's answer as the large text the station shows"
    colour = 'green' if status in {'sorted', 'complete'} else 'red'
    return ('<div align="center"><font size="7" color="%s"><b>%s</b>'
        '</font></div><div align="center"><font size="5" color="%s">%s'
        '</font></div>') % (
        colour, escape(bin_ or '!'), colour, escape(message))
