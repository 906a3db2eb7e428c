"""包村 / 包户 (seed 003: "全面落实'镇（街道）干部包村（社区）、村（社区）干部包户'走访联系制度"; issue 17 rule 3):
who is responsible for a person — the village cadre for the household and the township cadre for the village."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import CadreAssignment, Person


def current(*, day: dt.date | None = None):
    day = day or timezone.localdate()
    return CadreAssignment.objects.filter(Q(until__isnull=True) | Q(until__gte=day), since__lte=day)


def responsible_for(*, person: Person, day: dt.date | None = None) -> dict[str, list[CadreAssignment]]:
    """``{"village": [...], "household": [...]}``: the current 包村 cadres of the person's village and 包户 cadres of
    their household (two small queries' worth, one query)."""
    rows = list(current(day=day).filter(Q(kind=CadreAssignment.Kind.VILLAGE, village_id=person.village_id)
                                        | Q(kind=CadreAssignment.Kind.HOUSEHOLD, household_id=person.household_id))
                .order_by("kind", "since", "id"))
    return {"village": [r for r in rows if r.kind == CadreAssignment.Kind.VILLAGE],
            "household": [r for r in rows if r.kind == CadreAssignment.Kind.HOUSEHOLD]}
