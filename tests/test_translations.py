"""Every module's Chinese translations load: each entry names what it
translates the way Tryton reads it (type:name:res_id)."""
import glob
import os

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = sorted(glob.glob(os.path.join(ROOT, 'addons', '*', 'locale', '*.po')))


@pytest.mark.parametrize('path', FILES,
    ids=[os.path.relpath(f, ROOT) for f in FILES])
def test_every_entry_has_its_context(path):
    entries = polib.pofile(path)
    assert len(entries)
    for entry in entries:
        assert entry.msgctxt and entry.msgctxt.count(':') == 2, (
            f'line {entry.linenum}: {entry.msgid[:60]!r}')
        assert entry.msgstr, f'line {entry.linenum}: untranslated'
