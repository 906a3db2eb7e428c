"""`make bench`: every figure of DESIGN §10 in one run, each beside its baseline, in one table.

    .venv/bin/python bench/run.py [--quick] [--only NAME ...] [--database-url URL]

1. Creates (or reuses) the bench database and its dataset (``bench/dataset.py``: 1,000,000 people and
   1,000,000 leads; ``--quick``: 20,000 and 20,000 in a separate ``…_quick`` database). The database is
   ``BENCH_DATABASE_URL``, else ``jiuzhu_bench`` on the server of ``DATABASE_URL``.
2. Sets Django up against it (DEBUG off, Celery tasks in-process).
3. Runs each bench module in turn — ``feeds``, ``ledger_export``, ``monthly_report``, ``list_pages``,
   ``load`` — each ``run(ctx) -> list[Figure]``, each in its own process (its peak memory is its own; one
   that hangs is stopped after ``--timeout`` seconds). A module that is missing, cannot be imported or has
   no ``run`` is reported and skipped; one that fails prints its traceback and the others still run.
4. Prints one table (``bench.common.format_table``) and writes it, with the machine and the timings, to
   ``bench/results/latest.txt``.

``--only feeds --only load`` runs just those modules (the dataset is still ensured). ``--quick`` is a smoke
run of the bench itself: small sizes, a 10-second load test; its figures mean nothing.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import importlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import pg_server  # noqa: E402
from bench.common import Context, Figure, format_table  # noqa: E402

MODULES = ("feeds", "ledger_export", "monthly_report", "list_pages", "load")
RESULTS = ROOT / "bench" / "results" / "latest.txt"
# The per-session settings of docs/PERFORMANCE.md ("PostgreSQL for the machine") for this 2-core, 24 GB machine,
# applied to the bench database itself (ALTER DATABASE: the server is shared with the test suites, so no
# ALTER SYSTEM; new connections pick them up). ``--pg-defaults`` removes them, for a before/after comparison.
PG_SETTINGS = {"work_mem": "32MB", "random_page_cost": "1.1", "effective_io_concurrency": "200",
               "effective_cache_size": "16GB", "jit": "off"}
FULL = {"people": 1_000_000, "leads": 1_000_000}
QUICK = {"people": 20_000, "leads": 20_000}


def bench_database_url(quick: bool) -> str:
    """BENCH_DATABASE_URL, else the server of DATABASE_URL with the database ``jiuzhu_bench``."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu")
    parts = urlparse(url)
    name = parts.path.lstrip("/") if os.environ.get("BENCH_DATABASE_URL") else "jiuzhu_bench"
    if quick:
        name += "_quick"
    return urlunparse(parts._replace(path="/" + name))


def apply_pg_settings(database_url: str, *, defaults: bool) -> str:
    """Set (or reset, with ``defaults``) :data:`PG_SETTINGS` on the bench database; returns what it did."""
    import psycopg
    from psycopg import sql

    name = urlparse(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as conn:
        for setting, value in PG_SETTINGS.items():
            if defaults:
                conn.execute(sql.SQL("ALTER DATABASE {} RESET {}").format(sql.Identifier(name),
                                                                         sql.Identifier(setting)))
            else:
                conn.execute(sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)))
    if defaults:
        return "PostgreSQL: the server's defaults (--pg-defaults)"
    return "PostgreSQL: " + ", ".join(f"{k} = {v}" for k, v in PG_SETTINGS.items()) + " (ALTER DATABASE)"


def machine() -> str:
    cores = os.cpu_count()
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = float("nan")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cores} cores, {memory:.0f} GiB RAM, {platform.python_implementation()} {platform.python_version()}, "
            f"PostgreSQL {pg}; load average {load}")


def run_module(name: str, ctx: Context, timeout: float) -> tuple[list[Figure], float, str]:
    """Run bench.<name> in a child process (``--child``); returns (figures, seconds, note).

    A process per module: each measures its own peak memory (the parent has held the dataset build's), and
    one that hangs or crashes is stopped after ``timeout`` seconds without losing the other figures."""
    result_file = ctx.tmpdir / f"{name}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--database-url", ctx.database_url,
               "--result-file", str(result_file), "--tmpdir", str(ctx.tmpdir), "--timeout", str(timeout)] + (
        ["--quick"] if ctx.quick else [])
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        # The child has dumped every thread's stack to stderr already (faulthandler, below): a hang names its line.
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        return [], time.perf_counter() - started, f"bench/{name}.py stopped after {timeout:.0f} s (timeout)"
    seconds = time.perf_counter() - started
    if not result_file.exists():
        return [], seconds, f"bench/{name}.py ended with exit status {child.returncode} and no figures"
    data = json.loads(result_file.read_text(encoding="utf-8"))
    return [Figure(**f) for f in data["figures"]], seconds, "; ".join(data["notes"])


