"""Home-page widgets contributed by the registry."""
from django.utils.translation import gettext as _

from accounts.choices import Role

from . import selectors


def registry_summary(request):
    user = request.user
    if user.role == Role.DEPARTMENT_LIAISON or not user.has_perm("cases.view_person"):
        return None
    counts = selectors.registry_summary(user=user)
    return {
        "order": 50,
        "template": "cases/widgets/registry_summary.html",
        "title": _("Registry in your area"),
        "counts": counts,
    }
