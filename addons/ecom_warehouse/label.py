"""Drawing the floor's documents: waybill labels as PDF (reportlab), ZPL
and TSPL, packing slips and A4 pick lists as PDF.

Nothing here reads the database: the documents are drawn from plain
:class:`Label` values, so the benchmarks draw them the same way.  Chinese
is drawn with a TrueType CJK font embedded in the PDF (Noto CJK, the
browser's font, is CFF and cannot be embedded by reportlab); the QR code
is drawn from its module matrix, much faster than reportlab's widget.
"""
import io
import os
from dataclasses import dataclass, field

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

# label sizes in mm (width, height)
SIZES = {
    '76x130': (76, 130),
    '100x150': (100, 150),
    '100x180': (100, 180),
    }
FONT = 'EcomCJK'
# TrueType CJK fonts, in the order they are looked for (the set-up
# installs fonts-wqy-zenhei); ECOM_CJK_FONT names another one
FONT_PATHS = [
    '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
    '/usr/share/fonts/truetype/arphic/uming.ttc',
    '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
    ]


class FontMissing(Exception):
    "No TrueType CJK font to draw Chinese with"


def font_path():
    paths = ([os.environ['ECOM_CJK_FONT']] if os.environ.get('ECOM_CJK_FONT')
        else FONT_PATHS)
    for path in paths:
        if os.path.exists(path):
            return path
    raise FontMissing(', '.join(paths))


def register_font():
    "The CJK font's name for reportlab, registered once"
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = font_path()
        pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
    return FONT


@dataclass
class Person:
    name: str = ''
    phone: str = ''
    address: str = ''


@dataclass
class Label:
    number: str
    carrier: str
    delivery: str               # 发货号, the shipment's number
    sender: Person
    receiver: Person
    sort_code: str = ''
    hub: str = ''
    route_code: str = ''
    order: str = ''
    items: list = field(default_factory=list)   # (name, quantity)
    qr: str = ''


def wrap(text, size, width):
    "Lines of text at the font size within width (CJK as full width)"
    lines, line, used = [], '', 0.0
    for char in text or '':
        advance = size if ord(char) > 0x2e7f else size * 0.55
        if used + advance > width and line:
            lines.append(line)
            line, used = '', 0.0
        line += char
        used += advance
    if line:
        lines.append(line)
    return lines


def qr_runs(data):
    """The QR code of data: its size in modules and its dark modules as
    horizontal runs (row, first column, length)"""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    # Any fixed mask gives a valid code; trying all eight is most of the
    # cost of make().
    code.makeImpl(False, 2)
    count = code.getModuleCount()
    runs = []
    for row, modules in enumerate(code.modules):
        column = 0
        while column < count:
            if modules[column]:
                start = column
                while column < count and modules[column]:
                    column += 1
                runs.append((row, start, column - start))
            else:
                column += 1
    return count, runs


def draw_qr(pdf, data, x, y, size):
    """Draw the QR code in module units: one rectangle per run of dark
    modules, written as integers (reportlab's float formatting of each
    module's rectangle costs more than the whole rest of the label)"""
    count, runs = qr_runs(data)
    module = size / count
    pdf.saveState()
    pdf.transform(module, 0, 0, -module, x, y + size)
    pdf._code.append(' '.join('%d %d %d 1 re' % (column, row, length)
            for row, column, length in runs) + ' f')
    pdf.restoreState()


class _Bars(Code128):
    "Code128 whose bars are collected, to be written in one go"

    def rect(self, x, y, width, height):
        self.bars.append('%.2f %.2f %.2f %.2f re' % (x, y, width, height))


def draw_code128(pdf, value, x, y, bar_height, bar_width):
    barcode = _Bars(value, barHeight=bar_height, barWidth=bar_width, quiet=0)
    barcode.bars = []
    barcode.canv = pdf
    barcode.draw()
    pdf.saveState()
    pdf.translate(x - barcode.width / 2, y)
    pdf._code.append(' '.join(barcode.bars) + ' f')
    pdf.restoreState()


