"""The checks of a delivery: the same for the preview and the import (one function, issue 14)."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import FeedBatch

from .definitions import column_specs
from .parsing import HeaderMatch, Table
from .periods import period_label, period_propose
from .progress import PROGRESS_EVERY
from .validation import ParsedRow, RejectedRow, RowValidator


@dataclass
class Checked:
    """What the checks of a delivery found: the same for the preview and the import (one function, issue 14)."""

    parsed: list[ParsedRow]
    rejected: list[RejectedRow]
    verdicts: dict[int, str]  # row number → "" (accepted) or the reason it is rejected; skipped rows absent
    outside: int              # rows dated outside the period
    period_problem: str = ""  # when most rows fall outside the period: why the import stops, in Chinese


def delivery_check(batch: FeedBatch, table: Table, header: HeaderMatch, report=None, *,
                   limit: int | None = None, accepted=None) -> Checked:
    """Every check a row must pass before it is stored: its cells (:class:`RowValidator`) and the period. Nothing
    here depends on the registry: whether a person is registered is never a reason to refuse a row (a department
    would learn who is, issue 20). The preview calls it on the file (``limit``: only the first rows of a large
    one), the import on the whole file: what the preview counts is what the import does. ``accepted(rows)`` is
    given the accepted rows of each block as soon as they are checked (the import's :class:`fastpath.Staging`)."""
    validator = RowValidator(feed_id=batch.feed_id, specs=column_specs(batch.feed), mapping=header.mapping,
                             period_start=batch.period_start, period_end=batch.period_end,
                             today=timezone.localdate())
    parsed, rejected = [], []
    rows = table.rows[header.data_start:]
    if limit is not None:
        rows = rows[:limit]
    first = table.row_number(header.data_start)
    for offset in range(0, len(rows), PROGRESS_EVERY):  # column-wise, a block of rows at a time
        block = rows[offset:offset + PROGRESS_EVERY]
        before = len(parsed)
        for result in validator.validate_rows(range(first + offset, first + offset + len(block)), block):
            if isinstance(result, ParsedRow):
                parsed.append(result)
            elif isinstance(result, RejectedRow):
                rejected.append(result)
        if accepted is not None:
            accepted(parsed[before:])
        if report is not None:
            report(offset)
    verdicts = {r.row_number: "" for r in parsed}
    verdicts.update({r.row_number: r.reason for r in rejected})
    checked = Checked(parsed=parsed, rejected=rejected, verdicts=verdicts, outside=validator.outside)
    if limit is None and validator.outside and validator.outside * 2 > len(parsed) + len(rejected):
        checked.period_problem = _period_problem(batch, table, header, validator.outside,
                                                 len(parsed) + len(rejected))
    return checked


def _period_problem(batch: FeedBatch, table: Table, header: HeaderMatch, outside: int, rows: int) -> str:
    proposal = period_propose(batch.feed, table, header, filename=batch.file_name, today=timezone.localdate())
    text = _("%(outside)s of the %(rows)s rows are dated outside the period of this delivery (%(period)s): the "
             "delivery is not imported.") % {"outside": outside, "rows": rows,
                                         "period": period_label(batch.period_start, batch.period_end)}
    if (proposal.start, proposal.end) != (batch.period_start, batch.period_end):
        text += _(" The file seems to cover %(period)s (from %(basis)s): please deliver it again for that "
                  "period.") % {"period": proposal.label(), "basis": proposal.basis}
    else:
        text += _(" Please check the dates in the file and deliver it again with the right period.")
    return text
