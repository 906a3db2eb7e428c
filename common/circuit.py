"""A circuit breaker for Redis: after a failure, leave it alone for a pause (DESIGN §11, docs/SECURITY.md).

A Redis that refuses connections fails fast; one that accepts them and never answers (hung, swapping, a
half-open network) costs every call its socket timeout. So every Redis call the pages make — the cache
(common/cache.py) and publishing a task (common/outbox.py) — asks :data:`redis_breaker` first: after a
timeout or refusal it stays open for ``settings.REDIS_PAUSE_SECONDS`` and the callers take their fallback
at once (a cache miss, a task kept in PostgreSQL). The first call after the pause tries Redis again.
One breaker per Redis server and process: the cache and the broker share it when they share the server.
"""
from __future__ import annotations

import threading
import time

from django.conf import settings


class CircuitBreaker:
    def __init__(self, name: str):
        self.name = name
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allows(self) -> bool:
        """False while the pause after a failure runs."""
        return time.monotonic() >= self._open_until

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + float(getattr(settings, "REDIS_PAUSE_SECONDS", 30))

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


_breakers: dict[str, CircuitBreaker] = {}


def breaker_for(location: str) -> CircuitBreaker:
    """The breaker of one Redis (its URL, without the database number: one server, one breaker)."""
    server = location.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1]
    if server not in _breakers:
        _breakers[server] = CircuitBreaker(server)
    return _breakers[server]


def reset_all() -> None:
    for breaker in _breakers.values():
        breaker.reset()
