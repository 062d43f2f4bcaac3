"""A supervisor registers a packing station's box and gives it a key, shown
once; the box calls the server with it.  A wrong or revoked key is
refused and logged, a rotated key replaces the old one at once, a packer
never sees a key, and a replayed report or acknowledgement changes
nothing."""
import hashlib
import time
from unittest import mock

from proteus import Model, Wizard
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction
from trytond.model.exceptions import AccessButtonError, AccessError
from trytond.tests.tools import set_user

from trytond.modules.ecom_order_center.tests.tools import drop_seller

from .tools import BoxClient, StationCase, line, make_key, served_routes

ROUTES = 'trytond.modules.ecom_iot'


class BoxKeyTestCase(StationCase):

    def tearDown(self):
        set_user(1, self.config)
        drop_seller()

    def test_key_is_stored_hashed_and_shown_once(self):
        "Only the key's hash is kept; the box form shows its first letters"
        self.box.reload()
        self.assertTrue(self.key.startswith('iot_'))
        self.assertEqual(self.box.key_state, 'active')
        self.assertEqual(self.box.key_hint, self.key[:10] + '…')
        with Transaction().start(DB_NAME, 0, readonly=True):
            box = Pool().get('ecom.iot.box')(self.box.id)
            self.assertEqual(box.key_hash,
                hashlib.sha256(self.key.encode()).hexdigest())
            self.assertNotIn(self.key, repr(box._record()))
        status, jobs = self.station.jobs()
        self.assertEqual((status, jobs), (200, []))
        self.box.reload()
        self.assertTrue(self.box.last_contact)

    def test_key_is_kept_nowhere_while_shown(self):
        """While the supervisor reads the new key, neither the box nor the
        wizard's session in the database holds it: closed, it is gone"""
        wizard = Wizard('ecom.iot.box.key', [self.box])
        key = wizard.form.key
        self.assertTrue(key.startswith('iot_'))
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Session = pool.get('ir.session.wizard')
            Box = pool.get('ecom.iot.box')
            sessions = Session.search([])
            self.assertTrue(sessions)
            self.assertEqual(
                [s.id for s in sessions if key in (s.data or '')], [])
            self.assertNotIn(key, repr(Box(self.box.id)._record()))
        wizard.execute('end')
        self.assertEqual(BoxClient(key).jobs()[0], 200)

    def test_wrong_missing_and_revoked_keys_get_401_and_a_log_line(self):
        for key in ['iot_wrong', '']:
            with self.subTest(key=key), self.assertLogs(ROUTES,
                    'WARNING') as logs:
                status, _ = self.station.jobs(key=key)
                self.assertEqual(status, 401)
                self.assertIn('IoT box refused', logs.output[0])
                self.assertIn('/ecom_iot/jobs', logs.output[0])

        self.box.click('revoke_key')
        self.box.reload()
        self.assertEqual(self.box.key_state, 'none')
        with self.assertLogs(ROUTES, 'WARNING') as logs:
            status, _ = self.station.weight(1, 1.5)
        self.assertEqual(status, 401)
        self.assertIn('wrong or revoked key', logs.output[0])
        scale, = [d for d in self.box.devices if d.code == 'scale']
        self.assertIsNone(scale.last_weight)

    def test_rotated_key_replaces_the_old_one(self):
        new_key = make_key(self.box)
        self.assertNotEqual(new_key, self.key)
        with self.assertLogs(ROUTES, 'WARNING'):
            self.assertEqual(self.station.jobs()[0], 401)
        self.assertEqual(BoxClient(new_key).jobs()[0], 200)

    def test_packer_cannot_see_keys_supervisor_registers(self):
        User = Model.get('res.user')
        Group = Model.get('res.group')
        Company = Model.get('company.company')
        users = {}
        for login, groups in [('packer', ['E-commerce Warehouse']),
                ('supervisor', ['E-commerce Warehouse',
                        'Warehouse Supervisor'])]:
            user = User(name=login, login=login)
            user.groups.extend(Group.find([('name', 'in', groups)]))
            user.companies.append(Company(self.seller.company.id))
            user.company = Company(self.seller.company.id)
            user.save()
            users[login] = user
        packer, supervisor = users['packer'], users['supervisor']

        context = self.config.context
        set_user(packer, self.config)
        Box = Model.get('ecom.iot.box')
        (box,) = Box.read([self.box.id], ['name'], context)
        self.assertEqual(box['name'], '打包台 PACK-01')
        form = Box.fields_view_get(None, 'form', context)
        self.assertNotIn('key_hint', form['fields'])
        self.assertIn('last_contact', form['fields'])
        for field in ['key_hint', 'key_hash', 'key_created']:
            with self.subTest(field=field), self.assertRaisesRegex(
                    AccessError, 'You are not allowed to access'):
                Box.read([self.box.id], [field], context)
        values = {'name': '打包台 02', 'identifier': 'PACK-02',
            'warehouse': self.warehouse.id, 'company': self.seller.company.id}
        with self.assertRaisesRegex(AccessError,
                'You are not allowed to access "Ecom Iot Box"'):
            Box.create([values], context)
        with self.assertRaisesRegex(AccessButtonError,
                'Calling button "revoke_key'):
            Box.revoke_key([self.box.id], context)
        # nor make the box a new key, which would show it
        with self.assertRaisesRegex(AccessError,
                'You are not allowed to execute wizard "ecom.iot.box.key"'):
            Wizard('ecom.iot.box.key', [Box(self.box.id)])
        self.assertEqual(self.station.jobs()[0], 200)

        set_user(supervisor, self.config)
        Box.create([values], context)
        (box,) = Box.read([self.box.id], ['key_hint'], context)
        self.assertTrue(box['key_hint'].startswith('iot_'))

    def test_replayed_report_changes_nothing(self):
        status, answer = self.station.weight(7, 1.25, stable=False)
        self.assertEqual((status, answer['replayed']), (200, False))
        status, answer = self.station.weight(7, 9.99, stable=False)
        self.assertEqual((status, answer['replayed']), (200, True))
        status, answer = self.station.weight(5, 3.0, stable=False)
        self.assertTrue(answer['replayed'])
        self.box.reload()
        scale, = [d for d in self.box.devices if d.code == 'scale']
        self.assertEqual(scale.last_weight, 1.25)
        self.assertEqual(scale.state, 'online')
        self.assertEqual(self.box.last_sequence, 7)

    def test_printer_error_and_replayed_ack(self):
        "A job is sent once, acknowledged once; reprint makes a new copy"
        self.account('cainiao')
        self.waybill_template()
        shipment = self.parcel('IOT-1', line('1', 'TEA-LJ-250'))
        self.Shipment.click([shipment], 'fetch_waybill')
        PrintJob = Model.get('ecom.iot.print_job')
        jobs = PrintJob.queue_shipments(self.box.id, 'waybill',
            [shipment.id], self.config.context)
        self.assertEqual(len(jobs), 1)

        status, (job,) = self.station.jobs()
        self.assertEqual((job['copy'], job['printer'], job['output']),
            (0, 'zebra', 'zpl'))
        self.assertEqual(self.station.jobs(), (200, []))

        # the printer is out of paper: the job goes back, the box says so
        status, answer = self.station.ack(job, printed=False,
            error='paper out', printer='zebra', state='paper_out')
        self.assertEqual((status, answer['changed']), (200, True))
        record, = PrintJob.find([])
        self.assertEqual((record.state, record.attempts, record.error),
            ('queued', 1, 'paper out'))
        self.box.reload()
        printer, = [d for d in self.box.devices if d.code == 'zebra']
        self.assertEqual(printer.state, 'paper_out')

        status, (job,) = self.station.jobs()
        self.assertEqual(self.station.ack(job)[1]['changed'], True)
        record.reload()
        self.assertEqual(record.state, 'done')
        self.assertEqual(record.job.state, 'done')
        printed_at = record.printed_at
        # the same acknowledgement again, and a failure of it: nothing
        self.assertEqual(self.station.ack(job)[1]['changed'], False)
        self.assertEqual(self.station.ack(job, printed=False,
                error='jam')[1]['changed'], False)
        record.reload()
        self.assertEqual((record.state, record.printed_at, record.error),
            ('done', printed_at, None))

        record.click('reprint')
        status, (again,) = self.station.jobs()
        self.assertEqual((again['id'], again['copy']), (job['id'], 1))
        # the old copy's acknowledgement does not count for the new one
        self.assertEqual(self.station.ack(job)[1]['changed'], False)
        record.reload()
        self.assertEqual((record.state, record.reprints), ('sent', 1))
        self.assertEqual(self.station.ack(again)[1]['changed'], True)

    def test_long_poll_waits_for_a_job(self):
        start = time.monotonic()
        self.assertEqual(self.station.jobs(wait=1), (200, []))
        self.assertGreaterEqual(time.monotonic() - start, 1)
        self.assertEqual(self.station.jobs(wait='x')[0], 400)

    def test_poll_left_by_a_restarted_agent_takes_no_job(self):
        """The box's agent restarts while its long poll waits on the
        server: the waybill queued then goes to the new agent's poll, not
        to the old one, whose answer nobody reads (it stayed sent, unprinted,
        until sent again a minute later)"""
        self.account('cainiao')
        self.waybill_template()
        shipment = self.parcel('IOT-1', line('1', 'TEA-LJ-250'))
        PrintJob = Model.get('ecom.iot.print_job')
        sleep, restarted = time.sleep, []

        def agent_restarts(seconds):
            # while the old poll waits: the new agent polls, the parcel
            # passes its weight check and its waybill is queued
            if not restarted:
                restarted.append(self.station.jobs())
                PrintJob.queue_shipments(self.box.id, 'waybill',
                    [shipment.id], self.config.context)
            sleep(seconds)
        with mock.patch('time.sleep', agent_restarts):
            left = self.station.jobs(wait=2)
        self.assertEqual(restarted, [(200, [])])
        self.assertEqual(left, (200, []))
        record, = PrintJob.find([])
        self.assertEqual(record.state, 'queued')
        status, (job,) = self.station.jobs()
        self.assertEqual((job['id'], job['printer']), (record.id, 'zebra'))

    def test_box_calling_too_often_gets_429(self):
        routes = served_routes()
        # a window long enough for the slowest machine's four calls
        with mock.patch.object(routes.rate_limiter, 'limit', 3), \
                mock.patch.object(routes.rate_limiter, 'window', 3600):
            routes.rate_limiter.calls.clear()
            statuses = [self.station.jobs()[0] for _ in range(4)]
        self.assertEqual(statuses, [200, 200, 200, 429])
        with mock.patch.object(routes.refusals, 'limit', 2), \
                mock.patch.object(routes.refusals, 'window', 3600), \
                self.assertLogs(ROUTES, 'WARNING'):
            routes.refusals.calls.clear()
            statuses = [self.station.jobs(key='iot_guess%d' % i)[0]
                for i in range(3)]
        self.assertEqual(statuses, [401, 401, 429])
        routes.rate_limiter.calls.clear()
        routes.refusals.calls.clear()
