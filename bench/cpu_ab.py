"""Python CPU per page, two checkouts compared request by request (issue 15, helper pages4).

    .venv/bin/python bench/cpu_ab.py --before /work/wt/base --after . [--rounds 5] [--only lead] [--database-url …]

On a machine shared with other work a page's CPU time moves by 10–30 % between two runs of the same code, and
two whole runs of ``bench/page_cpu.py`` or ``bench/list_pages.py`` one after the other meet different loads. This
starts one worker process per checkout (each its own Python, with that checkout's code, against the same
database), then asks them in turn for the same page: ``--rounds`` rounds of every page, five requests each, the
order of the two alternating each round, and keeps the least CPU of each side. The pages are those of
``bench/list_pages.py``'s CPU pass (every list page at 25 rows as ``district``, the home page of every role)
and the lists of ``bench/page_cpu.py``'s mix as ``district`` and ``township``.

Not part of ``make bench`` nor of ``make test``: a tool for a change's before and after.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

REQUESTS = 5
MIX_LISTS = ("lead list", "person list", "transfer-form list", "notifications")


def worker(database_url: str) -> None:
    """Answer ``[user, path, requests]`` lines with ``[least CPU ms, status]`` (runs inside one checkout)."""
    here = Path(__file__).resolve().parent  # this script's folder, which Python put first: the checkout's code instead
    sys.path[:] = [os.getcwd()] + [p for p in sys.path if p and Path(p).resolve() != here]
    from bench.dataset import setup_django

    setup_django(database_url)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.test import Client

    from accounts.models import User

    clients: dict[str, Client] = {}
    print("ready", flush=True)
    for line in sys.stdin:
        username, path, requests = json.loads(line)
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        client.get(path)
        best, status = float("inf"), 0
        for _ in range(requests):
            started = time.process_time()
            status = client.get(path).status_code
            best = min(best, time.process_time() - started)
        print(json.dumps([best * 1000, status]), flush=True)


def pages(database_url: str) -> list[tuple[str, str, str]]:
    """(name, user, path) of every page compared (read in this checkout)."""
    sys.path.insert(0, os.getcwd())
    from bench.dataset import setup_django

    setup_django(database_url)
    from bench import list_pages, page_cpu

    found = [(f"list {path}", list_pages.USERNAME, f"{path}?per_page=25") for path, _view in list_pages.list_routes()]
    found += [("home", user, "/") for user in list_pages.ROLE_USERS]
    for user in page_cpu.USERS:
        found += [(name, user, path) for name, path in page_cpu.pages(user) if name in MIX_LISTS]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jiuzhu_bench"))
    parser.add_argument("--before", required=True, help="the checkout measured as 'before'")
    parser.add_argument("--after", default=".", help="the checkout measured as 'after' (default: this one)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", help="pages whose name contains this (repeatable)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.database_url)
        return
    python = str(Path(sys.executable))
    me = str(Path(__file__).resolve())
    todo = pages(args.database_url)
    if args.only:
        todo = [p for p in todo if any(o in p[0] for o in args.only)]
    sides = {}
    for side, checkout in (("before", args.before), ("after", args.after)):
        proc = subprocess.Popen([python, me, "--worker", "--database-url", args.database_url, "--before", "-"],
                                cwd=str(Path(checkout).resolve()), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"the {side} worker did not start in {checkout}")
        sides[side] = proc
    print(f"database {args.database_url.rsplit('/', 1)[-1]}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    least: dict[tuple[str, str], dict] = {}
    for round_ in range(args.rounds):
        order = ("before", "after") if round_ % 2 == 0 else ("after", "before")
        for name, user, path in todo:
            for side in order:
                proc = sides[side]
                proc.stdin.write(json.dumps([user, path, REQUESTS]) + "\n")
                proc.stdin.flush()
                ms, status = json.loads(proc.stdout.readline())
                row = least.setdefault((name, user), {"before": float("inf"), "after": float("inf")})
                row[side] = min(row[side], ms)
                row["status"] = status
    for proc in sides.values():
        proc.stdin.close()
        proc.wait()
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'page':<40} {'user':<13} {'before':>7} {'after':>7}  status  "
          f"(CPU ms, least of {args.rounds}×{REQUESTS} requests each, interleaved)")
    for (name, user), row in least.items():
        print(f"{name:<40} {user:<13} {row['before']:>7.1f} {row['after']:>7.1f}  {row['status']}")
    budget = 30.0
    print(f"≤ {budget:.0f} ms: before {sum(r['before'] <= budget for r in least.values())} of {len(least)}, "
          f"after {sum(r['after'] <= budget for r in least.values())} of {len(least)}")


if __name__ == "__main__":
    main()
