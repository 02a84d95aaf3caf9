"""Every user-facing string has an English translation: nothing missing, nothing fuzzy, nothing stale."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCES = ("pelayanan", "requests_app", "feedback", "templates", "locale", "manage.py")


def _untranslated(po):
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural and not all(entry.msgstr_plural.values()):
            problems.append(f"plural missing: {entry.msgid!r}")
        elif not entry.msgid_plural and not entry.msgstr:
            problems.append(f"missing: {entry.msgid!r}")
    return problems


def test_the_committed_catalogue_is_complete():
    assert _untranslated(polib.pofile(str(PO))) == []


@pytest.mark.slow
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh from a copy of the sources and compare with the committed catalogue."""
    for name in SOURCES:
        source = Path(settings.BASE_DIR) / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=tmp_path, check=True, env={**__import__("os").environ, "DEBUG": "true"},
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete and (e.msgstr or e.msgid_plural)}
    new = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
    assert new == [], "run `make messages` and translate these strings"
