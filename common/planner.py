"""Queries whose joins PostgreSQL should take in the order Django writes them (issue 15, docs/DECISIONS.md 1325).

A page's main query often joins eight or more tables with ``select_related`` — a transfer form with its kind, its
lead and person, three regions and a department; a lead with its person, household, township, village and four
users — each join a primary-key lookup from rows found through the first table. PostgreSQL still searches every
order of the first eight joins (``join_collapse_limit``), over tables with up to 27 indexes: 20–38 ms to plan the
transfer-form list's 25 rows, which then run in 1–2 ms, and 8–17 ms for the case page's one lead. Written order
is the good order for these queries (the first table filtered and sorted along its own indexes, then each join
by key), and planning it takes 1–3 ms.

``joins_as_written()`` sets ``join_collapse_limit = 1`` for the session around the queries run inside it and sets
it back to its default after (two statements; a transaction that fails in between undoes the setting itself).
Only for the queries named where it is used; every other query is planned as before.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, connections


@contextmanager
def joins_as_written(using: str = "default"):
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET join_collapse_limit = 1")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET join_collapse_limit TO DEFAULT")
        except DatabaseError:
            # The transaction failed inside: its rollback undoes the SET; the error inside is the one to raise.
            if not connection.in_atomic_block:
                raise
