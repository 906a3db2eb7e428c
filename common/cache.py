"""A Redis cache that a Redis outage cannot turn into a server error (DESIGN §11, docs/SECURITY.md).

The cache holds nothing that must survive: import progress, rate-limit counters. When Redis
does not answer, reads miss, writes are dropped, ``add`` reports "not added" and ``incr``
raises ``ValueError`` (what callers expect of a missing key); the page goes on and a
warning is logged once a minute at most.
"""
from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

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
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as exc:
            _warn("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as exc:
            _warn("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as exc:
            _warn("has_key", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE as exc:
            _warn("set", exc)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE as exc:
            _warn("set_many", exc)
            return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as exc:
            _warn("add", exc)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as exc:
            _warn("incr", exc)
            raise ValueError(f"cache unavailable: {key}") from exc

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as exc:
            _warn("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as exc:
            _warn("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNAVAILABLE as exc:
            _warn("delete_many", exc)


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
