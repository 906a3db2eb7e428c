"""Issue 14: the paths people really take must not lose a delivery.

A new user imports a medical-insurance file no other test has seen, in development settings (DEBUG on) against
PostgreSQL; forgets the period, corrects it, sends the file again; previews before importing; relies on the
district's own notice (seed 003) for what becomes a lead. Each test here failed on the code before issue 14.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.choices import Role
from cases.models import Lead
from intake.feeds.choices import BatchSource, BatchStatus, RowOutcome
from intake.feeds.services import batch_import_now, batch_preview, batch_receive, counts_of
from intake.models import Feed, FeedBatch, FeedColumn, FeedRow, WarningRule
from tests.factories import valid_id

from .feed_factories import (  # noqa: F401 - both_paths is a fixture
    bad_check_digit, both_paths, install_feeds, messy, person, xlsx_bytes,
)

DEC_3 = "2026-12-03 10:00 +0800"  # the feed's usual period is now November; the file is October's
HEADER = ["序号", "参保人姓名", "公民身份号码", "定点医疗机构", "结算日期", "住院总费用", "个人负担合规费用", "家庭住址"]
TITLE = "博山区城乡居民医保2026年10月住院结算明细"
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def october_file(world, nowhere: str) -> bytes:
    """Eleven rows as the 医保分局 exports them: every date in October; a wrong check digit; an unknown ID of the
    district with no address (cannot be registered); 15,000 and 19,999.99 for ordinary residents."""
    a1, a2, b1 = world.people["a1"], world.people["a2"], world.people["b1"]
    c1 = person(world, "village_a2", name="陈五")
    d1 = person(world, "village_b1", name="刘六")
    rows = [[1, "张一", messy(a1.id_number), "区人民医院", "2026-10-03", 50000, "21,350.00元", ""],
            [2, "李二", a2.id_number, "区中医院", "2026/10/5", 30000, "15000", ""],
            [3, "王三", b1.id_number, "区人民医院", "2026年10月8日", 90000, "￥25,000", ""],
            [4, "陈五", c1.id_number, "镇卫生院", "2026-10-09", 40000, "19,999.99", ""],
            [5, "刘六", d1.id_number, "区人民医院", "2026-10-11", 9000, "3000", ""],
            [6, "错号", bad_check_digit(a1.id_number), "区人民医院", "2026-10-12", 1000, "500", ""],
            [7, "无址", nowhere, "区人民医院", "2026-10-16", 1000, "800", ""],
            [8, "张一", a1.id_number, "区人民医院", "2026-10-20", 4000, "1200", ""],
            [9, "李二", a2.id_number, "区中医院", "2026-10-22", 4000, "2000", ""],
            [10, "刘六", d1.id_number, "区人民医院", "2026-10-25", 4000, "2500", ""],
            [11, "王三", b1.id_number, "区人民医院", "2026-10-28", 4000, "600", ""]]
    return xlsx_bytes(HEADER, rows, title=TITLE)


def run(*args) -> dict:
    out = StringIO()
    call_command("import_feed", "medical_inpatient", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@time_machine.travel(DEC_3, tick=False)
def test_with_debug_on_a_delivery_sent_for_the_wrong_period_then_the_right_one_raises_its_leads_once(
        world, settings, tmp_path):
    """Development settings on PostgreSQL: DEBUG on (Django's debug cursor wraps every cursor), the fast path."""
    from django.db.backends.utils import CursorDebugWrapper

    settings.DEBUG = True
    settings.FEEDS_FAST_PATH = True
    assert connection.vendor == "postgresql" and isinstance(connection.cursor(), CursorDebugWrapper)
    install_feeds(world)
    path = tmp_path / "医保10月住院.xlsx"
    path.write_bytes(october_file(world, valid_id(birth=dt.date(1981, 3, 3))))

    # 1. The operator gives November (last month): most rows are outside it — stopped, in Chinese, nothing stored.
    with pytest.raises(CommandError) as refused:
        run(str(path), "--from", "2026-11-01", "--to", "2026-11-30")
    assert "11 行中有 11 行的日期不在本次报送期间（2026年11月）内" in str(refused.value)
    assert "该文件应为2026年10月的数据" in str(refused.value)
    first = FeedBatch.objects.get()
    assert first.status == BatchStatus.FAILED and not FeedRow.objects.exists() and not Lead.objects.exists()

    # 2. The same file, no period: October, from the file itself. 张一 (21,350) and 王三 (25,000) become leads;
    #    15,000 and 19,999.99 do not (博山区: 20,000 a stay, 40,000 in the year).
    second = run(str(path))
    assert second["status"] == "done" and second["duplicate_of"] is None
    assert (second["period_start"], second["period_end"]) == ("2026-10-01", "2026-10-31")
    assert (second["rows"], second["accepted"], second["rejected"], second["leads_raised"]) == (11, 10, 1, 2)
    assert second["unmatched"] == 1  # the unknown ID with no address: kept for the district centre to place
    assert set(Lead.objects.values_list("person__name", flat=True)) == {"张一", "王三"}
    lead = Lead.objects.get(person=world.people["a1"])
    assert lead.family_situation == "2026年10月住院，个人负担合规费用21,350元（区医疗保障分局报送）"

    # 3. A third time: nothing changes, and the result says from which delivery the rows are on file.
    leads = list(Lead.objects.values_list("number", "version"))
    third = run(str(path))
    assert third["duplicate_of"] == second["delivery"] and third["leads_raised"] == 0
    assert (third["rows"], third["accepted"], third["rejected"]) == (second["rows"], second["accepted"],
                                                                    second["rejected"])
    assert list(Lead.objects.values_list("number", "version")) == leads
    assert f"第 {second['delivery']} 次报送" in third["summary"][0] and "没有任何变化" in third["summary"][0]
    assert FeedRow.objects.count() == 10


@time_machine.travel(DEC_3, tick=False)
def test_a_corrected_delivery_is_not_a_duplicate_of_one_whose_rows_were_refused(world, both_paths):
    feeds = install_feeds(world)
    feed = feeds["medical_inpatient"]
    a1, a2 = world.people["a1"], world.people["a2"]
    data = xlsx_bytes(HEADER, [[1, "张一", a1.id_number, "区人民医院", "2026-09-28", 30000, "26000", ""],
                               [2, "李二", a2.id_number, "区中医院", "2026-10-05", 4000, "3000", ""],
                               [3, "李二", a2.id_number, "区中医院", "2026-10-15", 4000, "1000", ""]], title=TITLE)
    october = batch_import_now(batch=batch_receive(
        feed=feed, user=None, filename="医保.xlsx", data=data, source=BatchSource.COMMAND,
        period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31)))
    assert (october.rows_accepted, october.rows_rejected, october.leads_raised) == (2, 1, 0)

    # The department corrects the period to cover the September stay: the refused row is new and raises its lead.
    corrected = batch_import_now(batch=batch_receive(
        feed=feed, user=None, filename="医保.xlsx", data=data, source=BatchSource.COMMAND,
        period_start=dt.date(2026, 9, 1), period_end=dt.date(2026, 10, 31)))
    assert corrected.status == BatchStatus.DONE and corrected.duplicate_of is None
    assert (corrected.rows_accepted, corrected.rows_unchanged, corrected.leads_raised) == (3, 2, 1)
    assert corrected.unchanged_from == {str(october.pk): 2}
    assert FeedRow.objects.get(batch=corrected).outcome == RowOutcome.LEAD_RAISED
    from intake.feeds.services import batch_summary

    assert batch_summary(corrected) == [
        "新增 1 行。", f"2 行已在第 {october.pk} 次报送（2026-12-03，报送期间2026年10月）中入库，本次未重复处理。"]


