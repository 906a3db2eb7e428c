"""The assistant's main task as the first thing on the home page: a large 登记线索 button."""
from django.utils.translation import gettext as _

from accounts.choices import Role

REPORTING_ROLES = {Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD}


def report_lead(request):
    user = request.user
    if user.role not in REPORTING_ROLES or not user.has_perm("cases.add_lead"):
        return None
    return {"order": -1, "wide": True, "template": "intake/widgets/report_lead.html", "title": _("Report a lead"),
            "big": user.role == Role.VILLAGE_ASSISTANT}
