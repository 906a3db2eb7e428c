"""包村 / 包户 (seed 003: "全面落实'镇（街道）干部包村（社区）、村（社区）干部包户'走访联系制度"; issue 17 rule 3):
who is responsible for a person — the village cadre for the household and the township cadre for the village."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.scoping import can_see, scope

from .models import CadreAssignment, Person
from .writing import LeadError


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


# --- assigning from the pages (the township: a cadre to a village; a village cadre to a household) ----------------
ASSIGNERS = frozenset({"township_caseworker", "township_head", "district_staff"})


def can_assign(user, kind: str = CadreAssignment.Kind.VILLAGE) -> bool:
    """The township office assigns both; the village assistant records the 包户 cadres of their own village."""
    if user is None:
        return False
    if user.is_superuser or user.role in ASSIGNERS:
        return True
    return kind == CadreAssignment.Kind.HOUSEHOLD and user.role == "village_assistant"


def households_for(*, household_ids) -> dict[int, list[CadreAssignment]]:
    """The current 包户 cadres of these households, by household id (one query)."""
    rows: dict[int, list[CadreAssignment]] = {}
    for row in (current().filter(kind=CadreAssignment.Kind.HOUSEHOLD, household_id__in=household_ids)
                .select_related("cadre_user").order_by("household_id", "since", "id")):
        rows.setdefault(row.household_id, []).append(row)
    return rows


@transaction.atomic
def cadre_assign(*, user, kind: str, village, household=None, cadre_name: str, phone: str = "",
                 cadre_user=None, since: dt.date | None = None) -> CadreAssignment:
    """Record that a cadre is responsible for a village (包村) or a household (包户), from ``since`` (today)."""
    from django.utils.translation import gettext as _


    if kind not in CadreAssignment.Kind.values:
        raise LeadError(_("Please choose 包村 or 包户."))
    if not can_assign(user, kind):
        raise LeadError(_("Only the township office assigns cadres to villages; the township or the village's "
                          "assistant assigns them to households."))
    if kind == CadreAssignment.Kind.HOUSEHOLD:
        if household is None:
            raise LeadError(_("Please choose the household."))
        village = household.village
    else:
        household = None
    if village is None or village.level != RegionLevel.VILLAGE or not can_see(user, village):
        raise LeadError(_("This village is outside your area."))
    cadre_name = (cadre_name or "").strip()
    if not cadre_name:
        raise LeadError(_("Please enter the cadre's name."))
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise LeadError(_("The start date cannot be in the future."))
    if cadre_user is not None and not can_see(cadre_user, village):
        raise LeadError(_("The cadre's account must be of this township or village."))
    same = current().filter(kind=kind, village=village, household=household, cadre_name=cadre_name).first()
    if same is not None:
        return same  # a double click
    return CadreAssignment.objects.create(kind=kind, village=village, household=household, cadre_name=cadre_name,
                                          phone=(phone or "").strip()[:20], cadre_user=cadre_user, since=since)


def cadre_assignment_end(*, user, assignment: CadreAssignment, until: dt.date | None = None) -> CadreAssignment:
    from django.utils.translation import gettext as _


    if not can_assign(user, assignment.kind) or not can_see(user, assignment):
        raise LeadError(_("This assignment is outside your area."))
    until = until or timezone.localdate()
    if until < assignment.since:
        raise LeadError(_("The assignment cannot end before it began."))
    if until > timezone.localdate():
        raise LeadError(_("The end date cannot be in the future."))
    assignment.until = until
    assignment.save(update_fields=["until"])
    return assignment


def villages_without_cadre(*, user, day: dt.date | None = None) -> int:
    """Villages of the user's area with no current 包村 cadre."""
    assigned = current(day=day).filter(kind=CadreAssignment.Kind.VILLAGE, village_id=OuterRef("pk"))
    return scope(user, Region.objects.filter(level=RegionLevel.VILLAGE)).exclude(Exists(assigned)).count()
