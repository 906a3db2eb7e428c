"""Feed punctuality, counted once: the department deliveries due by a schedule (intake's ``FeedDeadline``),
delivered on time (by the due day, Beijing time), late, or not yet. The monthly report's department table and
the dashboard's chart and the list behind it all count with these two functions."""
from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy

PUNCTUALITY = (
    ("on_time", gettext_lazy("Delivered on time")),
    ("late", gettext_lazy("Delivered late")),
    ("missing", gettext_lazy("Not delivered")),
)


def by_punctuality(deadlines: QuerySet, value: str) -> QuerySet:
    """``on_time``: delivered by the due day; ``late``: after it; ``missing``: not delivered yet."""
    if value == "missing":
        return deadlines.filter(delivered_at__isnull=True)
    deadlines = deadlines.annotate(delivered_on=TruncDate("delivered_at")).filter(delivered_at__isnull=False)
    if value == "on_time":
        return deadlines.filter(delivered_on__lte=F("due_on"))
    if value == "late":
        return deadlines.filter(delivered_on__gt=F("due_on"))
    return deadlines


def punctuality_by_department(deadlines: QuerySet) -> QuerySet:
    """Per department of ``deadlines`` (in the order of their codes): ``due``, ``on_time``, ``late``, ``missing``,
    with ``feed__department`` and its ``__name`` and ``__short_name``. One query."""
    return (deadlines.annotate(delivered_on=TruncDate("delivered_at"))
            .values("feed__department", "feed__department__short_name", "feed__department__name",
                    "feed__department__code")
            .annotate(due=Count("id"),
                      on_time=Count("id", filter=Q(delivered_on__lte=F("due_on"))),
                      late=Count("id", filter=Q(delivered_on__gt=F("due_on"))),
                      missing=Count("id", filter=Q(delivered_at__isnull=True)))
            .order_by("feed__department__code"))
