# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""The aggregated pick list (拣货单) of a wave.

One line per product and location with the quantity summed over the
wave's shipments, read from their moves out of storage (kits are their
components there) in one grouped query: a table query, so it is always the
wave as it is now.  It runs in pick-route order, the location's sequence
(``stock_location_sequence``) and then the product's code; a warehouse
without locations (无货位) picks from its storage, one line per product.
"""
from collections import defaultdict

from sql import Cast, Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp
from sql.operators import Concat

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard


def pick_moves(removed=False):
    """Return the query of the moves out of storage of the wave lines'
    shipments: line, wave, bin, shipment, move, location, product,
    quantity (in the product's unit); of the lines taken out too if
    removed"""
    pool = Pool()
    Line = pool.get('ecom.wave.line')
    Shipment = pool.get('stock.shipment.out')
    Move = pool.get('stock.move')
    database = Transaction().database
    line = Line.__table__()
    shipment = Shipment.__table__()
    move = Move.__table__()
    where = (move.state != 'cancelled') & (
        (shipment.warehouse_storage == shipment.warehouse_output)
        | (move.to_location == shipment.warehouse_output))
    if not removed:
        where &= (line.state != 'removed') & (
            Coalesce(shipment.ecom_intercepted, Literal(False))
            == Literal(False))
    return line.join(shipment, condition=line.shipment == shipment.id
        ).join(move, condition=move.shipment == Concat(
            'stock.shipment.out,',
            Cast(line.shipment, database.sql_type('VARCHAR').base))
        ).select(
            line.id.as_('line'), line.wave.as_('wave'), line.bin.as_('bin'),
            line.state.as_('line_state'),
            line.shipment.as_('shipment'), move.id.as_('move'),
            move.from_location.as_('location'), move.product.as_('product'),
            move.internal_quantity.as_('quantity'),
            where=where)


class Pick(ModelSQL, ModelView):
    "Pick List Line"
    __name__ = 'ecom.wave.pick'

    wave = fields.Many2One('ecom.wave', "Wave", readonly=True)
    location = fields.Many2One('stock.location', "Location", readonly=True)
    location_sequence = fields.Integer("Route", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    product_code = fields.Char("Code", readonly=True)
    quantity = fields.Float("Quantity", digits=(16, 4), readonly=True)
    unit = fields.Function(fields.Many2One('product.uom', "Unit"),
        'get_unit')
    bins = fields.Function(fields.Char("Bins",
            help="The bins (分拣格) of the shipments that need the product, "
            "with the quantity of each when more than one."),
        'get_bins')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('wave', 'ASC'),
            ('location_sequence', 'ASC NULLS LAST'),
            ('location', 'ASC'),
            ('product_code', 'ASC'),
            ('id', 'ASC'),
            ]
        cls._buttons.update({
                'report_shortage': {},
                })

    @classmethod
    def table_query(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        Product = pool.get('product.product')
        moves = pick_moves()
        location = Location.__table__()
        product = Product.__table__()
        return moves.join(location, condition=moves.location == location.id
            ).join(product, condition=moves.product == product.id
            ).select(
                Min(moves.move).as_('id'),
                Literal(0).as_('create_uid'),
                CurrentTimestamp().as_('create_date'),
                Literal(Null).as_('write_uid'),
                Literal(Null).as_('write_date'),
                moves.wave.as_('wave'),
                moves.location.as_('location'),
                location.sequence.as_('location_sequence'),
                moves.product.as_('product'),
                product.code.as_('product_code'),
                Sum(moves.quantity).as_('quantity'),
                group_by=[moves.wave, moves.location, location.sequence,
                    moves.product, product.code])

    def get_unit(self, name):
        return self.product.default_uom.id

    @classmethod
    def needs(cls, waves, removed=False):
        """Return the quantity per (wave, location, product) and line of
        the waves' shipments"""
        Line = Pool().get('ecom.wave.line')
        cursor = Transaction().connection.cursor()
        moves = pick_moves(removed=removed)
        cursor.execute(*moves.select(
                moves.wave, moves.location, moves.product, moves.line,
                moves.bin, Sum(moves.quantity),
                where=moves.wave.in_([w.id for w in waves]),
                group_by=[moves.wave, moves.location, moves.product,
                    moves.line, moves.bin]))
        result = defaultdict(dict)
        for wave, location, product, line, bin_, quantity in cursor:
            result[wave, location, product][Line(line)] = (bin_, quantity)
        return result

    @classmethod
    def get_bins(cls, picks, name):
        Wave = Pool().get('ecom.wave')
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        # The keys by SQL: the records' fields would read the whole query.
        keys = {}
        for sub_ids in grouped_slice([p.id for p in picks], 1000):
            cursor.execute(*table.select(table.id, table.wave,
                    table.location, table.product,
                    where=table.id.in_(list(sub_ids))))
            keys.update((id_, key) for id_, *key in cursor)
        needs = cls.needs(Wave.browse({k[0] for k in keys.values()}))
        result = {}
        for pick in picks:
            bins = sorted(needs.get(tuple(keys[pick.id]), {}).values())
            result[pick.id] = ', '.join(
                str(b) if q == 1 else '%s×%g' % (b, q) for b, q in bins)
        return result

    @classmethod
    @ModelView.button_action('ecom_warehouse.wizard_wave_shortage')
    def report_shortage(cls, picks):
        pass

    def take_out_short(self, found, reason):
        """Take out of the wave the shipments, newest paid first, that the
        found quantity cannot serve; return their lines"""
        pool = Pool()
        Wave = pool.get('ecom.wave')
        Line = pool.get('ecom.wave.line')
        Wave.check_open(self.wave)
        Wave.flag_intercepted([self.wave])
        needs = self.needs([self.wave]).get(
            (self.wave.id, self.location.id, self.product.id), {})
        needed = sum(q for _, q in needs.values())
        lines = []
        for line, (_, quantity) in sorted(needs.items(),
                key=lambda i: i[1][0], reverse=True):
            if needed <= found:
                break
            line.take_out('shortage', gettext(
                    'ecom_warehouse.msg_wave_shortage',
                    product=self.product.rec_name,
                    location=self.location.rec_name, reason=reason))
            lines.append(line)
            needed -= quantity
        Line.save(lines)
        return lines


class ShortageStart(ModelView):
    "Report Shortage"
    __name__ = 'ecom.wave.shortage.start'

    product = fields.Many2One('product.product', "Product", readonly=True)
    location = fields.Many2One('stock.location', "Location", readonly=True)
    quantity = fields.Float("Quantity", digits=(16, 4), readonly=True)
    found = fields.Float("Found", digits=(16, 4), required=True,
        domain=[('found', '>=', 0)],
        help="How many the picker found at the location.")
    reason = fields.Char("Reason", required=True)


class Shortage(Wizard):
    "Report Shortage"
    __name__ = 'ecom.wave.shortage'

    start = StateView('ecom.wave.shortage.start',
        'ecom_warehouse.wave_shortage_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Take Out", 'take_out', 'tryton-ok', default=True),
            ])
    take_out = StateTransition()

    def default_start(self, fields):
        return {
            'product': self.record.product.id,
            'location': self.record.location.id,
            'quantity': self.record.quantity,
            'found': 0,
            'reason': gettext('ecom_warehouse.msg_wave_shortage_default'),
            }

    def transition_take_out(self):
        self.record.take_out_short(self.start.found, self.start.reason)
        return 'end'
