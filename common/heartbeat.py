"""A heartbeat for long background jobs, so a job whose worker died is told from one that is still busy.

``beating(queryset, field)`` starts a thread that sets ``field`` to now on the job's row every
``settings.JOB_HEARTBEAT_SECONDS`` while the ``with`` block runs. The thread has its own database connection
in autocommit, so the beat is visible while the job's own transaction is still open, and it dies with the
process: a ``kill -9`` of the worker stops it, and the row's beat goes stale after
``settings.JOB_STALE_SECONDS``. The beat tasks that rescue stuck jobs (``intake.feeds.tasks.rescue_stuck_deliveries``,
``common.exports.rescue_stuck_exports``) and the claim of a job use :func:`stale_before`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """A job whose last beat is older than this is taken for dead."""
    return (now or timezone.now()) - dt.timedelta(seconds=settings.JOB_STALE_SECONDS)


@contextlib.contextmanager
def beating(queryset: QuerySet, field: str = "heartbeat_at"):
    """Beat on the rows of ``queryset`` (a job's row, filtered to its running state) while the block runs."""
    queryset.update(**{field: timezone.now()})
    if connection.in_atomic_block:
        # The caller's transaction holds the job's claim: nobody else sees the job running, so nobody needs the
        # beat (and the thread's update would wait for that transaction's lock).
        yield
        return
    stop = threading.Event()
    every = max(0.2, float(settings.JOB_HEARTBEAT_SECONDS))

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    queryset.update(**{field: timezone.now()})
                except Exception:  # noqa: BLE001 - a missed beat must never break the job itself
                    logger.warning("heartbeat of %s failed", queryset.model._meta.label, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
