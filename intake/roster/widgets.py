"""Home-page widgets of the roster: an assistant's visits due, a township's overdue visits by village."""
from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.choices import Role
from intake.roster import selectors as roster_selectors

TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD})
WIDGET_ROWS = 8


def roster_visits_due(request):
    """Village assistants: visits due today and overdue, each a tap away from the visit form."""
    user = request.user
    if user.role != Role.VILLAGE_ASSISTANT or not user.has_perm("intake.view_rosterentry"):
        return None
    due = roster_selectors.visits_due(user=user, limit=WIDGET_ROWS)
    for entry in due["overdue"] + due["due_today"]:
        entry.days_overdue = (due["day"] - entry.next_due_on).days
    return {
        "order": 10,
        "template": "intake/roster/widgets/visits_due.html",
        "title": _("Visits due today and overdue"),
        "due": due,
        "severe_weather": roster_selectors.severe_weather_current(user=user, day=due["day"]),
        "can_visit": user.has_perm("intake.add_visit"),
    }


def roster_overdue_by_village(request):
    """Township caseworkers and heads: overdue roster visits by village, worst first."""
    user = request.user
    if user.role not in TOWNSHIP_ROLES or not user.has_perm("intake.view_rosterentry"):
        return None
    rows = roster_selectors.overdue_by_village(user=user)
    return {
        "order": 15,
        "template": "intake/roster/widgets/overdue_by_village.html",
        "title": _("Overdue roster visits by village"),
        "rows": [r for r in rows if r["overdue"]][:WIDGET_ROWS],
        "total_overdue": sum(r["overdue"] for r in rows),
        "total_due_today": sum(r["due_today"] for r in rows),
        "total_active": sum(r["active"] for r in rows),
        "severe_weather": roster_selectors.severe_weather_current(user=user),
        "is_township_head": user.role == Role.TOWNSHIP_HEAD,
    }