@time_machine.travel(DEC_3, tick=False)
def test_a_duplicate_shows_the_counts_of_the_original(world, both_paths):
    """An unknown ID with no address was refused at import only, so a duplicate (short-cut) said 10/1 against the
    original's 9/2. Now the same checks run each time: the same counts."""
    feed = install_feeds(world)["medical_inpatient"]
    data = october_file(world, valid_id(birth=dt.date(1981, 3, 3)))
    batches = [batch_import_now(batch=batch_receive(feed=feed, user=None, filename="a.xlsx", data=data,
                                                    source=BatchSource.COMMAND, period_start=OCT[0],
                                                    period_end=OCT[1])) for _ in range(2)]
    original, duplicate = counts_of(batches[0]), counts_of(batches[1])
    assert batches[1].duplicate_of == batches[0]
    assert (duplicate["rows"], duplicate["accepted"], duplicate["rejected"]) == \
        (original["rows"], original["accepted"], original["rejected"]) == (11, 10, 1)
    assert duplicate["unchanged"] == original["accepted"]


@time_machine.travel(DEC_3, tick=False)
def test_the_preview_counts_what_the_import_does(world, both_paths, users):
    feed = install_feeds(world)["medical_inpatient"]
    nowhere = valid_id(birth=dt.date(1981, 3, 3))
    batch = batch_receive(feed=feed, user=users[Role.DEPARTMENT_LIAISON], filename="医保10月.xlsx",
                          data=october_file(world, nowhere), period_start=OCT[0], period_end=OCT[1])
    preview = batch_preview(batch=batch)
    reasons = {number: reason for number, _cells, reason in preview.sample}
    assert reasons[11] == ""  # spreadsheet row 11: the unknown ID with no address passes, as at the import
    FeedBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    done = batch_import_now(batch=batch)
    assert (preview.accepted, preview.rejected) == (done.rows_accepted, done.rows_rejected) == (10, 1)
    assert set(done.rejected_rows.values_list("row_number", flat=True)) == {
        n for n, reason in reasons.items() if reason}
    assert FeedRow.objects.get(batch=done, row_number=11).outcome == RowOutcome.UNMATCHED


