"""Clerks see the orders of their shops, warehouse staff the shipments of
their warehouses; a user with none set sees all, administrators see all."""
from proteus import Model
from trytond.model.exceptions import AccessError

from trytond.modules.ecom_order_center.tests.test_scenario_order import (
    OrderCenterCase, normalized)
from trytond.tests.tools import set_user


class AccessTestCase(OrderCenterCase):

    def setUp(self):
        super().setUp()
        for code, order_id in [('TB01', 'A1001'), ('PDD01', 'A2001')]:
            self.Order.upsert_normalized(self.seller.shops[code].id,
                [normalized(order_id, buyer=order_id)], self.config.context)
        orders = self.Order.find([])
        for button in ['cs_audit', 'finance_audit', 'post']:
            self.Order.click(orders, button)
        self.assertEqual({o.state for o in orders}, {'posted'})

    def tearDown(self):
        set_user(1, self.config)
        super().tearDown()

    def user(self, login, groups, shops=(), warehouses=()):
        User = Model.get('res.user')
        Group = Model.get('res.group')
        user = User(name=login, login=login)
        for name in groups:
            group, = Group.find([('name', '=', name)])
            user.groups.append(group)
        user.companies.append(Model.get('company.company')(
                self.seller.company.id))
        user.company = self.seller.company
        for code in shops:
            user.ecom_shops.append(Model.get('ecom.shop')(
                    self.seller.shops[code].id))
        for code in warehouses:
            user.ecom_warehouses.append(Model.get('stock.location')(
                    self.seller.warehouses[code].id))
        user.save()
        return user

    def order_ids(self):
        return {o.platform_order_id for o in self.Order.find([])}

    def test_clerk_sees_only_the_orders_of_her_shops(self):
        clerk = self.user('cs_tb', ["E-commerce Customer Service"],
            shops=['TB01'])
        finance = self.user('fin_pdd', ["E-commerce Finance"],
            shops=['PDD01'])
        everyone = self.user('cs_all', ["E-commerce Customer Service"])
        pdd_order, = self.Order.find([('platform_order_id', '=', 'A2001')])

        set_user(clerk, self.config)
        self.assertEqual(self.order_ids(), {'A1001'})
        Line = Model.get('ecom.order.line')
        self.assertEqual({l.order.platform_order_id for l in Line.find([])},
            {'A1001'})
        with self.assertRaises(AccessError) as refused:
            self.Order(pdd_order.id).platform_order_id
        self.assertIn('"%s"' % pdd_order.id, refused.exception.message)
        self.assertIn("User's shops", refused.exception.message)
        Todo = Model.get('ecom.order.todo')
        self.assertEqual({t.shop.id for t in Todo.find([])},
            {self.seller.shops['TB01'].id})

        set_user(finance, self.config)
        self.assertEqual(self.order_ids(), {'A2001'})

        set_user(everyone, self.config)
        self.assertEqual(self.order_ids(), {'A1001', 'A2001'})

    def test_admin_group_sees_all_whatever_its_shops(self):
        admin = Model.get('res.user')(1)
        admin.ecom_shops.append(Model.get('ecom.shop')(
                self.seller.shops['TB01'].id))
        admin.save()
        set_user(1, self.config)
        self.assertEqual(self.order_ids(), {'A1001', 'A2001'})

    def test_warehouse_clerk_sees_only_her_warehouse_shipments(self):
        clerk = self.user('wh_gz', ["E-commerce Warehouse", "Stock"],
            warehouses=['GZ'])
        everyone = self.user('wh_all', ["E-commerce Warehouse", "Stock"])
        Shipment = Model.get('stock.shipment.out')
        self.assertEqual(
            {s.warehouse.code for s in Shipment.find([])}, {'WH', 'GZ'})

        set_user(clerk, self.config)
        Shipment = Model.get('stock.shipment.out')
        self.assertEqual(
            {s.warehouse.code for s in Shipment.find([])}, {'GZ'})

        set_user(everyone, self.config)
        self.assertEqual(
            {s.warehouse.code for s in Shipment.find([])}, {'WH', 'GZ'})
