"""The monthly report (月报): figures against a hand-counted March, idempotent drafts, the freeze after
submission, who may submit, the beat task on the 1st, the chase after the 5th, the district workbook."""
from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from cases.models import Lead
from ledgers.deadlines import report_due_on, reports_chase
from ledgers.models import MonthlyReport, ReportStatus
from ledgers.monthly.selectors import compute_figures, histogram_median
from ledgers.monthly.services import (
    MonthlyReportError, monthly_report_rebuild, monthly_report_submit, monthly_reports_draft,
)
from ledgers.tasks import draft_monthly_reports
from referrals.choices import NotificationKind, ReminderLevel
from referrals.models import Notification, Reminder
from tests.factories import PersonFactory, make_user
from tests.referrals.factories import at

from .monthly_world import EXPECTED_A, EXPECTED_B, MARCH, build_march

D = dt.date


@pytest.fixture
def march(world):
    return build_march(world)


def draft(world, *, when=D(2026, 4, 1)):
    with time_machine.travel(at(when, 1, 30), tick=False):
        monthly_reports_draft(townships=[world.township_a, world.township_b], month=MARCH)
    return (MonthlyReport.objects.get(township=world.township_a, month=MARCH),
            MonthlyReport.objects.get(township=world.township_b, month=MARCH))


def test_the_figures_are_the_hand_counted_ones(march):
    world = march.world
    report_a, report_b = draft(world)
    figures_a, figures_b = report_a.figures["figures"], report_b.figures["figures"]
    assert {k: figures_a[k] for k in EXPECTED_A} == EXPECTED_A
    assert {k: figures_b[k] for k in EXPECTED_B} == EXPECTED_B
    assert report_a.figures["workday_histogram"] == {"3": 1, "5": 2}
    assert report_a.figures["schema"] == 1 and report_a.status == ReportStatus.DRAFT


def test_one_township_alone_gives_the_same_figures_as_the_batch(march):
    world = march.world
    alone = compute_figures(townships=[world.township_a], month=MARCH)[world.township_a.pk]
    batch = compute_figures(townships=[world.township_b, world.township_a], month=MARCH)[world.township_a.pk]
    assert alone == batch


def test_the_median_of_a_histogram():
    assert histogram_median({}) is None
    assert histogram_median({"3": 1, "4": 1, "5": 1}) == 4
    assert histogram_median({"2": 1, "5": 1}) == 3.5
    assert histogram_median({"1": 5, "9": 1}) == 1


@pytest.mark.django_db
def test_the_report_of_march_is_due_on_the_first_working_day_from_april_5th():
    # 2026-04-05 is a Sunday inside the 清明 holiday (04-04..04-06): due Tuesday 04-07.
    assert report_due_on(MARCH) == D(2026, 4, 7)
    assert report_due_on(D(2026, 5, 1)) == D(2026, 6, 5)   # a Friday: the 5th itself


def test_rebuilding_a_draft_is_idempotent(march):
    world = march.world
    first, _b = draft(world)
    history = first.history.count()
    again, _b = draft(world, when=D(2026, 4, 2))
    assert MonthlyReport.objects.filter(month=MARCH).count() == 2
    assert (again.pk, again.version, again.figures, again.drafted_at) == (
        first.pk, first.version, first.figures, first.drafted_at)
    assert again.history.count() == history
    # New data for March: the draft follows it.
    Lead.objects.filter(pk=march.leads["L5"].pk).update(reported_at=at(D(2026, 3, 31), 16))
    rebuilt, _b = draft(world, when=D(2026, 4, 2))
    assert rebuilt.figures["figures"]["leads"] == 4 and rebuilt.version == first.version + 1


