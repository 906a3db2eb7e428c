"""The transfer-form chaser, run by Celery beat every day at 08:30 (Asia/Shanghai).

It does nothing on a rest day. A transient database or Redis error is retried
with a growing delay (``CHASER_RETRY_DELAY_SECONDS``, doubled each time, at most
10 minutes, ``CHASER_MAX_RETRIES`` times); every attempt is a ChaserRun row in
the admin. Reruns are free: each ladder step is sent once (a unique constraint).
"""
from __future__ import annotations

import datetime as dt

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .chaser import run_job
from .services import transfer_forms_chase

TRANSIENT_ERRORS = (OperationalError, InterfaceError, redis.exceptions.ConnectionError,
                    redis.exceptions.TimeoutError, kombu.exceptions.OperationalError)


def retry_delay(retries: int) -> int:
    first = int(getattr(settings, "CHASER_RETRY_DELAY_SECONDS", 60))
    return min(600, first * 2 ** retries)


@shared_task(bind=True, name="referrals.tasks.chase_transfer_forms", acks_late=True, max_retries=None)
def chase_transfer_forms(self, today: str | None = None) -> dict:
    """Send today's reminders, written reminders and escalations for overdue transfer forms."""
    day = dt.date.fromisoformat(today) if today else None
    try:
        run = run_job(job="transfer_forms", work=transfer_forms_chase, today=day, task_id=self.request.id or "",
                      attempt=self.request.retries + 1)
    except TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries),
                         max_retries=int(getattr(settings, "CHASER_MAX_RETRIES", 5))) from exc
    return {"run": run.pk, "status": run.status, "reminders": run.reminders,
            "written_reminders": run.written_reminders, "escalations": run.escalations}
