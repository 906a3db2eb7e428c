"""Pages of the notices' people (issue 17): the assistants' coverage per village (rule 2)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.scoping import scope

from . import assistants, campaigns
from .models_notices import ScreeningCampaign
from .roster import RosterError

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


# --- 集中排查 (rule 6) ----------------------------------------------------------------------------------
class CampaignForm(forms.Form):
    area = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=Region.objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=gettext_lazy("Reason (an epidemic, a disaster…)"), max_length=200,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    starts_on = forms.DateField(label=gettext_lazy("First day"),
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    ends_on = forms.DateField(label=gettext_lazy("Last day"),
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scope(user, Region.objects.filter(
            level__in=[RegionLevel.DISTRICT, RegionLevel.TOWNSHIP])).order_by("code")


@login_required
@permission_required("intake.view_screeningcampaign", raise_exception=True)
def campaign_list(request):
    """集中排查: the district declares; everyone sees the current screenings and the progress per village."""
    user = request.user
    can_declare = user.role in campaigns.DECLARERS or user.is_superuser
    form = CampaignForm(request.POST or None, user=user) if can_declare else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            campaign = campaigns.campaign_declare(user=user, **form.cleaned_data)
        except RosterError as exc:
            messages.error(request, str(exc))
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Concentrated screening declared: %(count)s people to visit.") % {
                "count": campaign.targets.count()})
            return redirect("intake:campaign_list")
    return render(request, "intake/campaigns/list.html", {
        "form": form, "campaigns": list(scope(user, ScreeningCampaign.objects.select_related("area"))[:50]),
        "progress": campaigns.campaign_progress(user=user), "today": timezone.localdate(),
    })
