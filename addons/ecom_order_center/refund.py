"""Refunds: a refunded line does not ship, an order refunded whole is
cancelled, a shipped one comes back as a customer return.

Tryton's own stock and sale flows do the work: cancelled moves are added
to the sale lines' ignored moves (what a clerk does with "Handle Shipment
Exception"), so the sale is not left in exception and the refunded
quantity is not invoiced.
"""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .order import (
    CHECKED_STATES, POSTED_STATES, UNPOSTED_STATES, in_locked_transaction)


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'check_refund': {
                    'invisible': ((Eval('refund_state') != 'requested')
                        | Eval('state').in_(['cancelled', 'done'])),
                    'depends': ['refund_state', 'state'],
                    },
                })

    @classmethod
    @ModelView.button
    def check_refund(cls, orders):
        """Ask the platform again how the refunds stand and act on it:
        refused or closed, the order goes on; agreed, the refunded lines
        or the whole order are cancelled; else it waits

        The platforms are asked first, with nothing written; what they
        answered is stored and acted on in a short transaction of its own,
        so no lock is held while a platform answers."""
        answers = cls._fetch_refunds(orders)
        ids = [o.id for o in orders]
        in_locked_transaction(
            lambda: cls._act_on_refunds(cls.browse(ids), answers))

    @classmethod
    def _act_on_refunds(cls, orders, answers):
        "Store the platforms' answers and move the orders on as they say"
        cls._store_refunds(answers)
        orders = cls.browse([o.id for o in orders])
        cls.intake([o for o in orders if o.state in CHECKED_STATES])
        cls._cancel_refunded([o for o in cls.browse([o.id for o in orders])
                if o.state in UNPOSTED_STATES - CHECKED_STATES])
        cls.posted_update([o for o in cls.browse([o.id for o in orders])
                if o.state in POSTED_STATES])

    @classmethod
    def _fetch_refunds(cls, orders):
        """Return what the platforms answer on the refunds of the orders'
        lines, without writing anything

        The order center alone learns them from what is stored (downloads,
        webhooks, spreadsheets); the platforms module asks the platform."""
        return []

    @classmethod
    def _store_refunds(cls, answers):
        "Store the answers of _fetch_refunds"

    @classmethod
    def _intake_refunds(cls, orders):
        "Cancel the orders whose every line the platform refunded"
        cls._cancel_refunded([o for o in orders if o.state in CHECKED_STATES])

    @classmethod
    def _cancel_refunded(cls, orders):
        "Cancel the unposted orders refunded whole"
        refunded = [o for o in orders if o.state in UNPOSTED_STATES
            and any(not l.gift for l in o.lines)
            and all(l.refund_state == 'refunded'
                for l in o.lines if not l.gift)]
        if refunded:
            cls.write(refunded, {'state': 'cancelled'})
            cls._log_decision(refunded,
                gettext('ecom_order_center.msg_rule_refund'),
                gettext('ecom_order_center.msg_refunded_cancelled'))

    @classmethod
    def _refunded_lines(cls, order):
        "The lines that must not ship: refunded, gifts of refunded orders"
        refunded = [l for l in order.lines if l.refund_state == 'refunded']
        if refunded and all(l.refund_state == 'refunded'
                for l in order.lines if not l.gift):
            return list(order.lines)
        return refunded

    @classmethod
    def _ignore_moves(cls, moves):
        "Tell the sales the cancelled moves are not to be shipped again"
        pool = Pool()
        SaleLine = pool.get('sale.line')
        Component = pool.get('sale.line.component')
        by_origin = defaultdict(set)
        for move in moves:
            if (move.state == 'cancelled'
                    and isinstance(move.origin, (SaleLine, Component))
                    and move not in move.origin.moves_ignored):
                by_origin[move.origin].add(move.id)
        for origin, move_ids in by_origin.items():
            origin.__class__.write([origin], {
                    'moves_ignored': [('add', list(move_ids))],
                    })

    @classmethod
    @without_check_access
    def _posted_remove_refunded(cls, orders):
        """Keep the refunded lines of posted orders from shipping

        Their moves not gone yet are cancelled, a shipment left with
        nothing is cancelled whole; what already left comes back as a
        customer return. The rest of the order ships."""
        pool = Pool()
        SaleLine = pool.get('sale.line')
        lines = {l: o for o in orders for l in cls._refunded_lines(o)}
        if not lines:
            return
        sale_lines = SaleLine.search([
                ('ecom_order_line', 'in', [l.id for l in lines]),
                ])
        pending, shipped = [], []
        for sale_line in sale_lines:
            for origin in sale_line.ecom_origins:
                for move in origin.moves:
                    if move.to_location.type != 'customer':
                        continue
                    if move.state == 'done':
                        shipped.append(move)
                    elif (move.state != 'cancelled'
                            and move.shipment
                            and move.shipment.__name__
                            == 'stock.shipment.out'):
                        pending.append(move)
        outcomes = defaultdict(list)
        cls._remove_moves(pending, outcomes)
        cls._return_moves(shipped, outcomes)
        decisions = defaultdict(list)
        for sale_line in sale_lines:
            order_line = sale_line.ecom_order_line
            for text in outcomes.get(sale_line, []):
                decisions[lines[order_line]].append(gettext(
                        'ecom_order_center.msg_refund_line',
                        line=order_line.platform_line_id or '',
                        product=order_line.product.rec_name,
                        outcome=text))
        for order, texts in decisions.items():
            cls._log_decision([order],
                gettext('ecom_order_center.msg_rule_refund_line'),
                ' '.join(sorted(set(texts))))
        cls._cancel_unshipped([o for o in orders
                if all(l in lines for l in o.lines)])

    @staticmethod
    def _sale_line(move):
        origin = move.origin
        return origin if origin.__name__ == 'sale.line' else origin.line

    @classmethod
    def _remove_moves(cls, moves, outcomes):
        """Cancel the outgoing moves with their picking, or the whole
        shipment when nothing else is in it"""
        pool = Pool()
        Move = pool.get('stock.move')
        Shipment = pool.get('stock.shipment.out')
        by_shipment = defaultdict(set)
        for move in moves:
            by_shipment[move.shipment].add(move)
        whole, to_cancel = [], []
        for shipment, outgoing in by_shipment.items():
            active = {m for m in shipment.outgoing_moves
                if m.state != 'cancelled'}
            if active <= outgoing:
                whole.append(shipment)
            else:
                to_cancel.extend(outgoing)
                to_cancel.extend(m for m in shipment.inventory_moves
                    if m.origin in outgoing)
        Move.cancel(to_cancel)
        Shipment.cancel(whole)
        cls._ignore_moves(Move.browse([m.id for m in moves]))
        for move in moves:
            outcomes[cls._sale_line(move)].append(gettext(
                    'ecom_order_center.msg_refund_shipment_cancelled'
                    if move.shipment in whole
                    else 'ecom_order_center.msg_refund_moves_cancelled',
                    shipment=move.shipment.rec_name))

    @classmethod
    def _return_moves(cls, moves, outcomes):
        """Draft customer returns of the shipped moves not yet returned,
        one per sale and warehouse, for the warehouse to receive

        The return moves come from the shipped moves, not from the sale
        lines: the platform has refunded the buyer already, so the sale
        must not expect to ship them again."""
        pool = Pool()
        Move = pool.get('stock.move')
        Return = pool.get('stock.shipment.out.return')
        Date = pool.get('ir.date')
        today = Date.today()
        returned_quantities = defaultdict(float)
        for move in Move.search([
                    ('origin', 'in', [str(m) for m in moves]),
                    ('from_location.type', '=', 'customer'),
                    ('state', '!=', 'cancelled'),
                    ]):
            returned_quantities[move.origin] += move.quantity
        returns, returned = {}, []
        for move in moves:
            quantity = move.unit.round(
                move.quantity - returned_quantities[move])
            if quantity <= 0:
                continue
            warehouse = move.shipment.warehouse if move.shipment else None
            sale = cls._sale_line(move).sale
            key = (sale, warehouse)
            if key not in returns:
                returns[key] = sale._get_shipment_sale(
                    Return, (('warehouse', warehouse),))
                returns[key].moves = []
            shipment = returns[key]
            shipment.moves += (Move(product=move.product, unit=move.unit,
                    quantity=quantity, from_location=move.to_location,
                    to_location=shipment.warehouse_input,
                    company=move.company, unit_price=move.unit_price,
                    currency=move.currency, planned_date=today,
                    origin=move, state='draft'),)
            returned.append((move, shipment))
        Return.save(list(returns.values()))
        for move, shipment in returned:
            outcomes[cls._sale_line(move)].append(gettext(
                    'ecom_order_center.msg_refund_returned',
                    shipment=shipment.rec_name))

