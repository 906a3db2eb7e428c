"""Run a function in a child process with a memory cap and a time limit (issue 20 item 6).

Reading an untrusted workbook can take far more memory than the file's size (a 1.28 MB xlsx unpacked to
376 MB and took 1.9 GB to read). The web worker or Celery worker that receives it must not pay for that:
the read runs in a forked child whose address space may grow only ``memory_mb`` beyond what it inherited
(``RLIMIT_AS``) and which is killed after ``seconds``. The child touches no database or cache; it returns
its result through a pipe, or the exception it raised.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import traceback


class CappedError(Exception):
    """The child ran out of memory or time, or died."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "memory", "time" or "died"


def _virtual_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(conn, func, args, memory_mb: int) -> None:
    try:
        limit = _virtual_size() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            conn.send(("ok", func(*args)))
        except MemoryError:
            conn.send(("memory", None))
        except BaseException as exc:  # noqa: BLE001 - handed back to the parent as it is
            try:
                conn.send(("error", exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                conn.send(("error", RuntimeError(traceback.format_exc(limit=3))))
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers: the database connections belong to the parent


def run_capped(func, *args, memory_mb: int, seconds: float):
    """``func(*args)`` in a child process; raises what it raised, or CappedError("memory"|"time"|"died")."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, func, args, memory_mb), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise CappedError("time")
        try:
            status, value = receiver.recv()
        except (EOFError, MemoryError):
            raise CappedError("died") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()  # this call's own child, by its pid
        child.join(timeout=5)
    if status == "ok":
        return value
    if status == "memory":
        raise CappedError("memory")
    raise value
