"The spreadsheet order import wizard"
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .spreadsheet import parse, template_xlsx


def error_text(row, error):
    return gettext('ecom_platforms.msg_import_row', row=row,
        reason=gettext('ecom_platforms.' + error.message, **error.values))


class ImportStart(ModelView):
    "Import Orders from Spreadsheet"
    __name__ = 'ecom.order.import.start'

    shop = fields.Many2One('ecom.shop', "Shop", required=True)
    file = fields.Binary("File", required=True, filename='filename',
        help="An .xlsx file, or a .csv file in UTF-8 or GBK, one row a line.")
    filename = fields.Char("File Name")
    template = fields.Binary("Template", readonly=True,
        filename='template_name',
        help="An example file with every column the import reads.")
    template_name = fields.Char("Template Name", readonly=True)

    @staticmethod
    def default_template():
        return template_xlsx()

    @staticmethod
    def default_template_name():
        return 'orders-template.xlsx'


class ImportResult(ModelView):
    "Import Orders Result"
    __name__ = 'ecom.order.import.result'

    report = fields.Text("Report", readonly=True)


class ImportOrders(Wizard):
    "Import Orders from Spreadsheet"
    __name__ = 'ecom.order.import'

    start = StateView('ecom.order.import.start',
        'ecom_platforms.order_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView('ecom.order.import.result',
        'ecom_platforms.order_import_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        shop = self.start.shop
        orders, errors = parse(self.start.file, self.start.filename,
            shop.timezone)
        outcomes = shop.store_orders(orders) if orders else []
        lines = [error_text(row, error) for row, error in errors]
        counts = {}
        for _, outcome, _, reason in outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
        self.result.report = '\n'.join([gettext(
                    'ecom_platforms.msg_import_summary',
                    new=counts.get('new', 0),
                    updated=counts.get('updated', 0),
                    unchanged=counts.get('unchanged', 0),
                    stale=counts.get('stale', 0),
                    failed=counts.get('failed', 0) + len(errors))] + lines)
        return 'result'

    def default_result(self, fields):
        return {'report': self.result.report}


