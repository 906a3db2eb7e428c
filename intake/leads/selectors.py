"""Reads for intake pages, always through the user's scope."""
from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery

from accounts.scoping import scope
from cases.choices import LeadStatus
from cases.models import Lead, LeadSource, Person
from common import resident_id
from intake.choices import PublicReportStatus
from intake.models import PublicReport

INBOX_LIMIT = 50


def person_search(*, user, query: str, limit: int = 10):
    """People in scope whose name or ID number starts with ``query``."""
    query = (query or "").strip()
    if len(query) < 1:
        return Person.objects.none()
    people = scope(user, Person.objects.all()).select_related("village", "township")
    normalized = resident_id.normalize(query)
    if normalized[:1].isdigit():
        people = people.filter(id_number__startswith=normalized)
    else:
        people = people.filter(Q(name__startswith=query))
    return people.order_by("name", "id")[:limit]


def inbox(*, user) -> dict:
    """New leads of the user's area, 急难 first; pending public reports."""
    reported = scope(user, Lead.objects.filter(status=LeadStatus.REPORTED))
    # What a card shows (intake/leads/cards.py): the person, the village, the suspected relief and how many
    # reports the lead has (counted per lead, not each report read).
    cards = (reported.select_related("person", "village").prefetch_related("suspected_relief")
             .annotate(source_count=Subquery(
                 LeadSource.objects.filter(lead_id=OuterRef("pk")).order_by().values("lead_id")
                 .annotate(n=Count("pk")).values("n")[:1])))
    urgent = list(cards.filter(is_urgent=True).order_by("reported_at")[:INBOX_LIMIT])
    normal = list(cards.filter(is_urgent=False).order_by("reported_at")[:INBOX_LIMIT])
    reports = list(scope(user, PublicReport.objects.filter(status=PublicReportStatus.PENDING))
                   .select_related("township", "village").order_by("-is_urgent", "created_at")[:INBOX_LIMIT])
    return {
        "urgent": urgent,
        "normal": normal,
        "public_reports": reports,
        "counts": {
            "urgent": reported.filter(is_urgent=True).count(),
            "normal": reported.filter(is_urgent=False).count(),
            "public_reports": scope(user, PublicReport.objects.filter(status=PublicReportStatus.PENDING)).count(),
        },
    }


def inbox_waiting(*, user) -> dict:
    """What waits in the user's inbox: reported leads (of which 急难) and pending public reports."""
    leads = scope(user, Lead.objects.filter(status=LeadStatus.REPORTED)).aggregate(
        all=Count("pk"), urgent=Count("pk", filter=Q(is_urgent=True)))
    reports = scope(user, PublicReport.objects.filter(status=PublicReportStatus.PENDING)).count()
    return {"count": leads["all"] + reports, "urgent": leads["urgent"]}
