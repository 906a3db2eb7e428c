"""Pagination that counts exactly only where counting is cheap (issue 15, docs/DECISIONS.md 551).

An exact ``COUNT(*)`` of a district's 900,000 outcomes costs PostgreSQL 0.5–0.8 s on every page view, while
"more than 10,000" tells the reader the same thing: filter first. :class:`CappedPaginator` counts at most
``cap + 1`` rows (``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``: PostgreSQL stops at the cap). Past the cap
the list says "10,000 条以上" with a link that counts exactly (``?count=exact``); the pages up to the cap can be
opened, and asking for a page beyond them counts exactly. The query count of a page is the same either way.
"""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property

# The request parameter that asks for an exact count.
EXACT_PARAM = "count"
EXACT_VALUE = "exact"


def count_cap() -> int:
    return getattr(settings, "LIST_COUNT_CAP", 10_000)


class CappedPaginator(Paginator):
    """A paginator over a django-tables2 table's rows (or a queryset) whose count stops at ``cap``."""

    def __init__(self, object_list, per_page, *args, cap: int | None = None, exact: bool = False, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.cap = count_cap() if cap is None else cap
        self.exact = exact
        self.capped = False

    def _queryset(self):
        """The queryset under django-tables2's rows (``BoundRows → TableQuerysetData → QuerySet``), if any."""
        data = getattr(self.object_list, "data", None)
        qs = getattr(data, "data", None)
        if isinstance(qs, models.QuerySet):
            return data, qs
        if isinstance(self.object_list, models.QuerySet):
            return None, self.object_list
        return None, None

    @cached_property
    def count(self) -> int:
        table_data, qs = self._queryset()
        if qs is None:
            return super().count
        if self.exact:
            n = qs.order_by().count()
        else:
            n = qs.order_by()[: self.cap + 1].count()
            if n > self.cap:
                self.capped = True
        if table_data is not None and not self.capped:
            table_data._length = n  # django-tables2 would count again for len(table.rows)
        return n

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except Exception:
            if not self.capped:
                raise
        # A page past the capped count: count exactly and try again.
        self.exact, self.capped = True, False
        for name in ("count", "num_pages", "page_range"):
            self.__dict__.pop(name, None)
        return super().validate_number(number)
