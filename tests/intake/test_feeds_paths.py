"""The PostgreSQL fast path (COPY + set-based SQL) and the ORM path give the same results, down to the words.

The same deliveries — messy rows, re-deliveries, unknown people, open leads, urgent feeds, yearly sums, a rise,
a fall and income that stays low — are imported through each path in turn (each inside a savepoint that is
rolled back), and everything a user or an auditor can see afterwards is compared.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction

from cases.choices import AssistanceStatus, Channel, DiscoveryMethod, LeadStatus
from cases.models import Lead, LeadCounter, LeadSource, Person
from intake.feeds.choices import BatchSource, BatchStatus, RuleKind
from intake.feeds.fastpath import Staging
from intake.feeds.services import batch_import_now, batch_receive, counts_of
from intake.feeds.validation import ParsedRow, row_checksum
from intake.models import Feed, FeedBatch, FeedColumn, FeedRejectedRow, FeedRow, WarningRule, WarningThreshold
from referrals.models import Notification
from tests.factories import valid_id

from .feed_factories import bad_check_digit, csv_bytes, id_with_x, install_feeds, messy, person, xlsx_bytes

# Portable: on SQLite (JIUZHU_TEST_SQLITE=1, .ci/run) the feeds go through the ORM path for real.
pytestmark = pytest.mark.portable

HEADER = ["序号", "参保人姓名", "公民身份号码", "就诊机构", "出院日期", "住院总费用（元）", "个人负担(元)", "家庭住址"]
INCOME = ["姓名", "身份证号", "月收入"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def deliver(feed, data: bytes, *, when: str, filename="x.xlsx", start=None, end=None) -> FeedBatch:
    with time_machine.travel(when, tick=False):
        batch = batch_receive(feed=feed, user=None, filename=filename, data=data, source=BatchSource.COMMAND,
                              period_start=start, period_end=end)
        return batch_import_now(batch=batch)


def income_feed(world, department) -> Feed:
    feed = Feed.objects.create(district=world.district, department=department, code="wages", name="工资收入",
                               cadence="monthly")
    FeedColumn.objects.create(feed=feed, key="id_number", label="身份证号", kind="id_number", required=True)
    FeedColumn.objects.create(feed=feed, key="name", label="姓名", kind="name", required=True)
    FeedColumn.objects.create(feed=feed, key="amount", label="月收入", kind="amount", required=True)
    from cases.models import ReliefKind

    fall = WarningRule.objects.create(feed=feed, name="收入骤降", kind=RuleKind.FALL, ratio=Decimal("0.5"),
                                      min_amount=Decimal("2000"), order=1)
    fall.suspected_relief.set(ReliefKind.objects.filter(code="dibao"))
    low = WarningRule.objects.create(feed=feed, name="收入不可持续", kind=RuleKind.LOW_STREAK, periods=3,
                                     default_threshold=Decimal("1200"), order=2)
    WarningThreshold.objects.create(rule=low, assistance_status=AssistanceStatus.DIBAO_EDGE, amount=Decimal("1500"))
    low.suspected_relief.set(ReliefKind.objects.filter(code__in=["dibao", "temporary"]))
    return feed


def scenario(world, ids: dict) -> list[FeedBatch]:
    feeds = install_feeds(world)
    medical, disaster = feeds["medical_inpatient"], feeds["disaster_accidents"]
    # Tongling's presets (tiered yearly sums, sharp rise) switched on, as an administrator does: every rule kind runs.
    assert medical.rules.filter(is_active=False).update(is_active=True) == 2
    a1, a2, b1 = world.people["a1"], world.people["a2"], world.people["b1"]
    tekun = Person.objects.get(name="孙特困")
    edge = Person.objects.get(name="钱边缘")
    x_person = Person.objects.get(name="周叉")
    Lead.objects.create(number="370304-2026-900001", person=b1, township=b1.township, village=b1.village,
                        method=DiscoveryMethod.VISIT, channel=Channel.HOME_VISIT, discovered_on=dt.date(2026, 8, 20),
                        status=LeadStatus.ACCEPTED)
    newcomer, outsider, nowhere = ids["newcomer"], ids["outsider"], ids["nowhere"]
    batches = []
    sep = [[1, "张一", messy(a1.id_number), "区人民医院", "2026-09-03", 50000, "8,000.00元", ""],
           [2, "李二", a2.id_number, "区中医院", "2026/9/5", 4000, "3000", ""],
           [3, "孙特困", tekun.id_number, "镇卫生院", "2026年9月9日", 3000, "600", ""],
           [4, "无址", nowhere, "区人民医院", "2026-09-16", 1000, "800", ""],
           [5, "无址", nowhere, "区人民医院", "2026-09-17", 1000, "900", "博山区域城镇南域城社区"],
           [6, "王三", b1.id_number, "区人民医院", "2026-09-18", 90000, "25000", ""]]
    batches.append(deliver(medical, xlsx_bytes(HEADER, sep), when="2026-10-03 10:00 +0800"))
    octo = [[1, "张一", a1.id_number, "区人民医院", "2026-10-03", 50000, "21,350.00元", ""],
            [2, "张一", a1.id_number, "区人民医院", "2026-10-13", 9000, "4000", ""],
            [3, "李二", a2.id_number, "区中医院", "2026/10/5", 4000, "3000", ""],
            [4, "孙特困", tekun.id_number, "镇卫生院", "2026-10-09", 3000, "1,200.50", ""],
            [5, "周叉", messy(x_person.id_number), "区人民医院", dt.date(2026, 10, 11), 60000, "20000", ""],
            [6, "错号", bad_check_digit(a1.id_number), "区人民医院", "2026-10-12", 1000, "500", ""],
            [7, "", a2.id_number, "区人民医院", "2026-10-12", 1000, "500", ""],
            [8, "新人", newcomer, "区人民医院", "2026-10-14", 40000, "30000", "博山区域城镇南域城社区3号楼"],
            [9, "新人", newcomer, "区人民医院", "2026-10-20", 4000, "3000", ""],
            [10, "外地", outsider, "区人民医院", "2026-10-15", 40000, "26000", "重庆市黔江区"],
            [14, "钱搬走", ids["moved"], "区人民医院", "2026-10-22", 40000, "30000", "博山区域城镇南域城社区"],
            [11, "王三", b1.id_number, "区人民医院", "2026-10-18", 90000, "25000", ""],
            [12, "李二", a2.id_number, "区中医院", "2026/10/5", 4000, "3000", ""],
            [13, "无处", ids["lost"], "区人民医院", "2026-10-21", 40000, "30000", "不详"]]
    batches.append(deliver(medical, xlsx_bytes(HEADER, octo), when="2026-11-03 10:00 +0800"))
    batches.append(deliver(medical, xlsx_bytes(HEADER, octo), when="2026-11-03 11:00 +0800"))
    batches.append(deliver(disaster, csv_bytes(["姓名", "身份证号码", "事发日期", "受灾情况"],
                                               [["李二", a2.id_number, "2026-11-02", "房屋倒塌"],
                                                ["王三", b1.id_number, "2026-11-02", "房屋受损"]]),
                           filename="灾情.csv", when="2026-11-04 10:00 +0800"))
    wages = income_feed(world, medical.department)
    months = [("2026-07-03", dt.date(2026, 6, 1), dt.date(2026, 6, 30), ["4000", "1000", "1400", "1300"]),
              ("2026-08-03", dt.date(2026, 7, 1), dt.date(2026, 7, 31), ["4200", "1100", "1450", "1000"]),
              ("2026-09-03", dt.date(2026, 8, 1), dt.date(2026, 8, 31), ["1500", "1000", "1300", "1100"]),
              ("2026-10-03", dt.date(2026, 9, 1), dt.date(2026, 9, 30), ["1400", "900", "1200", "1000"])]
    for when, start, end, amounts in months:
        rows = [["李二", a2.id_number, amounts[0]], ["孙特困", tekun.id_number, amounts[1]],
                ["钱边缘", edge.id_number, amounts[2]], ["张一", a1.id_number, amounts[3]]]
        batches.append(deliver(wages, xlsx_bytes(INCOME, rows, title=None), when=f"{when} 10:00 +0800",
                               start=start, end=end))
    return batches


def fingerprint(batches: list[FeedBatch]) -> dict:
    def codes(qs):
        return sorted(qs.values_list("code", flat=True))

    leads = Lead.objects.order_by("number")
    history = {lead.number: sorted(lead.history.values_list("history_type", "is_urgent", "version"))
               for lead in leads}
    return {
        "counts": [counts_of(FeedBatch.objects.get(pk=b.pk)) for b in batches],
        "status": [FeedBatch.objects.get(pk=b.pk).status for b in batches],
        "rejected": [list(FeedRejectedRow.objects.filter(batch=b).order_by("row_number")
                          .values_list("row_number", "reason", "values")) for b in batches],
        "rows": [[(r.row_number, r.id_number, r.name, r.amount, r.event_date, r.year, r.data, r.outcome,
                   r.lead.number if r.lead else None, r.rule.name if r.rule else None, r.warning,
                   r.person.id_number if r.person else None, r.region_id,
                   r.checksum == row_checksum(ParsedRow(row_number=r.row_number, id_number=r.id_number, name=r.name,
                                                        amount=r.amount, event_date=r.event_date, address='',
                                                        data=r.data, year=r.year, feed_id=r.feed_id)))
                  for r in FeedRow.objects.filter(batch=b).order_by("row_number")] for b in batches],
        "leads": [(lead.number, lead.person.id_number, lead.township_id, lead.village_id, lead.status, lead.method,
                   lead.channel, lead.discoverer_name, lead.discovered_on, lead.is_urgent, lead.version,
                   lead.family_situation, lead.is_late_report, codes(lead.suspected_relief), codes(lead.causes))
                  for lead in leads],
        "lead_history": history,
        "sources": sorted((s.lead.number, s.source_type, s.method, s.channel, s.reporter_name, s.description,
                           s.is_urgent, s.discovered_on, codes(s.suspected_relief),
                           FeedRow.objects.get(pk=s.origin_id).row_number if s.origin_id else None)
                          for s in LeadSource.objects.all()),
        "people": sorted((p.id_number, p.name, p.sex, p.birth_date, p.village_id, p.township_id, p.household.number,
                          p.household.head_id == p.pk, p.relation, p.assistance_status,
                          sorted(p.history.values_list("history_type", flat=True)))
                         for p in Person.objects.filter(created_at__gte=batches[0].created_at)),
        "counters": sorted(LeadCounter.objects.values_list("district_code", "year", "last")),
        "notices": sorted(Notification.objects.filter(subject_type="intake.FeedBatch").values_list(
            "recipient__username", "kind", "title", "is_urgent", "url")),
    }


def run(world, settings, path: str, ids: dict) -> dict:
    settings.FEEDS_FAST_PATH = path == "sql"
    with transaction.atomic():
        batches = scenario(world, ids)
        result = fingerprint(batches)
        transaction.set_rollback(True)
    return result


def test_the_sql_fast_path_and_the_orm_path_give_the_same_results(world, settings, users, monkeypatch):
    """On PostgreSQL both paths run and are compared; on SQLite (the default of `make run`, JIUZHU_TEST_SQLITE=1)
    the ORM path runs for real and must exercise the same outcomes, rules, registrations and notices."""
    person(world, name="孙特困", assistance_status=AssistanceStatus.TEKUN)
    person(world, name="钱边缘", assistance_status=AssistanceStatus.DIBAO_EDGE)
    person(world, "village_b1", name="周叉", id_number=id_with_x())
    ids = {"newcomer": valid_id(birth=dt.date(1980, 2, 2)), "outsider": valid_id(address="500114"),
           "nowhere": valid_id(birth=dt.date(1981, 3, 3)), "lost": valid_id(birth=dt.date(1983, 5, 5)),
           "moved": valid_id(birth=dt.date(1977, 7, 7))}
    person(world, "other_district_village", name="钱搬走", id_number=ids["moved"])  # 博山区 ID, lives in 黔江区
    if connection.vendor == "postgresql":
        sql, orm = run(world, settings, "sql", ids), run(world, settings, "orm", ids)
        for key in orm:
            assert sql[key] == orm[key], key
        # The fast path stores the rows while it checks the next ones, a chunk at a time (fastpath.Staging): with
        # chunks of two rows, a line repeated in a later chunk and the yearly sums across chunks come out the same.
        monkeypatch.setattr(Staging, "CHUNK", 2)
        small = run(world, settings, "sql", ids)
        for key in orm:
            assert small[key] == orm[key], key
    else:
        sql = run(world, settings, "orm", ids)  # only the ORM path exists here: checked on its own below
    # And the scenario exercised what it is meant to: every outcome, every rule kind, registration, rejection.
    outcomes = {row[7] for rows in sql["rows"] for row in rows}
    assert outcomes == {"lead_raised", "evidence_added", "recorded", "transfer_out", "unmatched"}
    warnings = "\n".join(row[10] for rows in sql["rows"] for row in rows)
    for rule in ("单次住院个人负担2万元以上", "年度医疗个人负担累计超标", "医疗支出骤增", "收入骤降", "收入不可持续",
                 "灾害事故致困"):
        assert rule in warnings, rule
    assert sum(c["people_registered"] for c in sql["counts"]) == 2
    assert sql["counts"][1]["unchanged"] == 1 and sql["counts"][2]["unchanged"] == 12 and sql["status"][2] == BatchStatus.DONE
    assert sql["counts"][1]["unmatched"] == 1 and sql["counts"][1]["transfer_out"] == 2  # 外地; 钱搬走 (黔江区)
    assert not any(lead[1] == ids["moved"] for lead in sql["leads"])
    assert any(v == [("+", False, 1), ("~", True, 2)] or ("~", True, 2) in v for v in sql["lead_history"].values())
    assert sql["notices"], "townships are told"
    assert all(row[13] for rows in sql["rows"] for row in rows), "each row's checksum is the one Python computes"


def test_a_delivery_stopped_after_rows_were_stored_keeps_nothing(world, settings, monkeypatch):
    """The fast path stores accepted rows while it checks the rest (fastpath.Staging, chunks of two here): when the
    checks end in a refusal — most rows outside the period — the rows stored meanwhile go with the transaction."""
    monkeypatch.setattr(Staging, "CHUNK", 2)
    feeds = install_feeds(world)
    a1, a2, b1 = world.people["a1"], world.people["a2"], world.people["b1"]
    rows = [[1, "张一", a1.id_number, "区人民医院", "2026-10-03", 50000, "30000", ""],
            [2, "李二", a2.id_number, "区中医院", "2026-10-05", 4000, "3000", ""],
            [3, "王三", b1.id_number, "区人民医院", "2026-10-08", 9000, "25000", ""],
            *[[4 + n, "李二", a2.id_number, "区中医院", f"2026-09-{10 + n}", 4000, "300", ""] for n in range(5)]]
    batch = deliver(feeds["medical_inpatient"], xlsx_bytes(HEADER, rows), when="2026-11-03 10:00 +0800",
                    start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "5" in batch.error
    assert not FeedRow.objects.exists() and not Lead.objects.exists() and not LeadSource.objects.exists()


def test_cells_with_quotes_backslashes_tabs_newlines_and_the_separator_are_stored_as_delivered(world, settings):
    """The fast path sends each column of a chunk as one string joined by U+001F (fastpath.Staging): a cell holding
    that character, a quote, a backslash, a tab or a newline arrives as it was, with the checksum Python computes."""
    feeds = install_feeds(world)
    a1, a2 = world.people["a1"], world.people["a2"]
    hospitals = ["O'Brien \\ 诊所", "区\t人民\n医院", "区\x1f中医院", "“区”人民医院'; --"]
    rows = [[n + 1, "张一" if n % 2 else "李二", (a1 if n % 2 else a2).id_number, hospital, f"2026-10-0{n + 3}",
             500 + n, "300", ""] for n, hospital in enumerate(hospitals)]
    batch = deliver(feeds["medical_inpatient"], csv_bytes(HEADER, rows, encoding="utf-8", title=None),
                    filename="x.csv", when="2026-11-03 10:00 +0800", start=dt.date(2026, 10, 1),
                    end=dt.date(2026, 10, 31))
    assert FeedBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE
    stored = list(FeedRow.objects.filter(batch=batch).order_by("row_number"))
    assert [r.data["hospital"] for r in stored] == hospitals
    assert all(r.checksum == row_checksum(ParsedRow(row_number=r.row_number, id_number=r.id_number, name=r.name,
                                                    amount=r.amount, event_date=r.event_date, address="",
                                                    data=r.data, year=r.year, feed_id=r.feed_id)) for r in stored)


def test_the_first_chunk_is_the_first_block_then_chunks_of_five_thousand(monkeypatch):
    """The server starts on the first block's accepted rows while the next ones are checked (issue 15); then the
    rows go in chunks of ``CHUNK``."""
    sent: list[int] = []
    staging = Staging(batch=None, feed=None, now=None)
    monkeypatch.setattr(staging, "_send", lambda: (sent.append(len(staging.pending)), staging.pending.clear()))
    staging.add([object()] * 495)  # the first block, five of its rows rejected
    for _block in range(24):
        staging.add([object()] * 500)
    assert sent == [495, 5000, 5000] and len(staging.pending) == 2000
