"""The server-wide PostgreSQL settings of docs/PERFORMANCE.md ("PostgreSQL for the machine"), for one bench run.

    .venv/bin/python bench/run.py --server-settings      # applied before the modules, reverted after

The per-session settings (``work_mem``, ``random_page_cost``…) are set on the bench database itself
(``bench/run.py``'s ``ALTER DATABASE``). The rest take effect only server-wide — ``shared_buffers`` and
``wal_buffers`` at a restart, the WAL and checkpoint settings at a reload — so they need ``ALTER SYSTEM`` on the
bench database's server and a restart of it. :func:`server_settings` does that as a context manager: it records
what ``postgresql.auto.conf`` held for each setting, sets the values of the "2 cores, 8 GB" column (this machine
has 2 cores; the database shares them with gunicorn, so the smallest column), restarts, and on the way out puts
every setting back as it was and restarts again — even when a module failed or the run was interrupted with
Ctrl-C.

Restarting the server breaks every other connection to it (a test suite running beside the bench would fail),
which is why this is a flag and not the default. The restart command is ``BENCH_PG_RESTART`` (a shell command),
else ``pg_ctlcluster <major> <cluster> restart`` when the server is a Debian cluster on this machine; when there
is neither, or the role is not a superuser, nothing is changed and the note says so.
"""
from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator

# docs/PERFORMANCE.md, "PostgreSQL for the machine", the column "2 cores, 8 GB": the settings ALTER DATABASE
# cannot set (restart or reload). max_connections is left: the bench opens few.
SERVER_SETTINGS = {
    "shared_buffers": "2GB",
    "wal_buffers": "16MB",
    "max_wal_size": "2GB",
    "min_wal_size": "512MB",
    "checkpoint_completion_target": "0.9",
}


def _connect(database_url: str):
    import psycopg

    return psycopg.connect(database_url, autocommit=True)


def _restart_command(database_url: str) -> list[str] | None:
    configured = os.environ.get("BENCH_PG_RESTART")
    if configured:
        return ["sh", "-c", configured]
    if not shutil.which("pg_ctlcluster"):
        return None
    with _connect(database_url) as conn:
        major = conn.execute("SHOW server_version_num").fetchone()[0][:2]
        cluster = conn.execute("SHOW cluster_name").fetchone()[0]  # Debian: "15/main"
    name = cluster.split("/", 1)[1] if "/" in cluster else "main"
    return ["pg_ctlcluster", major, name, "restart"]


def _restart(command: list[str], database_url: str, timeout: float = 120) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=timeout)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with _connect(database_url) as conn:
                conn.execute("SELECT 1")
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _current(conn) -> dict[str, str]:
    rows = conn.execute("SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)",
                        [list(SERVER_SETTINGS)]).fetchall()
    return {name: f"{setting}{unit or ''}" for name, setting, unit in rows}


@contextlib.contextmanager
def server_settings(database_url: str) -> Iterator[str]:
    """Apply :data:`SERVER_SETTINGS` for the ``with`` block; yields a note for the table (what was done)."""
    from django.db import connections

    with _connect(database_url) as conn:
        superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        before = _current(conn)
        # What ALTER SYSTEM had set before us (postgresql.auto.conf), to put back exactly.
        auto = dict(conn.execute(
            "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%%postgresql.auto.conf' "
            "AND name = ANY(%s)", [list(SERVER_SETTINGS)]).fetchall()) if superuser else {}
    command = _restart_command(database_url) if superuser else None
    if command is None:
        reason = "the role is not a superuser" if not superuser else "no restart command (set BENCH_PG_RESTART)"
        yield f"PostgreSQL server settings not applied ({reason}); the server's own: " + _describe(before)
        return

    def alter(values: dict[str, str | None]) -> None:
        from psycopg import sql

        with _connect(database_url) as conn:
            for name, value in values.items():
                if value is None:
                    conn.execute(sql.SQL("ALTER SYSTEM RESET {}").format(sql.Identifier(name)))
                else:
                    conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        connections.close_all()  # this process's Django connection dies with the restart
        _restart(command, database_url)

    alter(SERVER_SETTINGS)
    try:
        with _connect(database_url) as conn:
            after = _current(conn)
        warmed = prewarm(database_url)
        yield (f"PostgreSQL server (ALTER SYSTEM + `{shlex.join(command)}`, reverted after): {_describe(after)}; "
               f"before: {_describe(before)}; {warmed}")
    finally:
        alter({name: auto.get(name) for name in SERVER_SETTINGS})


def prewarm(database_url: str) -> str:
    """After the restart, the bench database read into shared buffers, as a server that has been serving a district
    holds its pages (issue 15, session 27, DECISIONS 1494): without it the first module measured reading the
    registry from the operating system's cache — the feed import's per-row probes of 1,000,000 people, which the
    floor it is compared with never reads. ``pg_prewarm`` (PostgreSQL's contrib) of every table and index, the
    largest first, so that when the database is larger than shared buffers the smaller ones (the registry, the
    indexes, the regions) are the ones that stay. Returns a note for the table."""
    started = time.monotonic()
    with _connect(database_url) as conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except Exception as exc:  # noqa: BLE001 - a server without contrib: measured cold, and said so
            return f"shared buffers not warmed ({exc.__class__.__name__})"
        relations = conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'i', 'm') AND n.nspname = 'public' AND c.relpersistence = 'p' "
            "ORDER BY pg_relation_size(c.oid) DESC").fetchall()
        pages = sum(conn.execute("SELECT pg_prewarm(%s::regclass)", [name]).fetchone()[0] for (name,) in relations)
    return (f"shared buffers warmed after the restart (pg_prewarm of {len(relations)} tables and indexes, "
            f"{pages * 8 // 1024} MB read, {time.monotonic() - started:.0f} s)")


def _describe(values: dict[str, str]) -> str:
    def pretty(raw: str) -> str:
        # pg_settings gives shared_buffers in 8kB pages: "262144" + "8kB"
        if raw.endswith("8kB") and raw[:-3].isdigit():
            kb = int(raw[:-3]) * 8
            return f"{kb // 1024} MB" if kb % 1024 == 0 else f"{kb} kB"
        if raw.endswith("MB") and raw[:-2].isdigit():
            mb = int(raw[:-2])
            return f"{mb // 1024} GB" if mb >= 1024 and mb % 1024 == 0 else f"{mb} MB"
        return raw

    return ", ".join(f"{name} {pretty(values.get(name, '?'))}" for name in SERVER_SETTINGS)