def test_a_submitted_report_is_frozen(march):
    world = march.world
    report, _b = draft(world)
    head = world.users[Role.TOWNSHIP_HEAD]
    with time_machine.travel(at(D(2026, 4, 3), 10), tick=False):
        submitted = monthly_report_submit(report=report, user=head, remarks="本月新增临时救助1户。",
                                          expected_version=report.version)
    assert submitted.status == ReportStatus.SUBMITTED and submitted.submitted_by == head
    frozen = submitted.figures
    # The data of March changes afterwards: a late-logged lead and a rebuild of every draft.
    Lead.objects.filter(pk=march.leads["L5"].pk).update(reported_at=at(D(2026, 3, 31), 16))
    with time_machine.travel(at(D(2026, 4, 6), 9), tick=False):
        counts = monthly_reports_draft(townships=[world.township_a, world.township_b], month=MARCH)
    assert counts["skipped"] == 1
    submitted.refresh_from_db()
    assert submitted.figures == frozen and submitted.figures["figures"]["leads"] == 3
    with pytest.raises(MonthlyReportError):
        monthly_report_rebuild(report=submitted, user=world.users[Role.DISTRICT_STAFF])
    # Submitting again changes nothing.
    assert monthly_report_submit(report=submitted, user=head, remarks="改写").remarks == "本月新增临时救助1户。"
    assert submitted.history.first().history_user == head


def test_only_the_township_head_of_the_township_may_submit(march, client_for):
    world = march.world
    report, report_b = draft(world)
    for who in (Role.TOWNSHIP_CASEWORKER, Role.DISTRICT_STAFF, Role.DISTRICT_HEAD):
        with pytest.raises(MonthlyReportError):
            monthly_report_submit(report=report, user=world.users[who])
    with pytest.raises(MonthlyReportError):
        monthly_report_submit(report=report_b, user=world.users[Role.TOWNSHIP_HEAD])
    # Through the page: a stale version is refused in Chinese and the remarks typed stay in the form.
    head = client_for(world.users[Role.TOWNSHIP_HEAD])
    url = reverse("ledgers:monthly_detail", args=[report.pk])
    MonthlyReport.objects.filter(pk=report.pk).update(version=report.version + 1)
    page = head.post(url, {"action": "submit", "remarks": "我的备注", "version": report.version})
    assert page.status_code == 400
    body = page.content.decode()
    assert "请刷新页面" in body and "我的备注" in body
    page = head.post(url, {"action": "submit", "remarks": "我的备注", "version": report.version + 1})
    assert page.status_code == 302
    report.refresh_from_db()
    assert report.is_submitted and report.remarks == "我的备注"
    # Another township's head does not even see it.
    other_head = make_user("u_head_b", Role.TOWNSHIP_HEAD, world.township_b)
    assert client_for(other_head).get(url).status_code == 404
    assert client_for(world.users[Role.TOWNSHIP_CASEWORKER]).post(url, {"action": "submit", "remarks": "",
                                                                        "version": report.version}).status_code == 400


def test_the_report_page_shows_the_figures_and_the_buttons_by_role(march, client_for):
    world = march.world
    report, _b = draft(world)
    url = reverse("ledgers:monthly_detail", args=[report.pk])
    body = client_for(world.users[Role.TOWNSHIP_HEAD]).get(url).content.decode()
    assert re.search(r'data-key="median_workdays"><a [^>]*>5<', body) and re.search(r'data-key="leads"><a [^>]*>3<', body)
    assert 'value="submit"' in body and 'value="rebuild"' in body
    body = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(url).content.decode()
    assert 'value="submit"' not in body and 'value="rebuild"' not in body
    for who in (Role.VILLAGE_ASSISTANT, Role.DEPARTMENT_LIAISON):
        assert client_for(world.users[who]).get(url).status_code == 403
        assert client_for(world.users[who]).get(reverse("ledgers:monthly_list")).status_code == 403
    listing = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("ledgers:monthly_list")).content.decode()
    assert world.township_a.name in listing and world.township_b.name not in listing


def test_the_beat_task_drafts_every_township_on_the_first(world):
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["ledgers-draft-monthly-reports"]
    assert entry["task"] == draft_monthly_reports.name
    assert entry["schedule"].day_of_month == {1} and entry["schedule"].hour == {1}
    with time_machine.travel(at(D(2026, 4, 1), 1, 30), tick=False):
        result = draft_monthly_reports.apply().get()
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP).count()
    assert result == {"month": "2026-03", "created": townships, "updated": 0, "unchanged": 0, "skipped": 0}
    assert set(MonthlyReport.objects.values_list("month", flat=True)) == {MARCH}
    assert MonthlyReport.objects.get(township=world.township_a).due_on == D(2026, 4, 7)


