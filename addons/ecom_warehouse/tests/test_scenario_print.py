"""Print batches: a clerk prints the selected shipments' waybills in
delivery-number order, as PDF with Chinese drawn in an embedded font, or
as ZPL/TSPL for thermal printers; packing slips per shop and the pick
list as PDF.  Every print is logged with its copy; a waybill printed
before its carrier changed needs a reprint."""
import os
import subprocess
import tempfile

from proteus import Model, Wizard

from trytond.model.exceptions import AccessError
from trytond.tests.tools import set_user

from trytond.modules.ecom_warehouse.tests.waybill_tools import (
    WarehouseCase, line)


def ink(pgm, box):
    "Dark pixels of the grey image (PGM) in box (left, top, right, bottom)"
    with open(pgm, 'rb') as image:
        magic, size, _, pixels = image.read().split(b'\n', 3)
    width = int(size.split()[0])
    left, top, right, bottom = box
    return sum(1 for y in range(top, bottom) for x in range(left, right)
        if pixels[y * width + x] < 128)


def rasterize(pdf, directory, name):
    "The first page of pdf as a grey image at 100 dpi"
    path = os.path.join(directory, name + '.pdf')
    with open(path, 'wb') as file:
        file.write(pdf)
    subprocess.run(['pdftoppm', '-r', '100', '-gray', '-f', '1', '-l', '1',
            '-singlefile', path, os.path.join(directory, name)], check=True)
    return os.path.join(directory, name + '.pgm')