class LabelPdf:
    "Waybill labels of one size, drawn into one PDF, a page each"

    def __init__(self, size):
        self.width, self.height = SIZES[size]
        self.font = register_font()
        self.scale = self.width / 100

    def render(self, labels):
        out = io.BytesIO()
        pdf = canvas.Canvas(out, pagesize=(self.width * mm,
                self.height * mm), pageCompression=0)
        pdf.setTitle('waybills')
        self._form(pdf)
        for label in labels:
            pdf.doForm('frame')
            self._page(pdf, label)
            pdf.showPage()
        pdf.save()
        return out.getvalue()

    def _y(self, fraction):
        return self.height * mm * (1 - fraction)

    def _form(self, pdf):
        "The static part of every page: the boxes and their captions"
        w, s = self.width * mm, self.scale
        pdf.beginForm('frame')
        pdf.setLineWidth(0.8)
        for fraction in [0.07, 0.19, 0.34, 0.40, 0.58, 0.70]:
            pdf.line(0, self._y(fraction), w, self._y(fraction))
        pdf.setFont(self.font, 9 * s)
        pdf.drawString(2 * mm, self._y(0.40) - 5 * mm, "收")
        pdf.drawString(2 * mm, self._y(0.58) - 4 * mm, "寄")
        pdf.drawString(2 * mm, self._y(0.70) - 4 * mm, "出货明细")
        pdf.endForm()

    def _page(self, pdf, label):
        w, s, font = self.width * mm, self.scale, self.font
        left = 8 * mm * s
        pdf.setFont(font, 10 * s)
        pdf.drawString(2 * mm, self._y(0.07) + 2 * mm, label.carrier)
        pdf.drawRightString(w - 2 * mm, self._y(0.07) + 2 * mm,
            "发货号 " + label.delivery)
        # 大头笔 in large type: what the sorter reads
        pdf.setFont(font, 22 * s)
        pdf.drawString(2 * mm, self._y(0.19) + 3 * mm, label.sort_code)
        if label.route_code:
            pdf.setFont(font, 12 * s)
            pdf.drawRightString(w - 2 * mm, self._y(0.19) + 3 * mm,
                label.route_code)
        draw_code128(pdf, label.number, w / 2, self._y(0.34) + 5 * mm,
            self.height * mm * 0.10, 0.33 * mm * s)
        pdf.setFont('Helvetica', 9 * s)
        pdf.drawCentredString(w / 2, self._y(0.34) + 1.5 * mm, label.number)
        pdf.setFont(font, 11 * s)
        pdf.drawString(2 * mm, self._y(0.40) + 2 * mm,
            "集包地 " + (label.hub or ''))
        self._person(pdf, label.receiver, self._y(0.40) - 5 * mm, 12 * s,
            left, w)
        self._person(pdf, label.sender, self._y(0.58) - 4 * mm, 8 * s,
            left, w)
        qr_size = min(self.height * mm * 0.24, w * 0.32)
        draw_qr(pdf, label.qr or label.number, w - qr_size - 2 * mm,
            2 * mm, qr_size)
        if label.items:
            pdf.setFont(font, 9 * s)
            y = self._y(0.70) - 9 * mm
            for name, quantity in label.items:
                for line in wrap('%s ×%s' % (name, quantity), 9 * s,
                        w - qr_size - 6 * mm)[:3]:
                    pdf.drawString(2 * mm, y, line)
                    y -= 11 * s
        if label.order:
            pdf.setFont(font, 7 * s)
            pdf.drawString(2 * mm, 2 * mm, "订单 " + label.order)

    def _person(self, pdf, person, y, size, left, width):
        pdf.setFont(self.font, size)
        pdf.drawString(left, y, '%s  %s' % (person.name, person.phone))
        for line in wrap(person.address, size * 0.85,
                width - left - 2 * mm)[:3]:
            y -= size * 1.2
            pdf.setFont(self.font, size * 0.85)
            pdf.drawString(left, y, line)


def render_pdf(labels, size='100x150'):
    return LabelPdf(size).render(labels)


def render_zpl(labels, size='100x150'):
    """ZPL at 203 dpi (8 dots a mm); Chinese in UTF-8 (^CI28) with the
    printer's Unicode font"""
    width, height = SIZES[size]
    w, h = width * 8, height * 8
    pages = []
    for label in labels:
        items = ''.join('^FO16,%d^A@N,24,24,E:SIMSUN.TTF^FD%s ×%s^FS'
            % (h * 0.72 + 28 * i, zpl_text(name), quantity)
            for i, (name, quantity) in enumerate(label.items[:3]))
        pages.append(
            '^XA^CI28^PW%d^LL%d'
            '^FO16,16^A@N,28,28,E:SIMSUN.TTF^FD%s^FS'
            '^FO%d,16^A@N,28,28,E:SIMSUN.TTF^FD发货号 %s^FS'
            '^FO16,%d^A@N,72,72,E:SIMSUN.TTF^FD%s^FS'
            '^FO40,%d^BY3^BCN,%d,Y,N,N^FD%s^FS'
            '^FO16,%d^A@N,32,32,E:SIMSUN.TTF^FD集包地 %s^FS'
            '^FO16,%d^A@N,36,36,E:SIMSUN.TTF^FD收 %s %s^FS'
            '^FO16,%d^A@N,28,28,E:SIMSUN.TTF^FB%d,3,0,L^FD%s^FS'
            '^FO16,%d^A@N,24,24,E:SIMSUN.TTF^FD寄 %s %s %s^FS'
            '%s^FO%d,%d^BQN,2,4^FDQA,%s^FS^XZ' % (
                w, h,
                zpl_text(label.carrier),
                w // 2, label.delivery,
                int(h * 0.08), zpl_text(label.sort_code),
                int(h * 0.20), int(h * 0.09), label.number,
                int(h * 0.35), zpl_text(label.hub),
                int(h * 0.41), zpl_text(label.receiver.name),
                label.receiver.phone,
                int(h * 0.46), w - 32, zpl_text(label.receiver.address),
                int(h * 0.60), zpl_text(label.sender.name),
                label.sender.phone, zpl_text(label.sender.address),
                items, w - 200, int(h * 0.76), label.qr or label.number))
    return '\n'.join(pages).encode('utf-8')