@time_machine.travel(DEC_3, tick=False)
def test_the_period_is_proposed_from_the_file_its_dates_or_else_its_title(world, users, both_paths):
    feeds = install_feeds(world)
    upload = batch_receive(feed=feeds["medical_inpatient"], user=users[Role.DEPARTMENT_LIAISON],
                           filename="医保.xlsx", data=october_file(world, valid_id(birth=dt.date(1981, 3, 3))))
    assert (upload.period_start, upload.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    preview = batch_preview(batch=upload)
    assert preview.proposal.label() == "2026年10月" and preview.period_problem == ""

    # A feed without a date column: the month in the title.
    wages = Feed.objects.create(district=world.district, department=world.medical, code="wages", name="工资收入",
                                cadence="monthly")
    FeedColumn.objects.create(feed=wages, key="id_number", label="身份证号", kind="id_number", required=True)
    FeedColumn.objects.create(feed=wages, key="name", label="姓名", kind="name", required=True)
    FeedColumn.objects.create(feed=wages, key="amount", label="月收入", kind="amount", required=True)
    titled = batch_receive(feed=wages, user=None, filename="工资.xlsx", source=BatchSource.COMMAND,
                           data=xlsx_bytes(["姓名", "身份证号", "月收入"], [["李二", world.people["a2"].id_number, 900]],
                                           title="2026年9月工资发放明细"))
    assert (titled.period_start, titled.period_end) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))

    # A period chosen by hand that most rows fall outside: the preview says so before anything is imported.
    wrong = batch_receive(feed=feeds["medical_inpatient"], user=users[Role.DEPARTMENT_LIAISON], filename="x.xlsx",
                          data=october_file(world, valid_id(birth=dt.date(1982, 4, 4))),
                          period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 11, 30))
    problem = batch_preview(batch=wrong).period_problem
    assert "不在本次报送期间（2026年11月）内" in problem and "该文件应为2026年10月的数据" in problem


