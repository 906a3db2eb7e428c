"""The chasers: papers owed for relief paid first are chased every working day until complete; follow-ups are
announced when due. One test runs them through a real Celery worker and Redis."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker

from accounts.choices import Role
from cases import services
from cases.choices import Paperwork
from cases.models import Outcome
from config.celery import app
from referrals.models import Notification
from tests.cases import factories as f
from tests.cases.test_lead_life import green

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 9):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST), tick=False)


def notices(user, outcome):
    return Notification.objects.filter(recipient=user, subject_type="cases.Outcome", subject_id=str(outcome.pk))


def test_papers_owed_are_chased_each_day_until_complete_and_escalated_from_the_third_reminder(world):
    with at(dt.date(2026, 6, 1)):  # a Monday
        outcome = green(world)
    assert outcome.paperwork_due_on == dt.date(2026, 6, 8), "5 working days, the day paid not counted"
    caseworker, staff = f.caseworker(world), world.users[Role.DISTRICT_STAFF]
    with at(dt.date(2026, 6, 8)):
        assert services.paperwork_chase() == 0, "not overdue on the due day"
    with at(dt.date(2026, 6, 9)):
        assert services.paperwork_chase() == 1
        assert services.paperwork_chase() == 0, "once a day"
    assert notices(caseworker, outcome).count() == 1
    assert notices(world.users[Role.TOWNSHIP_HEAD], outcome).count() == 1
    assert notices(staff, outcome).count() == 0
    with at(dt.date(2026, 6, 10)):
        services.paperwork_chase()
    with at(dt.date(2026, 6, 11)):
        services.paperwork_chase()
    assert notices(caseworker, outcome).count() == 3
    escalation = notices(staff, outcome).get()
    assert escalation.kind == "escalation" and "手续" in escalation.title
    with at(dt.date(2026, 6, 11, ), 15):
        services.outcome_paperwork_complete(outcome=outcome, user=caseworker)
    with at(dt.date(2026, 6, 12)):
        assert services.paperwork_chase() == 0
    outcome.refresh_from_db()
    assert outcome.paperwork == Paperwork.COMPLETE and outcome.paperwork_reminders == 3


def test_papers_are_not_chased_on_rest_days(world):
    with at(dt.date(2026, 6, 1)):
        outcome = green(world)
    with at(dt.date(2026, 6, 13)):  # a Saturday
        assert services.paperwork_chase() == 0
    with at(dt.date(2026, 6, 15)):
        assert services.paperwork_chase() == 1
    assert Outcome.objects.get(pk=outcome.pk).paperwork_chased_on == dt.date(2026, 6, 15)


def test_due_follow_ups_are_announced_once(world):
    with at(dt.date(2026, 3, 10)):
        lead = f.closed(world)
    follow_up = lead.follow_ups.get()
    assert follow_up.due_on == dt.date(2026, 4, 10)
    with at(dt.date(2026, 4, 9)):
        assert services.follow_up_chase() == 0
    with at(dt.date(2026, 4, 10)):
        assert services.follow_up_chase() == 1
        assert services.follow_up_chase() == 0
    assert Notification.objects.filter(recipient=f.caseworker(world), subject_type="cases.FollowUp").count() == 1


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_chases_through_redis(world):
    with at(dt.date(2026, 6, 1)):
        outcome = green(world)
    assert not app.conf.task_always_eager
    from cases.tasks import announce_due_follow_ups, chase_owed_paperwork

    with at(dt.date(2026, 6, 9)), start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        assert chase_owed_paperwork.delay().get(timeout=20) == 1
        assert chase_owed_paperwork.delay().get(timeout=20) == 0
        assert announce_due_follow_ups.delay().get(timeout=20) == 0
    assert notices(f.caseworker(world), outcome).count() == 1
    assert Outcome.objects.get(pk=outcome.pk).paperwork_reminders == 1
