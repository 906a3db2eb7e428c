"""The home widget of current screenings."""
from __future__ import annotations

from django.utils.translation import gettext as _

from intake.assistants.widgets import OFFICE_ROLES
from intake.screenings import selectors as campaigns_selectors


def campaign_progress(request):
    """The district (and townships): progress of the current 集中排查 per village (seed 000)."""
    user = request.user
    if user.role not in OFFICE_ROLES or not user.has_perm("intake.view_screeningcampaign"):
        return None
    current = list(campaigns_selectors.current_campaigns(user=user).select_related("area")[:5])
    if not current:
        return None
    rows = campaigns_selectors.campaign_progress(user=user)
    return {
        "order": 12,
        "template": "intake/campaigns/widget.html",
        "title": _("Concentrated screening (集中排查)"),
        "campaigns": current, "rows": rows[:8],
        "targets": sum(r["targets"] for r in rows), "visited": sum(r["visited"] for r in rows),
    }
