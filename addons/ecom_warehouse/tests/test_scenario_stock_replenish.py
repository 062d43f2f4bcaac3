"""Replenishment suggestion (补货建议): from a month of sales, the
supplier's lead time, safety days and what is on hand, promised and on
order, the buyer gets a quantity per product rounded to the supplier's
pack, explained on the line, and makes purchase requests of them."""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard

from trytond.modules.ecom_warehouse.tests.test_scenario_stock_figures import (
    StockFiguresCase)
from trytond.modules.ecom_warehouse.tests.wave_tools import line
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction


class ReplenishTestCase(StockFiguresCase):

    def setUp(self):
        # the seller buys through Tryton's purchase requests (stock_supply
        # is one of the warehouse scenarios' modules)
        super().setUp()
        self.Line = Model.get('ecom.replenish.line')

    def supplier(self, code, name, lead_days, pack=None):
        Party = Model.get('party.party')
        party = Party(name=name)
        party.save()
        template = self.seller.products[code].template
        template = Model.get('product.template')(template.id)
        template.purchasable = True
        supplier = template.product_suppliers.new()
        supplier.party = party
        supplier.lead_time = dt.timedelta(days=lead_days)
        supplier.ecom_pack_size = pack
        template.save()
        return party

    def sold(self, code, quantity, days_ago):
        "Quantity left the main warehouse for a customer days ago"
        Location = Model.get('stock.location')
        Move = Model.get('stock.move')
        customer, = Location.find([('type', '=', 'customer')], limit=1)
        product = self.seller.products[code]
        move = Move(product=product, quantity=quantity,
            from_location=self.seller.warehouses['WH'].storage_location,
            to_location=customer, unit_price=Decimal('100'),
            currency=self.seller.company.currency,
            effective_date=dt.date.today() - dt.timedelta(days=days_ago))
        move.save()
        # sales of before, made without the order center: done as the
        # server does, without the warning on moves without origin
        with Transaction().start(DB_NAME, 0,
                context={'_skip_warnings': True}):
            Move = Pool().get('stock.move')
            Move.do(Move.browse([move.id]))

    def suggest(self, warehouse='WH', **values):
        wizard = Wizard('ecom.replenish.suggest')
        wizard.form.warehouse = self.seller.warehouses[warehouse]
        for name, value in values.items():
            setattr(wizard.form, name, value)
        wizard.execute('open_')
        return {l.product.code: l for l in self.Line.find([
                    ('warehouse.code', '=', warehouse),
                    ('request', '=', None)])}

    def test_suggestion_explained_and_made_a_request(self):
        tea_farm = self.supplier('TEA-LJ-250', "龙井茶场", 10, pack=24)
        self.supplier('TEA-BLC-100', "碧螺春茶社", 5)
        # a month of sales, and one that is older than the month
        for days_ago in range(1, 31):
            self.sold('TEA-LJ-250', 6, days_ago)
        self.sold('TEA-BLC-100', 6, 3)
        self.sold('TEA-HC-150', 50, 45)
        # a kit sold today leaves as its components
        shipments = self.post('TB01', self.order('K1',
                line('1', 'KIT-TASTE-3', quantity=2, price='359.00')),
            assign=False)
        shipment = shipments['K1']
        for button in ['assign_force', 'pick', 'pack', 'do']:
            shipment.click(button)
        # promised to an audited order, and ten on their way
        self.audited('TB01', self.order('P1', line('1', 'TEA-LJ-250', 5),
                minutes=1))
        Move = Model.get('stock.move')
        Location = Model.get('stock.location')
        supplier_location, = Location.find([('code', '=', 'SUP')])
        tea_ = self.seller.products['TEA-LJ-250']
        Move(product=tea_, quantity=10, from_location=supplier_location,
            to_location=self.seller.warehouses['WH'].input_location,
            unit_price=tea_.cost_price,
            currency=self.seller.company.currency,
            planned_date=dt.date.today() + dt.timedelta(days=3)).save()

        lines = self.suggest()
        tea_line = lines['TEA-LJ-250']
        # 182 sold: 6.07 a day × (10 + 7) days = 103.13 needed;
        # 18 − 5 + 10 = 23 there: 80.13 short, 81 → four packs of 24
        self.assertEqual((tea_line.sold, tea_line.book, tea_line.promised,
                tea_line.on_order, tea_line.quantity),
            (182, 18, 5, 10, 96))
        self.assertEqual(tea_line.supplier, tea_farm)
        self.assertEqual(tea_line.movement, 'fast')
        self.assertEqual(tea_line.explanation,
            "sold 182 in 30 days = 6.07 a day; × (lead 10 + safety 7 days)"
            " = 103.13 needed; book 18 − promised 5 + on order 10 = 23;"
            " suggested 96 (packs of 24)")
        blc = lines['TEA-BLC-100']
        self.assertEqual((blc.sold, blc.quantity, blc.movement),
            (8, 0, 'slow'))
        self.assertGreater(blc.cover_days, 90)
        # selling far less than it holds: a slow mover
        self.assertEqual(lines['TEA-HC-150'].movement, 'slow')
        self.assertEqual(lines['TEA-HC-150'].sold, 2)

        tea_line.click('create_requests')
        request, = Model.get('purchase.request').find([])
        self.assertEqual((request.product, request.quantity, request.party,
                request.warehouse, request.origin),
            (tea_, 96, tea_farm, self.seller.warehouses['WH'], tea_line))
        # suggested again: the request is on order, nothing more to buy
        again = self.suggest()
        self.assertEqual((again['TEA-LJ-250'].on_order,
                again['TEA-LJ-250'].quantity), (106, 0))
        self.assertEqual(len(self.Line.find(
                    [('request', '=', request.id)])), 1)
