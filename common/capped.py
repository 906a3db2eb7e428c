"""Run a function in a child process with a memory cap and a time limit (issue 20 item 6).

Reading an untrusted workbook can take far more memory than the file's size (a 1.28 MB xlsx unpacked to
376 MB and took 1.9 GB to read). The web worker or Celery worker that receives it must not pay for that:
the read runs in a forked child whose address space may grow only ``memory_mb`` beyond what it inherited
(``RLIMIT_AS``) and which is killed after ``seconds``. The child touches no database or cache; it returns
its result through a pipe, or the exception it raised.
"""
from __future__ import annotations

import io
import os
import pickle
import resource
import select
import signal
import threading
import time
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


def _dumps(outcome) -> bytes:
    """The child's outcome pickled without the memo first: a read workbook is a million cells, and memoising each
    of them was two thirds of the pickling (100,000 rows: 0.25 s → 0.09 s, issue 15). The memo only matters for an
    object reached twice, which then arrives as two equal objects, or for a cycle, which fast mode refuses: that
    outcome is pickled again the usual way."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    try:
        pickler.dump(outcome)
    except (ValueError, RecursionError):  # a cycle (an exception's context, say): the memo is needed
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    return buffer.getvalue()


def _child(write_fd: int, func, args, memory_mb: int) -> None:
    try:
        try:
            limit = _virtual_size() + memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            outcome = ("ok", func(*args))
        except MemoryError:
            outcome = ("memory", None)
        except BaseException as exc:  # noqa: BLE001 - handed back to the parent as it is
            outcome = ("error", exc)
        with os.fdopen(write_fd, "wb", buffering=1 << 16) as pipe:
            if outcome[0] == "ok":
                # Pickled while it is sent: the parent unpickles the first frames while this pickles the last
                # (issue 15, session 27: 0.1 s of a 100,000-row read). Without the memo (see _dumps): a value that
                # needs it (a cycle) stops half sent, and the parent reports that the reader stopped.
                pickler = pickle.Pickler(pipe, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.fast = True
                pickler.dump(outcome)
                return
            try:
                payload = _dumps(outcome)
            except MemoryError:
                payload = pickle.dumps(("memory", None))
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                payload = pickle.dumps(("error", RuntimeError(traceback.format_exc(limit=3))))
            pipe.write(payload)
    finally:
        os._exit(0)  # no atexit handlers, no cleanup: the database connections belong to the parent


class _Pipe(io.RawIOBase):
    """The read end of the child's pipe as a file for :func:`pickle.load`, each read waiting no longer than the
    deadline (then :class:`CappedError` "time")."""

    def __init__(self, fd: int, deadline: float):
        self.fd, self.deadline = fd, deadline
        self.eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
            raise CappedError("time")
        data = os.read(self.fd, len(buffer))
        if not data:
            self.eof = True
        buffer[:len(data)] = data
        return len(data)


def run_capped(func, *args, memory_mb: int, seconds: float, meanwhile=None):
    """``func(*args)`` in a child process; raises what it raised, or CappedError("memory"|"time"|"died").

    ``meanwhile()``, if given, runs in this process while the child works (the machine's other core): when it
    raises, the child is killed and its exception is raised instead of the child's outcome. A plain ``os.fork``
    (not multiprocessing): Celery's prefork pool children are daemonic, and multiprocessing refuses to start
    children from those."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, func, args, memory_mb)
    os.close(write_fd)
    pipe = _Pipe(read_fd, time.monotonic() + seconds)
    finished = False
    try:
        if meanwhile is not None:
            meanwhile()
        try:
            status, value = pickle.load(io.BufferedReader(pipe, buffer_size=1 << 20))
        except (EOFError, pickle.UnpicklingError, ValueError) as exc:
            if pipe.eof:  # nothing, or not all of it: killed (its memory cap) or stopped half way
                raise CappedError("died") from exc
            raise
        finished = True
    finally:
        os.close(read_fd)
        if not finished:
            os.kill(pid, signal.SIGKILL)  # this call's own child, by its pid
            os.waitpid(pid, 0)
        elif os.waitpid(pid, os.WNOHANG) == (0, 0):
            # Its result is here; the child is still giving back the memory of a read workbook (tens of ms for
            # 100,000 rows, issue 15): reaped by a thread meanwhile instead of waited for here.
            threading.Thread(target=os.waitpid, args=(pid, 0), name=f"capped-reaper-{pid}", daemon=True).start()
    if status == "ok":
        return value
    if status == "memory":
        raise CappedError("memory")
    raise value
