"""Chinese first: every message in the code has a zh_Hans translation, and the .mo is current."""
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["accounts", "common", "referrals", "cases", "intake", "ledgers", "config", "templates", "locale"]


def _untranslated(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        translated = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        if not translated or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    return missing


def test_every_message_in_the_code_is_in_the_catalogue_and_translated(tmp_path):
    if not shutil.which("xgettext"):
        pytest.fail("xgettext is missing: install gettext (apt-get install gettext), as `make test` does")
    for name in SOURCES + ["manage.py"]:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif src.exists():
            shutil.copy(src, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location"],
        cwd=tmp_path, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
             "PYTHONPATH": str(tmp_path)},
    )
    regenerated = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = _untranslated(regenerated)
    assert not missing, (
        "Messages without a Chinese translation (run `make messages`, translate them in "
        f"locale/zh_Hans/LC_MESSAGES/django.po):\n" + "\n".join(missing))


@pytest.mark.parametrize("po_path", [PO, ROOT / "locale_overrides" / "zh_Hans" / "LC_MESSAGES" / "django.po"])
def test_compiled_catalogue_matches_the_po_file(po_path):
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in mo}
    stale = [e.msgid for e in po if not e.obsolete and "fuzzy" not in e.flags
             and compiled.get((e.msgctxt, e.msgid)) != (e.msgstr_plural.get(0) if e.msgid_plural else e.msgstr)]
    assert not stale, "django.mo is stale: run `make messages` (compilemessages). Stale: " + ", ".join(stale[:10])
