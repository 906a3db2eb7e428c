"""Home-page widgets of the notices' rules (issue 17): villages without an assistant (rule 2)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.roles import CASE_OFFICE
from intake.assistants import selectors as assistants_selectors

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
        "missing": assistants_selectors.villages_without_assistant(user=user),
        "villages": assistants_selectors.villages_in_scope(user=user).count(),
    }