def _month(feed, day: str, rows) -> FeedBatch:
    start = dt.date.fromisoformat(day).replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(end + dt.timedelta(days=3), dt.time(10)), tick=False):
        data = xlsx_bytes(HEADER, [[i + 1, name, pid, "区人民医院", day, 0, amount, ""]
                                   for i, (name, pid, amount) in enumerate(rows)], title=None)
        return batch_import_now(batch=batch_receive(feed=feed, user=None, filename="m.xlsx", data=data,
                                                    source=BatchSource.COMMAND))


def test_boshan_defaults_and_the_tongling_preset_switched_on_in_the_admin(world, both_paths, client_for):
    feed = install_feeds(world)["medical_inpatient"]
    a1, a2, b1 = world.people["a1"], world.people["a2"], world.people["b1"]
    # 博山区 (seed 003): 20,000 a stay, 40,000 in the year; 15,000 and 19,999.99 are not leads.
    aug = _month(feed, "2026-08-10", [("张一", a1.id_number, "15000"), ("李二", a2.id_number, "19999.99"),
                                      ("王三", b1.id_number, "20000")])
    assert aug.leads_raised == 1 and Lead.objects.get().person == b1
    sep = _month(feed, "2026-09-10", [("张一", a1.id_number, "15000")])
    oct_ = _month(feed, "2026-10-10", [("张一", a1.id_number, "12000")])  # 42,000 in the year: crosses 40,000
    assert sep.leads_raised == 0 and oct_.leads_raised == 1
    assert "年度住院个人负担累计4万元以上" in FeedRow.objects.get(batch=oct_).warning

    # The administrator switches the Tongling tiered preset on in the admin; now 15,000 is a lead, showing the rule.
    tiered = WarningRule.objects.get(feed=feed, name__contains="按救助身份分档")
    assert not tiered.is_active
    admin = client_for(world.users[Role.ADMINISTRATOR])
    response = admin.post("/admin/intake/warningrule/", {"action": "switch_on", "_selected_action": [tiered.pk]})
    assert response.status_code == 302
    tiered.refresh_from_db()
    assert tiered.is_active
    plain = person(world, "village_a2", name="周七")
    nov = _month(feed, "2026-11-10", [("周七", plain.id_number, "15000")])
    assert nov.leads_raised == 1
    lead = Lead.objects.get(person=plain)
    source = lead.sources.get().description
    assert "铜陵模式" in source and "15,000.00" in source and "第" in source
    assert "预警规则" not in lead.family_situation and lead.family_situation.startswith("2026年11月住院")


@time_machine.travel(DEC_3, tick=False)
def test_the_employment_feed_of_seed_000_is_a_standard_feed(world, both_paths):
    feeds = install_feeds(world)
    feed = feeds["unemployment"]
    assert feed.department.code == "human_resources" and feed.department.short_name == "人社"
    a2 = world.people["a2"]
    data = xlsx_bytes(["姓名", "身份证号", "失业登记日期", "人员类别", "原工作单位"],
                      [["李二", a2.id_number, "2026-11-12", "失业人员", "博山陶瓷厂"]], title="2026年11月失业登记人员")
    batch = batch_import_now(batch=batch_receive(feed=feed, user=None, filename="人社.xlsx", data=data,
                                                 source=BatchSource.COMMAND))
    assert batch.status == BatchStatus.DONE and batch.leads_raised == 1, batch.error
    lead = Lead.objects.get(person=a2)
    assert lead.family_situation == ("2026年11月登记为失业人员或灵活就业人员，人员类别：失业人员，原工作单位：博山陶瓷厂"
                                     "（区人力资源和社会保障局报送）")
    assert {c.code for c in lead.causes.all()} == {"unemployment"}


