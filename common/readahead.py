"""Rows of an open server-side cursor fetched in a thread while the caller works on the previous ones.

A large export spends its time in two places: PostgreSQL computing the rows (another process) and Python
writing the workbook. Read one after the other they add up; with the cursor read ahead in a thread they
overlap, on a second core (DECISIONS 1100, bench/ledger_export.py).

The rows must come from a cursor **already open on this thread's connection**: the caller takes the first
row itself (that declares the cursor, or opens one, on its own connection), and the thread then only uses that
cursor — fetching from it, or running the next query of a chunked read on it (the 明细表, DECISIONS 1300).
Django's connections are per thread, so a query run through ``django.db.connection`` inside the thread would
open a second connection outside the caller's transaction — the iterator must not do that. psycopg serialises
the connection between threads, so the caller may still use the connection meanwhile (a job's progress).
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

# Rows handed over at a time (one lock round trip per batch, not per row) and batches kept in hand.
BATCH = 500
DEPTH = 8

_DONE = object()


def read_ahead(rows: Iterator, *, batch: int = BATCH, depth: int = DEPTH) -> Iterator:
    """``rows``, read by a thread up to ``depth × batch`` rows ahead of the caller; errors reach the caller."""
    rows = iter(rows)
    first = next(rows, _DONE)  # in the caller's thread: the cursor is declared on the caller's connection
    if first is _DONE:
        return
    yield first
    handed: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def reader() -> None:
        chunk = []
        try:
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    if not put(chunk):
                        return
                    chunk = []
            if chunk:
                put(chunk)
            put(_DONE)
        except BaseException as error:  # the rows read before it first, then the error, raised in the caller
            if not chunk or put(chunk):
                put(error)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # a generator's ``finally`` (Django's closes its cursor) runs here, in this thread

    thread = threading.Thread(target=reader, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = handed.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()  # the caller stopped early (or is done): the reader gives up its put and closes the rows
        thread.join()
