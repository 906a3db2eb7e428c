"""The delivered table: read once, its header detected and mapped."""
from __future__ import annotations

import gc
from contextlib import contextmanager

from intake.models import Feed, FeedBatch

from .definitions import FeedError, column_specs
from .parsing import HeaderMatch, ParseError, Table, detect_header, missing_required, read_table


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector off while a delivery's table is read and its rows checked and imported
    (also as a decorator).

    A 100,000-row table is a million cells, 100,000 row lists, as many checked rows and their dicts: each
    allocation of a container counts towards a collection, and the collections of the oldest generation walk every
    object of the process again and again — 0.75–1.1 s of the import's 3–4 s of Python CPU on the bench file
    (issue 15). Nothing of an import needs the collector (the only cycles it leaves are the tracebacks of the bad
    rows' exceptions, freed at the next collection); reference counting frees the rest as before. The switch is the
    process's: a use inside another (or in another thread meanwhile) leaves switching it back on to the one that
    found it on, which does so even when the import fails."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
        with gc_paused():
            return read_table(data, batch.file_name or batch.file.name)
    except ParseError as exc:
        raise FeedError(str(exc)) from exc


def _header_of(batch: FeedBatch, table: Table) -> HeaderMatch:
    header = _detect(batch.feed, table)
    header.mapping = {int(i): key for i, key in (batch.mapping or {}).items() if key}
    header.missing_required = missing_required(header.mapping, column_specs(batch.feed))
    return header
