"""python manage.py import_feed FEED_CODE PATH [--json]: the operator's import."""
from __future__ import annotations

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cases.models import Lead

from .feed_factories import bad_check_digit, both_paths, install_feeds, xlsx_bytes  # noqa: F401 - a fixture

HEADER = ["序号", "姓名", "身份证号", "结算日期", "个人负担"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@time_machine.travel("2026-11-03 10:00 +0800", tick=False)
def test_import_feed_prints_the_counts_and_json(world, tmp_path, both_paths):
    install_feeds(world)
    a1, a2 = world.people["a1"], world.people["a2"]
    path = tmp_path / "医保10月.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, [[1, "张一", a1.id_number, "2026-10-03", "21,350.00元"],
                                         [2, "李二", a2.id_number, "2026-10-04", "300"],
                                         [3, "错号", bad_check_digit(a2.id_number), "2026-10-04", "300"]]))
    out = StringIO()
    call_command("import_feed", "medical_inpatient", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["status"] == "done" and (data["rows"], data["accepted"], data["rejected"]) == (3, 2, 1)
    assert data["leads_raised"] == 1 and Lead.objects.count() == 1

    out = StringIO()
    call_command("import_feed", "medical_inpatient", str(path), stdout=out)
    text = out.getvalue()
    assert "新增线索：0" in text and "无变化：2" in text and "没有任何变化" in text


def test_import_feed_refuses_unknown_feeds_and_unreadable_files(world, tmp_path):
    install_feeds(world)
    with pytest.raises(CommandError, match="medical_inpatient"):
        call_command("import_feed", "nope", str(tmp_path / "x.xlsx"))
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not excel")
    with pytest.raises(CommandError, match="Excel"):
        call_command("import_feed", "medical_inpatient", str(bad))
