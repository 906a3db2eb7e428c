"""Department feeds, end to end through the services: messy files in, every count, reason, lead and rule out."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from accounts.choices import Role
from cases.choices import AssistanceStatus, Channel, DiscoveryMethod, LeadStatus, SourceType
from cases.models import Lead, LeadSource, Person
from intake.feeds.choices import BatchSource, BatchStatus, RowOutcome, RuleKind
from intake.feeds.services import FeedError, batch_import_now, batch_receive, counts_of
from intake.models import FeedBatch, FeedRejectedRow, FeedRow, WarningRule, WarningThreshold
from tests.factories import valid_id

from .feed_factories import (  # noqa: F401 - both_paths is a fixture
    bad_check_digit, both_paths, csv_bytes, excel_serial, id_with_x, install_feeds, messy, person, tongling_on,
    xlsx_bytes,
)

NOV_3 = "2026-11-03 10:00 +0800"  # a Tuesday; October is last month
OCT = dt.date(2026, 10, 1)
HEADER = ["序号", "参保人姓名", "公民身份号码", "就诊机构", "出院日期", "住院总费用（元）", "个人负担(元)", "家庭住址"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def feeds(world, both_paths):
    """The standard feeds; every test here runs twice, through the SQL fast path and through the ORM path."""
    return install_feeds(world)


def deliver(feed, data: bytes, *, filename="医保10月住院.xlsx", user=None, start=None, end=None) -> FeedBatch:
    batch = batch_receive(feed=feed, user=user, filename=filename, data=data, source=BatchSource.COMMAND,
                          period_start=start, period_end=end)
    return batch_import_now(batch=batch)


@time_machine.travel(NOV_3, tick=False)
def test_a_messy_monthly_file_is_read_validated_matched_and_turned_into_leads(world, feeds):
    feed = feeds["medical_inpatient"]
    tongling_on(feed)  # the presets: this test is about Tongling's rules
    a1, a2, b1 = world.people["a1"], world.people["a2"], world.people["b1"]
    tekun = person(world, name="孙特困", assistance_status=AssistanceStatus.TEKUN)
    x_person = person(world, "village_b1", name="周叉", id_number=id_with_x())
    open_lead = Lead.objects.create(number="370304-2026-900001", person=b1, township=b1.township, village=b1.village,
                                    method=DiscoveryMethod.VISIT, channel=Channel.HOME_VISIT,
                                    discovered_on=dt.date(2026, 10, 20), status=LeadStatus.ACCEPTED)
    newcomer = valid_id(birth=dt.date(1980, 2, 2))
    outsider = valid_id(address="500114")
    rows = [
        [1, "张一", messy(a1.id_number), "区人民医院", excel_serial(dt.date(2026, 10, 3)), 50000, "21,350.00元", ""],
        [2, "李二", a2.id_number, "区中医院", "2026/10/5", 4000, "3000", ""],
        [3, "王三", b1.id_number, "区人民医院", "2026年10月8日", 90000, "￥25,000", ""],
        [4, "孙特困", tekun.id_number, "镇卫生院", "2026-10-09", 3000, "1,200.50", ""],
        [5, "周叉", messy(x_person.id_number), "区人民医院", dt.date(2026, 10, 11), 60000, "20000", ""],
        [6, "错号", bad_check_digit(a1.id_number), "区人民医院", "2026-10-12", 1000, "500", ""],
        [7, "", a2.id_number, "区人民医院", "2026-10-12", 1000, "500", ""],
        [8, "李二", a2.id_number, "区人民医院", "2026-10-13", 1000, "五百", ""],
        [9, "李二", a2.id_number, "区人民医院", "2026-09-30", 1000, "500", ""],
        [10, "新人", newcomer, "区人民医院", "2026-10-14", 40000, "30000", "博山区域城镇南域城社区3号楼"],
        [11, "外地", outsider, "区人民医院", "2026-10-15", 40000, "26000", "重庆市黔江区"],
        [12, "无址", valid_id(birth=dt.date(1981, 3, 3)), "区人民医院", "2026-10-16", 1000, "800", ""],
        [None, None, None, None, None, None, None, None],
    ]
    data = xlsx_bytes(HEADER, rows, date_columns=[4])
    batch = deliver(feed, data)

    assert batch.status == BatchStatus.DONE, batch.error
    assert batch.header_row == 4
    assert counts_of(batch) == {
        "rows": 12, "accepted": 8, "rejected": 4, "unchanged": 0, "matched": 5, "leads_raised": 4,
        "evidence_added": 1, "kept_on_file": 0, "people_registered": 1, "transfer_out": 1, "unmatched": 1,
    }
    reasons = dict(FeedRejectedRow.objects.filter(batch=batch).values_list("row_number", "reason"))
    assert set(reasons) == {10, 11, 12, 13}  # spreadsheet rows: header on row 4, data from row 5
    assert "校验码" in reasons[10] or "校验" in reasons[10]
    assert "姓名" in reasons[11]
    assert "五百" in reasons[12] and "不是数字" in reasons[12]
    assert "2026-09-30" in reasons[13] and "报送期" in reasons[13]
    # An unknown ID of the district whose address names no village: kept for the district centre to place, not
    # refused (a refusal would tell the department who is not registered, issue 20).
    unmatched = FeedRow.objects.get(batch=batch, row_number=16)
    assert unmatched.outcome == RowOutcome.UNMATCHED and unmatched.person is None and unmatched.lead is None

    # 张一: one stay ≥ 20,000 and the year's total over 15,000 — one new lead showing both rules and figures.
    lead = Lead.objects.get(person=a1)
    assert (lead.method, lead.channel, lead.status) == (DiscoveryMethod.DATA_PUSH, Channel.DEPARTMENT_DATA,
                                                        LeadStatus.REPORTED)
    assert lead.township == a1.township and lead.discovered_on == dt.date(2026, 11, 3)
    assert {r.code for r in lead.suspected_relief.all()} == {"medical", "temporary"}
    source = lead.sources.get()
    assert source.source_type == SourceType.FEED_ROW and source.reporter_name == feed.department.name
    assert "单次住院个人负担2万元以上" in source.description and "21,350.00" in source.description
    assert "年度医疗个人负担累计超标" in source.description and "15,000.00" in source.description
    row = FeedRow.objects.get(batch=batch, person=a1)
    assert row.outcome == RowOutcome.LEAD_RAISED and row.lead == lead and row.amount == Decimal("21350.00")
    assert row.event_date == dt.date(2026, 10, 3) and row.rule.kind == RuleKind.ROW_AMOUNT
    assert source.origin_type == "intake.FeedRow" and source.origin_id == str(row.pk)

    # 李二: 3,000 yuan, no warning: kept as a recorded row only.
    assert FeedRow.objects.get(batch=batch, person=a2).outcome == RowOutcome.RECORDED
    assert not Lead.objects.filter(person=a2).exists()
    # 王三 already had an open lead: the row is evidence on it.
    assert FeedRow.objects.get(batch=batch, person=b1).outcome == RowOutcome.EVIDENCE_ADDED
    assert Lead.objects.filter(person=b1).count() == 1 and open_lead.sources.count() == 1
    # 特困: 1,200.50 yuan crosses the 特困 threshold of 1,000 (Tongling) — a medical-relief lead.
    tekun_lead = Lead.objects.get(person=tekun)
    assert "特困" in tekun_lead.sources.get().description and "1,000.00" in tekun_lead.sources.get().description
    # A lowercase x, full-width digits and spaces still match.
    assert FeedRow.objects.get(batch=batch, person=x_person).outcome == RowOutcome.LEAD_RAISED
    # Unknown ID of this district with an address: registered in 南域城社区 and given a lead.
    new = Person.objects.get(id_number=newcomer)
    assert new.village.name == "南域城社区居委会" and new.name == "新人"
    assert Lead.objects.filter(person=new).exists()
    # Unknown ID of another district: listed for transfer out, no person, no lead.
    out = FeedRow.objects.get(batch=batch, id_number=outsider)
    assert out.outcome == RowOutcome.TRANSFER_OUT and out.person is None and out.region == world.district
    assert not Person.objects.filter(id_number=outsider).exists()


@time_machine.travel(NOV_3, tick=False)
def test_the_same_file_twice_and_the_same_rows_in_another_file_change_nothing(world, feeds):
    feed = feeds["medical_inpatient"]
    a1, a2 = world.people["a1"], world.people["a2"]
    rows = [[1, "张一", a1.id_number, "区人民医院", "2026-10-03", 50000, "21350", ""],
            [2, "李二", a2.id_number, "区中医院", "2026-10-05", 4000, "3000", ""],
            [3, "错号", bad_check_digit(a1.id_number), "区人民医院", "2026-10-12", 1000, "500", ""]]
    data = xlsx_bytes(HEADER, rows)
    first = deliver(feed, data)
    state = (Lead.objects.count(), LeadSource.objects.count(), FeedRow.objects.count())

    again = deliver(feed, data)
    assert again.status == BatchStatus.DONE and again.duplicate_of == first
    assert counts_of(again) | {} == {"rows": 3, "accepted": 2, "rejected": 1, "unchanged": 2, "matched": 0,
                                     "leads_raised": 0, "evidence_added": 0, "kept_on_file": 0,
                                     "people_registered": 0, "transfer_out": 0, "unmatched": 0}
    assert (Lead.objects.count(), LeadSource.objects.count(), FeedRow.objects.count()) == state

    # The same rows in another layout (csv, other order, other header names) plus one new row.
    a3 = person(world, name="新三")
    other = csv_bytes(["个人自付合规费用", "身份证号码", "姓名", "结算日期", "医院名称", "总费用"],
                      [["3,000.00元", a2.id_number, "李二", "2026-10-05", "区中医院", "4000"],
                       ["21350", messy(a1.id_number), "张一", "2026/10/3", "区人民医院", "50,000"],
                       ["800", a3.id_number, "新三", "2026-10-20", "区人民医院", "900"]], title=None)
    later = deliver(feed, other, filename="另一份.csv")
    assert later.duplicate_of is None
    assert (later.rows_accepted, later.rows_unchanged, later.matched, later.leads_raised) == (3, 2, 1, 0)
    assert Lead.objects.count() == state[0] and FeedRow.objects.count() == state[2] + 1


@time_machine.travel(NOV_3, tick=False)
@pytest.mark.django_db(transaction=True)
def test_a_delivery_is_all_or_nothing(world, feeds):
    """The database refuses one lead half-way: no row, lead, person or evidence of the delivery remains."""
    from django.db import connection

    feed = feeds["medical_inpatient"]
    a1, a2 = world.people["a1"], world.people["a2"]
    newcomer = valid_id(birth=dt.date(1985, 5, 5))
    rows = [[1, "张一", a1.id_number, "区人民医院", "2026-10-03", 50000, "21350", ""],
            [2, "新人", newcomer, "区人民医院", "2026-10-04", 50000, "22000", "域城镇南域城社区"],
            [3, "李二", a2.id_number, "区中医院", "2026-10-05", 40000, "30000", ""]]
    data = xlsx_bytes(HEADER, rows)
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION refuse_li_er() RETURNS trigger AS $$
            BEGIN IF NEW.description LIKE '%%李二%%' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_li_er BEFORE INSERT ON cases_leadsource FOR EACH ROW EXECUTE FUNCTION refuse_li_er();
        """)
    try:
        batch = batch_receive(feed=feed, user=None, filename="x.xlsx", data=data, source=BatchSource.COMMAND)
        with pytest.raises(Exception, match="refused"):
            batch_import_now(batch=batch)
        batch.refresh_from_db()
        assert batch.status == BatchStatus.FAILED and "没有保存任何数据" in batch.error
        assert not FeedRow.objects.exists() and not Lead.objects.exists() and not LeadSource.objects.exists()
        assert not Person.objects.filter(id_number=newcomer).exists()
        assert not FeedRejectedRow.objects.exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_li_er ON cases_leadsource; DROP FUNCTION refuse_li_er();")
    again = deliver(feed, data)
    assert again.status == BatchStatus.DONE and again.leads_raised == 3 and again.people_created == 1