def child(name: str, database_url: str, result_file: Path, tmpdir: Path, quick: bool, timeout: float | None) -> int:
    """The child side: import the module, call run(ctx), write the figures as JSON.

    Shortly before its time limit the child prints the stack of every thread (``faulthandler``), so a module that
    hangs says where; its database sessions give up waiting for a lock after ``BENCH_LOCK_TIMEOUT`` (another
    run of the bench on the same database, or a test suite, holding a row or table it needs fails with a message
    instead of waiting out the time limit)."""
    import faulthandler

    if timeout:
        faulthandler.dump_traceback_later(max(5.0, timeout - 15), exit=False)
    os.environ.setdefault("PGOPTIONS", f"-c lock_timeout={os.environ.get('BENCH_LOCK_TIMEOUT', '60s')}")
    from bench.dataset import setup_django

    setup_django(database_url)
    ctx = Context(database_url=database_url, tmpdir=tmpdir, quick=quick)
    figures: list[Figure] = []
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"bench.{name}":
            traceback.print_exc()
        ctx.notes.append(f"bench/{name}.py does not exist: skipped" if exc.name == f"bench.{name}"
                         else f"bench/{name}.py cannot be imported: {exc}")
    except Exception as exc:  # a syntax error in one module must not lose the other figures
        traceback.print_exc()
        ctx.notes.append(f"bench/{name}.py cannot be imported: {type(exc).__name__}: {exc}")
    else:
        if not callable(getattr(module, "run", None)):
            ctx.notes.append(f"bench/{name}.py has no run(ctx): skipped")
        else:
            try:
                figures = list(module.run(ctx))
            except Exception:
                traceback.print_exc()
                ctx.notes.append(f"bench/{name}.py failed: {traceback.format_exc(limit=1).splitlines()[-1]}")
    result_file.write_text(json.dumps({"figures": [dataclasses.asdict(f) for f in figures], "notes": ctx.notes},
                                      ensure_ascii=False), encoding="utf-8")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and a 10 s load test (a smoke run)")
    parser.add_argument("--only", action="append", choices=MODULES, metavar="NAME",
                        help=f"run only this module (repeatable): {', '.join(MODULES)}")
    parser.add_argument("--database-url", default=None, help="the bench database (default: see above)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds each module may take (default 600, 300 with --quick)")
    parser.add_argument("--pg-defaults", action="store_true",
                        help="run on PostgreSQL's defaults instead of docs/PERFORMANCE.md's per-session settings")
    parser.add_argument("--server-settings", action="store_true",
                        help="also apply docs/PERFORMANCE.md's server-wide settings (ALTER SYSTEM + restart of the "
                             "bench database's server, reverted after: bench/pg_server.py)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tmpdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.database_url, args.result_file, args.tmpdir, args.quick, args.timeout)
    started = time.perf_counter()
    database_url = args.database_url or bench_database_url(args.quick)
    sizes = QUICK if args.quick else FULL
    # The load test's server gets Redis (the cache, as in production); this process runs tasks in-process.
    if os.environ.get("REDIS_URL"):
        os.environ.setdefault("BENCH_REDIS_URL", os.environ["REDIS_URL"])
    os.environ["BENCH_DATABASE_URL"] = database_url

    from bench.dataset import ensure_dataset

    print(f"bench database: {database_url} ({sizes['people']:,} people, {sizes['leads']:,} leads)")
    info = ensure_dataset(database_url, **sizes)
    dataset_note = (f"dataset reused (built {info.built_at:%Y-%m-%d %H:%M} in {info.build_seconds:.0f} s)"
                    if info.reused else f"dataset built in {info.build_seconds:.0f} s")
    print(dataset_note)
    pg_note = apply_pg_settings(database_url, defaults=args.pg_defaults)
    print(pg_note)

    tmpdir = Path(tempfile.mkdtemp(prefix="jiuzhu-bench-"))
    ctx = Context(database_url=database_url, tmpdir=tmpdir, quick=args.quick)
    figures: list[Figure] = []
    timings: list[str] = []
    server = pg_server.server_settings(database_url) if args.server_settings else contextlib.nullcontext(None)
    try:
        with server as server_note:
            if server_note:
                print(server_note)
                pg_note += "\n" + server_note
            about = machine()
            print(f"machine: {about}")
            for name in args.only or MODULES:
                print(f"\n=== {name} ===", flush=True)
                got, seconds, note = run_module(name, ctx, args.timeout or (300 if args.quick else 600))
                figures.extend(got)
                timings.append(f"{name} {seconds:.0f} s")
                if note:
                    print(note)
                    ctx.notes.append(note)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    total = time.perf_counter() - started
    table = format_table(figures)
    lines = [
        f"make bench{' --quick' if args.quick else ''} — {dt.datetime.now():%Y-%m-%d %H:%M}",
        f"machine: {about}",
        f"database: {urlparse(database_url).path.lstrip('/')}, {sizes['people']:,} people, {sizes['leads']:,} leads; "
        f"{dataset_note}",
        pg_note,
        f"time: {total:.0f} s in all ({', '.join(timings)})",
        "",
        table,
    ]
    if ctx.notes:
        lines += ["", "notes:"] + [f"- {n}" for n in ctx.notes]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
