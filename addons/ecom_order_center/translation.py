# This file is part of ecom suite. The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Our locale/override/zh_CN.po files complete Tryton's own Chinese: an
entry whose context names another module ("field:sale.sale,party:sale.")
overrides that module's translation when the module is loaded."""
import os
import tempfile
from contextlib import ExitStack

import polib

from trytond.modules import get_module_info
from trytond.pool import Pool, PoolMeta


def overridden(entry):
    """The (module, fs_id) of the string a po entry overrides; None for the
    po's own"""
    res_id = (entry.msgctxt or '::').split(':')[2]
    return tuple(res_id.split('.', 1)) if '.' in res_id else None


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        if isinstance(po_path, str):
            po_path = [po_path]
        with ExitStack() as stack:
            catalogs = [cls._of_activated(path, stack) for path in po_path]
            po_path = [path for path, _ in catalogs]
            overrides = cls._overrides(catalog for _, catalog in catalogs)
            cls._load_overridden(lang, {k[0] for k in overrides})
            count = super().translation_import(lang, module, po_path)
            cls._confirm_overrides(lang, module, overrides)
        return count

    @classmethod
    def _of_activated(cls, path, stack):
        """The po file and its entries without the overrides of modules not
        activated: a module overrides the strings of the extras it registers
        with (stock_supply's and purchase's for ecom_warehouse), there only
        when they are.  The file is a copy, removed with the stack, when
        some are left out."""
        Module = Pool().get('ir.module')
        catalog = polib.pofile(path)
        modules = {o[0] for o in map(overridden, catalog) if o}
        activated = {m.name for m in Module.search([
                    ('name', 'in', list(modules)),
                    ('state', 'in', ['activated', 'to activate',
                            'to upgrade']),
                    ])} if modules else set()
        if modules <= activated:
            return path, catalog
        for entry in list(catalog):
            target = overridden(entry)
            if target and target[0] not in activated:
                catalog.remove(entry)
        handle, copy = tempfile.mkstemp(suffix='.po')
        os.close(handle)
        stack.callback(os.remove, copy)
        catalog.save(copy)
        return copy, catalog

    @classmethod
    def _load_overridden(cls, lang, modules):
        """Load the language of the overridden modules that lack it: an
        override replaces a translation, which must be there. A module
        activated before the language was chosen (ir and res on a new
        database) has not loaded it."""
        for name in sorted(modules):
            if cls.search([('lang', '=', lang), ('module', '=', name)],
                    limit=1):
                continue
            path = os.path.join(get_module_info(name)['directory'],
                'locale', f'{lang}.po')
            if os.path.exists(path):
                cls.translation_import(lang, name, [path])

    @staticmethod
    def _overrides(catalogs):
        "The translation of each overridden string, by module and context"
        overrides = {}
        for catalog in catalogs:
            for entry in catalog:
                target = overridden(entry)
                if entry.obsolete or 'fuzzy' in entry.flags or not target:
                    continue
                ttype, name, _ = entry.msgctxt.split(':')
                overrides[(*target, ttype, name, entry.msgid)] = entry.msgstr
        return overrides

    @classmethod
    def _confirm_overrides(cls, lang, module, overrides):
        """Clear the fuzzy flag of the overridden translations whose value
        an override repeats: Tryton only writes an override that changes the
        value, so a fuzzy translation it confirms would stay hidden."""
        ModelData = Pool().get('ir.model.data')
        if not overrides:
            return
        modules = list({k[0] for k in overrides})
        fs_ids = {}
        for data in ModelData.search([
                    ('module', 'in', modules),
                    ('fs_id', 'in', list({k[1] for k in overrides})),
                    ]):
            for model in [data.model, *cls.extra_model_data(data)]:
                fs_ids[data.module, model, data.db_id] = data.fs_id
        to_confirm = []
        for translation in cls.search([
                    ('lang', '=', lang),
                    ('module', 'in', modules),
                    ('fuzzy', '=', True),
                    ]):
            model = translation.name.split(',')[0]
            fs_id = fs_ids.get(
                (translation.module, model, translation.res_id), '')
            value = overrides.get((translation.module, fs_id,
                    translation.type, translation.name, translation.src))
            if value and value == translation.value:
                translation.fuzzy = False
                translation.overriding_module = module
                to_confirm.append(translation)
        cls.save(to_confirm)
