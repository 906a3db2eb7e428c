"""Reads for public reports: the township of a poster's code, its villages, people a report may name."""
from __future__ import annotations

from django.db.models import Q

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.scoping import scope
from cases.models import Person
from intake.models import PublicReport


def township_for_code(code: str) -> Region | None:
    """The township of a public page address: its 12-digit code or its 9-digit prefix."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (9, 12):
        return None
    if len(code) == 9:
        code += "000"
    return Region.objects.filter(code=code, level=RegionLevel.TOWNSHIP).first()


def township_villages(township: Region):
    return Region.objects.filter(parent=township, level=RegionLevel.VILLAGE).order_by("code")


def person_candidates(*, user, report: PublicReport, limit: int = 20):
    """People of the report's township (in the user's scope) with the reported ID number or name."""
    match = Q(name=report.subject_name)
    if report.subject_id_number:
        match |= Q(id_number=report.subject_id_number)
    people = scope(user, Person.objects.filter(match, township=report.township)).order_by("village__code", "id")
    # Not sliced itself: the accept form looks the chosen one up in it.
    return Person.objects.filter(pk__in=people.values("pk")[:limit]).select_related("village").order_by(
        "village__code", "id")
