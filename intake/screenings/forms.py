"""Forms of concentrated screenings."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.scoping import scope
from intake.choices import VisitMode


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


class FlagForm(forms.Form):
    id_number = forms.CharField(label=gettext_lazy("ID number of a household member"), max_length=40,
                                widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))


class CampaignVisitForm(forms.Form):
    visited_on = forms.DateField(label=gettext_lazy("Date of the visit"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date", "class": "form-control"},
                                                        format="%Y-%m-%d"))
    mode = forms.ChoiceField(label=gettext_lazy("How"), choices=VisitMode.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    findings = forms.CharField(label=gettext_lazy("What was found"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
