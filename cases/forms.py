"""Forms of the lead's life. They parse and check input; every rule lives in cases.services."""
from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import Department, User

from .choices import (
    AssistanceStatus, ContactMode, ExplanationMode, Satisfaction, OutcomeKind, ReferralKind, SpotCheckFinding,
)
from .models import HardshipCause, Investigation, Lead
from .services import INVESTIGATION_FIELDS, MONITORING_GROUPS


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.CheckboxInput)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.Form):
    """Carries the lead's version the user started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Grounds"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(VersionedForm):
    into = forms.CharField(label=_("Number of the lead to merge into"), max_length=24)


class CompleteForm(VersionedForm):
    """A 低保/特困 application under review ends."""

    approved = forms.TypedChoiceField(label=_("Result of the review"), coerce=lambda v: v == "yes",
                                      choices=[("yes", _("Included")), ("no", _("Not approved"))],
                                      widget=forms.RadioSelect,
                                      error_messages={"required": _("Please choose the result of the review.")})
    included_on = forms.DateField(label=_("Date of inclusion"), required=False, widget=_date_widget(),
                                  initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason it was not approved"), required=False, max_length=2000)


class DecisionForm(VersionedForm):
    """一事一议: the district head's decision."""

    note = forms.CharField(label=_("Decision note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PaperworkForm(VersionedForm):
    completed_on = forms.DateField(label=_("Papers completed on"), widget=_date_widget(), initial=timezone.localdate)


class InvestigationForm(forms.ModelForm):
    """入户调查评估."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Investigation
        fields = [*INVESTIGATION_FIELDS, "investigators", "causes"]
        widgets = {
            "visited_on": _date_widget(),
            "investigators": forms.CheckboxSelectMultiple,
            "causes": forms.CheckboxSelectMultiple,
            "not_met_reason": forms.Textarea(attrs={"rows": 2}),
            "situation_unclear_reason": forms.Textarea(attrs={"rows": 2}),
            "proposals": forms.Textarea(attrs={"rows": 3}),
            "no_proposal_reason": forms.Textarea(attrs={"rows": 2}),
            "situation": forms.Textarea(attrs={"rows": 4}),
            "health": forms.RadioSelect,
            "labour_capacity": forms.RadioSelect,
            "self_care": forms.RadioSelect,
            "area": forms.RadioSelect,
            "difficulty_class": forms.RadioSelect,
            "willing_to_apply": forms.RadioSelect,
            "met_in_person": forms.RadioSelect(choices=[("True", _("Yes, met in person")),
                                                        ("False", _("No, not met"))]),
        }

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        district = lead.township.code[:6]
        self.fields["investigators"].queryset = User.objects.filter(is_active=True).filter(
            Q(region=lead.township, role__in=[Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD])
            | Q(region=lead.village, role=Role.VILLAGE_ASSISTANT)
            | Q(region__code=f"{district}000000", role__in=[Role.DISTRICT_STAFF, Role.DISTRICT_HEAD])
        ).order_by("role", "username")
        self.fields["investigators"].label_from_instance = lambda u: f"{u.display_name}（{u.get_role_display()}）"
        self.fields["causes"].queryset = HardshipCause.objects.all()
        self.fields["met_in_person"].required = False
        for name in ("health", "labour_capacity", "self_care", "difficulty_class", "willing_to_apply"):
            # A blank choice is fine while the visit is being written down; assessing needs them.
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
            self.fields[name].required = False
        self.fields["area"].choices = [c for c in self.fields["area"].choices if c[0]]
        _style(self)

    def clean_visited_on(self):
        day = self.cleaned_data.get("visited_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date of the home visit cannot be in the future."))
        return day

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in INVESTIGATION_FIELDS if name in self.cleaned_data}
        for name in ("health", "labour_capacity", "self_care", "difficulty_class", "willing_to_apply"):
            data[name] = data.get(name) or ""
        for name in ("medical_expense_12m", "education_expense_12m", "other_rigid_expense_12m"):
            if data.get(name) is None:
                data[name] = 0
        data["investigators"] = list(self.cleaned_data["investigators"])
        data["causes"] = list(self.cleaned_data["causes"])
        return data


class OutcomeForm(VersionedForm):
    """One 办理结果; the fields that matter depend on the outcome chosen."""

    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices, widget=forms.RadioSelect)
    included_on = forms.DateField(
        label=_("Date of inclusion"), required=False, widget=_date_widget(),
        help_text=_("Empty means today; for 低保 and 特困, empty means the application is still being reviewed."))
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, min_value=0, max_digits=12,
                                decimal_places=2)
    is_advance = forms.BooleanField(label=_("Paid first, papers later (先行救助)"), required=False)
    whole_household = forms.BooleanField(label=_("Include the whole household (整户纳入)"), required=False)
    monitoring_group = forms.ChoiceField(
        label=_("Low-income group"), required=False,
        choices=[("", "—")] + [(v, AssistanceStatus(v).label) for v in MONITORING_GROUPS])
    referral_kind = forms.ChoiceField(label=_("Special relief"), required=False,
                                      choices=[("", "—"), *ReferralKind.choices])
    department = forms.ModelChoiceField(label=_("Department"), required=False, queryset=Department.objects.none(),
                                        empty_label="—",
                                        help_text=_("Left empty: the usual department for that relief."))
    reason = forms.CharField(label=_("Grounds"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when not eligible, and for an amount above the normal cap."))
    policy_explained = forms.BooleanField(label=_("The policy was explained to the person"), required=False)
    explained_on = forms.DateField(label=_("Date the policy was explained"), required=False, widget=_date_widget())
    explained_how = forms.ChoiceField(label=_("How the policy was explained"), required=False,
                                      choices=[("", "—"), *ExplanationMode.choices])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lead: Lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            district__code=f"{lead.township.code[:6]}000000", is_active=True)


class GreenChannelForm(VersionedForm):
    district_members = forms.CharField(label=_("From the district"), max_length=200)
    township_members = forms.CharField(label=_("From the township"), max_length=200)
    village_members = forms.CharField(label=_("From the village"), max_length=200)
    amount = forms.DecimalField(label=_("Temporary relief paid first (yuan)"), min_value=0, max_digits=12,
                                decimal_places=2)
    note = forms.CharField(label=_("What the joint visit found"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Date"), widget=_date_widget(), initial=timezone.localdate)
    mode = forms.ChoiceField(label=_("Follow-up by"), choices=ContactMode.choices, initial=ContactMode.HOME,
                             widget=forms.RadioSelect)
    findings = forms.CharField(label=_("What the follow-up found"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 4}))
    still_in_hardship = forms.BooleanField(
        label=_("The family is still in hardship"), required=False,
        help_text=_("Reopens the lead (its history stays) so that the township investigates again."))
    satisfaction = forms.ChoiceField(label=_("The person's assessment of how the case was handled (测评)"),
                                     required=False, choices=[("", "—"), *Satisfaction.choices],
                                     help_text=_("Asked at the follow-up visit after an outcome (回访测评)."))
    satisfaction_note = forms.CharField(label=_("What the person said about it"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class SpotCheckForm(forms.Form):
    visited_on = forms.DateField(label=_("Date of the district's visit"), widget=_date_widget(),
                                 initial=timezone.localdate)
    finding = forms.ChoiceField(label=_("Finding"), widget=forms.RadioSelect,
                                choices=[c for c in SpotCheckFinding.choices if c[0] != SpotCheckFinding.PENDING])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class SpotCheckDrawForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month", "class": "form-control form-control-sm w-10r"}, format="%Y-%m"))
