"""The chaser: reminder → written reminder → escalation on the right working days, never twice.

The integration tests run the real Celery task in a real worker against Redis and move
the clock with time-machine across the National Day holiday of 2025.
"""
from __future__ import annotations

import datetime as dt

import psycopg
import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.db import IntegrityError, connection, transaction

from accounts.choices import Role
from config.celery import app
from referrals.choices import ChaserRunStatus, NotificationKind, ReminderLevel
from referrals.ladder import next_step
from referrals.models import ChaserRun, Notification, Reminder
from referrals.services import transfer_forms_chase
from referrals.tasks import chase_obligations
from referrals.workdays import WorkCalendar

from .factories import at, issue

D = dt.date
R, W, E = ReminderLevel.REMINDER, ReminderLevel.WRITTEN_REMINDER, ReminderLevel.ESCALATION


def test_the_ladder_across_national_day_2025():
    calendar = WorkCalendar(overrides={})
    due = D(2025, 9, 30)    # the last working day before the holiday
    sent: dict[str, dt.date] = {}
    steps = {}
    day = due
    while day < D(2025, 10, 20):
        day += dt.timedelta(days=1)
        step = next_step(due_on=due, today=day, sent=sent, calendar=calendar)
        if step:
            sent[step] = day
            steps[step] = day
    # 10-01..10-08 is the holiday: the first overdue working day is 10-09; 2 more: 10-10, 10-11 (Saturday,
    # a make-up working day); 2 more: 10-13, 10-14.
    assert steps == {R: D(2025, 10, 9), W: D(2025, 10, 11), E: D(2025, 10, 14)}


def test_a_missed_week_continues_the_ladder_instead_of_sending_everything(settings):
    calendar = WorkCalendar(overrides={})
    due = D(2026, 3, 2)
    assert next_step(due_on=due, today=D(2026, 3, 13), sent={}, calendar=calendar) == R
    assert next_step(due_on=due, today=D(2026, 3, 16), sent={R: D(2026, 3, 13)}, calendar=calendar) is None
    assert next_step(due_on=due, today=D(2026, 3, 17), sent={R: D(2026, 3, 13)}, calendar=calendar) == W
    assert next_step(due_on=due, today=D(2026, 3, 14), sent={}, calendar=calendar) is None    # Saturday
    # The administrator's gaps (ObligationRule) shorten the ladder.
    assert next_step(due_on=due, today=D(2026, 3, 16), sent={R: D(2026, 3, 13)}, calendar=calendar,
                     gaps=(1, 3)) == W


def test_each_step_is_stored_once_by_the_database(world):
    form = issue(world, now=at(D(2026, 3, 2)))
    first = transfer_forms_chase(today=D(2026, 3, 10))
    assert first[R] == 1
    assert transfer_forms_chase(today=D(2026, 3, 10)) == {R: 0, W: 0, E: 0}
    reminder = Reminder.objects.get(transfer_form=form)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(kind=reminder.kind, subject_type=reminder.subject_type, subject_id=reminder.subject_id, level=R,
                                sent_on=D(2026, 3, 11), due_on=form.due_on, overdue_working_days=2,
                                region=reminder.region, recipient_name="x", title="x")


def test_answered_and_closed_forms_are_not_chased(world):
    answered = issue(world, now=at(D(2026, 3, 2)))
    from referrals.services import transfer_form_answer

    transfer_form_answer(form=answered, by=world.users[Role.TOWNSHIP_CASEWORKER], answer_text="已核实",
                         result="not_eligible")
    assert transfer_forms_chase(today=D(2026, 3, 20)) == {R: 0, W: 0, E: 0}


def test_a_department_without_accounts_is_chased_through_the_issuing_office(world):
    health = issue(world, to="department", now=at(D(2026, 3, 2)))
    health.to_department = world.health
    health.save()
    transfer_forms_chase(today=D(2026, 3, 10))
    staff = world.users[Role.DISTRICT_STAFF]
    assert Notification.objects.filter(recipient=staff, kind=NotificationKind.REMINDER).count() == 1


def test_the_beat_schedule_runs_the_chaser_at_8_30_shanghai():
    entry = app.conf.beat_schedule["referrals-chase-obligations"]
    assert entry["task"] == chase_obligations.name
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {30}
    assert app.conf.timezone == "Asia/Shanghai"


# --- with a real worker --------------------------------------------------------------------
@pytest.fixture
def worker(transactional_db):
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30):
        yield


