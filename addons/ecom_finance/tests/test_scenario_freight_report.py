"""Finance sees what freight costs: per order the estimate against what
its parcels cost, and per carrier, day and province the parcels, their
weight, their freight and the average per parcel, over chosen dates."""
import datetime as dt
from decimal import Decimal

from proteus import Model

from trytond.modules.ecom_finance.tests import test_scenario_carrier_bill as \
    parcels
from trytond.modules.ecom_order_center.tests.test_scenario_order import line

TODAY = dt.date.today()


class FreightReportTestCase(parcels.ShippedParcelsCase):

    def report(self, **context):
        Report = Model.get('ecom.freight_report')
        with self.config.set_context(company=self.seller.company.id,
                **context):
            # by province code: the databases collate Chinese names apart
            return sorted((r.carrier.party.code, r.date,
                    r.subdivision.code if r.subdivision else None,
                    r.parcels, r.weight, r.cost, r.average)
                for r in Report.find([]))

    def test_report_per_carrier_day_and_province(self):
        "The bill's freight replaces our estimate in the report"
        tea = line('1', 'TEA-LJ-250')
        heavy = [line('1', 'KIT-LJ-GIFT', price='338.00'),
            line('2', 'TEA-LJ-250', quantity=2)]
        self.ship('R1', 'ZT6001', tea)
        self.ship('R2', 'ZT6002', tea, receiver_city='宁波市')
        self.ship('R3', 'ZT6003', *heavy, receiver_province='广东',
            receiver_city='深圳市')
        self.assertEqual(self.report(from_date=TODAY, to_date=TODAY), [
                ('ZTO', TODAY, 'CN-GD', 1, 1.79, Decimal('8.00'),
                    Decimal('8.00')),
                ('ZTO', TODAY, 'CN-ZJ', 2, 0.64, Decimal('6.00'),
                    Decimal('3.00')),
                ])
        # other days, another carrier: nothing
        yesterday = TODAY - dt.timedelta(days=1)
        self.assertEqual(self.report(to_date=yesterday), [])
        self.assertEqual(
            self.report(carrier=self.seller.carriers['SF'].id), [])

        # the courier bills Guangdong 9.00, which is accepted
        bill = self.import_bill(parcels.csv_bytes(parcels.zto_bill(
                    ['ZT6003', TODAY, '广东', '2', '9.00', ''])), 'zto.csv')
        bill.lines[0].click('accept')
        bill.click('invoice')
        rows = self.report(from_date=TODAY)
        self.assertEqual(rows[0][5:], (Decimal('9.00'), Decimal('9.00')))

        Order = Model.get('ecom.order')
        order, = Order.find([('platform_order_id', '=', 'R3')])
        self.assertEqual((order.freight_cost, order.freight_actual),
            (Decimal('8.00'), Decimal('9.00')))

        # Tryton's export gives the rows as the list shows them
        Report = Model.get('ecom.freight_report')
        with self.config.set_context(company=self.seller.company.id):
            ids = [r.id for r in Report.find([])]
            data = Report.export_data(ids,
                ['carrier/party/name', 'subdivision/rec_name', 'parcels',
                    'cost'], self.config.context)
        self.assertIn(['中通快递', '广东省', 1, Decimal('9.00')], data)
