"""Receiving a delivery (file, API push or command), its period and mapping, commit and cancel (the preview the
worker reads is previewing.py)."""
from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department
from intake.models import Feed, FeedBatch

from .choices import BatchSource, BatchStatus
from .definitions import FeedError, _check_can_deliver, column_specs
from .parsing import ParseError, missing_required, read_table
from .periods import period_propose
from .previewing import _checked_period
from .reading import _detect, _remember_table, gc_paused
from .rescue import stuck_q
from .tasks import batch_enqueue, read_delivery


# --- receiving --------------------------------------------------------------------------------------
@transaction.atomic
def batch_receive(*, feed: Feed, user, filename: str, data: bytes, source: str = BatchSource.UPLOAD,
                  period_start: dt.date | None = None, period_end: dt.date | None = None,
                  idempotency_key: str = "", department: Department | None = None) -> FeedBatch:
    """Store a delivered file and its detected column mapping. Uploads wait for confirmation (preview);
    API pushes and the command are queued at once (``source``)."""
    if source == BatchSource.API:
        if department is None or department.pk != feed.department_id:
            raise FeedError(_("This token belongs to another department."))
    elif source == BatchSource.UPLOAD or user is not None:
        _check_can_deliver(user, feed)
    if not feed.is_active:
        raise FeedError(_("The feed %(feed)s is not active.") % {"feed": feed.name})
    today = timezone.localdate()
    if period_start is not None or period_end is not None:
        _checked_period(feed, period_start, period_end, today)  # a wrong period is refused before the file is read
    try:
        with gc_paused():
            table = read_table(data, filename)
    except ParseError as exc:
        raise FeedError(str(exc)) from exc
    header = _detect(feed, table)
    if period_start is None and period_end is None:
        # No period given: the file's own (its dates, else its title), not blindly the feed's usual one.
        proposal = period_propose(feed, table, header, filename=filename, today=today)
        period_start, period_end = proposal.start, proposal.end
    start, end = _checked_period(feed, period_start, period_end, today)
    batch = FeedBatch(
        feed=feed, district_id=feed.district_id, department_id=feed.department_id, source=source,
        status=BatchStatus.PREVIEW if source == BatchSource.UPLOAD else BatchStatus.QUEUED,
        file_name=filename[:200], file_size=len(data), checksum=hashlib.sha256(data).hexdigest(),
        idempotency_key=idempotency_key, period_start=start, period_end=end, sheet_name=table.sheet_name[:64],
        header_row=table.row_number(header.header_index),
        mapping={str(i): key for i, key in header.mapping.items()},
        rows_total=max(0, len(table.rows) - header.data_start),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    batch.file.save(f"delivery{_safe_ext(filename)}", ContentFile(data), save=False)
    batch.save()
    if source != BatchSource.UPLOAD:
        _remember_table(batch, table)
    return batch


# --- uploads: stored in the request, read by a worker (issue 20 item 6) ---------------------------------------
@transaction.atomic
def batch_upload(*, feed: Feed, user, filename: str, data: bytes, period_start: dt.date | None = None,
                 period_end: dt.date | None = None) -> FeedBatch:
    """An uploaded file, stored: the request only checks who delivers, the period, the file's size and type and a
    workbook's unpacked size and cells (:func:`parsing.check_upload`); a worker reads it (``read_delivery``,
    with the memory cap of :func:`parsing.read_table`) and the preview page shows what it found."""
    from .parsing import check_upload

    _check_can_deliver(user, feed)
    if not feed.is_active:
        raise FeedError(_("The feed %(feed)s is not active.") % {"feed": feed.name})
    today = timezone.localdate()
    start, end = _checked_period(feed, period_start, period_end, today)
    try:
        check_upload(data, filename)
    except ParseError as exc:
        raise FeedError(str(exc)) from exc
    batch = FeedBatch(
        feed=feed, district_id=feed.district_id, department_id=feed.department_id, source=BatchSource.UPLOAD,
        status=BatchStatus.READING, file_name=filename[:200], file_size=len(data),
        checksum=hashlib.sha256(data).hexdigest(), period_start=start, period_end=end,
        preview={"propose_period": period_start is None and period_end is None},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    batch.file.save(f"delivery{_safe_ext(filename)}", ContentFile(data), save=False)
    batch.save()
    _read_later(batch)
    return batch


def _read_later(batch: FeedBatch) -> None:
    batch_id = batch.pk
    transaction.on_commit(lambda: read_delivery.delay(batch_id))


@transaction.atomic
def batch_reread(*, batch: FeedBatch) -> FeedBatch:
    """After the period or the mapping of an upload changed: a worker checks its rows again for the preview."""
    if FeedBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEW).exclude(preview={}).update(
            status=BatchStatus.READING, preview={}):
        _read_later(batch)
    batch.refresh_from_db()
    return batch


def _safe_ext(filename: str) -> str:
    from .parsing import extension_of

    ext = extension_of(filename)
    return ext if ext in (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".json") else ".bin"


@transaction.atomic
def batch_set_period(*, batch: FeedBatch, user, period_start: dt.date, period_end: dt.date) -> FeedBatch:
    """Correct the period of a delivery not yet confirmed (the preview proposes the file's own)."""
    _check_can_deliver(user, batch.feed)
    batch = FeedBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW:
        raise FeedError(_("This delivery has already been confirmed."))
    batch.period_start, batch.period_end = _checked_period(batch.feed, period_start, period_end,
                                                           timezone.localdate())
    batch.save(update_fields=["period_start", "period_end"])
    return batch


@transaction.atomic
def batch_set_mapping(*, batch: FeedBatch, user, mapping: dict[int, str]) -> FeedBatch:
    """Correct the detected mapping before committing: each file column → one feed column (or none)."""
    _check_can_deliver(user, batch.feed)
    batch = FeedBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW:
        raise FeedError(_("This delivery has already been confirmed."))
    keys = {c.key for c in batch.feed.columns.all()}
    cleaned: dict[str, str] = {}
    for index, key in mapping.items():
        if not key:
            continue
        if key not in keys:
            raise FeedError(_("Unknown column: %(key)s.") % {"key": key})
        if key in cleaned.values():
            label = batch.feed.columns.get(key=key).label
            raise FeedError(_("Two columns of the file are mapped to %(column)s.") % {"column": label})
        cleaned[str(int(index))] = key
    batch.mapping = cleaned
    batch.save(update_fields=["mapping"])
    return batch


@transaction.atomic
def batch_commit(*, batch: FeedBatch, user) -> FeedBatch:
    """Confirm a previewed delivery: it is queued and imported in the background. Safe to call twice."""
    _check_can_deliver(user, batch.feed)
    batch = FeedBatch.objects.select_for_update().select_related("feed").get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW:
        if batch.status == BatchStatus.CANCELLED:
            raise FeedError(_("This delivery was cancelled."))
        return batch
    missing = missing_required({int(i): k for i, k in batch.mapping.items()}, column_specs(batch.feed))
    if missing:
        raise FeedError(_("Required columns are not mapped: %(columns)s.") % {"columns": "、".join(missing)})
    batch.status = BatchStatus.QUEUED
    batch.save(update_fields=["status"])
    batch_enqueue(batch)
    return batch


@transaction.atomic
def batch_cancel(*, batch: FeedBatch, user) -> FeedBatch:
    _check_can_deliver(user, batch.feed)
    from django.db.models import Q


    batch = FeedBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.CANCELLED:
        return batch
    # Not confirmed yet, or stuck (queued long, or its import's worker died): the owner may give up on it.
    # Conditional, so an import that a worker claims meanwhile is not cancelled under it.
    cancelled = (FeedBatch.objects.filter(pk=batch.pk)
                 .filter(Q(status__in=[BatchStatus.PREVIEW, BatchStatus.READING]) | stuck_q())
                 .update(status=BatchStatus.CANCELLED, finished_at=timezone.now(), heartbeat_at=None))
    if not cancelled:
        if batch.status in (BatchStatus.QUEUED, BatchStatus.PROCESSING):
            raise FeedError(_("This delivery is being imported right now; wait for it to finish. If it stops "
                              "moving for a few minutes it can be cancelled."))
        raise FeedError(_("Only a delivery not yet confirmed, or one whose import is stuck, can be cancelled."))
    batch.refresh_from_db()
    batch.file.delete(save=True)
    return batch
