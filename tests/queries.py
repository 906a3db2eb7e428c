"""The exact queries of a list page, each one named and explained (issue 18).

``assert_list_queries(client, url, EXPECTED)`` opens the page once (the short-lived figures of
``common.cache.remember`` fill: the filters' region choices, the menu's counts), then at 25 and at 100
rows a page checks that the page runs exactly the queries of ``EXPECTED``, in order: one
``(what, why)`` per query, where ``what`` is the query's kind and table as :func:`query_key` writes it
(``"SELECT cases_lead"``, ``"UPDATE django_session"``, ``"SAVEPOINT"``) and ``why`` says what the
page needs it for. A query more or less (a missing ``select_related`` that costs one query a row, a
count done twice) fails with the whole list, expected beside actual, so the fix or the new pin is
obvious; the same list at 25 and at 100 rows proves the number does not grow with the page.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import connection
from django.test.utils import CaptureQueriesContext

PAGE_SIZES = (25, 100)

_FROM = re.compile(r'\bFROM\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
_CURSOR = re.compile(r'^DECLARE\s+"?[A-Za-z0-9_]+"?\s+.*?CURSOR\s+(?:WITH\s+HOLD\s+)?FOR\s+', re.IGNORECASE)
_TARGET = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)


def query_key(sql: str) -> str:
    """``SELECT <first table>``, ``COUNT <table>``, ``INSERT/UPDATE/DELETE <table>`` or the first word.

    A query read through a server-side cursor (``DECLARE … FOR SELECT``, ``.iterator()``) is its SELECT.
    """
    sql = _CURSOR.sub("", sql.strip())
    head = sql.split(None, 1)[0].upper() if sql else ""
    if head in {"SELECT", "WITH"}:
        match = _FROM.search(sql)
        kind = "COUNT" if re.match(r"SELECT\s+COUNT\(\*\)", sql, re.IGNORECASE) else "SELECT"
        return f"{kind} {match.group(1)}" if match else kind
    target = _TARGET.match(sql)
    if target:
        return f"{target.group(1).split()[0].upper()} {target.group(2)}"
    return head


def _report(expected: Sequence[tuple[str, str]], queries: list[str], size: int) -> str:
    lines = [f"{len(queries)} queries at {size} rows a page, {len(expected)} expected:"]
    for i in range(max(len(expected), len(queries))):
        want = f"{expected[i][0]}  ({expected[i][1]})" if i < len(expected) else "—"
        got = queries[i] if i < len(queries) else "—"
        mark = "  " if i < len(expected) and i < len(queries) and query_key(got) == expected[i][0] else "✗ "
        lines.append(f"{mark}{i + 1:2d}. expected {want}\n       actual   {got[:300]}")
    lines.append("as a pin: [" + "".join(f'\n    ("{query_key(q)}", ""),' for q in queries) + "\n]")
    return "\n".join(lines)


def assert_list_queries(client, url: str, expected: Sequence[tuple[str, str]], *, params: dict | None = None,
                        min_rows: int | None = None, sizes: Sequence[int] = PAGE_SIZES) -> None:
    """At each of ``sizes`` rows a page, ``url`` answers 200 with exactly the queries of ``expected``.

    ``min_rows``: the page shows at least ``min(size, min_rows)`` table rows (so the check ran on
    full pages, not on an empty list that any code passes).
    """
    params = dict(params or {})
    assert client.get(url, params).status_code == 200  # the cache's figures fill here
    for size in sizes:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {**params, "per_page": size})
        assert response.status_code == 200, (url, size, response.status_code)
        if min_rows is not None:
            body = response.content.decode()
            rows = body.count("<tr") - body.count("<thead")  # the heading row is in <thead>
            assert rows >= min(size, min_rows), f"{url} at {size} a page showed {rows} rows"
        queries = [q["sql"] for q in ctx.captured_queries]
        keys = [query_key(q) for q in queries]
        assert keys == [what for what, _why in expected], _report(expected, queries, size)


def list_page(table: str, *, audited: bool = True) -> list[tuple[str, str]]:
    """The queries every list page of ``table`` begins with (common/views.py ``ObjectListView``)."""
    return [
        ("SELECT django_session", "the session (django.contrib.sessions)"),
        ("SELECT accounts_user", "the logged-in user with their region, which scopes the queryset (DECISIONS 1522)"),
        ("SELECT auth_permission", "the user's own and their groups' permissions, one UNION (permission_required)"),
        (f"COUNT {table}", "the paginator's count of the scoped, filtered rows"),
        *([("INSERT common_auditevent", "the audit record of a list of personal data (DESIGN §11)")]
          if audited else []),
        ("COUNT referrals_notification", "the menu's badge: the user's unread notifications"),
    ]
