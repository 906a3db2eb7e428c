"""The progress of an import, in the cache (the import's own transaction is invisible until it commits)."""
from __future__ import annotations

import time

from django.core.cache import cache

PROGRESS_EVERY = 500
PROGRESS_TTL = 24 * 3600


# --- progress (in the cache: the import's own transaction is invisible until it commits) --------------
def progress_key(batch_id: int) -> str:
    return f"intake:feeds:progress:{batch_id}"


def _progress(batch_id: int, *, done: int, total: int, phase: str, started: float | None = None) -> None:
    cache.set(progress_key(batch_id), {"done": done, "total": total, "phase": phase,
                                       "started": started or time.time(), "at": time.time()}, PROGRESS_TTL)
