"""Home-page widgets contributed by the registry."""
from django.utils.translation import gettext as _

from accounts.choices import Role
from common.cache import remember

from . import selectors

# The registry's head counts change slowly and cost a COUNT(DISTINCT household) over the user's whole
# scope (0.44 s for a district of 1,000,000 people): the home page shows them up to a minute old.
REGISTRY_SUMMARY_SECONDS = 60


def registry_summary(request):
    user = request.user
    if user.role == Role.DEPARTMENT_LIAISON or not user.has_perm("cases.view_person"):
        return None
    counts = remember("registry-summary", selectors.registry_scope_key(user=user),
                      lambda: selectors.registry_summary(user=user), seconds=REGISTRY_SUMMARY_SECONDS)
    return {
        "order": 50,
        "template": "cases/widgets/registry_summary.html",
        "title": _("Registry in your area"),
        "counts": counts,
    }


def due_work(request):
    """The caseworker's due work: follow-ups and reviews, papers owed, approvals and spot checks waiting."""
    from .selectors import can_spot_check, due_summary, is_office

    user = request.user
    if not (is_office(user) or user.role == Role.DISTRICT_HEAD) or not user.has_perm("cases.view_followup"):
        return None
    counts = due_summary(user=user)
    return {
        "order": 45,
        "template": "cases/widgets/due_work.html",
        "title": _("Due work"),
        "counts": counts,
        "show_office": is_office(user),
        "show_approvals": user.role == Role.DISTRICT_HEAD or user.is_superuser,
        "show_spot_checks": can_spot_check(user),
    }
