"""Periodic work of the ledgers app: drafting the monthly reports on the 1st, chasing overdue ones daily.

``draft_monthly_reports`` runs from Celery beat on the 1st of each month and drafts every township's
report of the previous month (idempotent: a rerun rewrites drafts only where the data changed, never a
submitted report). ``chase_monthly_reports`` runs every day through the referrals chaser (nothing on rest
days, every attempt a ChaserRun row, each ladder step sent once). Transient database or Redis errors are
retried with a growing delay, like the other chasers.
"""
from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from referrals.tasks import TRANSIENT_ERRORS, retry_delay


@shared_task(bind=True, name="ledgers.tasks.draft_monthly_reports", acks_late=True, max_retries=5)
def draft_monthly_reports(self, month: str | None = None) -> dict:
    """Draft each township's report of ``month`` ("YYYY-MM"; default: the month before today)."""
    from .monthly_selectors import parse_month, previous_month
    from .monthly_services import monthly_reports_draft_all

    target = parse_month(month) if month else previous_month(timezone.localdate())
    if target is None:
        raise ValueError(f"not a month: {month!r}")
    try:
        counts = monthly_reports_draft_all(month=target)
    except TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    return {"month": f"{target:%Y-%m}", **counts}


@shared_task(bind=True, name="ledgers.tasks.chase_monthly_reports", acks_late=True, max_retries=None)
def chase_monthly_reports(self, today: str | None = None) -> dict:
    """Remind townships whose monthly report is still a draft after the 5th (reminder → written → escalation)."""
    from referrals.chaser import run_job

    from .deadlines import reports_chase

    day = dt.date.fromisoformat(today) if today else None
    try:
        run = run_job(job="monthly_reports", work=reports_chase, today=day, task_id=self.request.id or "",
                      attempt=self.request.retries + 1)
    except TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries), max_retries=5) from exc
    return {"run": run.pk, "status": run.status, "reminders": run.reminders,
            "written_reminders": run.written_reminders, "escalations": run.escalations}
