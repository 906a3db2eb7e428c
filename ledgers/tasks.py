"""Periodic work of the ledgers app: drafting the monthly reports on the 1st.

``draft_monthly_reports`` runs from Celery beat on the 1st of each month and drafts every township's
report of the previous month (idempotent: a rerun rewrites drafts only where the data changed, never a
submitted report). Overdue drafts are chased by the obligation engine (``monthly_report``, ledgers/deadlines.py).
Transient database or Redis errors are retried with a growing delay.
"""
from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from referrals.tasks import TRANSIENT_ERRORS, retry_delay


@shared_task(bind=True, name="ledgers.tasks.draft_monthly_reports", acks_late=True, max_retries=5)
def draft_monthly_reports(self, month: str | None = None) -> dict:
    """Draft each township's report of ``month`` ("YYYY-MM"; default: the month before today)."""
    from .monthly.selectors import parse_month, previous_month
    from .monthly.services import monthly_reports_draft_all

    target = parse_month(month) if month else previous_month(timezone.localdate())
    if target is None:
        raise ValueError(f"not a month: {month!r}")
    try:
        counts = monthly_reports_draft_all(month=target)
    except TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    return {"month": f"{target:%Y-%m}", **counts}
