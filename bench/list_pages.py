"""Every list page's SQL query count at 25 and at 100 rows a page, for a district user (DESIGN §10: no N+1).

    .venv/bin/python bench/list_pages.py [--database-url postgres://…/jiuzhu_bench]

The pages are found, not listed: every URL of the URLconf whose view is a
``common.views.ObjectListView`` (as ``tests/test_scoping_walk.py`` walks them), so a new list is measured
the day it is added. Each is requested in-process (Django's test client, logged in as the demo account
``district``, which sees the whole district) once to warm up, then at ``?per_page=25`` and
``?per_page=100``, counting queries with ``CaptureQueriesContext``. The counts must be equal: a query per
row would show up as 75 more. The time of each request is printed too (one request, in-process, no server).

Issue 15 adds the **Python time per page**: the process's CPU time (``time.process_time``: Django, the
templates, django-tables2, psycopg's client side — not PostgreSQL, which is another process) of each list
page at 25 rows as ``district`` and of the home page of every demo role, the best of ``CPU_RUNS`` requests (spread over
``CPU_PASSES`` passes through the pages), against the budget of 30 ms. The wall time beside it includes PostgreSQL.
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Context, Figure  # noqa: E402

USERNAME = "district"
# The demo accounts of every role (cases.demo.demo_accounts), whose home pages are timed.
ROLE_USERS = ("assistant", "township", "townhead", "medical", "district", "districthead", "admin")
CPU_BUDGET_MS = 30.0
# The least of 7: the steady cost of a page. With 3 the least still carried the first requests' warming and the
# collector's pauses: the same lists, quiet machine, alternated, read 25–33 ms with 3 and 23–29 ms with 9
# (docs/PERFORMANCE.md, "Issue 15, session 25").
CPU_RUNS = 7
# ... taken over CPU_PASSES passes through every page, seconds apart, not in one burst: on a machine whose speed
# varies by the second (a virtual machine beside others' work: the same pure-Python loop read 331–584 ms in eight
# runs on an idle machine, session 27) seven requests in a row can all fall in a slow second. A page's figure is
# the least of all its requests; noise only adds, so the least over time is its steady cost.
CPU_PASSES = 3


def list_routes() -> list[tuple[str, type]]:
    """(path, view class) of every parameterless URL served by an ObjectListView subclass."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from common.views import ObjectListView

    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                view_class = getattr(p.callback, "view_class", None)
                if view_class and issubclass(view_class, ObjectListView):
                    if re.search(r"<[^>]+>|\(\?P", route):
                        print(f"  (skipped {route}: it takes parameters)")
                        continue
                    found.append(("/" + route.lstrip("^").rstrip("$"), view_class))

    walk(get_resolver().url_patterns)
    return found


def measure(username: str = USERNAME, sizes: tuple[int, int] = (25, 100)) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    results = []
    for path, view_class in list_routes():
        row = {"path": path, "view": view_class.__name__, "queries": {}, "ms": {}, "status": {}}
        client.get(path, {"per_page": sizes[0]})  # warm: templates, the user's permissions, the calendar
        for size in sizes:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path, {"per_page": size})
                row["ms"][size] = (time.perf_counter() - started) * 1000
            row["queries"][size] = len(captured.captured_queries)
            row["status"][size] = response.status_code
            if size == sizes[1]:
                row["rows_shown"] = response.content.count(b"<tr") - 1
        results.append(row)
    return results


