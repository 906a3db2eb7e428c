"""Reads of concentrated screenings: current ones and their progress per village."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from accounts.scoping import scope
from intake.screenings.models import CampaignTarget, ScreeningCampaign


def campaign_progress(*, user, campaign: ScreeningCampaign | None = None) -> list[dict]:
    """Per village of the user's area: targets of the current screenings and how many are visited."""
    today = timezone.localdate()
    targets = scope(user, CampaignTarget.objects.all())
    if campaign is not None:
        targets = targets.filter(campaign=campaign)
    else:
        targets = targets.filter(campaign__starts_on__lte=today, campaign__ends_on__gte=today)
    return list(targets.values("village_id", "village__name", "township__name")
                .annotate(targets=Count("id"), visited=Count("id", filter=Q(visited_on__isnull=False)))
                .order_by("-targets", "village__name"))


def current_campaigns(*, user):
    today = timezone.localdate()
    return scope(user, ScreeningCampaign.objects.filter(starts_on__lte=today, ends_on__gte=today))
