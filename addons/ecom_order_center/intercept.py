"""Interception to the end: a refunded line does not ship, an intercepted
parcel is cancelled, a shipped one comes back as a customer return.

Tryton's own stock and sale flows do the work: ``ShipmentOut.cancel``
releases the reservations, cancelled moves are added to the sale lines'
ignored moves (what a clerk does with "Handle Shipment Exception"), so the
sale is not left in exception and the refunded quantity is not invoiced.
"""
from collections import defaultdict

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .normalize import POSTED_STATES


class SaleLine(metaclass=PoolMeta):
    __name__ = 'sale.line'

    ecom_order_line = fields.Many2One('ecom.order.line',
        "E-commerce Order Line", readonly=True, ondelete='SET NULL',
        help="The platform order line this sale line was posted from.")

    @fields.depends('ecom_order_line')
    def compute_unit_price(self):
        # The price of a line posted from the platform is what the buyer paid.
        if self.ecom_order_line:
            return self.ecom_order_line.sale_unit_price
        return super().compute_unit_price()

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        # A copy is another sale: a refund must not stop its shipments.
        default.setdefault('ecom_order_line', None)
        return super().copy(lines, default=default)

    @property
    def ecom_origins(self):
        "The line itself or its kit components: what its moves come from"
        return list(self.components) or [self]


class OrderLine(metaclass=PoolMeta):
    __name__ = 'ecom.order.line'


class ShipmentOut(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'cancel_intercepted': {
                    'invisible': (~Eval('ecom_intercepted')
                        | Eval('state').in_(['done', 'cancelled'])),
                    'depends': ['ecom_intercepted', 'state'],
                    },
                })

    @classmethod
    def _refuse_intercepted(cls, shipments):
        for shipment in shipments:
            if shipment.ecom_intercepted:
                raise UserError(gettext(
                        'ecom_order_center.msg_shipment_intercepted_refused',
                        shipment=shipment.rec_name,
                        reason=shipment.ecom_intercept_reason or ''))

    @classmethod
    def pick(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().pick(shipments)

    @classmethod
    def pack(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().pack(shipments)

    @classmethod
    def ship(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().ship(shipments)

    @classmethod
    def do(cls, shipments):
        cls._refuse_intercepted(shipments)
        super().do(shipments)

    @property
    def ecom_orders(self):
        return {o for m in self.outgoing_moves if m.sale
            for o in m.sale.ecom_orders}

    @classmethod
    @ModelView.button
    def cancel_intercepted(cls, shipments):
        "Cancel the intercepted parcels: nothing of them ships"
        Order = Pool().get('ecom.order')
        Order.cancel_shipments([s for s in shipments
                if s.ecom_intercepted
                and s.state not in {'done', 'cancelled'}])


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'cancel_intercepted': {
                    'invisible': ~Eval('state').in_(['posted']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def upsert_normalized(cls, shop, normalized_orders):
        results = super().upsert_normalized(shop, normalized_orders)
        updated = [r[2] for r in results if r[1] == 'updated']
        if updated:
            orders = [o for o in cls.browse(updated)
                if o.state in POSTED_STATES]
            cls.remove_refunded(orders)
            cls.release_interceptions(orders)
        return results

    @classmethod
    @ModelView.button
    def cancel_intercepted(cls, orders):
        "Cancel the intercepted shipments of the orders"
        shipments = [s for o in orders for sale in o.sales
            for s in sale.shipments
            if s.ecom_intercepted and s.state not in {'done', 'cancelled'}]
        if not shipments:
            raise UserError(gettext(
                    'ecom_order_center.msg_no_intercepted_shipment',
                    orders=', '.join(o.rec_name for o in orders)))
        cls.cancel_shipments(shipments)

    @classmethod
    def _refunded_lines(cls, order):
        "The lines that must not ship: refunded, gifts of refunded orders"
        refunded = [l for l in order.lines if l.refund_state == 'refunded']
        if refunded and all(l.refund_state == 'refunded'
                for l in order.lines if not l.gift):
            return list(order.lines)
        return refunded

    @classmethod
    @without_check_access
    def cancel_shipments(cls, shipments):
        """Cancel the shipments, releasing their reservations; orders left
        with nothing to ship are cancelled"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        if not shipments:
            return
        orders = {o for s in shipments for o in s.ecom_orders}
        Shipment.cancel(shipments)
        shipments = Shipment.browse([s.id for s in shipments])
        cls._ignore_moves([m for s in shipments for m in s.outgoing_moves])
        outcome = gettext('ecom_order_center.msg_intercepted_cancelled',
            shipments=', '.join(s.rec_name for s in shipments))
        cls._log_decision(orders,
            gettext('ecom_order_center.msg_rule_intercept'), outcome)
        cls._cancel_unshipped(orders)

    @classmethod
    def _cancel_unshipped(cls, orders):
        "Mark cancelled the posted orders of which no shipment is left"
        cancelled = [o for o in cls.browse([o.id for o in orders])
            if o.state == 'posted'
            and all(s.state == 'cancelled'
                for sale in o.sales for s in sale.shipments)]
        if cancelled:
            cls.write(cancelled, {'state': 'cancelled'})

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
    def remove_refunded(cls, orders):
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

    @classmethod
    def release_interceptions(cls, orders):
        """Let intercepted shipments go again when no refund is asked any
        more on any of their orders (refused, or done on other lines)"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        shipments = {s for o in orders for sale in o.sales
            for s in sale.shipments
            if s.ecom_intercepted and s.state not in {'done', 'cancelled'}}
        released = [s for s in shipments
            if not any(o.refund_state == 'requested'
                or o.platform_state == 'cancelled'
                for o in s.ecom_orders)]
        if not released:
            return
        with without_check_access():
            Shipment.write(released, {
                    'ecom_intercepted': False,
                    'ecom_intercept_reason': None,
                    })
        cls._log_decision({o for s in released for o in s.ecom_orders},
            gettext('ecom_order_center.msg_rule_intercept'),
            gettext('ecom_order_center.msg_interception_released',
                shipments=', '.join(s.rec_name for s in released)))
