"""Every module's Chinese translations load: each entry names what it
translates the way Tryton reads it (type:name:res_id), and an override of
another module's string names a module it depends on."""
import glob
import os

import polib
import pytest

from trytond.modules import get_module_info

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = sorted(glob.glob(os.path.join(ROOT, 'addons', '*', 'locale', '*.po'))
    + glob.glob(os.path.join(ROOT, 'addons', '*', 'locale', 'override',
            '*.po')))


def module_of(path):
    return os.path.relpath(path, os.path.join(ROOT, 'addons')).split(
        os.sep)[0]


def depends(module, seen=None):
    "The module and all the modules it depends on"
    seen = set() if seen is None else seen
    if module not in seen:
        seen.add(module)
        for name in get_module_info(module).get('depends', []):
            depends(name, seen)
    return seen


def reachable(module):
    """The modules an override of the module may name: those it depends
    on, and those of its extras (their overrides load only with them)"""
    seen = depends(module)
    for name in get_module_info(module).get('extras_depend', []):
        depends(name, seen)
    return seen


@pytest.mark.parametrize('path', FILES,
    ids=[os.path.relpath(f, ROOT) for f in FILES])
def test_every_entry_has_its_context(path):
    entries = polib.pofile(path)
    assert len(entries)
    for entry in entries:
        assert entry.msgctxt and entry.msgctxt.count(':') == 2, (
            f'line {entry.linenum}: {entry.msgid[:60]!r}')
        assert entry.msgstr, f'line {entry.linenum}: untranslated'


@pytest.mark.parametrize('path', FILES,
    ids=[os.path.relpath(f, ROOT) for f in FILES])
def test_overrides_name_a_dependency(path):
    "Loading an override of a module that cannot be activated would fail"
    modules = reachable(module_of(path))
    for entry in polib.pofile(path):
        res_id = entry.msgctxt.split(':')[2]
        if '.' in res_id:
            assert res_id.split('.')[0] in modules, (
                f'line {entry.linenum}: {entry.msgctxt}')