def test_a_draft_after_the_5th_climbs_the_ladder(march):
    world = march.world
    report, report_b = draft(world)
    monthly_report_submit(report=report_b, user=make_user("u_head_b", Role.TOWNSHIP_HEAD, world.township_b))
    day = D(2026, 4, 1)
    while day <= D(2026, 4, 20):
        reports_chase(today=day)   # also drafts the other townships' missing reports, and chases them
        day += dt.timedelta(days=1)
    # Due Tuesday 04-07: reminder on Wednesday 04-08, written reminder 2 working days later, escalation 2 more.
    R, W, E = ReminderLevel.REMINDER, ReminderLevel.WRITTEN_REMINDER, ReminderLevel.ESCALATION
    sent = dict(Reminder.objects.filter(subject_type="ledgers.MonthlyReport", subject_id=str(report.pk))
                .values_list("level", "sent_on"))
    assert sent == {R: D(2026, 4, 8), W: D(2026, 4, 10), E: D(2026, 4, 14)}
    # The submitted report of township B is not chased.
    assert not Reminder.objects.filter(subject_type="ledgers.MonthlyReport", subject_id=str(report_b.pk)).exists()
    head, staff = world.users[Role.TOWNSHIP_HEAD], world.users[Role.DISTRICT_STAFF]
    assert Notification.objects.filter(recipient=head, subject_type="ledgers.MonthlyReport").count() == 3
    assert Notification.objects.filter(recipient=staff, kind=NotificationKind.ESCALATION,
                                       subject_type="ledgers.MonthlyReport", subject_id=str(report.pk)).count() == 1


def test_the_chaser_drafts_a_missing_report_before_chasing(world):
    assert not MonthlyReport.objects.exists()
    reports_chase(today=D(2026, 4, 8))
    report = MonthlyReport.objects.get(township=world.township_a, month=MARCH)
    assert Reminder.objects.filter(subject_type="ledgers.MonthlyReport", subject_id=str(report.pk),
                                   level=ReminderLevel.REMINDER).exists()


def test_the_district_page_and_workbook(march, client_for):
    world = march.world
    report, _b = draft(world)
    monthly_report_submit(report=report, user=world.users[Role.TOWNSHIP_HEAD], remarks="已核实")
    staff = client_for(world.users[Role.DISTRICT_STAFF])
    with time_machine.travel(at(D(2026, 4, 10), 9), tick=False):
        page = staff.get(reverse("ledgers:monthly_district") + "?month=2026-03")
        assert page.status_code == 200
        body = page.content.decode()
        assert "已上报" in body and "逾期" in body and "未生成" in body
        response = staff.get(reverse("ledgers:monthly_district_xlsx") + "?month=2026-03")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith="370304").order_by("code"))
    assert wb.sheetnames == ["汇总"] + [t.name for t in townships]
    summary = wb["汇总"]
    assert summary.freeze_panes == "A3"
    header = [c.value for c in summary[2]]
    assert header == ["统计项"] + [t.name for t in townships] + ["合计"]
    rows = {r[0]: r[1:] for r in summary.iter_rows(min_row=3, values_only=True)}
    a = [t.pk for t in townships].index(world.township_a.pk)
    b = [t.pk for t in townships].index(world.township_b.pk)
    assert rows["状态"][a] == "已上报" and rows["状态"][b] == "已逾期"
    assert rows["上报线索数"][a] == 3 and rows["上报线索数"][b] == 1 and rows["上报线索数"][-1] == 4
    assert rows["从上报到调查结果的工作日数（中位数）"][a] == 5
    sheet = wb[world.township_a.name]
    values = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["收到书面提醒"] == 2 and values["上报区级督办"] == 1 and values["备注"] == "已核实"
    assert "已上报" in sheet["A1"].value
    # Township roles have no district page.
    assert client_for(world.users[Role.TOWNSHIP_HEAD]).get(reverse("ledgers:monthly_district")).status_code == 403
    assert client_for(world.users[Role.TOWNSHIP_HEAD]).get(
        reverse("ledgers:monthly_district_xlsx")).status_code == 403


def test_district_staff_draft_the_missing_reports_from_the_page(world, client_for):
    staff = client_for(world.users[Role.DISTRICT_STAFF])
    with time_machine.travel(at(D(2026, 4, 2), 9), tick=False):
        response = staff.post(reverse("ledgers:monthly_district_draft"), {"month": "2026-03"})
        assert response.status_code == 302
        assert MonthlyReport.objects.filter(month=MARCH, township__code__startswith="370304").count() == 10
        # The current month has not ended: nothing is drafted.
        staff.post(reverse("ledgers:monthly_district_draft"), {"month": "2026-04"})
    assert not MonthlyReport.objects.filter(month=D(2026, 4, 1)).exists()
    head = client_for(world.users[Role.TOWNSHIP_HEAD])
    assert head.post(reverse("ledgers:monthly_district_draft"), {"month": "2026-03"}).status_code == 403


