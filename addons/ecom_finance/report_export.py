# This file is part of ecom suite. Classes are registered in tryton.cfg.
"""导出 Excel: the rows of a finance list (logistics cost, profit,
salesperson performance, courier bill lines) as an xlsx sheet, with the
columns of the list and their Chinese names; the selected rows, or every
row for the dates of the list's context."""
import datetime as dt
import io
from decimal import Decimal

from lxml import etree

from trytond.model import Model, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard


class ExportXlsxResult(ModelView):
    "Export to Excel"
    __name__ = 'ecom.report.export_xlsx.result'

    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


def list_columns(Model_):
    "The names of the columns the model's list shows"
    arch = Model_.fields_view_get(view_type='tree')['arch']
    return [f.get('name') for f in etree.fromstring(arch).iter('field')
        if f.get('name') and f.get('invisible') not in {'1', 'True'}
        and f.get('tree_invisible') not in {'1', 'True'}]


def cell(value):
    "The value as a spreadsheet cell: records by their name"
    if isinstance(value, Model):
        return value.rec_name
    if isinstance(value, (list, tuple)):
        return ', '.join(cell(v) for v in value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, (str, int, float, Decimal, dt.date)) or (
            value is None):
        return value
    return str(value)


def xlsx(title, names, strings, records):
    "Return the xlsx of the records' columns, headed by their strings"
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    # a sheet's title is at most 31 characters, without []:*?/\
    sheet.title = ''.join(c for c in title if c not in '[]:*?/\\')[:31]
    sheet.append([strings[n] for n in names])
    for record in records:
        sheet.append([cell(getattr(record, n, None)) for n in names])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class ExportXlsx(Wizard):
    "Export to Excel"
    __name__ = 'ecom.report.export_xlsx'

    start = StateView('ecom.report.export_xlsx.result',
        'ecom_finance.report_export_xlsx_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        pool = Pool()
        IrModel = pool.get('ir.model')
        Report = self.model
        records = (self.records if Transaction().context.get('active_ids')
            else Report.search([]))
        names = list_columns(Report)
        strings = {n: f['string']
            for n, f in Report.fields_get(names).items()}
        title = IrModel.get_names()[Report.__name__]
        return {
            'file': xlsx(title, names, strings, records),
            'filename': '%s-%s.xlsx' % (title,
                pool.get('ir.date').today().isoformat()),
            }
