"""Deadlines that bite: each kind of dated duty goes reminder → 书面提醒 → escalation on the right working
days, across the 2025 National Day holiday (10-01…10-08 off; Sunday 09-28 and Saturday 10-11 worked), and
never twice. One test runs the one 08:30 job in a real Celery worker for all kinds at once.
"""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker

from accounts.choices import Role
from cases import services
from cases.choices import FollowUpKind, FollowUpStatus, OutcomeKind, OutcomeStatus
from cases.models import FollowUp, Lead
from config.celery import app
from referrals.choices import ChaserRunStatus, NotificationKind, ReminderLevel
from referrals.models import ChaserRun, Notification, ObligationRule, Reminder
from referrals.obligations import chase_code, obligation_kinds
from referrals.tasks import chase_obligations
from tests.cases import factories as f
from tests.referrals.factories import at, issue

D = dt.date
R, W, E = ReminderLevel.REMINDER, ReminderLevel.WRITTEN_REMINDER, ReminderLevel.ESCALATION
# Due Tuesday 2025-09-30, the last working day before the holiday. Gaps 2 and 2: the first overdue working
# day is 10-09; two more, 10-10 and 10-11 (a make-up Saturday); two more, 10-13 and 10-14.
USUAL = {R: D(2025, 10, 9), W: D(2025, 10, 11), E: D(2025, 10, 14)}
# 急难 leads: gaps of one working day each.
URGENT = {R: D(2025, 10, 9), W: D(2025, 10, 10), E: D(2025, 10, 11)}
EIGHT_KINDS = {
    "lead_acceptance_urgent", "lead_acceptance", "lead_investigation", "dibao_decision", "tekun_decision",
    "advance_paperwork", "follow_up", "observation_review", "roster_visit", "transfer_form", "feed_delivery",
    "monthly_report",
}


def on(day: dt.date, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=False)


def walk(code: str, subject, *, until: D = D(2025, 10, 20), start: D = D(2025, 9, 30)) -> dict:
    """Run the kind's chaser every day (twice a day) and return the steps sent for ``subject``."""
    day = start
    while day <= until:
        with on(day, 8):
            chase_code(code, today=day)
            chase_code(code, today=day)
        day += dt.timedelta(days=1)
    rows = Reminder.objects.filter(kind=code, subject_type=subject._meta.label, subject_id=str(subject.pk))
    steps = dict(rows.values_list("level", "sent_on"))
    assert rows.count() == len(steps), "a step was sent twice"
    return steps


def told(user, subject) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user, subject_type=subject._meta.label,
                                              subject_id=str(subject.pk))
                  .filter(kind__in=[NotificationKind.REMINDER, NotificationKind.WRITTEN_REMINDER,
                                    NotificationKind.ESCALATION]).values_list("kind", flat=True))


LADDER_KINDS = sorted([NotificationKind.ESCALATION, NotificationKind.REMINDER, NotificationKind.WRITTEN_REMINDER])


def test_every_kind_of_the_notices_is_registered_with_an_editable_limit(db):
    assert EIGHT_KINDS <= set(obligation_kinds.codes())
    from referrals.obligations import rules_ensure

    rules_ensure()
    rule = ObligationRule.objects.get(code="lead_investigation")
    assert rule.limit == 5 and rule.gaps == (2, 2)
    assert ObligationRule.objects.get(code="dibao_decision").limit == 30
    assert ObligationRule.objects.get(code="tekun_decision").limit == 25
    assert ObligationRule.objects.get(code="lead_acceptance_urgent").limit == 0


# --- 1. a reported lead not accepted ---------------------------------------------------------------
def test_an_urgent_lead_is_due_the_same_working_day_and_climbs_the_ladder_daily(world):
    with on(D(2025, 9, 30)):
        lead = f.reported(world, urgent=True)
    assert lead.due_on == D(2025, 9, 30)
    assert walk("lead_acceptance_urgent", lead) == URGENT
    assert told(f.caseworker(world), lead) == LADDER_KINDS
    assert told(world.users[Role.DISTRICT_STAFF], lead) == [NotificationKind.ESCALATION]


def test_an_urgent_lead_reported_on_a_holiday_is_due_the_next_working_day(world):
    with on(D(2025, 10, 3)):
        lead = f.reported(world, urgent=True)
    assert lead.due_on == D(2025, 10, 9)


def test_an_ordinary_lead_is_due_one_working_day_after_its_report_and_stops_once_accepted(world):
    with on(D(2025, 9, 29)):
        lead = f.reported(world)
    assert lead.due_on == D(2025, 9, 30)
    assert walk("lead_acceptance", lead, until=D(2025, 10, 10)) == {R: D(2025, 10, 9)}
    with on(D(2025, 10, 10)):
        lead = services.lead_accept(lead=lead, user=f.caseworker(world))
    assert walk("lead_acceptance", lead, start=D(2025, 10, 11)) == {R: D(2025, 10, 9)}, "accepted: no more"
    # Accepted on 10-10: the investigation result is now due 5 working days later (10-11 is a make-up Saturday).
    assert lead.due_on == D(2025, 10, 16)


