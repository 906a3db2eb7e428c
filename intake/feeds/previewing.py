"""An upload's preview: the worker reads the stored file once (its header, period and the import's own checks on
its rows) and keeps what the delivery's page shows. Apart from receiving so the worker's task (``tasks.read_delivery``)
and receiving (which queues it) do not import each other."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Feed, FeedBatch

from . import deadlines
from .checking import delivery_check
from .choices import BatchStatus
from .definitions import FeedError, column_specs
from .parsing import ColumnSpec, cell_text
from .periods import Proposal, period_propose
from .reading import _detect, _header_of, _read_batch_table, _remember_table


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
