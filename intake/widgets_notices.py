"""Home-page widgets of the notices' rules (issue 17): villages without an assistant (rule 2)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.roles import CASE_OFFICE

from . import assistants

OFFICE_ROLES = CASE_OFFICE  # accounts.roles


def villages_without_assistant(request):
    """Township and district: how many villages of the area have no assistant today (seed 001: at least one)."""
    user = request.user
    if user.role not in OFFICE_ROLES or not user.has_perm("intake.view_assistantappointment"):
        return None
    return {
        "order": 60,
        "template": "intake/assistants/widget.html",
        "title": _("Village assistants (协理员)"),
        "missing": assistants.villages_without_assistant(user=user),
        "villages": assistants.villages_in_scope(user=user).count(),
    }


def campaign_progress(request):
    """The district (and townships): progress of the current 集中排查 per village (seed 000)."""
    from . import campaigns

    user = request.user
    if user.role not in OFFICE_ROLES or not user.has_perm("intake.view_screeningcampaign"):
        return None
    current = list(campaigns.current_campaigns(user=user).select_related("area")[:5])
    if not current:
        return None
    rows = campaigns.campaign_progress(user=user)
    return {
        "order": 12,
        "template": "intake/campaigns/widget.html",
        "title": _("Concentrated screening (集中排查)"),
        "campaigns": current, "rows": rows[:8],
        "targets": sum(r["targets"] for r in rows), "visited": sum(r["visited"] for r in rows),
    }