def test_the_administrator_changes_a_limit_and_the_ladder_gaps(world):
    from referrals.obligations import rules_ensure

    rules_ensure()
    ObligationRule.objects.filter(code="lead_acceptance").update(limit=3, written_reminder_after=1)
    with on(D(2025, 9, 24)):
        lead = f.reported(world)
    assert lead.due_on == D(2025, 9, 28)  # 25, 26, 28 (a make-up Sunday)
    steps = walk("lead_acceptance", lead, start=D(2025, 9, 28))
    assert steps == {R: D(2025, 9, 29), W: D(2025, 9, 30), E: D(2025, 10, 10)}


# --- 2. an accepted lead without an investigation result ---------------------------------------------
def test_an_accepted_lead_owes_its_investigation_result_in_5_working_days(world):
    with on(D(2025, 9, 24)):
        lead = f.accepted(world)
    assert lead.due_on == D(2025, 9, 30)
    assert walk("lead_investigation", lead) == USUAL
    with on(D(2025, 10, 15)):
        lead = Lead.objects.get(pk=lead.pk)
        assert lead.due_on == D(2025, 9, 30)


# --- 3. an eligible 低保 / 特困 outcome without a decision -----------------------------------------------
@pytest.mark.parametrize(("kind", "code", "recorded"), [
    (OutcomeKind.DIBAO, "dibao_decision", D(2025, 8, 20)),   # + 30 working days = 09-30
    (OutcomeKind.TEKUN, "tekun_decision", D(2025, 8, 27)),   # + 25 working days = 09-30
])
def test_a_dibao_or_tekun_outcome_without_inclusion_date_is_chased(world, kind, code, recorded):
    with on(recorded - dt.timedelta(days=1)):
        lead = f.assessed(world)
    with on(recorded):
        outcome = services.outcome_record(lead=lead, user=f.caseworker(world), kind=kind)
    assert outcome.status == OutcomeStatus.IN_PROGRESS and outcome.decision_due_on == D(2025, 9, 30)
    assert walk(code, outcome, until=D(2025, 10, 10)) == {R: D(2025, 10, 9)}
    with on(D(2025, 10, 10)):
        services.outcome_complete(outcome=outcome, user=f.caseworker(world), included_on=D(2025, 10, 10))
    assert walk(code, outcome, start=D(2025, 10, 11)) == {R: D(2025, 10, 9)}, "decided: no more"


# --- 4. papers owed, follow-ups, observation reviews ----------------------------------------------------
def test_papers_of_relief_paid_first_are_chased_until_complete(world):
    from tests.cases.test_lead_life import green

    with on(D(2025, 9, 24)):
        outcome = green(world)
    assert outcome.paperwork_due_on == D(2025, 9, 30)
    assert walk("advance_paperwork", outcome) == USUAL
    assert told(world.users[Role.DISTRICT_STAFF], outcome) == [NotificationKind.ESCALATION]


@pytest.mark.parametrize(("kind", "code"), [(FollowUpKind.AFTER_OUTCOME, "follow_up"),
                                            (FollowUpKind.OBSERVATION_REVIEW, "observation_review")])
def test_follow_ups_and_observation_reviews_are_chased(world, kind, code):
    with on(D(2025, 9, 1)):
        lead = f.closed(world)
    follow_up = FollowUp.objects.create(lead=lead, kind=kind, due_on=D(2025, 9, 30), status=FollowUpStatus.DUE)
    assert walk(code, follow_up) == USUAL


# --- 5. roster visits -------------------------------------------------------------------------------------
def test_an_overdue_roster_visit_reminds_the_assistant_then_the_township_then_the_district(world):
    from tests.intake.roster_factories import add_entry, make_due

    assistant = world.users[Role.VILLAGE_ASSISTANT]
    with on(D(2025, 8, 29)):
        entry = add_entry(f.caseworker(world), world.people["a1"], assistant=assistant, since=D(2025, 8, 29))
    make_due(entry, D(2025, 9, 30))
    assert walk("roster_visit", entry) == USUAL
    assert told(assistant, entry) == LADDER_KINDS
    assert told(f.caseworker(world), entry) == sorted([NotificationKind.WRITTEN_REMINDER,
                                                       NotificationKind.ESCALATION])
    assert told(world.users[Role.DISTRICT_STAFF], entry) == [NotificationKind.ESCALATION]


# --- 6. transfer forms --------------------------------------------------------------------------------
def test_transfer_forms_are_chased_by_the_engine_as_before(world):
    form = issue(world, now=at(D(2025, 9, 24)))
    assert form.due_on == D(2025, 9, 30)
    assert walk("transfer_form", form) == USUAL
    form.refresh_from_db()
    assert form.chase_level == E


