# This file is part of ecom suite. The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Our locale/override/zh_CN.po files complete Tryton's own Chinese: an
entry whose context names another module ("field:sale.sale,party:sale.")
overrides that module's translation when the module is loaded."""
import polib

from trytond.pool import Pool, PoolMeta


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def translation_import(cls, lang, module, po_path):
        count = super().translation_import(lang, module, po_path)
        cls._confirm_overrides(lang, module, po_path)
        return count

    @classmethod
    def _confirm_overrides(cls, lang, module, po_path):
        """Clear the fuzzy flag of the overridden translations whose value
        an override repeats: Tryton only writes an override that changes the
        value, so a fuzzy translation it confirms would stay hidden."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        if isinstance(po_path, str):
            po_path = [po_path]
        overrides = {}
        for path in po_path:
            for entry in polib.pofile(path):
                if entry.obsolete or 'fuzzy' in entry.flags:
                    continue
                ttype, name, res_id = entry.msgctxt.split(':')
                if '.' in res_id:
                    res_module, fs_id = res_id.split('.', 1)
                    overrides[res_module, fs_id, ttype, name, entry.msgid] = (
                        entry.msgstr)
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
