"""Home-page widgets: an unknown working-day calendar, and the user's transfer forms."""
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from common.cache import remember

from . import selectors

# The transfer-form counts of the home page are kept this long per scope and day (87 ms of SQL for a
# district's 190,000 forms on every visit otherwise); the lists themselves are always current.
TRANSFER_SUMMARY_SECONDS = 60

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
    today = timezone.localdate()
    counts = remember("transfer-summary", (selectors.transfer_scope_key(user=user), today),
                      lambda: selectors.transfer_summary(user=user, today=today), seconds=TRANSFER_SUMMARY_SECONDS)
    return {
        "order": 40,
        "template": "referrals/widgets/transfer_summary.html",
        "title": _("Transfer forms"),
        "counts": counts,
    }


DISTRICT_VIEW_ROLES = {Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR}


def todays_work(request):
    """Today's work, first on every home page: each kind of duty open, overdue and due today, every figure a
    link to the list behind it; 急难 leads waiting in red; the district's overdue work by township and its
    latest escalations (referrals.obligations)."""
    from .obligations import (
        WORK_FIGURES_SECONDS,
        overdue_by_department,
        overdue_by_township,
        recent_escalations,
        visible_kinds,
        work_counts,
        work_generation,
    )

    user = request.user
    today = timezone.localdate()
    district = user.is_superuser or user.role in DISTRICT_VIEW_ROLES

    def figures() -> dict:
        return {
            "rows": [{k: v for k, v in r.items() if k != "kind"} for r in work_counts(user, today)
                     if r["open"] or r["overdue"]],
            "by_township": overdue_by_township(user, today) if district else [],
            "by_department": overdue_by_department(user, today) if district else [],
        }

    # What decides the figures: the user's scope (scoping.scope reads these), the kinds they may see, the day.
    scope_parts = (user.is_superuser, user.role, user.region_id, user.department_id,
                   tuple(kind.code for kind in visible_kinds(user)), today, work_generation())
    kept = remember("todays-work", scope_parts, figures, seconds=WORK_FIGURES_SECONDS)
    rows = kept["rows"]
    urgent = [r for r in rows if r["urgent"] and r["open"]]
    return {
        "order": 0,
        "wide": True,
        "template": "referrals/widgets/todays_work.html",
        "title": _("Today's work"),
        "today": today,
        "rows": rows,
        "urgent": urgent,
        "overdue_total": sum(r["overdue"] for r in rows),
        "by_township": kept["by_township"],
        "by_department": kept["by_department"],
        "escalations": recent_escalations(user, today) if district or user.has_perm("referrals.view_reminder")
        else [],
        "district": district,
    }
