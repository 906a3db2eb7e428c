"""Running a chaser job once: the ChaserRun row the admin shows, rest days, lock timeouts.

The obligation engine's beat task (:func:`referrals.tasks.chase_obligations`) calls :func:`run_job`
once per obligation kind, with ``job`` the kind's code and ``work(today=..., calendar=...) ->
{level: count}``; the work sends ladder steps through :func:`referrals.ladder.chase`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import traceback

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .choices import ChaserRunStatus, ReminderLevel
from .models import ChaserRun
from .workdays import WorkCalendar


@contextlib.contextmanager
def lock_timeout():
    """Fail fast (and be retried) instead of hanging behind a lock on PostgreSQL."""
    seconds = int(getattr(settings, "CHASER_LOCK_TIMEOUT_SECONDS", 30))
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{seconds}s"])
    try:
        yield
    finally:
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def run_job(*, job: str, work, today: dt.date | None = None, task_id: str = "", attempt: int = 1) -> ChaserRun:
    """Run ``work`` for ``today`` (skipped on a rest day), recording the attempt; re-raises failures."""
    today = today or timezone.localdate()
    run = ChaserRun.objects.create(job=job, run_on=today, attempt=attempt, task_id=task_id or "",
                                   started_at=timezone.now())
    calendar = WorkCalendar()
    try:
        with lock_timeout():
            if not calendar.is_working_day(today):
                run.status = ChaserRunStatus.SKIPPED
                counts = {}
            else:
                counts = work(today=today, calendar=calendar)
                run.status = ChaserRunStatus.SUCCEEDED
    except Exception:
        run.status = ChaserRunStatus.FAILED
        run.error = traceback.format_exc()[-5000:]
        run.finished_at = timezone.now()
        with contextlib.suppress(Exception):  # the database itself may be what failed
            run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.reminders = counts.get(ReminderLevel.REMINDER, 0)
    run.written_reminders = counts.get(ReminderLevel.WRITTEN_REMINDER, 0)
    run.escalations = counts.get(ReminderLevel.ESCALATION, 0)
    run.finished_at = timezone.now()
    run.save()
    return run
