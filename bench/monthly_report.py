"""The monthly report (月报) over 1,000,000 leads: one township, the whole district, beside a bare GROUP BY.

    .venv/bin/python bench/monthly_report.py [--database-url postgres://…/jiuzhu_bench] [--month 2026-10]

* **baseline**: one month's bare ``SELECT township_id, method, count(*) … GROUP BY`` over the leads table
  (DESIGN §10 measured ≈ 50 ms for 1,000,000 indexed leads on this machine);
* **one township**: every figure of the report for one township (``ledgers.monthly.selectors.compute_figures``
  — about ten grouped queries: leads by method, channel and relief; accepted, assessed, closed; the working-day
  median; outcomes; transfer forms both ways; reminders; the roster);
* **district**: the same for every township of the district at once (what the task on the 1st computes).

The target is under 0.5 s each (issue 15; DESIGN §10 said 1 s). Each figure is the best of three runs (the
first warms the cache).
The figures are computed, not stored: the bench writes nothing to the shared dataset.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Context, Figure, format_table  # noqa: E402

TARGET_SECONDS = 0.5


def _best(fn, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def busiest_month() -> dt.date:
    """The last complete month with leads (the dataset spreads its leads over the last twelve months)."""
    from django.db.models import Max
    from django.utils import timezone

    from cases.models import Lead
    from ledgers.monthly.selectors import month_start, previous_month

    latest = Lead.objects.aggregate(Max("reported_at"))["reported_at__max"]
    if latest is None:
        return previous_month(timezone.localdate())
    # The month before the latest lead's: a whole month of leads (the latest lead's own month is the current
    # one, a few days old — the run of 2026-12-03 measured three days of December and called it a month).
    return previous_month(month_start(timezone.localdate(latest)))


def run(ctx: Context, month: dt.date | None = None) -> list[Figure]:
    from django.db import connection

    from accounts.choices import RegionLevel
    from accounts.models import Region
    from ledgers.monthly.selectors import compute_figures, month_bounds

    district = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code").first()
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=district.district_code)
                     .order_by("code"))
    month = month or busiest_month()
    start, end = month_bounds(month)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_lead")
        total_leads = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM cases_lead WHERE reported_at >= %s AND reported_at < %s", [start, end])
        month_leads = cursor.fetchone()[0]

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT township_id, method, count(*) FROM cases_lead "
                           "WHERE reported_at >= %s AND reported_at < %s GROUP BY township_id, method", [start, end])
            cursor.fetchall()

    from django.db.models import Count

    from cases.models import Lead

    per_township = dict(Lead.objects.filter(reported_at__gte=start, reported_at__lt=end)
                        .values_list("township_id").annotate(n=Count("id")).order_by())
    biggest = max(townships, key=lambda t: per_township.get(t.pk, 0))  # the township with the most leads
    baseline = _best(bare)
    one = _best(lambda: compute_figures(townships=[biggest], month=month))
    whole = _best(lambda: compute_figures(townships=townships, month=month))
    ctx.notes.append(f"monthly report: {total_leads:,} leads, {month_leads:,} reported in {month:%Y-%m}, "
                     f"{len(townships)} townships")
    base_name = "bare one-month GROUP BY over cases_lead"
    return [
        Figure(name=f"月报 figures, one township ({biggest.name}), {month:%Y-%m}", value=one,
               baseline_name=base_name, baseline_value=baseline, target=f"< {TARGET_SECONDS:g} s",
               met=one < TARGET_SECONDS),
        Figure(name=f"月报 figures, whole district ({len(townships)} townships), {month:%Y-%m}", value=whole,
               baseline_name=base_name, baseline_value=baseline, target=f"< {TARGET_SECONDS:g} s",
               met=whole < TARGET_SECONDS),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu_bench"))
    parser.add_argument("--month", default=None, help="YYYY-MM (default: the last complete month with leads)")
    args = parser.parse_args()
    from bench.dataset import setup_django

    setup_django(args.database_url)
    from ledgers.monthly.selectors import parse_month

    ctx = Context(database_url=args.database_url, tmpdir=Path("/tmp"))
    figures = run(ctx, month=parse_month(args.month) if args.month else None)
    print(format_table(figures))
    for note in ctx.notes:
        print(note)


if __name__ == "__main__":
    main()
