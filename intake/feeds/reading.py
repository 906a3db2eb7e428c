"""The delivered table: read once, its header detected and mapped."""
from __future__ import annotations

from intake.models import Feed, FeedBatch

from .definitions import FeedError, column_specs
from .parsing import HeaderMatch, ParseError, Table, detect_header, missing_required, read_table


def _detect(feed: Feed, table: Table) -> HeaderMatch:
    try:
        return detect_header(table, column_specs(feed))
    except ParseError as exc:
        raise FeedError(str(exc)) from exc


# The command and the API receive and import a delivery in one process: the table read on receipt is kept
# (one, for the import that follows at once) so a 100,000-row file is not parsed twice. Uploads are imported
# by a worker, which reads the stored file.
_LAST_TABLE: dict[tuple[int, str], Table] = {}


def _remember_table(batch: FeedBatch, table: Table) -> None:
    _LAST_TABLE.clear()
    _LAST_TABLE[(batch.pk, batch.checksum)] = table


def _read_batch_table(batch: FeedBatch) -> Table:
    table = _LAST_TABLE.pop((batch.pk, batch.checksum), None)
    if table is not None:
        return table
    with batch.file.open("rb") as f:
        data = f.read()
    try:
        return read_table(data, batch.file_name or batch.file.name)
    except ParseError as exc:
        raise FeedError(str(exc)) from exc


def _header_of(batch: FeedBatch, table: Table) -> HeaderMatch:
    header = _detect(batch.feed, table)
    header.mapping = {int(i): key for i, key in (batch.mapping or {}).items() if key}
    header.missing_required = missing_required(header.mapping, column_specs(batch.feed))
    return header
