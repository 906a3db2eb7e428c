"""Background work of department feeds: importing a delivery, chasing missing deliveries.

``import_delivery`` takes the delivery's id (queued after commit by ``batch_commit``), claims it with a
conditional update and imports it in one transaction; a transient database or Redis error puts it
back in the queue and retries. A worker killed mid-import loses nothing: the import's transaction is rolled
back, the message comes back (late acknowledgement), and the delivery, whose heartbeat goes stale, is taken
over by the next attempt or by ``rescue_stuck_deliveries`` (intake/feeds/rescue.py). Missing deliveries are
chased by the obligation engine (intake/feeds/obligations.py).
"""
from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

from intake.models import FeedBatch

from .choices import BatchStatus
from .importing import batch_process, counts_of
from .previewing import batch_read
from .progress import _progress
from .rescue import dead_import_q

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, name="intake.feeds.tasks.import_delivery", acks_late=True, reject_on_worker_lost=True,
             max_retries=3)
def import_delivery(self, batch_id: int) -> dict:
    """Import a delivery. A delivery another worker is importing (its heartbeat is fresh) is looked at again
    once a heartbeat could have gone stale: if that worker died, this one takes the import over."""
    try:
        batch = batch_process(batch_id=batch_id, task_id=self.request.id or "")
    except TRANSIENT as exc:
        FeedBatch.objects.filter(pk=batch_id, status__in=[BatchStatus.PROCESSING, BatchStatus.FAILED]) \
            .update(status=BatchStatus.QUEUED, error="")
        raise self.retry(exc=exc, countdown=30 * (self.request.retries + 1)) from exc
    if batch.status == BatchStatus.PROCESSING:
        # Busy elsewhere, or its worker was just killed (this message came back at once): look again later.
        # (Celery reads max_retries=None as "the task's own", so the patience is spelled out: about 80 minutes.)
        raise self.retry(countdown=settings.JOB_STALE_SECONDS + settings.JOB_HEARTBEAT_SECONDS, max_retries=50)
    return {"batch": batch.pk, "status": batch.status, **counts_of(batch)}


@shared_task(name="intake.feeds.tasks.read_delivery", acks_late=True, reject_on_worker_lost=True, max_retries=3)
def read_delivery(batch_id: int) -> dict:
    """Read an uploaded file for its preview, in the worker, never in the upload request (issue 20 item 6): the
    workbook is read in a child process with a memory cap and a time limit (parsing.read_table)."""
    batch = batch_read(batch_id=batch_id)
    return {"batch": batch.pk, "status": batch.status}


@shared_task(name="intake.feeds.tasks.rescue_stuck_deliveries")
def rescue_stuck_deliveries() -> list[int]:
    """Beat, every minute: deliveries "importing" whose worker stopped beating are queued again and imported
    anew. Nothing of the dead import was stored (all or nothing), and the claim is a conditional update, so a
    redelivered message racing this one imports the delivery once."""
    return deliveries_rescue()


@worker_process_init.connect
def load_url_patterns(**_kwargs) -> None:
    """Each worker process loads the URLconf when it starts, not inside its first import's transaction: the
    township notices' ``reverse()`` imported every app's views there (≈ 1 s quiet, 3–4 s under load, issue 15).
    The bench calls it before timing, as a started worker has."""
    from django.urls import get_resolver

    try:
        resolver = get_resolver()
        resolver.url_patterns  # noqa: B018 - imports every app's URLconf and views
        resolver.reverse_dict, resolver.namespace_dict  # noqa: B018 - builds what reverse() reads
    except Exception:  # noqa: BLE001 - a broken URLconf fails the first import that needs it, with its error
        log.exception("could not load the URLconf when the worker process started")


def batch_enqueue(batch: FeedBatch) -> None:
    """Queue the delivery's import once the current transaction commits."""
    batch_id = batch.pk
    _progress(batch_id, done=0, total=max(1, batch.rows_total) * 2, phase="queued")
    transaction.on_commit(lambda: import_delivery.delay(batch_id))


def deliveries_rescue() -> list[int]:
    """Queue again every import whose worker died; returns the deliveries queued."""
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

