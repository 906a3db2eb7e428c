"""Pages of the notices' people (issue 17): the assistants' coverage per village (rule 2)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from accounts.choices import Role

from . import assistants

DISTRICT_ROLES = (Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR)


@login_required
@permission_required("intake.view_assistantappointment", raise_exception=True)
def assistant_coverage(request):
    """Township and district: every village with its assistant (appointed, last trained), or none."""
    user = request.user
    missing_only = request.GET.get("missing") == "1"
    villages = list(assistants.assistant_coverage(user=user, missing_only=missing_only))
    names = assistants.appointment_names(villages=villages)
    for village in villages:
        village.assistant_names = "、".join(names.get(village.pk, []))
    by_township = assistants.coverage_by_township(user=user)
    totals = {key: sum(r[key] for r in by_township) for key in ("villages", "covered", "missing")}
    return render(request, "intake/assistants/coverage.html", {
        "villages": villages, "by_township": by_township, "totals": totals, "missing_only": missing_only,
        "show_township": user.role in DISTRICT_ROLES or user.is_superuser,
    })
