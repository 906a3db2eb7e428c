"""Home-page widgets: an unknown working-day calendar, and the user's transfer forms."""
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role

from . import selectors

CALENDAR_WARNING_ROLES = {Role.ADMINISTRATOR, Role.DISTRICT_STAFF, Role.DISTRICT_HEAD}


def calendar_warning(request):
    """Warn the district when a year's holidays are unknown and deadlines fall back to Monday–Friday."""
    user = request.user
    if not (user.is_superuser or user.role in CALENDAR_WARNING_ROLES):
        return None
    years = selectors.unknown_calendar_years(user=user, today=timezone.localdate())
    if not years:
        return None
    return {
        "order": 1,
        "template": "referrals/widgets/calendar_warning.html",
        "title": _("Working-day calendar"),
        "years": years,
        "is_admin": user.is_superuser or user.role == Role.ADMINISTRATOR,
    }


def transfer_forms_summary(request):
    user = request.user
    if not user.has_perm("referrals.view_transferform") or user.role == Role.VILLAGE_ASSISTANT:
        return None
    counts = selectors.transfer_summary(user=user, today=timezone.localdate())
    return {
        "order": 40,
        "template": "referrals/widgets/transfer_summary.html",
        "title": _("Transfer forms"),
        "counts": counts,
    }