def test_people_of_another_district_are_not_counted(world):
    other = PersonFactory(village=world.other_district_village, name="外区人")
    with time_machine.travel(at(D(2026, 3, 3)), tick=False):
        from cases.services import lead_report

        lead_report(person=other, method="visit", channel="home_visit", discovered_on=D(2026, 3, 3), by=None,
                    reporter_name="协理员")
    figures = compute_figures(townships=[world.township_a], month=MARCH)[world.township_a.pk]["figures"]
    assert figures["leads"] == 0


# --- with a real worker --------------------------------------------------------------------
@pytest.fixture
def worker(transactional_db):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30):
        yield


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_tasks_run_in_a_real_worker(world, worker):
    from referrals.tasks import chase_obligations

    with time_machine.travel(at(D(2026, 4, 1), 1, 30), tick=True):
        drafted = draft_monthly_reports.delay().get(timeout=60)
    assert drafted["month"] == "2026-03" and drafted["created"] == Region.objects.filter(
        level=RegionLevel.TOWNSHIP).count()
    with time_machine.travel(at(D(2026, 4, 8), 8, 45), tick=True):
        chased = chase_obligations.delay(kinds=["monthly_report"]).get(timeout=60)["monthly_report"]
    assert chased["status"] == "succeeded" and chased["reminders"] == drafted["created"]
    report = MonthlyReport.objects.get(township=world.township_a, month=MARCH)
    assert Notification.objects.filter(recipient=world.users[Role.TOWNSHIP_HEAD], subject_id=str(report.pk),
                                       kind=NotificationKind.REMINDER).count() == 1


def test_the_district_sends_a_submitted_report_back_and_the_head_submits_it_again(march, client_for):
    world = march.world
    report, _b = draft(world)
    head = world.users[Role.TOWNSHIP_HEAD]
    with time_machine.travel(at(D(2026, 4, 3), 10), tick=False):
        report = monthly_report_submit(report=report, user=head, remarks="初稿", expected_version=report.version)
    url = reverse("ledgers:monthly_detail", args=[report.pk])

    # Only the district centre may send it back, and it must say why.
    for who in (Role.TOWNSHIP_HEAD, Role.TOWNSHIP_CASEWORKER):
        refused = client_for(world.users[who]).post(url, {"action": "send_back", "reason": "请补充"})
        assert refused.status_code == 400 and "只有区社会救助综合服务中心可以退回月报" in refused.content.decode()
    district = client_for(world.users[Role.DISTRICT_STAFF])
    page = district.get(url)
    assert 'data-testid="send-back-form"' in page.content.decode()
    empty = district.post(url, {"action": "send_back", "reason": "  "})
    assert empty.status_code == 400 and "请说明退回原因" in empty.content.decode()
    report.refresh_from_db()
    assert report.is_submitted

    assert district.post(url, {"action": "send_back", "reason": "转办单逾期数与台账不一致，请核实"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.submitted_at is None
    assert report.returned_reason == "转办单逾期数与台账不一致，请核实" and report.remarks == "初稿"
    assert report.history.filter(history_change_reason="sent back").count() == 1
    told = Notification.objects.filter(recipient=head, url=report.get_absolute_url())
    assert told.exists() and "退回" in told.first().title
    # The township head sees why, and submits again; the same send-back twice changes nothing.
    shown = client_for(head).get(url).content.decode()
    assert "转办单逾期数与台账不一致" in shown and 'data-testid="remarks-form"' in shown
    district = client_for(world.users[Role.DISTRICT_STAFF])  # one test client: log the district in again
    assert district.post(url, {"action": "send_back", "reason": "转办单逾期数与台账不一致，请核实"}).status_code == 302
    assert report.history.filter(history_change_reason="sent back").count() == 1
    report = monthly_report_submit(report=report, user=head, remarks="已核实更正", expected_version=report.version)
    assert report.is_submitted and report.remarks == "已核实更正"
