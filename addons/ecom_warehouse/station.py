"""The packing station screen (验货台): one input the scanner types into,
Enter sends the scan, the status shows in large red or green text and,
under it, the parcel's items with what is scanned of them.

The screen is a wizard dialog whose default button processes the scan:
the web client sends a dialog's default button on Enter, so the station
needs no mouse.  Everything the screen shows after a scan is in the
status text: the web client ignores an Enter until it has drawn the whole
answer, and a list of records would have it fetch them first, losing the
next scan.  The server logic is ``stock.shipment.out``'s
``ecom_verify_scan``.
"""
import html
import json

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

OK_COLOR = '#1a7f37'
ERROR_COLOR = '#c62828'


class StationScan(ModelView):
    "Packing Station"
    __name__ = 'ecom.packing.station.scan'

    code = fields.Char("Scan",
        help="Scan the waybill, the order or the shipment, then each item; "
        "type ×N after a code for N pieces, or a weight to weigh.")
    status = fields.Text("Status", readonly=True)
    ok = fields.Boolean("OK", readonly=True)
    message = fields.Char("Message", readonly=True)
    shipment = fields.Many2One('stock.shipment.out', "Shipment",
        readonly=True)
    session = fields.Text("Session", readonly=True,
        help="The station's state between scans.")


class Station(Wizard):
    "Packing Station"
    __name__ = 'ecom.packing.station'

    start = StateView('ecom.packing.station.scan',
        'ecom_warehouse.packing_station_scan_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Enter", 'scan', 'tryton-ok', default=True),
            ])
    scan = StateTransition()

    def default_start(self, fields):
        values = self.start._default_values if self.start else {}
        values.pop('code', None)
        values.setdefault('status', status_html(True,
                gettext('ecom_warehouse.msg_scan_ready')))
        values.setdefault('ok', True)
        return values

    def transition_scan(self):
        Shipment = Pool().get('stock.shipment.out')
        state = json.loads(self.start.session or '{}')
        state, result = Shipment.ecom_verify_scan(state, self.start.code)
        self.start.session = json.dumps(state)
        self.start.code = None
        self.start.ok = result['ok']
        self.start.message = result['message']
        self.start.status = status_html(result['ok'], result['message'],
            result['lines'])
        self.start.shipment = result['shipment']
        return 'start'


def status_html(ok, message, lines=()):
    """The status in large type, green when the scan is good and red when
    not, then a line per item: code, name, scanned of expected"""
    text = ('<div align="center"><font size="7" color="%s"><b>%s</b>'
        '</font></div>' % (OK_COLOR if ok else ERROR_COLOR,
            html.escape(message or '')))
    Product = Pool().get('product.product')
    for line in lines:
        product = Product(line['product'])
        done = line['scanned'] >= line['expected']
        text += ('<div><font size="5" color="%s">%s %s %s</font></div>' % (
                OK_COLOR if done else '#333333',
                html.escape(product.code or ''), html.escape(product.name),
                gettext('ecom_warehouse.msg_station_item_count',
                    scanned=line['scanned'], expected=line['expected'])))
    return text
