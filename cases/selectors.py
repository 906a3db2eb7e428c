"""Reads of the registry, always through the user's scope."""
from __future__ import annotations

from django.db.models import Count, Q

from accounts.scoping import scope

from .choices import AssistanceStatus
from .models import Person


def registry_summary(*, user) -> dict:
    """Head counts for a user's home page: people, households, and those under relief."""
    people = scope(user, Person.objects.all())
    counts = people.aggregate(
        people=Count("id"),
        households=Count("household", distinct=True),
        under_relief=Count("id", filter=Q(assistance_status__in=[AssistanceStatus.DIBAO, AssistanceStatus.TEKUN])),
        low_income=Count("id", filter=~Q(assistance_status=AssistanceStatus.NONE)),
    )
    return counts


def household_members(*, user, person: Person):
    return (scope(user, Person.objects.filter(household_id=person.household_id))
            .select_related("village").order_by("relation", "birth_date"))
