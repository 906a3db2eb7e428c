"""The floors of DESIGN §13 are a contract the build checks: `lint-imports` (in `make test`) passes on the
code, and fails when a lower app imports a higher one."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "common", "referrals", "cases", "intake", "ledgers", "config")
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LINT, "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)})


def _copy(tmp_path: Path) -> Path:
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns(
            "__pycache__", "*.mo", "*.po", "static", "data", "migrations"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_code_keeps_its_floors(tmp_path):
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_build(tmp_path):
    tree = _copy(tmp_path)
    (tree / "referrals" / "upward_fixture.py").write_text("from cases.models import Lead  # referrals → cases\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "referrals.upward_fixture -> cases.models" in result.stdout
