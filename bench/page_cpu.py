"""The load test's pages, one by one: Python CPU and SQL of each, as the district and the township user.

    .venv/bin/python bench/page_cpu.py [--database-url postgres://…/jiuzhu_bench] [--runs 5]
                                       [--profile "lead page"] [--user district]

The pages are ``bench/load.py``'s mix (home, lead list, inbox, person list, transfer-form list,
notifications, a lead page), each requested in-process (Django's test client, DEBUG off, logged in as the
demo account ``district`` then ``township``): once to warm up, then ``--runs`` times, keeping the least
Python CPU (``time.process_time``: Django, templates, psycopg's client side — not PostgreSQL, another
process). Then once more with every query timed (``connection.execute_wrapper``: the query count and the
sum of the queries' wall times, which is PostgreSQL's time plus the round trips and the rows' decoding).
The lead page is one fixed lead of the user's area (the 1,000th most recently reported, as the load test
picks among the 2,000 most recent), so before and after compare the same page.

``--profile PAGE`` prints a cProfile (CPU clock) of that page for ``--user``, sorted by own time.

Not part of ``make bench`` nor of ``make test``: a tool to find where a page's time goes and to rerun after
a change. The load average is printed with the table: CPU time inflates when other work shares the cores.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load import pages_of_every_user  # noqa: E402

USERS = ("district", "township")
RUNS = 5


def pages(username: str) -> list[tuple[str, str]]:
    """(name, path) of the load test's pages for this user (bench/load.py ``page_plan``)."""
    from django.urls import reverse

    from accounts.models import User
    from cases.models import Lead

    user = User.objects.get(username=username)
    leads = Lead.objects.order_by("-reported_at")
    if username == "township":
        leads = leads.filter(township=user.region)
    ids = list(leads.values_list("pk", flat=True)[:1000])
    lead_id = ids[-1]
    return pages_of_every_user() + [("lead page", reverse("cases:lead_detail", args=[lead_id]))]


class QueryTimer:
    """Counts the queries run through the connection and sums their wall time."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def measure_page(client, path: str, runs: int) -> dict:
    from django.db import connection

    client.get(path)  # warm: templates, permissions, the user's scope, the kept "today's work"
    best_cpu, best_wall, status, size = float("inf"), 0.0, 0, 0
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu, wall = (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000
        if cpu < best_cpu:
            best_cpu, best_wall, status, size = cpu, wall, response.status_code, len(response.content)
    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        client.get(path)
    return {"cpu": best_cpu, "wall": best_wall, "status": status, "queries": timer.count,
            "sql_ms": timer.seconds * 1000, "kb": size / 1024}


def measure(usernames=USERS, runs: int = RUNS) -> list[dict]:
    from django.test import Client

    from accounts.models import User

    rows = []
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name, path in pages(username):
            rows.append({"page": name, "path": path, "user": username, **measure_page(client, path, runs)})
    return rows


def report(rows: list[dict]) -> str:
    lines = [f"{'page':<20} {'user':<9} {'CPU ms':>7} {'wall ms':>8} {'queries':>8} {'SQL ms':>7} {'KB':>6}  status"]
    for r in rows:
        lines.append(f"{r['page']:<20} {r['user']:<9} {r['cpu']:>7.1f} {r['wall']:>8.1f} {r['queries']:>8} "
                     f"{r['sql_ms']:>7.1f} {r['kb']:>6.0f}  {r['status']}")
    for user in sorted({r["user"] for r in rows}):
        mine = [r for r in rows if r["user"] == user]
        lines.append(f"{'mean of the mix':<20} {user:<9} {sum(r['cpu'] for r in mine) / len(mine):>7.1f} "
                     f"{sum(r['wall'] for r in mine) / len(mine):>8.1f} "
                     f"{sum(r['queries'] for r in mine) / len(mine):>8.1f} "
                     f"{sum(r['sql_ms'] for r in mine) / len(mine):>7.1f}")
    return "\n".join(lines)


def profile(username: str, page: str, runs: int, limit: int = 45) -> str:
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    path = dict(pages(username))[page]
    client.get(path)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return f"{page} as {username}, {runs} requests\n" + out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu_bench"))
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--user", action="append", help="district, township (default: both)")
    parser.add_argument("--profile", help="a page name of the mix, e.g. 'lead page'")
    args = parser.parse_args()
    from bench.dataset import setup_django

    setup_django(args.database_url)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    usernames = tuple(args.user or USERS)
    if args.profile:
        print(profile(usernames[0], args.profile, args.runs))
        return
    print(f"database {args.database_url.rsplit('/', 1)[-1]}, best of {args.runs} after a warm-up, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = measure(usernames, args.runs)
    print(report(rows))
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
