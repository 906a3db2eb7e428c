"""Background work of department feeds: importing a delivery, chasing missing deliveries.

``import_delivery`` takes the delivery's id (queued after commit by ``batch_commit``), claims it with a
conditional update and imports it in one transaction; a transient database or Redis error puts it
back in the queue and retries. Missing deliveries are chased by the obligation engine (intake/obligations.py).
"""
from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .choices import BatchStatus

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, name="intake.feeds.tasks.import_delivery", acks_late=True, max_retries=3)
def import_delivery(self, batch_id: int) -> dict:
    from ..models import FeedBatch
    from .services import batch_process, counts_of

    try:
        batch = batch_process(batch_id=batch_id, task_id=self.request.id or "")
    except TRANSIENT as exc:
        FeedBatch.objects.filter(pk=batch_id, status__in=[BatchStatus.PROCESSING, BatchStatus.FAILED]) \
            .update(status=BatchStatus.QUEUED, error="")
        raise self.retry(exc=exc, countdown=30 * (self.request.retries + 1)) from exc
    return {"batch": batch.pk, "status": batch.status, **counts_of(batch)}
