"""A refund after posting, to the end: the parcel is cancelled, a refunded
line is taken out of it, a shipped one comes back as a customer return."""
from proteus import Model
from trytond.exceptions import UserError
from trytond.model.modelview import AccessButtonError

from trytond.modules.ecom_order_center.tests import test_scenario_order
from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    OrderCenterCase, line, normalized)


def dhp(refund='none'):
    return line('1', 'TEA-DHP-200', price='228.00', refund=refund)


def cups(refund='none'):
    return line('2', 'CUP-CR-150', quantity=2, price='39.00',
        refund=refund)


class InterceptionTestCase(OrderCenterCase):
    "Refunds at each posted stage"

    def setUp(self):
        super().setUp()
        self.Shipment = Model.get('stock.shipment.out')

    post = test_scenario_order.RefundInterceptionTestCase.post

    def order(self, order_id):
        order, = self.Order.find([('platform_order_id', '=', order_id)])
        return order

    def refund_decision(self, order):
        decision, = [d for d in order.decisions
            if d.rule == 'Refunded lines']
        return decision.outcome

    def shipment(self, order_id):
        shipment, = self.order(order_id).sales[0].shipments
        return shipment

    def test_intercepted_parcel_refused_then_cancelled(self):
        "Packing refuses an intercepted parcel; the clerk cancels it"
        self.post(normalized('I1001', dhp()))
        shipment = self.shipment('I1001')
        shipment.click('assign_try')
        self.assertEqual(shipment.state, 'assigned')
        self.upsert(normalized('I1001', dhp('requested')))
        shipment.reload()
        self.assertTrue(shipment.ecom_intercepted)
        for button in ['pick', 'pack', 'do']:
            with self.subTest(button=button):
                with self.assertRaisesRegex(UserError, 'is intercepted'):
                    shipment.click(button)

        shipment.click('cancel_intercepted')
        self.assertEqual(shipment.state, 'cancelled')
        self.assertEqual({m.state for m in shipment.moves}, {'cancelled'})
        order = self.order('I1001')
        self.assertEqual(order.state, 'cancelled')
        self.assertTrue([d for d in order.decisions
                if 'cancelled, nothing of them ships' in d.outcome])
        sale = order.sales[0]
        self.assertNotEqual(sale.shipment_state, 'exception')

    def test_cancel_intercepted_from_the_order(self):
        self.post(normalized('I2001', dhp()))
        self.upsert(normalized('I2001', dhp('requested')))
        order = self.order('I2001')
        order.click('cancel_intercepted')
        self.assertEqual(order.state, 'cancelled')
        self.assertEqual(self.shipment('I2001').state, 'cancelled')
        with self.assertRaisesRegex(AccessButtonError, 'I2001'):
            self.Order.click([order], 'cancel_intercepted')

    def test_refund_before_picking_cancels_the_shipment(self):
        "Every line refunded on a posted order: nothing ships"
        self.post(normalized('I3001', dhp(), cups()))
        self.upsert(normalized('I3001', dhp('requested'),
                cups('requested')))
        self.upsert(normalized('I3001', dhp('refunded'), cups('refunded')))
        shipment = self.shipment('I3001')
        self.assertEqual(shipment.state, 'cancelled')
        order = self.order('I3001')
        self.assertEqual(order.state, 'cancelled')
        refunded = self.refund_decision(order)
        self.assertIn('Line 1', refunded)
        self.assertIn('Line 2', refunded)
        self.assertNotEqual(order.sales[0].shipment_state, 'exception')

    def test_partial_refund_of_picked_order_ships_the_rest(self):
        "One line refunded after picking: only that line is taken out"
        self.post(normalized('I4001', dhp(), cups()))
        shipment = self.shipment('I4001')
        shipment.click('assign_try')
        shipment.click('pick')
        self.assertEqual(shipment.state, 'picked')
        self.upsert(normalized('I4001', dhp(), cups('requested')))
        shipment.reload()
        self.assertTrue(shipment.ecom_intercepted)

        self.upsert(normalized('I4001', dhp(), cups('refunded')))
        shipment.reload()
        self.assertFalse(shipment.ecom_intercepted)
        self.assertEqual(shipment.state, 'picked')
        active = [m for m in shipment.moves if m.state != 'cancelled']
        self.assertEqual({m.product.code for m in active}, {'TEA-DHP-200'})
        order = self.order('I4001')
        self.assertEqual(order.state, 'posted')
        refunded = self.refund_decision(order)
        self.assertIn('Line 2', refunded)
        self.assertNotIn('Line 1', refunded)
        self.assertNotEqual(order.sales[0].shipment_state, 'exception')

        shipment.click('pack')
        shipment.click('do')
        self.assertEqual(shipment.state, 'done')
        outgoing = [m for m in shipment.outgoing_moves
            if m.state == 'done']
        self.assertEqual([(m.product.code, m.quantity) for m in outgoing],
            [('TEA-DHP-200', 1)])

    def test_partial_refund_of_waiting_kit_order(self):
        "A refunded kit line takes all its components out"
        self.post(normalized('I5001', dhp(),
                line('2', 'KIT-LJ-GIFT', price='338.00')))
        self.upsert(normalized('I5001', dhp(),
                line('2', 'KIT-LJ-GIFT', price='338.00', refund='refunded')))
        shipment = self.shipment('I5001')
        self.assertEqual(shipment.state, 'waiting')
        active = [m for m in shipment.moves if m.state != 'cancelled']
        self.assertEqual({m.product.code for m in active}, {'TEA-DHP-200'})
        self.assertEqual(self.order('I5001').state, 'posted')

    def test_refund_after_shipping_makes_a_customer_return(self):
        self.post(normalized('I6001', dhp(), cups()))
        shipment = self.shipment('I6001')
        for button in ['assign_try', 'pick', 'pack', 'do']:
            shipment.click(button)
        self.assertEqual(shipment.state, 'done')
        self.upsert(normalized('I6001', dhp(), cups('refunded')))

        order = self.order('I6001')
        Return = Model.get('stock.shipment.out.return')
        ret, = Return.find([])
        self.assertEqual(ret.state, 'draft')
        self.assertEqual(
            [(m.product.code, m.quantity) for m in ret.incoming_moves],
            [('CUP-CR-150', 2)])
        refunded = self.refund_decision(order)
        self.assertIn(ret.number, refunded)
        self.assertIn('Line 2', refunded)
        # The same news again returns nothing more.
        self.upsert(normalized('I6001', dhp(), cups('refunded'),
                seller_memo='已退款'))
        self.assertEqual(len(Return.find([])), 1)
        ret.click('receive')
        self.assertEqual(ret.state, 'received')