def cpu_times(client, path: str, params: dict | None = None, runs: int = CPU_RUNS,
              warm: bool = True) -> tuple[float, float, int]:
    """(best Python CPU ms, wall ms of that request, status) of ``runs`` requests after a warm-up."""
    if warm:
        client.get(path, params or {})
    best = (float("inf"), 0.0, 0)
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get(path, params or {})
        cpu, wall = (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
        if cpu < best[0]:
            best = (cpu, wall, response.status_code)
    return best


def measure_cpu(username: str = USERNAME, passes: int = CPU_PASSES) -> list[dict]:
    """Python CPU per page: every list page at 25 rows as ``username``, and the home page of every role — the
    least of ``CPU_RUNS`` requests a page, spread over ``passes`` passes through all the pages."""
    from django.test import Client

    from accounts.models import User

    logging.getLogger("django.request").setLevel(logging.ERROR)
    clients: dict[str, Client] = {}

    def client_for(name: str):
        if name not in clients:
            user = User.objects.filter(username=name).first()
            if user is None:
                return None
            clients[name] = Client()
            clients[name].force_login(user)
        return clients[name]

    pages = [(path, username, {"per_page": 25}, path) for path, _view in list_routes()]
    pages += [("/", role_user, {}, "/ (home)") for role_user in ROLE_USERS]
    best: dict[tuple[str, str], dict] = {}
    runs = [CPU_RUNS // passes + (1 if k < CPU_RUNS % passes else 0) for k in range(passes)]
    for k in range(passes):
        for path, name, params, label in pages:
            client = client_for(name)
            if client is None:
                continue
            cpu, wall, status = cpu_times(client, path, params, runs=runs[k], warm=k == 0)
            row = best.get((label, name))
            if row is None or cpu < row["cpu"]:
                best[(label, name)] = {"page": label, "user": name, "cpu": cpu, "wall": wall, "status": status}
    return list(best.values())


def report_cpu(rows: list[dict]) -> str:
    lines = [f"{'page':<34} {'user':<13} {'CPU ms':>7} {'wall ms':>8}  status  (budget {CPU_BUDGET_MS:.0f} ms CPU)"]
    for r in rows:
        over = "" if r["cpu"] <= CPU_BUDGET_MS else "  over"
        lines.append(f"{r['page']:<34} {r['user']:<13} {r['cpu']:>7.1f} {r['wall']:>8.0f}  {r['status']}{over}")
    return "\n".join(lines)


MAIN_PAGES = ("/", "/intake/inbox/")  # with every list page, where the slowest queries are looked for


def worst_queries(n: int = 3, usernames: tuple[str, ...] = ("district", "township")) -> list[dict]:
    """The ``n`` slowest SELECTs of the list pages and main pages, for these users, with EXPLAIN (ANALYZE).

    Each page is requested once (warm), its queries timed as Django ran them; the slowest distinct ones are
    explained inside a transaction that is rolled back."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    logging.getLogger("django.request").setLevel(logging.ERROR)  # a township may not open every list: 403
    paths = [path for path, _view in list_routes()] + list(MAIN_PAGES)
    seen: dict[str, dict] = {}
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for path in paths:
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            for q in captured.captured_queries:
                sql = q["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                ms = float(q["time"]) * 1000
                if sql not in seen or seen[sql]["ms"] < ms:
                    seen[sql] = {"sql": sql, "ms": ms, "page": path, "user": username}
    worst = sorted(seen.values(), key=lambda q: -q["ms"])[:n]
    for q in worst:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            q["plan"] = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
    return worst


def report(results: list[dict], sizes=(25, 100)) -> str:
    a, b = sizes
    lines = [f"{'list page':<34} {'view':<28} {'q@' + str(a):>6} {'q@' + str(b):>6} {'ms@' + str(a):>8} "
             f"{'ms@' + str(b):>8}  status"]
    for r in results:
        same = "" if r["queries"][a] == r["queries"][b] else "  ≠ N+1!"
        lines.append(f"{r['path']:<34} {r['view']:<28} {r['queries'][a]:>6} {r['queries'][b]:>6} "
                     f"{r['ms'][a]:>8.0f} {r['ms'][b]:>8.0f}  {r['status'][a]}/{r['status'][b]}{same}")
    return "\n".join(lines)


def run(ctx: Context) -> list[Figure]:
    results = measure()
    print(report(results))
    figures = []
    for r in results:
        ok = r["queries"][25] == r["queries"][100] and r["status"][100] == 200
        figures.append(Figure(
            name=f"queries {r['path']} (100 rows)", value=r["queries"][100], unit="q",
            baseline_name="at 25 rows", baseline_value=r["queries"][25], target="equal, HTTP 200", met=ok))
    cpu_rows = measure_cpu()
    print()
    print(report_cpu(cpu_rows))
    for r in cpu_rows:
        if r["status"] != 200:
            continue
        figures.append(Figure(name=f"Python CPU {r['page']} ({r['user']}, 25 rows)", value=r["cpu"], unit="ms",
                              baseline_name="wall", baseline_value=r["wall"], target=f"≤ {CPU_BUDGET_MS:.0f} ms",
                              met=r["cpu"] <= CPU_BUDGET_MS))
    worst = worst_queries()
    for rank, q in enumerate(worst, start=1):
        print(f"\n--- slowest query #{rank}: {q['ms']:.1f} ms on {q['page']} as {q['user']}\n{q['sql']}\n{q['plan']}")
        figures.append(Figure(name=f"slowest query #{rank} ({q['page']}, {q['user']})", value=q["ms"], unit="ms"))
    slowest = max(results, key=lambda r: r["ms"][100])
    figures.append(Figure(name=f"slowest list at 100 rows ({slowest['path']}), in-process", value=slowest["ms"][100],
                          unit="ms", baseline_name="same at 25", baseline_value=slowest["ms"][25]))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu_bench"))
    args = parser.parse_args()
    from bench.dataset import setup_django

    setup_django(args.database_url)
    import tempfile

    run(Context(database_url=args.database_url, tmpdir=Path(tempfile.mkdtemp())))


if __name__ == "__main__":
    main()