def zpl_text(text):
    # ^ and ~ start commands in a field
    return (text or '').replace('^', ' ').replace('~', ' ')


def render_tspl(labels, size='100x150'):
    "TSPL for TSC/Gprinter printers: text in GB18030 with TSS24.BF2"
    width, height = SIZES[size]
    w, h = width * 8, height * 8
    out = []
    for label in labels:
        lines = [
            'SIZE %d mm,%d mm' % (width, height), 'GAP 2 mm,0', 'CLS',
            tspl_text(16, 16, label.carrier),
            tspl_text(w // 2, 16, '发货号 ' + label.delivery),
            tspl_text(16, int(h * 0.08), label.sort_code, 3),
            'BARCODE 40,%d,"128",%d,1,0,3,3,"%s"' % (
                int(h * 0.20), int(h * 0.09), label.number),
            tspl_text(16, int(h * 0.35), '集包地 ' + (label.hub or '')),
            tspl_text(16, int(h * 0.41), '收 %s %s' % (
                    label.receiver.name, label.receiver.phone), 2),
            tspl_text(16, int(h * 0.46), label.receiver.address),
            tspl_text(16, int(h * 0.60), '寄 %s %s %s' % (
                    label.sender.name, label.sender.phone,
                    label.sender.address)),
            ]
        lines += [tspl_text(16, int(h * 0.72) + 28 * i,
                '%s ×%s' % (name, quantity))
            for i, (name, quantity) in enumerate(label.items[:3])]
        lines += ['QRCODE %d,%d,M,4,A,0,"%s"' % (
                w - 200, int(h * 0.76), label.qr or label.number),
            'PRINT 1', '']
        out.append('\r\n'.join(lines))
    return ''.join(out).encode('gb18030')


def tspl_text(x, y, text, scale=1):
    text = (text or '').replace('"', '”')
    return 'TEXT %d,%d,"TSS24.BF2",0,%d,%d,"%s"' % (x, y, scale, scale, text)


@dataclass
class Slip:
    "A packing slip (发货单): the parcel's lines for the buyer"
    title: str
    delivery: str
    order: str
    receiver: Person
    lines: list = field(default_factory=list)   # (code, name, quantity)
    footer: str = ''
    number: str = ''


def render_packing_slips(slips, size='100x150'):
    font = register_font()
    width, height = (A4 if size == 'a4' else
        (SIZES[size][0] * mm, SIZES[size][1] * mm))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(width, height))
    pdf.setTitle('packing slips')
    for slip in slips:
        y = height - 10 * mm
        pdf.setFont(font, 14)
        pdf.drawCentredString(width / 2, y, slip.title)
        y -= 8 * mm
        pdf.setFont(font, 9)
        for text in ['发货号 %s    订单 %s' % (slip.delivery, slip.order),
                '运单号 %s' % slip.number if slip.number else '',
                '收件人 %s %s' % (slip.receiver.name, slip.receiver.phone)]:
            if text:
                pdf.drawString(5 * mm, y, text)
                y -= 5 * mm
        for line in wrap(slip.receiver.address, 9, width - 10 * mm):
            pdf.drawString(5 * mm, y, line)
            y -= 5 * mm
        pdf.line(5 * mm, y, width - 5 * mm, y)
        y -= 5 * mm
        for code, name, quantity in slip.lines:
            pdf.drawString(5 * mm, y, code)
            pdf.drawString(30 * mm, y, name[:int((width - 50 * mm) / 9)])
            pdf.drawRightString(width - 5 * mm, y, '×%s' % quantity)
            y -= 5 * mm
            if y < 15 * mm:
                pdf.showPage()
                pdf.setFont(font, 9)
                y = height - 10 * mm
        if slip.footer:
            pdf.setFont(font, 8)
            for line in wrap(slip.footer, 8, width - 10 * mm)[:3]:
                y -= 4 * mm
                pdf.drawString(5 * mm, y, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def render_pick_list(title, rows):
    """An A4 pick list: rows of (delivery, location, code, name, quantity),
    in the order given"""
    font = register_font()
    width, height = A4
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle('pick list')
    columns = [15 * mm, 45 * mm, 80 * mm, 115 * mm]

    def header():
        pdf.setFont(font, 16)
        pdf.drawString(15 * mm, height - 20 * mm, title)
        pdf.setFont(font, 10)
        for x, text in zip(columns, ["发货号", "库位", "商品编码", "商品"]):
            pdf.drawString(x, height - 30 * mm, text)
        pdf.drawRightString(width - 15 * mm, height - 30 * mm, "数量")
        pdf.line(15 * mm, height - 32 * mm, width - 15 * mm,
            height - 32 * mm)
        return height - 38 * mm

    y = header()
    for row in rows:
        delivery, location, code, name, quantity = row
        for x, text in zip(columns, [delivery, location, code, name[:30]]):
            pdf.drawString(x, y, text or '')
        pdf.drawRightString(width - 15 * mm, y, str(quantity))
        y -= 6 * mm
        if y < 20 * mm:
            pdf.showPage()
            y = header()
    pdf.showPage()
    pdf.save()
    return out.getvalue()