def test_the_data_migration_brings_installed_districts_to_the_notice(world):
    """Districts installed before issue 14 (Tongling rules on, no 人社 feed) are brought to 博山区's notice."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("intake.migrations.0010_boshan_rules_and_unemployment_feed")
    feed = install_feeds(world)["medical_inpatient"]
    Feed.objects.filter(district=world.district, code="unemployment").delete()
    WarningRule.objects.filter(feed=feed, name="年度住院个人负担累计4万元以上").delete()
    WarningRule.objects.filter(feed=feed, name__contains="按救助身份分档").update(name=migration.OLD_TIERED,
                                                                            is_active=True)
    WarningRule.objects.filter(feed=feed, kind="rise").update(name=migration.OLD_RISE, is_active=True)
    migration.forward(apps, None)
    migration.forward(apps, None)  # twice: idempotent
    active = dict(WarningRule.objects.filter(feed=feed).values_list("name", "is_active"))
    assert active == {"单次住院个人负担2万元以上": True, "年度住院个人负担累计4万元以上": True,
                      "年度医疗个人负担累计超标（铜陵模式，按救助身份分档）": False, "医疗支出骤增（铜陵模式）": False}
    assert WarningRule.objects.get(feed=feed, name="年度住院个人负担累计4万元以上").default_threshold == Decimal("40000")
    assert Feed.objects.filter(district=world.district, code="unemployment").count() == 1


@time_machine.travel(DEC_3, tick=False)
def test_deleting_a_delivery_deletes_its_rows_so_its_rows_are_new_again(world, both_paths):
    """FeedRow has no foreign-key constraint on its delivery (DECISIONS 1440): the service deletes the rows."""
    from intake.feeds.services import batches_delete

    feed = install_feeds(world)["medical_inpatient"]
    a1, a2 = world.people["a1"], world.people["a2"]
    data = xlsx_bytes(HEADER, [[1, "张一", a1.id_number, "区人民医院", "2026-10-05", 4000, "3000", ""],
                               [2, "李二", a2.id_number, "区中医院", "2026-10-15", 4000, "1000", ""]], title=TITLE)

    def deliver():
        return batch_import_now(batch=batch_receive(
            feed=feed, user=None, filename="医保.xlsx", data=data, source=BatchSource.COMMAND,
            period_start=OCT[0], period_end=OCT[1]))

    october = deliver()
    assert (october.rows_accepted, october.rows_unchanged) == (2, 0)
    batches_delete(FeedBatch.objects.filter(pk=october.pk))
    assert not FeedBatch.objects.filter(pk=october.pk).exists()
    assert not FeedRow.objects.filter(batch_id=october.pk).exists()
    again = deliver()
    assert (again.rows_accepted, again.rows_unchanged) == (2, 0)


@pytest.mark.django_db
def test_stored_rows_are_found_by_id_number_byte_by_byte_on_postgresql():
    """``feed_row_once`` (ID number, feed, checksum), which every re-delivered row is probed in, compares ID numbers
    byte by byte (COLLATE "C", migration 0019, DECISIONS 1490) rather than by the database locale's rules: a later
    change of the column must keep it. SQLite compares byte by byte anyway."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's collation; SQLite compares bytes")
    with connection.cursor() as cursor:
        cursor.execute("SELECT collation_name FROM information_schema.columns "
                       "WHERE table_name = 'intake_feedrow' AND column_name = 'id_number'")
        assert cursor.fetchone() == ("C",)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'feed_row_once'")
        assert "(id_number, feed_id, checksum)" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_deliverys_rows_are_indexed_by_brin_on_postgresql():
    """FeedRow's delivery has a BRIN index on PostgreSQL (migration 0020, DECISIONS 1570) — no B-tree entry per stored
    row — and a B-tree elsewhere; the deletion test above finds a delivery's rows through it. A later change of the
    field or the index must keep it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'intake_feedrow' "
                           "AND indexdef LIKE %s", ["%(batch_id)%"])
            found = cursor.fetchall()
            assert [name for name, _sql in found] == ["feed_row_batch_brin"]
            assert "USING brin" in found[0][1] and "autosummarize='on'" in found[0][1].replace(" ", "")
        else:
            indexes = connection.introspection.get_constraints(cursor, "intake_feedrow")
            assert indexes["feed_row_batch_brin"]["columns"] == ["batch_id"]
