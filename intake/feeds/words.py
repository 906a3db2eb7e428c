"""``gettext`` remembered for the length of one import's wording (issue 15).

A delivery that raises a thousand leads puts a thousand reports and family situations into words: ten thousand
``gettext`` calls of the same two dozen messages, each ≈ 3 µs through Django's thread-local translation lookup.
Inside :func:`remembered` (one import, one thread, one language) each message is looked up once; outside it this
is Django's ``gettext`` itself. The text is the same either way.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext as _gettext

_memo: ContextVar[dict[str, str] | None] = ContextVar("intake_feeds_gettext", default=None)


def gettext(message: str) -> str:
    memo = _memo.get()
    if memo is None:
        return _gettext(message)
    text = memo.get(message)
    if text is None:
        text = memo[message] = _gettext(message)
    return text


@contextmanager
def remembered():
    """Within the block, each message is translated once (the active language does not change inside it)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)
