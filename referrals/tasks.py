"""The one chaser of every dated duty, run by Celery beat every day at 08:30 (Asia/Shanghai).

``chase_obligations`` walks every obligation kind registered in :mod:`referrals.obligations`
(transfer forms here; leads, outcomes, papers and follow-ups in cases; roster visits and feed
deliveries in intake; monthly reports in ledgers). It does nothing on a rest day. Each kind's run is
a ChaserRun row in the admin; a kind that fails does not stop the others. A transient database or
Redis error is retried with a growing delay (``CHASER_RETRY_DELAY_SECONDS``, doubled each time, at
most 10 minutes, ``CHASER_MAX_RETRIES`` times). Reruns are free: each ladder step is sent once (a
unique constraint).
"""
from __future__ import annotations

import datetime as dt
import logging
from functools import partial

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .chaser import run_job
from .obligations import kind_chase, obligation_kinds

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, redis.exceptions.ConnectionError,
                    redis.exceptions.TimeoutError, kombu.exceptions.OperationalError)


def retry_delay(retries: int) -> int:
    first = int(getattr(settings, "CHASER_RETRY_DELAY_SECONDS", 60))
    return min(600, first * 2 ** retries)


@shared_task(bind=True, name="referrals.tasks.chase_obligations", acks_late=True, max_retries=None)
def chase_obligations(self, today: str | None = None, kinds: list[str] | None = None) -> dict:
    """Send today's reminders, written reminders and escalations for every overdue duty of every kind."""
    day = dt.date.fromisoformat(today) if today else None
    result: dict[str, dict] = {}
    transient: Exception | None = None
    failed: Exception | None = None
    for kind in obligation_kinds:
        if kinds and kind.code not in kinds:
            continue
        try:
            run = run_job(job=kind.code, work=partial(kind_chase, kind), today=day, task_id=self.request.id or "",
                          attempt=self.request.retries + 1)
        except TRANSIENT_ERRORS as exc:
            transient = transient or exc
            continue
        except Exception as exc:  # noqa: BLE001 - recorded as a failed ChaserRun; the other kinds still run
            log.exception("chasing %s failed", kind.code)
            failed = failed or exc
            continue
        result[kind.code] = {"run": run.pk, "status": run.status, "reminders": run.reminders,
                             "written_reminders": run.written_reminders, "escalations": run.escalations}
    if transient is not None:
        raise self.retry(exc=transient, countdown=retry_delay(self.request.retries),
                         max_retries=int(getattr(settings, "CHASER_MAX_RETRIES", 5)))
    if failed is not None:
        raise failed
    return result
