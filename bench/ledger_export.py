"""A 100,000-row 主动发现救助对象明细表 export against hand-written xlsxwriter (DESIGN §10).

* **product** — the product's code path: ``ledgers.registers.services.ledger_spec`` (selectors: the scoped queryset
  read by one streamed query of plain values, the row builder) written by ``common.exports.spec_write``
  (``common.xlsx``: typed, formula-safe cells, title row, frozen header, widths), from the database;
* **baseline** — what a careful hand-written xlsxwriter export of the same rows does, in ``constant_memory``
  mode: the same title row, header, widths and frozen panes, and every cell written with the same format and
  type as the product's (``write_number`` for 序号, ``write_string`` for text, ``write_blank`` for an empty
  cell so its border shows) — knowing each column's type, so without any per-cell type test. Its values are
  fetched into memory beforehand: the baseline does not pay for the database at all;
* **bare xlsxwriter**, for reference — ``write_row`` of the same values with no formats at all (the cells
  carry no border, no wrap and no text format, so the file is not the same): formats cost xlsxwriter ~13 %;
* **floor** — rustpy-xlsxwriter (Rust) writing the same values, for reference;
* **peak RSS** of the product export in a fresh process (target < 200 MB), beside that of a process that
  only runs ``django.setup()``. It is read from ``VmHWM`` in ``/proc/self/status``: ``ru_maxrss`` would
  report the parent's size, which a child inherits across fork + exec.

The machine is shared: the product and the baselines are run ``--repeat`` times, interleaved, and the best
time of each is kept. Target: the product within 1.5× of the baseline. Run alone::

    .venv/bin/python bench/ledger_export.py [--rows 100000] [--repeat 2] [--database-url URL]

Without ``--database-url`` it uses ``BENCH_DATABASE_URL`` or builds/reuses the bench dataset
(``bench/dataset.py``) in ``jiuzhu_bench``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Context, Figure, format_table  # noqa: E402
from bench.common import peak_rss_mb as common_peak_rss_mb  # noqa: E402

ROWS = 100_000
QUICK_ROWS = 5_000
REPEAT = 2


class _System:
    """The bench exports as the system (every lead), like the operator command."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = ""


@functools.cache
def _cutoff(rows: int) -> dt.date:
    """The earliest 发现日期 that still leaves ``rows`` leads (found once, outside the timings)."""
    from cases.models import Lead

    dates = Lead.objects.exclude(status="merged").order_by("-discovered_on").values_list("discovered_on", flat=True)
    return dates[rows - 1]


def _spec(rows: int):
    """The 明细表 of the last ~``rows`` leads by 发现日期: the lead list's "discovered after" filter, as a
    district exporting a period does (a few more than ``rows`` when several leads share the cut-off date)."""
    from cases.models import Lead
    from ledgers.registers.services import ledger_spec

    base = Lead.objects.filter(discovered_on__gte=_cutoff(rows))
    return ledger_spec("discovery_detail", user=_System(), queryset=base, region_name="博山区",
                       period="基准测试")


def product_export(path: str, rows: int) -> tuple[float, int]:
    from common.exports import spec_write

    start = time.perf_counter()
    count = spec_write(path, _spec(rows))
    return time.perf_counter() - start, count


def same_values(rows: int) -> list[list]:
    """The product's rows, fetched into memory once (the baselines write exactly these values)."""
    return list(_spec(rows).rows())


def handwritten_export(path: str, values: list[list], columns: list[tuple[str, float]], title: str) -> float:
    """The baseline: a careful hand-written xlsxwriter export of the same cells, formats and sheet layout."""
    import xlsxwriter

    start = time.perf_counter()
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                    "strings_to_numbers": False, "strings_to_urls": False})
    ws = wb.add_worksheet("明细表")
    title_format = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    header_format = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                   "align": "center", "valign": "vcenter"})
    text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top", "num_format": "@"})
    number = wb.add_format({"border": 1, "valign": "top"})
    for c, (_header, width) in enumerate(columns):
        ws.set_column(c, c, width)
    ws.set_row(0, 28)
    ws.merge_range(0, 0, 0, len(columns) - 1, title, title_format)
    for c, (header, _width) in enumerate(columns):
        ws.write_string(1, c, header, header_format)
    ws.freeze_panes(2, 0)
    write_number, write_string, write_blank = ws.write_number, ws.write_string, ws.write_blank
    text_columns = range(1, len(columns))
    for r, row in enumerate(values, start=2):
        write_number(r, 0, row[0], number)
        for c in text_columns:
            value = row[c]
            if value:
                write_string(r, c, value, text)
            else:
                write_blank(r, c, None, text)
    wb.close()
    return time.perf_counter() - start


