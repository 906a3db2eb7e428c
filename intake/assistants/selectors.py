"""Reads of village assistants (协理员): who is appointed where, villages without one."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.scoping import scope
from intake.assistants.models import AssistantAppointment


def current_appointments(*, day: dt.date | None = None) -> QuerySet:
    day = day or timezone.localdate()
    return AssistantAppointment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), appointed_on__lte=day)


def villages_in_scope(*, user) -> QuerySet:
    return scope(user, Region.objects.filter(level=RegionLevel.VILLAGE))


def assistant_coverage(*, user, day: dt.date | None = None, missing_only: bool = False) -> QuerySet:
    """Every village of the user's area with its current assistants, their count and the last training."""
    day = day or timezone.localdate()
    current = current_appointments(day=day)
    villages = (villages_in_scope(user=user).select_related("parent")
                .annotate(has_assistant=Exists(current.filter(village_id=OuterRef("pk"))),
                          assistants=Count("assistant_appointments",
                                           filter=Q(assistant_appointments__in=current), distinct=True),
                          last_trained=Max("assistant_appointments__trainings__trained_on",
                                           filter=Q(assistant_appointments__in=current)))
                .order_by("code"))
    if missing_only:
        villages = villages.filter(has_assistant=False)
    return villages


def villages_without_assistant(*, user, day: dt.date | None = None) -> int:
    current = current_appointments(day=day)
    return villages_in_scope(user=user).exclude(Exists(current.filter(village_id=OuterRef("pk")))).count()


def coverage_by_township(*, user, day: dt.date | None = None) -> list[dict]:
    """Per township: villages, villages with an assistant, without one."""
    current = current_appointments(day=day)
    rows = (villages_in_scope(user=user)
            .annotate(has_assistant=Exists(current.filter(village_id=OuterRef("pk"))))
            .values("parent_id", "parent__name", "parent__code")
            .annotate(villages=Count("id"), covered=Count("id", filter=Q(has_assistant=True)))
            .order_by("parent__code"))
    return [{**r, "missing": r["villages"] - r["covered"]} for r in rows]


def appointment_names(*, villages: list[Region], day: dt.date | None = None) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for village_id, name in (current_appointments(day=day).filter(village__in=villages)
                             .order_by("village_id", "appointed_on").values_list("village_id", "name")):
        names.setdefault(village_id, []).append(name)
    return names


def appointments_of(*, villages: list[Region], day: dt.date | None = None) -> dict[int, list]:
    """The current appointments of these villages, with their number of trainings, by village."""
    rows: dict[int, list] = {}
    for appointment in (current_appointments(day=day).filter(village__in=villages)
                        .annotate(training_count=Count("trainings"), last_trained=Max("trainings__trained_on"))
                        .order_by("village_id", "appointed_on")):
        rows.setdefault(appointment.village_id, []).append(appointment)
    return rows