@time_machine.travel(NOV_3, tick=False)
@pytest.mark.django_db(transaction=True)
def test_a_failure_on_the_last_statement_leaves_nothing(world, feeds):
    """The database refuses the very last write (the delivery marked done): leads, sources, rows, people,
    history rows, notices and lead numbers of the delivery are all gone."""
    from django.db import connection

    from cases.models import LeadCounter
    from referrals.models import Notification

    feed = feeds["medical_inpatient"]
    a1 = world.people["a1"]
    newcomer = valid_id(birth=dt.date(1986, 6, 6))
    data = xlsx_bytes(HEADER, [[1, "张一", a1.id_number, "区人民医院", "2026-10-03", 50000, "21350", ""],
                               [2, "新人", newcomer, "区人民医院", "2026-10-04", 50000, "22000", "域城镇南域城社区"]])
    before = (Lead.history.count(), Person.history.count(), Notification.objects.count(),
              list(LeadCounter.objects.values_list("district_code", "year", "last")))
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION refuse_done() RETURNS trigger AS $$
            BEGIN IF NEW.status = 'done' THEN RAISE EXCEPTION 'refused at the end'; END IF; RETURN NEW; END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_done BEFORE UPDATE ON intake_feedbatch FOR EACH ROW EXECUTE FUNCTION refuse_done();
        """)
    try:
        batch = batch_receive(feed=feed, user=None, filename="x.xlsx", data=data, source=BatchSource.COMMAND)
        with pytest.raises(Exception, match="refused at the end"):
            batch_import_now(batch=batch)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_done ON intake_feedbatch; DROP FUNCTION refuse_done();")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert not FeedRow.objects.exists() and not Lead.objects.exists() and not LeadSource.objects.exists()
    assert not Person.objects.filter(id_number=newcomer).exists() and not FeedRejectedRow.objects.exists()
    assert (Lead.history.count(), Person.history.count(), Notification.objects.count(),
            list(LeadCounter.objects.values_list("district_code", "year", "last"))) == before
    again = deliver(feed, data)
    assert again.status == BatchStatus.DONE and again.leads_raised == 2 and again.people_created == 1
    assert Lead.objects.filter(number__endswith="-000001").exists()  # the numbers were not used up


def test_yearly_sums_are_built_from_monthly_deliveries_and_warn_once_in_the_month_they_cross(world, feeds):
    feed = feeds["medical_inpatient"]
    tongling_on(feed)  # the presets: this test is about Tongling's rules
    dibao = person(world, name="钱低保", assistance_status=AssistanceStatus.DIBAO)
    plain = world.people["a2"]
    months = [(dt.date(2026, 5, 1), "2026-05-20", 2000, 6000), (dt.date(2026, 6, 1), "2026-06-11", 2500, 5000),
              (dt.date(2026, 7, 1), "2026-07-09", 1000, 5000), (dt.date(2026, 8, 1), "2026-08-18", 3000, 1000)]
    results = []
    for start, day, dibao_amount, plain_amount in months:
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        with time_machine.travel(dt.datetime.combine(end + dt.timedelta(days=3), dt.time(10)), tick=False):
            data = xlsx_bytes(HEADER, [[1, "钱低保", dibao.id_number, "区医院", day, 9000, dibao_amount, ""],
                                       [2, "李二", plain.id_number, "区医院", day, 9000, plain_amount, ""]])
            results.append(deliver(feed, data, start=start, end=end))
    # 低保 threshold 5,000: 2,000 + 2,500 = 4,500 in June, 5,500 in July → found in July, not again in August.
    dibao_rows = list(FeedRow.objects.filter(person=dibao).order_by("event_date"))
    assert [r.outcome for r in dibao_rows] == [RowOutcome.RECORDED, RowOutcome.RECORDED, RowOutcome.LEAD_RAISED,
                                               RowOutcome.RECORDED]
    assert "5,500.00" in dibao_rows[2].warning and "4,500.00" in dibao_rows[2].warning
    # Everyone else 15,000: 6,000 + 5,000 + 5,000 = 16,000 in July.
    plain_rows = list(FeedRow.objects.filter(person=plain).order_by("event_date"))
    assert [r.outcome for r in plain_rows][2] == RowOutcome.LEAD_RAISED
    assert [b.leads_raised for b in results] == [0, 0, 2, 0]


def test_a_sharp_rise_and_a_sharp_fall_against_the_previous_period_warn(world, feeds):
    feed = feeds["medical_inpatient"]
    tongling_on(feed)  # the presets: this test is about Tongling's rules
    a1 = world.people["a1"]
    with time_machine.travel("2026-09-03 10:00 +0800", tick=False):
        deliver(feed, xlsx_bytes(HEADER, [[1, "张一", a1.id_number, "区医院", "2026-08-10", 3000, 1500, ""]]))
    with time_machine.travel(NOV_3, tick=False):
        later = deliver(feed, xlsx_bytes(HEADER, [[1, "张一", a1.id_number, "区医院", "2026-10-10", 20000, 6000, ""]]))
    row = FeedRow.objects.get(batch=later)
    assert row.outcome == RowOutcome.LEAD_RAISED
    assert "医疗支出骤增" in row.warning and "1,500.00" in row.warning and "4.0" in row.warning

    # An income feed the district adds in the admin: a fall to at most half of last month from at least 2,000.
    from intake.models import Feed, FeedColumn

    income = Feed.objects.create(district=world.district, department=feed.department, code="wages", name="工资收入",
                                 cadence="monthly")
    FeedColumn.objects.create(feed=income, key="id_number", label="身份证号", kind="id_number", required=True)
    FeedColumn.objects.create(feed=income, key="name", label="姓名", kind="name", required=True)
    FeedColumn.objects.create(feed=income, key="amount", label="月收入", kind="amount", required=True)
    rule = WarningRule.objects.create(feed=income, name="收入骤降", kind=RuleKind.FALL, ratio=Decimal("0.5"),
                                      min_amount=Decimal("2000"))
    from cases.models import ReliefKind

    rule.suspected_relief.set(ReliefKind.objects.filter(code="dibao"))
    with time_machine.travel("2026-10-03 10:00 +0800", tick=False):
        deliver(income, xlsx_bytes(["姓名", "身份证号", "月收入"], [["李二", world.people["a2"].id_number, "4000"]],
                                   title=None))
    with time_machine.travel(NOV_3, tick=False):
        fell = deliver(income, xlsx_bytes(["姓名", "身份证号", "月收入"],
                                          [["李二", world.people["a2"].id_number, "1500"]], title=None))
    assert fell.leads_raised == 1
    assert "收入骤降" in FeedRow.objects.get(batch=fell).warning


@time_machine.travel(NOV_3, tick=False)
def test_people_already_under_the_suggested_relief_are_kept_on_file(world, feeds):
    feed = feeds["new_assistance"]
    dibao = person(world, name="钱低保", assistance_status=AssistanceStatus.DIBAO)
    plain = world.people["a2"]
    data = csv_bytes(["姓名", "身份证号码", "救助类别", "审批日期"],
                     [["钱低保", dibao.id_number, "低保", "2026-10-28"], ["李二", plain.id_number, "临时救助", "2026-10-29"]])
    with time_machine.travel("2026-11-02 10:00 +0800", tick=False):  # Monday: last week is 10-26 to 11-01
        batch = deliver(feed, data, filename="民政新纳入.csv")
    assert (batch.rows_accepted, batch.kept_on_file, batch.leads_raised) == (2, 1, 1), batch.error
    assert FeedRow.objects.get(person=dibao).outcome == RowOutcome.KEPT_ON_FILE
    assert not Lead.objects.filter(person=dibao).exists()


@time_machine.travel(NOV_3, tick=False)
def test_thresholds_are_data_an_edited_threshold_changes_what_warns(world, feeds):
    feed = feeds["medical_inpatient"]
    tongling_on(feed)
    rule = feed.rules.filter(kind=RuleKind.YEARLY_SUM, thresholds__isnull=False).distinct().get()
    WarningThreshold.objects.filter(rule=rule, assistance_status=AssistanceStatus.DIBAO).update(amount=Decimal("800"))
    dibao = person(world, name="钱低保", assistance_status=AssistanceStatus.DIBAO)
    batch = deliver(feed, xlsx_bytes(HEADER, [[1, "钱低保", dibao.id_number, "区医院", "2026-10-10", 3000, 900, ""]]))
    assert batch.leads_raised == 1 and "800.00" in FeedRow.objects.get(batch=batch).warning


@time_machine.travel(NOV_3, tick=False)
def test_files_that_cannot_be_read_are_refused_with_a_chinese_reason(world, feeds):
    feed = feeds["medical_inpatient"]
    with pytest.raises(FeedError, match="表头"):
        batch_receive(feed=feed, user=None, filename="x.xlsx", source=BatchSource.COMMAND,
                      data=xlsx_bytes(["甲", "乙"], [["1", "2"], ["3", "4"]], title=None))
    with pytest.raises(FeedError, match="Excel"):
        batch_receive(feed=feed, user=None, filename="x.xlsx", data=b"not a zip", source=BatchSource.COMMAND)
    with pytest.raises(FeedError, match="只能"):
        batch_receive(feed=feed, user=None, filename="x.exe", data=b"MZ", source=BatchSource.COMMAND)


@time_machine.travel(NOV_3, tick=False)
def test_only_the_departments_liaisons_and_the_district_centre_deliver(world, feeds, users):
    data = xlsx_bytes(HEADER, [[1, "张一", world.people["a1"].id_number, "区医院", "2026-10-10", 3000, 900, ""]])
    medical = feeds["medical_inpatient"]
    health = feeds["health_inpatient"]
    liaison = users[Role.DEPARTMENT_LIAISON]  # 医保 liaison
    assert batch_receive(feed=medical, user=liaison, filename="a.xlsx", data=data).status == BatchStatus.PREVIEW
    assert batch_receive(feed=health, user=users[Role.DISTRICT_STAFF], filename="a.xlsx", data=data)
    for user in (users[Role.TOWNSHIP_CASEWORKER], users[Role.VILLAGE_ASSISTANT], users[Role.DISTRICT_HEAD]):
        with pytest.raises(FeedError):
            batch_receive(feed=medical, user=user, filename="a.xlsx", data=data)
    with pytest.raises(FeedError):
        batch_receive(feed=health, user=liaison, filename="a.xlsx", data=data)


def test_income_that_stays_low_for_three_periods_warns_once_in_the_third(world, feeds):
    """Tongling's "income not sustainable": below the threshold (by status) three periods running."""
    from cases.models import ReliefKind
    from intake.models import Feed, FeedColumn

    edge = person(world, name="钱边缘", assistance_status=AssistanceStatus.DIBAO_EDGE)
    plain = world.people["a2"]
    income = Feed.objects.create(district=world.district, department=feeds["medical_inpatient"].department,
                                 code="wages", name="工资收入", cadence="monthly")
    FeedColumn.objects.create(feed=income, key="id_number", label="身份证号", kind="id_number", required=True)
    FeedColumn.objects.create(feed=income, key="name", label="姓名", kind="name", required=True)
    FeedColumn.objects.create(feed=income, key="amount", label="月收入", kind="amount", required=True)
    rule = WarningRule.objects.create(feed=income, name="收入不可持续", kind=RuleKind.LOW_STREAK, periods=3,
                                      default_threshold=Decimal("1200"))
    WarningThreshold.objects.create(rule=rule, assistance_status=AssistanceStatus.DIBAO_EDGE, amount=Decimal("1500"))
    rule.suspected_relief.set(ReliefKind.objects.filter(code="dibao"))
    # 钱边缘 (低保边缘, threshold 1,500): 1,400 · 1,450 · 1,300 · 1,000 → found in the third month only.
    # 李二 (everyone else, 1,200): 1,300 · 1,100 · 1,000 · 900 → low from August: found in October.
    months = [("2026-07-03", "1400", "1300"), ("2026-08-03", "1450", "1100"), ("2026-09-03", "1300", "1000"),
              ("2026-10-03", "1000", "900")]
    raised = []
    for when, edge_amount, plain_amount in months:
        with time_machine.travel(f"{when} 10:00 +0800", tick=False):
            batch = deliver(income, xlsx_bytes(["姓名", "身份证号", "月收入"],
                                               [["钱边缘", edge.id_number, edge_amount],
                                                ["李二", plain.id_number, plain_amount]], title=None))
        raised.append((batch.leads_raised, batch.evidence_added))
    assert raised == [(0, 0), (0, 0), (1, 0), (1, 0)]
    row = FeedRow.objects.get(person=edge, outcome=RowOutcome.LEAD_RAISED)
    assert FeedRow.objects.filter(person=edge).exclude(pk=row.pk).filter(rule__isnull=False).count() == 0
    assert row.event_date is None and row.rule == rule
    assert "收入不可持续" in row.warning and "1,300.00" in row.warning and "1,500.00" in row.warning
    assert "1,450.00" in row.warning and "1,400.00" in row.warning and "3" in row.warning
    late = FeedRow.objects.get(person=plain, outcome=RowOutcome.LEAD_RAISED)
    assert late.batch.period_start == dt.date(2026, 9, 1) and "1,200.00" in late.warning
