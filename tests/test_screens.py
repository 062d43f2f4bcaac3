"""Checks on the suite's screens that Tryton's ModuleTestCase does not make:
the web client can draw them and a clerk reads them in Chinese."""
import unittest

import polib
from lxml import etree

from trytond.modules.ecom_order_center.tests.tools import SUITE_MODULES
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)


class ScreensTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module(SUITE_MODULES)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @with_transaction()
    def test_list_columns_have_a_web_client_widget(self):
        "Every list column can be drawn by sao (it has no datetime column)"
        pool = Pool()
        View = pool.get('ir.ui.view')
        views = View.search([
                ('module', 'in', SUITE_MODULES),
                ('type', '=', 'tree'),
                ])
        self.assertTrue(views)
        for view in views:
            Model = pool.get(view.model)
            arch = etree.fromstring(
                Model.fields_view_get(view.id)['arch'])
            for field in arch.iter('field'):
                with self.subTest(view=view.rec_name,
                        field=field.get('name')):
                    type_ = Model._fields[field.get('name')]._type
                    self.assertFalse(
                        type_ == 'datetime' and not field.get('widget'),
                        "datetime list columns need widget date or time")

    @with_transaction()
    def test_every_string_is_translated(self):
        "Strings, help texts, menus, messages and views are all in zh_CN"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        TranslationUpdate = pool.get('ir.translation.update', type='wizard')

        chinese, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([chinese])
        session_id, _, _ = TranslationSet.create()
        TranslationSet.execute(session_id, {}, 'set_')
        session_id, _, _ = TranslationUpdate.create()
        TranslationUpdate.execute(session_id, {
                'start': {'language': chinese.id},
                }, 'update')

        for module in SUITE_MODULES:
            catalog = polib.pofile(
                Translation.translation_export('zh_CN', module).decode())
            missing = [f'{e.msgctxt} {e.msgid!r}' for e in catalog
                if e.msgid and (not e.msgstr or 'fuzzy' in e.flags)]
            with self.subTest(module=module):
                self.assertEqual(missing, [])
