"""Receiving a delivery (file, API push or command), its preview, period and mapping, commit and cancel."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department

from ..models import Feed, FeedBatch
from . import deadlines
from .choices import BatchSource, BatchStatus
from .parsing import ColumnSpec, ParseError, missing_required, read_table
from .periods import Proposal, period_propose
from .checking import delivery_check
from .definitions import FeedError, _check_can_deliver, column_specs
from .reading import _detect, _header_of, _read_batch_table, _remember_table
from .rescue import stuck_q
from .tasks import batch_enqueue


# --- receiving --------------------------------------------------------------------------------------
def _checked_period(feed: Feed, period_start: dt.date | None, period_end: dt.date | None,
                    today: dt.date) -> tuple[dt.date, dt.date]:
    default_start, default_end = deadlines.default_period(feed, today)
    start, end = period_start or default_start, period_end or default_end
    if start > end:
        raise FeedError(_("The period starts after it ends."))
    if start > today:
        raise FeedError(_("The period cannot start in the future."))
    if (end - start).days > 400:
        raise FeedError(_("A delivery covers at most one year."))
    return start, end


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
    from .tasks import read_delivery

    batch_id = batch.pk
    transaction.on_commit(lambda: read_delivery.delay(batch_id))


def batch_read(*, batch_id: int) -> FeedBatch:
    """The worker's side of an upload: read the stored file, detect its header, propose its period (when none was
    given), check its rows as the import will, and keep what the preview page shows. A file that cannot be read
    fails with the reason in Chinese, shown on the delivery's page. Running it twice changes nothing."""
    batch = FeedBatch.objects.select_related("feed").get(pk=batch_id)
    if batch.status != BatchStatus.READING:
        return batch
    try:
        table = _read_batch_table(batch)
        header = _detect(batch.feed, table)
        if (batch.preview or {}).get("propose_period"):
            proposal = period_propose(batch.feed, table, header, filename=batch.file_name,
                                      today=timezone.localdate())
            batch.period_start, batch.period_end = _checked_period(batch.feed, proposal.start, proposal.end,
                                                                   timezone.localdate())
        if not batch.mapping:
            batch.mapping = {str(i): key for i, key in header.mapping.items()}
        batch.sheet_name = table.sheet_name[:64]
        batch.header_row = table.row_number(header.header_index)
        batch.rows_total = max(0, len(table.rows) - header.data_start)
        _remember_table(batch, table)
        preview = batch_preview(batch=batch)
    except FeedError as exc:
        FeedBatch.objects.filter(pk=batch_id, status=BatchStatus.READING).update(
            status=BatchStatus.FAILED, error=str(exc), finished_at=timezone.now())
        return FeedBatch.objects.get(pk=batch_id)
    batch.preview = _preview_json(preview)
    batch.status = BatchStatus.PREVIEW
    FeedBatch.objects.filter(pk=batch_id, status=BatchStatus.READING).update(
        status=BatchStatus.PREVIEW, preview=batch.preview, mapping=batch.mapping, period_start=batch.period_start,
        period_end=batch.period_end, sheet_name=batch.sheet_name, header_row=batch.header_row,
        rows_total=batch.rows_total)
    return FeedBatch.objects.get(pk=batch_id)


@transaction.atomic
def batch_reread(*, batch: FeedBatch) -> FeedBatch:
    """After the period or the mapping of an upload changed: a worker checks its rows again for the preview."""
    if FeedBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEW).exclude(preview={}).update(
            status=BatchStatus.READING, preview={}):
        _read_later(batch)
    batch.refresh_from_db()
    return batch


def _preview_json(preview: Preview) -> dict:
    proposal = preview.proposal
    return {"headers": preview.headers, "header_row": preview.header_row,
            "mapping": {str(i): k for i, k in preview.mapping.items()}, "missing_required": preview.missing_required,
            "sample": [[n, cells, reason] for n, cells, reason in preview.sample], "accepted": preview.accepted,
            "rejected": preview.rejected, "data_rows": preview.data_rows, "period_problem": preview.period_problem,
            "proposal": [proposal.start.isoformat(), proposal.end.isoformat(), proposal.basis] if proposal else None}


def preview_stored(*, batch: FeedBatch) -> Preview:
    """The preview a worker kept for an upload (no file read); a delivery received otherwise is read here."""
    stored = batch.preview or {}
    if "headers" not in stored:
        return batch_preview(batch=batch)
    proposal = stored.get("proposal")
    return Preview(headers=stored["headers"], header_row=stored["header_row"],
                   mapping={int(i): k for i, k in stored["mapping"].items()},
                   missing_required=stored["missing_required"],
                   sample=[(n, cells, reason) for n, cells, reason in stored["sample"]], accepted=stored["accepted"],
                   rejected=stored["rejected"], data_rows=stored["data_rows"], columns=column_specs(batch.feed),
                   proposal=Proposal(dt.date.fromisoformat(proposal[0]), dt.date.fromisoformat(proposal[1]),
                                     proposal[2]) if proposal else None,
                   period_problem=stored["period_problem"])


def _safe_ext(filename: str) -> str:
    from .parsing import extension_of

    ext = extension_of(filename)
    return ext if ext in (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".json") else ".bin"


@dataclass
class Preview:
    headers: list[str]
    header_row: int
    mapping: dict[int, str]
    missing_required: list[str]
    sample: list[tuple[int, list[str], str]]  # row number, cells, Chinese reason ("" when accepted)
    accepted: int | None
    rejected: int | None
    data_rows: int
    columns: list[ColumnSpec] = field(default_factory=list)
    proposal: Proposal | None = None  # the period the file seems to cover
    period_problem: str = ""          # the import would stop: most rows outside the period


PREVIEW_SAMPLE = 15
PREVIEW_FULL_LIMIT = 20000


def batch_preview(*, batch: FeedBatch) -> Preview:
    """The detected header, the mapping, the first rows with their verdicts and (for files up to 20,000 rows)
    how many rows the import will accept and reject — by the import's own checks (:func:`delivery_check`)."""
    from .parsing import cell_text

    table = _read_batch_table(batch)
    header = _header_of(batch, table)
    specs = column_specs(batch.feed)
    data_rows = table.rows[header.data_start:]
    full = len(data_rows) <= PREVIEW_FULL_LIMIT
    checked = None
    if not header.missing_required:
        checked = delivery_check(batch, table, header, limit=None if full else PREVIEW_SAMPLE * 4)
    sample = []
    for offset, cells in enumerate(data_rows):
        if len(sample) >= PREVIEW_SAMPLE:
            break
        number = table.row_number(header.data_start + offset)
        if checked is not None and number not in checked.verdicts:
            continue  # a blank line, a total row, a signature line: skipped by the import too
        if any(cell_text(c) for c in cells):
            sample.append((number, [cell_text(c) for c in cells], checked.verdicts[number] if checked else ""))
    counted = full and checked is not None
    proposal = period_propose(batch.feed, table, header, filename=batch.file_name, today=timezone.localdate())
    return Preview(headers=header.headers, header_row=table.row_number(header.header_index), mapping=header.mapping,
                   missing_required=header.missing_required, sample=sample,
                   accepted=len(checked.parsed) if counted else None,
                   rejected=len(checked.rejected) if counted else None, data_rows=len(data_rows), columns=specs,
                   proposal=proposal, period_problem=checked.period_problem if counted else "")


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