def run_chaser_at(day: dt.date, hour=8, minute=30) -> dict:
    with time_machine.travel(at(day, hour, minute), tick=True):
        return chase_obligations.delay(kinds=["transfer_form"]).get(timeout=30)["transfer_form"]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_chaser_on_the_right_working_days_never_twice(world, worker, mailoutbox):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    caseworker.email = "caseworker@example.gov.cn"
    caseworker.save()
    staff = world.users[Role.DISTRICT_STAFF]
    staff.email = "centre@example.gov.cn"
    staff.save()
    # Issued Friday 2025-09-26, due Friday 2025-10-10 (after National Day, counting the make-up Sunday).
    form = issue(world, now=at(D(2025, 9, 26)))
    assert form.due_on == D(2025, 10, 10)

    results = {}
    day = D(2025, 9, 27)
    while day <= D(2025, 10, 20):
        results[day] = run_chaser_at(day)
        day += dt.timedelta(days=1)

    sent = dict(Reminder.objects.filter(transfer_form=form).values_list("level", "sent_on"))
    # Saturday 10-11 is a make-up working day and the first overdue one; 2 more: 10-13, 10-14; 2 more: 10-15, 10-16.
    assert sent == {R: D(2025, 10, 11), W: D(2025, 10, 14), E: D(2025, 10, 16)}
    for holiday in (D(2025, 10, 1), D(2025, 10, 8), D(2025, 10, 12)):
        assert results[holiday]["status"] == ChaserRunStatus.SKIPPED
    assert results[D(2025, 10, 11)]["reminders"] == 1
    # Working days from 09-27 to 10-20: 09-28, 29, 30, 10-09, 10, 11, 13..17, 20.
    assert ChaserRun.objects.filter(job="transfer_form", status=ChaserRunStatus.SUCCEEDED).count() == 12

    # The written reminder is counted and printable; the escalation reached the district centre.
    written = Reminder.objects.get(transfer_form=form, level=W)
    assert written.overdue_working_days == 3
    kinds = list(Notification.objects.filter(recipient=caseworker, subject_id=str(form.pk),
                                             subject_type="referrals.TransferForm")
                 .exclude(kind=NotificationKind.INFO).values_list("kind", flat=True))
    assert sorted(kinds) == sorted([NotificationKind.REMINDER, NotificationKind.WRITTEN_REMINDER,
                                    NotificationKind.ESCALATION])
    assert Notification.objects.filter(recipient=staff, kind=NotificationKind.ESCALATION).count() == 1
    form.refresh_from_db()
    assert form.chase_level == E

    # Running again on a day that already sent something sends nothing twice.
    before = Notification.objects.count(), len(mailoutbox)
    again = run_chaser_at(D(2025, 10, 14), 15, 0)
    assert again["status"] == ChaserRunStatus.SUCCEEDED and again["written_reminders"] == 0
    assert (Notification.objects.count(), len(mailoutbox)) == before

    to_caseworker = [m for m in mailoutbox if m.to == ["caseworker@example.gov.cn"]]
    assert len(to_caseworker) == 3 and "书面提醒" in to_caseworker[1].subject
    assert [m.subject for m in mailoutbox if m.to == ["centre@example.gov.cn"]] == [to_caseworker[2].subject]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_failed_run_is_retried_and_shows_in_the_admin(world, worker, settings, client_for):
    settings.CHASER_RETRY_DELAY_SECONDS = 1
    settings.CHASER_LOCK_TIMEOUT_SECONDS = 1
    form = issue(world, now=at(D(2026, 3, 2)))
    db = connection.settings_dict
    blocker = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                              dbname=db["NAME"], password=db.get("PASSWORD") or None)
    try:
        # Another session holds the reminders table: the chaser's first attempt times out on the lock.
        blocker.execute("LOCK TABLE referrals_reminder IN ACCESS EXCLUSIVE MODE")
        with time_machine.travel(at(D(2026, 3, 10), 8, 30), tick=True):
            result = chase_obligations.delay(kinds=["transfer_form"])
            import time

            deadline = time.monotonic() + 30
            while not ChaserRun.objects.filter(status=ChaserRunStatus.FAILED).exists():
                assert time.monotonic() < deadline, "the first attempt did not fail"
                time.sleep(0.2)
            blocker.rollback()   # the lock goes away; the retry succeeds
            outcome = result.get(timeout=60)["transfer_form"]
    finally:
        blocker.close()
    runs = list(ChaserRun.objects.order_by("started_at").values_list("status", "attempt"))
    assert runs[0] == (ChaserRunStatus.FAILED, 1)
    assert runs[-1] == (ChaserRunStatus.SUCCEEDED, len(runs))
    assert outcome["reminders"] == 1
    assert Reminder.objects.filter(transfer_form=form).count() == 1
    failed = ChaserRun.objects.filter(status=ChaserRunStatus.FAILED).first()
    assert "lock" in failed.error.lower()
    admin = client_for(world.users[Role.ADMINISTRATOR])
    page = admin.get(f"/admin/referrals/chaserrun/{failed.pk}/change/")
    assert page.status_code == 200 and "失败" in page.content.decode()
