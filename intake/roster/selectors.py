"""Reads of the roster: entries, visits due, severe-weather periods."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from accounts.scoping import scope
from cases.models import Person
from cases.selectors import Event
from common import resident_id
from intake.models import RosterEntry, SevereWeatherPeriod, Visit


# --- selectors ------------------------------------------------------------------------------------
def roster_entries(*, user) -> QuerySet:
    return scope(user, RosterEntry.objects.all())


def tag_codes_by_person(person_ids: Iterable[int]) -> dict[int, list[str]]:
    """The codes of these people's tags, ``{person id: [code, …]}`` with every id a key; one query, none for no id.

    What the cadence rules read of a tag is its code: a list of roster entries asks this once for its rows, where
    Django's prefetch of the tags built a queryset filtered through the many-to-many and a model instance per tag,
    and ``values_list`` compiled as much for a statement that never changes but for the number of ids. Plain SQL
    from the models' table and column names, as ``accounts.backends`` reads permissions (DECISIONS 1522, 1580)."""
    codes: dict[int, list[str]] = {pk: [] for pk in person_ids}
    if not codes:
        return codes
    tags = Person._meta.get_field("tags")
    tag = tags.related_model._meta
    q = connection.ops.quote_name
    person = q(tags.m2m_column_name())
    sql = (f"SELECT t.{person}, g.{q(tag.get_field('code').column)} FROM {q(tags.m2m_db_table())} t "
           f"INNER JOIN {q(tag.db_table)} g ON g.{q(tag.pk.column)} = t.{q(tags.m2m_reverse_name())} "
           f"WHERE t.{person} IN ({', '.join(['%s'] * len(codes))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, list(codes))
        for person_id, code in cursor.fetchall():
            codes[person_id].append(code)
    return codes


def _visible_periods(user) -> QuerySet:
    """Severe-weather periods the user works under.

    A period belongs to a township, so the region scope hides it from a village
    assistant, whose scope is their village; yet the assistant must know that
    their own township declared severe weather. Their township's periods are
    added to what the scope shows (nothing of another township).
    """
    periods = scope(user, SevereWeatherPeriod.objects.all())
    if getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.VILLAGE_ASSISTANT \
            and user.region.parent_id:
        periods = periods | SevereWeatherPeriod.objects.filter(township_id=user.region.parent_id)
    return periods


def severe_weather_townships(*, user, day: dt.date | None = None) -> set[int]:
    """Ids of the townships the user works in with a severe-weather period on ``day`` (one query)."""
    day = day or timezone.localdate()
    return set(_visible_periods(user).filter(starts_on__lte=day, ends_on__gte=day)
               .values_list("township_id", flat=True))


def severe_weather_periods(*, user) -> QuerySet:
    return _visible_periods(user).select_related("township", "declared_by")


def severe_weather_current(*, user, day: dt.date | None = None) -> list[SevereWeatherPeriod]:
    """Periods of the user's area that are on today or still to come."""
    day = day or timezone.localdate()
    return list(severe_weather_periods(user=user).filter(ends_on__gte=day).order_by("starts_on"))


def visits_due(*, user, day: dt.date | None = None, mine_only: bool = True, limit: int | None = 50) -> dict:
    """Active entries of the user's area due today and overdue; an assistant's own and unassigned ones."""
    day = day or timezone.localdate()
    entries = roster_entries(user=user).filter(until__isnull=True, next_due_on__lte=day)
    if mine_only and user.role == Role.VILLAGE_ASSISTANT:
        entries = entries.filter(Q(assistant=user) | Q(assistant__isnull=True))
    entries = entries.select_related("person", "village", "assistant").prefetch_related("person__tags")
    overdue = entries.filter(next_due_on__lt=day).order_by("next_due_on", "id")
    due_today = entries.filter(next_due_on=day).order_by("id")
    counts = entries.aggregate(overdue=Count("id", filter=Q(next_due_on__lt=day)),
                               due_today=Count("id", filter=Q(next_due_on=day)))
    return {
        "day": day,
        "overdue": list(overdue[:limit] if limit else overdue),
        "due_today": list(due_today[:limit] if limit else due_today),
        "counts": counts,
    }


def overdue_by_village(*, user, day: dt.date | None = None) -> list[dict]:
    """Per village of the user's area: active entries, overdue and due today (one grouped query)."""
    day = day or timezone.localdate()
    rows = (roster_entries(user=user).filter(until__isnull=True)
            .values("township_id", "township__name", "village_id", "village__name", "village__code")
            .annotate(active=Count("id"), overdue=Count("id", filter=Q(next_due_on__lt=day)),
                      due_today=Count("id", filter=Q(next_due_on=day)),
                      oldest_due=Min("next_due_on", filter=Q(next_due_on__lt=day)))
            .order_by("-overdue", "village__code"))
    return [
        {**row, "days_overdue": (day - row["oldest_due"]).days if row["oldest_due"] else 0}
        for row in rows
    ]


def roster_people_search(*, user, query: str, limit: int = 10) -> QuerySet:
    """People in scope, by name or the beginning of their ID number, for the add-to-roster form."""
    query = (query or "").strip()
    if not query:
        return Person.objects.none()
    people = scope(user, Person.objects.filter(is_deceased=False)).select_related("village")
    normalized = resident_id.normalize(query)
    if normalized[:1].isdigit():
        people = people.filter(id_number__startswith=normalized)
    else:
        people = people.filter(name__startswith=query)
    return people.order_by("name", "id")[:limit]


def entry_visits(*, user, entry: RosterEntry, limit: int = 20) -> list[Visit]:
    return list(scope(user, Visit.objects.filter(roster_entry=entry))
                .select_related("visitor", "lead").prefetch_related("photos").order_by("-visited_on", "-id")[:limit])


def assistants_in_scope(*, user) -> QuerySet:
    return scope(user, User.objects.filter(role=Role.VILLAGE_ASSISTANT, is_active=True)).select_related("region")


def lead_timeline_visits(*, user, lead, member_ids, names) -> list:
    """The visits to the lead's household, on the case page's timeline (registered in cases.selectors)."""
    visits = scope(user, Visit.objects.filter(person_id__in=member_ids)).select_related("visitor")
    return [Event(v.created_at, "door-open", _("Visit to %(name)s (%(mode)s)") % {
        "name": names.get(v.person_id, ""), "mode": v.get_mode_display()}, detail=v.findings,
        who=v.visitor.display_name if v.visitor else "", day=v.visited_on,
        tone="warning" if v.found_hardship else "secondary") for v in visits]
