"""Checks on the suite's screens that Tryton's ModuleTestCase does not make:
the web client can draw them and a clerk reads them in Chinese."""
import re
import unittest

import polib
from lxml import etree

from trytond.modules.ecom_order_center.tests.tools import (
    SUITE_DATABASE, SUITE_MODULES, activate_database)
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db, with_transaction
from trytond.transaction import Transaction

# A word in English: lower case letters, outside placeholders; acronyms
# (IBAN, BIC, MIME, XML ID), codes and units are allowed.
ENGLISH = re.compile(r'[A-Za-z]*[a-z]{2,}')
PLACEHOLDER = re.compile(r'%\(\w+\)\w|\$\{\w+\}|\[\d+:|<[^>]*>')


# Read as they are: names of products and file formats, time zones, and the
# platforms' own words for an application's credentials
KEPT = {'App Key', 'App Secret', 'Skype', 'Jabber', 'Shopify'}
CODES = {('company.company', 'timezone'), ('ecom.shop', 'timezone'),
    ('ir.action.report', 'extension'),
    ('ir.action.report', 'template_extension')}


def english(text):
    return bool(text and ENGLISH.search(PLACEHOLDER.sub('', text)))


def arch_strings(arch):
    "The texts a view's arch shows: labels, pages, buttons, help, confirm"
    for element in etree.fromstring(arch).iter():
        for attribute in ['string', 'help', 'confirm', 'sum']:
            if element.get(attribute):
                yield (element.tag, element.get('name'), attribute), (
                    element.get(attribute))


def screen_strings():
    """The texts of every screen a menu opens, in the transaction's
    language: menus, tabs, views, fields, selections, buttons, the
    actions, reports and wizards of each screen's toolbar and every
    message of the modules"""
    pool = Pool()
    Menu = pool.get('ir.ui.menu')
    ActionKeyword = pool.get('ir.action.keyword')
    Message = pool.get('ir.message')
    ModelButton = pool.get('ir.model.button')
    strings = {}
    models = set()
    for menu in Menu.search([]):
        strings['menu', menu.id] = menu.name
        action = menu.action
        if not action or action.type != 'ir.action.act_window':
            continue
        window = pool.get('ir.action.act_window')(action.id)
        models.add(window.res_model)
        for domain in window.act_window_domains:
            strings['tab', menu.id, domain.id] = domain.name
        for view in window.act_window_views:
            models.add(view.view.model)
    for model in sorted(models):
        Model = pool.get(model)
        for view_type in ['tree', 'form']:
            view = Model.fields_view_get(view_type=view_type)
            for key, text in arch_strings(view['arch']):
                strings['view', model, view_type, key] = text
            for name, field in view['fields'].items():
                strings['field', model, name] = field.get('string')
                strings['help', model, name] = field.get('help')
                selection = field.get('selection')
                # a list, or a tuple when the definition was cached
                if (isinstance(selection, (list, tuple))
                        and (model, name) not in CODES):
                    for value, label in selection:
                        strings['selection', model, name, value] = label
        for keyword in ActionKeyword.search([
                    ('model', '=', f'{model},-1'),
                    ]):
            strings['toolbar', model, keyword.id] = keyword.action.name
    for button in ModelButton.search([('model', 'in', list(models))]):
        strings['button', button.model, button.name] = button.string
        strings['confirm', button.model, button.name] = button.confirm
    for message in Message.search([]):
        strings['message', message.id] = message.text
    return strings


class ScreensTestCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        activate_database(SUITE_DATABASE)

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @with_transaction()
    def test_list_columns_have_a_web_client_widget(self):
        """Every list column can be drawn by sao: it has no datetime or
        timestamp column (a list with one never opens)"""
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
                        type_ in {'datetime', 'timestamp'}
                        and not field.get('widget'),
                        "datetime list columns need widget date or time")

    @with_transaction()
    def test_tryton_screens_read_in_chinese(self):
        "Every menu and what the screens it opens show are in zh_CN"
        pool = Pool()
        Lang = pool.get('ir.lang')
        chinese, = Lang.search([('code', '=', 'zh_CN')])
        Lang.load_translations([chinese])

        with Transaction().set_context(language='en'):
            source = screen_strings()
        with Transaction().set_context(language='zh_CN'):
            shown = screen_strings()
        self.assertGreater(len([k for k in source if k[0] == 'menu']), 150)
        untranslated = sorted(f'{key}: {text!r}'
            for key, text in source.items()
            if english(text) and shown[key] == text and text not in KEPT)
        self.assertEqual(untranslated, [])

    @with_transaction()
    def test_overrides_load_the_chinese_they_complete(self):
        """On a new database ir and res are activated before Chinese is
        chosen: our overrides load their Chinese first, then complete it"""
        import os

        from trytond.modules import get_module_info
        pool = Pool()
        Translation = pool.get('ir.translation')
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        Translation.delete(Translation.search([
                    ('lang', '=', 'zh_CN'),
                    ('module', 'in', ['ir', 'res']),
                    ]))
        Translation._translation_cache.clear()
        path = os.path.join(
            get_module_info('ecom_order_center')['directory'],
            'locale', 'override', 'zh_CN.po')
        Translation.translation_import('zh_CN', 'ecom_order_center', [path])

        administration = Menu(ModelData.get_id('ir', 'menu_administration'))
        reports = Menu(ModelData.get_id('ir', 'menu_action_report_form'))
        with Transaction().set_context(language='zh_CN'):
            # Tryton's own and ours
            self.assertEqual(Menu(administration.id).name, "管理")
            self.assertEqual(Menu(reports.id).name, "报表")

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
