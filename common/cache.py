"""A Redis cache that a Redis outage cannot turn into a server error (DESIGN §11, docs/SECURITY.md).

The cache holds nothing that must survive: import progress, rate-limit counters. When Redis
does not answer, reads miss, writes are dropped, ``add`` reports "not added" and ``incr``
raises ``ValueError`` (what callers expect of a missing key); the page goes on and a
warning is logged once a minute at most. Short socket timeouts (settings) and a circuit breaker
(common/circuit.py) make a hung Redis cost one timeout, then nothing for a pause.
"""
from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .circuit import breaker_for

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning("cache unavailable (%s): %s", operation, exc)


class ForgivingRedisCache(RedisCache):
    """Every call is tried only while the breaker is closed; a failure opens it (common/circuit.py)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = breaker_for(self._servers[0])

    def _forgiving(self, operation: str, call, fallback):
        if not self.breaker.allows():
            return fallback()
        try:
            return call()
        except UNAVAILABLE as exc:
            self.breaker.failed()
            _warn(operation, exc)
            return fallback()

    def get(self, key, default=None, version=None):
        return self._forgiving("get", lambda: super(ForgivingRedisCache, self).get(key, default, version),
                               lambda: default)

    def get_many(self, keys, version=None):
        return self._forgiving("get_many", lambda: super(ForgivingRedisCache, self).get_many(keys, version), dict)

    def has_key(self, key, version=None):
        return self._forgiving("has_key", lambda: super(ForgivingRedisCache, self).has_key(key, version),
                               lambda: False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forgiving("set", lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version),
                        lambda: None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgiving("set_many", lambda: super(ForgivingRedisCache, self).set_many(data, timeout, version),
                               lambda: list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgiving("add", lambda: super(ForgivingRedisCache, self).add(key, value, timeout, version),
                               lambda: False)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"cache unavailable: {key}")

        return self._forgiving("incr", lambda: super(ForgivingRedisCache, self).incr(key, delta, version), missing)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgiving("touch", lambda: super(ForgivingRedisCache, self).touch(key, timeout, version),
                               lambda: False)

    def delete(self, key, version=None):
        return self._forgiving("delete", lambda: super(ForgivingRedisCache, self).delete(key, version),
                               lambda: False)

    def delete_many(self, keys, version=None):
        self._forgiving("delete_many", lambda: super(ForgivingRedisCache, self).delete_many(keys, version),
                        lambda: None)


# --- short-lived page figures ---------------------------------------------------------------------
# Counts and choice lists that are expensive to compute on every page view and may be a little out of
# date (a home page's head counts, a filter's 296 villages): kept in the cache for a short time. A
# "generation" key is part of every key, so ``forget_figures()`` drops them all at once (the tests do
# this before each test). When the cache does not answer, every read misses and the figure is computed.
FIGURES_GENERATION_KEY = "figures:generation"


def remember(name: str, parts, compute, *, seconds: int = 60):
    """``compute()``, kept ``seconds`` under ``name`` and ``parts`` (the scope that decides the value)."""
    from django.core.cache import cache

    generation = cache.get(FIGURES_GENERATION_KEY, 0)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"figures:{generation}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def forget_figures() -> None:
    """Every figure ``remember`` holds is recomputed on its next use."""
    from django.core.cache import cache

    cache.set(FIGURES_GENERATION_KEY, time.time_ns(), None)