class PrintTestCase(WarehouseCase):

    def setUp(self):
        super().setUp()
        self.account('cainiao')
        self.Template = Model.get('ecom.print.template')
        self.Template(name="中通 100×150", kind='waybill',
            carrier=self.seller.carriers['ZTO'], size='100x150').save()

    def tearDown(self):
        set_user(1, self.config)
        super().tearDown()

    def print_batch(self, shipments, kind='waybill'):
        batch = Wizard('ecom.print.batch', shipments)
        batch.form.kind = kind
        batch.execute('print_')
        (extension, data, _, _), = batch.actions
        return extension, data

    def test_waybills_in_delivery_order_with_chinese(self):
        "The batch's waybill PDF embeds the CJK font and shows the receiver"
        shipments = self.shipments(('T2', '广东', None),
            ('T1', '浙江', [line('1', 'TEA-LJ-250')]))
        extension, pdf = self.print_batch(list(reversed(shipments)))
        self.assertEqual(extension, 'pdf')
        Job = Model.get('ecom.print.job')
        job, = Job.find([])
        self.assertEqual(job.state, 'queued')
        self.assertEqual([l.shipment.number for l in sorted(job.logs,
                    key=lambda l: l.id)],
            sorted([s.number for s in shipments],
                key=lambda n: (len(n), n)))
        self.assertEqual({l.copy_number for l in job.logs}, {1})
        for shipment in shipments:
            shipment.reload()
            self.assertEqual(shipment.waybill.state, 'printed')

        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'label.pdf')
            with open(path, 'wb') as file:
                file.write(pdf)
            fonts = subprocess.run(['pdffonts', path], check=True,
                capture_output=True, text=True).stdout
            self.assertRegex(fonts, r'WenQuanYi\S*\s+TrueType.*yes\s+yes')
            page = rasterize(pdf, directory, 'label')
            # the receiver's block (王小明, the address) and the sort code
            self.assertGreater(ink(page, (30, 240, 380, 300)), 400)
            self.assertGreater(ink(page, (5, 60, 250, 110)), 400)
            # the same label drawn without its Chinese text is blank there
            from trytond.modules.ecom_warehouse import label as labels
            blank = labels.render_pdf([labels.Label(number='7731000',
                        carrier='', delivery='', sender=labels.Person(),
                        receiver=labels.Person())])
            self.assertLess(ink(rasterize(blank, directory, 'blank'),
                    (30, 240, 380, 300)), 50)

        # printed again: the second copy is logged
        self.print_batch(shipments)
        logs = Model.get('ecom.print.log').find([
                ('shipment', '=', shipments[0].id)])
        self.assertEqual(sorted(l.copy_number for l in logs), [1, 2])

    def test_zpl_and_tspl(self):
        "Thermal printers get ZPL in UTF-8 and TSPL in GB18030"
        template, = self.Template.find([])
        shipment, = self.shipments(('T1', '浙江', None))
        for output, encoding, marks in [
                ('zpl', 'utf-8', ['^XA^CI28^PW800^LL1200', '^BCN',
                        '^BQN,2,4^FDQA,', '王小明']),
                ('tspl', 'gb18030', ['SIZE 100 mm,150 mm', 'TSS24.BF2',
                        'BARCODE', 'QRCODE', 'PRINT 1', '王小明'])]:
            with self.subTest(output=output):
                template.output = output
                template.save()
                extension, data = self.print_batch([shipment])
                self.assertEqual(extension, output)
                text = data.decode(encoding)
                for mark in marks:
                    self.assertIn(mark, text)
                self.assertIn(shipment.shipping_reference, text)

    def test_missing_template_leaves_the_others(self):
        "A carrier without a template is told; the other parcels print"
        self.account('sf', 'SF')
        zto, sf = self.shipments(('T1', '浙江', None), ('T2', '浙江', None))
        sf.carrier = self.seller.carriers['SF']
        sf.save()
        self.print_batch([zto, sf])
        zto.reload()
        sf.reload()
        self.assertFalse(zto.print_error)
        self.assertIn('No Waybill print template', sf.print_error)
        self.assertIn('顺丰速运', sf.print_error)
        job, = Model.get('ecom.print.job').find([])
        self.assertEqual([l.shipment for l in job.logs], [zto])

    def test_carrier_changed_after_printing_needs_reprint(self):
        "A printed waybill whose carrier changed is 需重打 and cancelled"
        self.account('sf', 'SF')
        self.Template(name="顺丰 100×180", kind='waybill',
            carrier=self.seller.carriers['SF'], size='100x180').save()
        shipment, = self.shipments(('T1', '浙江', None))
        self.print_batch([shipment])
        shipment.reload()
        old = shipment.waybill
        shipment.carrier = self.seller.carriers['SF']
        shipment.save()
        shipment.reload()
        old.reload()
        self.assertTrue(shipment.needs_reprint)
        self.assertEqual(old.state, 'cancelled')
        reprint = Model.get('ir.action.act_window').find([
                ('res_model', '=', 'stock.shipment.out'),
                ('name', '=', 'Needs Reprint')])
        self.assertTrue(reprint)
        self.assertEqual(self.Shipment.find([('needs_reprint', '=', True)]),
            [shipment])

        self.print_batch([shipment])
        shipment.reload()
        self.assertFalse(shipment.needs_reprint)
        self.assertTrue(shipment.shipping_reference.startswith('SF'))

    def test_packing_slip_per_shop_and_pick_list(self):
        "The shop's packing slip and the A4 pick list open as PDF"
        self.Template(name="茶语发货单", kind='packing_slip', shop=self.shop,
            size='100x150', title="茶语旗舰店 发货单",
            footer="感谢惠顾，好评返现 5 元").save()
        shipments = self.shipments(('T1', '浙江', None),
            ('T2', '广东', [line('1', 'CUP-CR-150', quantity=4)]))
        extension, pdf = self.print_batch(shipments, 'packing_slip')
        self.assertEqual(extension, 'pdf')
        self.assertTrue(pdf.startswith(b'%PDF'))
        extension, pdf = self.print_batch(shipments, 'pick_list')
        self.assertEqual(extension, 'pdf')
        self.assertTrue(pdf.startswith(b'%PDF'))
        kinds = {j.kind for j in Model.get('ecom.print.job').find([])}
        self.assertEqual(kinds, {'packing_slip', 'pick_list'})

    def test_packer_prints_but_cannot_read_credentials(self):
        "A warehouse clerk prints a batch and never sees the account's keys"
        User = Model.get('res.user')
        Group = Model.get('res.group')
        packer = User(name="仓库小李", login='packer')
        packer.groups.extend(Group.find([
                    ('name', 'in', ["E-commerce Warehouse", "Stock"])]))
        packer.companies.append(
            Model.get('company.company')(self.seller.company.id))
        packer.company = self.seller.company
        packer.save()
        shipment, = self.shipments(('T1', '浙江', None))
        account, = Model.get('ecom.waybill.account').find([])
        set_user(packer, self.config)

        shipment = self.Shipment(shipment.id)
        extension, pdf = self.print_batch([shipment])
        self.assertTrue(pdf.startswith(b'%PDF'))
        shipment.reload()
        self.assertEqual(shipment.waybill.state, 'printed')
        log, = Model.get('ecom.print.log').find([])
        self.assertEqual(log.user.login, 'packer')

        Account = Model.get('ecom.waybill.account')
        with self.assertRaises(AccessError) as raised:
            Account._proxy.read([account.id], ['app_secret'],
                self.config.context)
        self.assertIn('App Secret', str(raised.exception))