# --- 7. feed deliveries, and event rows delivered late ------------------------------------------------------
def test_a_missing_delivery_is_chased(world):
    from intake.models import Feed, FeedDeadline
    from tests.intake.feed_factories import install_feeds

    feed = install_feeds(world)["medical_inpatient"]
    Feed.objects.update(created_at=dt.datetime(2025, 9, 1, tzinfo=dt.timezone.utc))
    deadline = FeedDeadline.objects.create(feed=feed, period_start=D(2025, 8, 1), period_end=D(2025, 8, 31),
                                           due_on=D(2025, 9, 30))
    assert walk("feed_delivery", deadline) == USUAL


def test_event_rows_older_than_3_working_days_are_flagged_late(world):
    from intake.feeds.choices import BatchSource
    from intake.feeds.services import batch_import_now, batch_receive
    from intake.models import FeedRow
    from tests.intake.feed_factories import install_feeds, xlsx_bytes

    feed = install_feeds(world)["disaster_accidents"]
    a1, a2 = world.people["a1"], world.people["a2"]
    header = ["序号", "姓名", "身份证号", "事发日期", "事件类型", "损失金额", "受灾情况"]
    # Delivered Thursday 2025-10-16: an event of Friday 10-10 is on time (13, 14, 15 → 3 working days after
    # 10-10 is 10-15… so 10-16 is one late); of Monday 10-13 on time (14, 15, 16).
    rows = [[1, a1.name, a1.id_number, "2025-10-10", "火灾", 30000, "房屋烧毁"],
            [2, a2.name, a2.id_number, "2025-10-13", "洪水", 20000, "房屋进水"]]
    with on(D(2025, 10, 16)):
        batch = batch_import_now(batch=batch_receive(
            feed=feed, user=None, filename="灾情.xlsx", data=xlsx_bytes(header, rows, title="2025年10月灾情"),
            source=BatchSource.COMMAND, period_start=D(2025, 9, 16), period_end=D(2025, 10, 16)))
    assert batch.error == ""
    late = dict(FeedRow.objects.filter(batch=batch).values_list("name", "is_late"))
    assert late == {a1.name: True, a2.name: False}
    batch.refresh_from_db()
    assert batch.rows_late == 1
    # Counted against the department's punctuality in the district's monthly view.
    from ledgers.monthly.selectors import feed_punctuality

    row = next(r for r in feed_punctuality(district=world.district, month=D(2025, 10, 1))
               if r["feed__department__name"] == feed.department.name)
    assert (row["event_rows"], row["event_rows_late"]) == (2, 1)


# --- 8. the monthly report --------------------------------------------------------------------------------
def test_a_monthly_report_not_submitted_by_the_5th_is_chased(world):
    from ledgers.models import MonthlyReport
    from ledgers.monthly.services import monthly_reports_draft

    with on(D(2025, 9, 1)):
        monthly_reports_draft(townships=[world.township_a], month=D(2025, 8, 1))
    report = MonthlyReport.objects.get(township=world.township_a, month=D(2025, 8, 1))
    assert report.due_on == D(2025, 9, 5)
    steps = walk("monthly_report", report, start=D(2025, 9, 5), until=D(2025, 9, 15))
    assert steps == {R: D(2025, 9, 8), W: D(2025, 9, 10), E: D(2025, 9, 12)}


# --- the one job, in a real worker -------------------------------------------------------------------------
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_one_0830_job_chases_every_kind_in_a_real_worker(world):
    with on(D(2025, 9, 30)):
        urgent = f.reported(world, "a2", urgent=True)
    form = issue(world, now=at(D(2025, 9, 24)))
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30):
        for day in (D(2025, 10, 8), D(2025, 10, 9), D(2025, 10, 9), D(2025, 10, 10)):
            with time_machine.travel(at(day, 8, 30), tick=True):
                result = chase_obligations.delay().get(timeout=60)
    assert set(result) == set(obligation_kinds.codes())
    holiday_runs = ChaserRun.objects.filter(run_on=D(2025, 10, 8))
    assert holiday_runs.count() == len(obligation_kinds) and {r.status for r in holiday_runs} == {
        ChaserRunStatus.SKIPPED}
    urgent_steps = dict(Reminder.objects.filter(kind="lead_acceptance_urgent", subject_id=str(urgent.pk))
                        .values_list("level", "sent_on"))
    assert urgent_steps == {R: D(2025, 10, 9), W: D(2025, 10, 10)}
    assert dict(Reminder.objects.filter(kind="transfer_form", subject_id=str(form.pk))
                .values_list("level", "sent_on")) == {R: D(2025, 10, 9)}


def test_a_lead_and_its_outcome_never_share_a_ladder(world):
    """The same lead owes first its acceptance, then its investigation: two ladders, no collision."""
    with on(D(2025, 9, 29)):
        lead = f.reported(world)
    walk("lead_acceptance", lead, until=D(2025, 10, 9))
    with on(D(2025, 10, 9)):
        lead = services.lead_accept(lead=lead, user=f.caseworker(world))
    assert lead.due_on == D(2025, 10, 15)
    steps = walk("lead_investigation", lead, start=D(2025, 10, 10), until=D(2025, 10, 17))
    assert steps == {R: D(2025, 10, 16)}
    assert Reminder.objects.filter(subject_id=str(lead.pk), subject_type="cases.Lead").count() == 2
