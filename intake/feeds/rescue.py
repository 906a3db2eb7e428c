"""Deliveries whose import died with its worker: found by their stale heartbeat, queued again, or cancelled.

A delivery is "stuck" when it has been importing without a heartbeat for ``settings.JOB_STALE_SECONDS``
(common/heartbeat.py) or queued for ``STUCK_QUEUED_MINUTES`` without a worker taking it. The beat (tasks.py,
``deliveries_rescue``) queues a stuck import again; its owner (anyone who may deliver the feed) can cancel it instead.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from common.heartbeat import stale_before
from intake.models import FeedBatch

from .choices import BatchStatus

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