def bare_export(path: str, values: list[list], headers: list[str]) -> float:
    """For reference: xlsxwriter's ``write_row`` with no formats (not the same file: no borders, no text format)."""
    import xlsxwriter

    start = time.perf_counter()
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("明细表")
    ws.write_row(0, 0, headers)
    for r, row in enumerate(values, start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return time.perf_counter() - start


def rust_export(path: str, values: list[list], headers: list[str]) -> float:
    import rustpy_xlsxwriter

    start = time.perf_counter()
    records = [dict(zip(headers, row, strict=True)) for row in values]
    rustpy_xlsxwriter.write_worksheet(records, path, sheet_name="明细表")
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident memory of this process: ``VmHWM`` (``ru_maxrss`` counts a parent's size across exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return common_peak_rss_mb()


def rss_in_subprocess(database_url: str, rows: int, *, setup_only: bool = False) -> dict:
    """Peak RSS of the product export alone, in a fresh process (nothing else loaded beforehand)."""
    command = [sys.executable, __file__, "--rss-child", "--rows", str(rows), "--database-url", database_url]
    if setup_only:
        command.append("--setup-only")
    out = subprocess.run(command, capture_output=True, text=True, check=True,
                         env={**os.environ, "DATABASE_URL": database_url})
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(ctx: Context) -> list[Figure]:
    from django.db import connection

    from ledgers.registers.selectors import DISCOVERY_DETAIL_COLUMNS

    rows = QUICK_ROWS if ctx.quick else ROWS
    headers = [h for h, _w in DISCOVERY_DETAIL_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_lead WHERE status <> 'merged'")
        available = cursor.fetchone()[0]
    if available < rows:
        ctx.notes.append(f"ledger export: only {available:,} leads in the database, {rows:,} wanted")
        rows = available
    tmp = Path(ctx.tmpdir)
    values = same_values(rows)
    title = _spec(rows).title
    product, handwritten, bare, rust = [], [], [], []
    for _ in range(max(REPEAT, 1)):
        seconds, count = product_export(str(tmp / "product.xlsx"), rows)
        product.append(seconds)
        handwritten.append(handwritten_export(str(tmp / "handwritten.xlsx"), values, DISCOVERY_DETAIL_COLUMNS,
                                              title))
        bare.append(bare_export(str(tmp / "bare.xlsx"), values, headers))
        rust.append(rust_export(str(tmp / "rust.xlsx"), values, headers))
    del values
    rss = rss_in_subprocess(ctx.database_url, rows)
    setup_rss = rss_in_subprocess(ctx.database_url, rows, setup_only=True)
    product_s, handwritten_s, bare_s = min(product), min(handwritten), min(bare)
    label = f"明细表 export, {count:,} rows"
    if REPEAT > 1:
        ctx.notes.append(f"ledger export: best of {REPEAT} runs each, interleaved; product "
                         + ", ".join(f"{s:.2f}" for s in product) + " s; hand-written "
                         + ", ".join(f"{s:.2f}" for s in handwritten) + " s")
    return [
        Figure(label, product_s, "s", "hand-written xlsxwriter (constant_memory, same formats, values in memory)",
               handwritten_s, "≤ 1.5× baseline", product_s <= 1.5 * handwritten_s),
        Figure(f"{label}: vs bare xlsxwriter", product_s, "s", "bare write_row, no formats", bare_s,
               "for reference", None),
        Figure(f"{label}: floor", min(rust), "s", "", None, "rustpy-xlsxwriter (Rust), for reference", None),
        Figure(f"{label}: peak RSS (own process)", rss["peak_rss_mb"], "MB", "django.setup() alone",
               setup_rss["peak_rss_mb"], "< 200 MB", rss["peak_rss_mb"] < 200),
    ]


def _rss_child(rows: int, setup_only: bool) -> None:
    if setup_only:
        print(json.dumps({"peak_rss_mb": round(peak_rss_mb(), 1)}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        seconds, count = product_export(str(Path(tmp) / "rss.xlsx"), rows)
    print(json.dumps({"peak_rss_mb": round(peak_rss_mb(), 1), "seconds": round(seconds, 2), "rows": count}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help=f"default {ROWS:,}")
    parser.add_argument("--repeat", type=int, default=REPEAT, help=f"runs of each, best kept (default {REPEAT})")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from bench.dataset import ensure_dataset, setup_django

    if args.rss_child:
        setup_django(args.database_url)
        _rss_child(args.rows or ROWS, args.setup_only)
        return
    url = args.database_url or "postgres://postgres@127.0.0.1:5432/jiuzhu_bench"
    if args.database_url:
        setup_django(url)
    else:
        ensure_dataset(url)
    if args.rows:
        globals()["ROWS"] = args.rows
    globals()["REPEAT"] = args.repeat
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Context(database_url=url, tmpdir=Path(tmp), quick=args.quick)
        figures = run(ctx)
    print(format_table(figures))
    for note in ctx.notes:
        print("note:", note)
    print(f"({dt.datetime.now():%Y-%m-%d %H:%M})")


if __name__ == "__main__":
    main()
