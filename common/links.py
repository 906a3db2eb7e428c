"""One object's URL, with the URL pattern reversed once (issue 15: lists link every row, DECISIONS 1421).

``reverse("cases:lead_detail", args=[pk])`` resolves the name, checks the candidate against the pattern and
quotes it on every call: ≈ 30–50 µs, once or twice a row of a list. ``reverse_pk`` reverses each URL name once
per URLconf and script prefix with a placeholder pk and puts each object's pk in its place — the same string,
since an ``<int:pk>`` converter writes ``str(pk)`` and digits are never quoted. Anything but a non-negative
``int`` goes through ``reverse`` as before.
"""
from __future__ import annotations

from django.urls import get_script_prefix, get_urlconf, reverse

_PLACEHOLDER = 2147483646  # never a pk of these pages (the inbox's cards use the same, intake/leads/cards.py)
_kept: dict[tuple, tuple[str, str] | None] = {}


def reverse_pk(viewname: str, pk) -> str:
    """``reverse(viewname, args=[pk])``, the same string."""
    if type(pk) is not int or pk < 0:
        return reverse(viewname, args=[pk])
    key = (viewname, get_urlconf(), get_script_prefix())
    try:
        parts = _kept[key]
    except KeyError:
        url = reverse(viewname, args=[_PLACEHOLDER])
        marker = str(_PLACEHOLDER)
        parts = tuple(url.split(marker)) if url.count(marker) == 1 else None
        if len(_kept) < 1024:
            _kept[key] = parts
    if parts is None:  # the placeholder is not alone in the URL: reverse each time
        return reverse(viewname, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"
