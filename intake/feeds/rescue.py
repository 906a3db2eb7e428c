"""Deliveries whose import died with its worker: found by their stale heartbeat, queued again, or cancelled.

A delivery is "stuck" when it has been importing without a heartbeat for ``settings.JOB_STALE_SECONDS``
(common/heartbeat.py) or queued for ``STUCK_QUEUED_MINUTES`` without a worker taking it. The beat queues a
stuck import again; its owner (anyone who may deliver the feed) can cancel it instead.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.heartbeat import stale_before

from ..models import FeedBatch
from .choices import BatchStatus

log = logging.getLogger(__name__)
STUCK_QUEUED_MINUTES = 15


def dead_import_q(now: dt.datetime | None = None) -> Q:
    stale = stale_before(now)
    return Q(status=BatchStatus.PROCESSING) & (Q(heartbeat_at__lt=stale)
                                               | Q(heartbeat_at__isnull=True, started_at__lt=stale))


def stuck_q(now: dt.datetime | None = None) -> Q:
    now = now or timezone.now()
    return dead_import_q(now) | Q(status=BatchStatus.QUEUED,
                                  created_at__lt=now - dt.timedelta(minutes=STUCK_QUEUED_MINUTES))


def is_stuck(batch: FeedBatch) -> bool:
    return FeedBatch.objects.filter(pk=batch.pk).filter(stuck_q()).exists()


def deliveries_rescue() -> list[int]:
    """Queue again every import whose worker died; returns the deliveries queued."""
    from .services import batch_enqueue

    rescued = []
    for batch in FeedBatch.objects.filter(dead_import_q()).only("pk", "rows_total", "status"):
        with transaction.atomic():
            # Conditional: a worker that took it over in the meantime keeps it.
            if FeedBatch.objects.filter(pk=batch.pk).filter(dead_import_q()).update(
                    status=BatchStatus.QUEUED, task_id="", heartbeat_at=None):
                log.warning("delivery %s: its import stopped (worker lost); queued again", batch.pk)
                batch_enqueue(batch)
                rescued.append(batch.pk)
    return rescued
