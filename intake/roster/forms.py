"""Forms of the roster pages: add a person, log a visit (big buttons for a phone), end an entry,
declare severe weather. Forms check input; the rules are in :mod:`intake.roster`."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from accounts.scoping import scope
from cases.models import Person, ReliefKind
from intake.choices import Cadence, RosterCategory, VisitMode, VisitorKind
from intake.roster import selectors as roster_selectors

YES_NO = (("1", _("Yes")), ("0", _("No")))


def _yes(value) -> bool:
    return value in (True, "1", "True", "true", "on")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class NotInFutureDateField(forms.DateField):
    future_message = _("The date cannot be in the future.")

    def __init__(self, *args, future_message=None, **kwargs):
        kwargs.setdefault("widget", DateInput())
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"])
        super().__init__(*args, **kwargs)
        if future_message:
            self.future_message = future_message
        self.error_messages["invalid"] = _("Please enter a date like 2026-03-01.")

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(self.future_message, code="future")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.name} · {obj.masked_id_number} · {obj.village.name}"
        if getattr(obj, "on_roster", False):
            label += str(_("(already on the roster)"))
        return label


def cadence_field() -> forms.ChoiceField:
    """The usual visit cadence, empty meaning "by the rules" (the add and the correct forms)."""
    return forms.ChoiceField(
        label=_("Visit cadence"), required=False,
        choices=[("", _("By the rules (daily if gravely ill, otherwise monthly)"))] + list(Cadence.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("Severe-weather periods make the visits of 特困 and 困境儿童 weekly on their own."))


class RosterEntryForm(forms.Form):
    person = PersonChoiceField(
        label=_("Person to add"), queryset=Person.objects.none(), widget=forms.RadioSelect,
        error_messages={"required": _("Please find the person and pick them from the list."),
                        "invalid_choice": _("This person is not in your area; please pick someone from the list.")},
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("Please choose"))] + list(RosterCategory.choices),
                                 widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
    cadence = cadence_field()
    assistant = forms.ModelChoiceField(label=_("Assigned assistant"), queryset=User.objects.none(),
                                       required=False, empty_label=_("The village's assistant"),
                                       widget=forms.Select(attrs={"class": "form-select"}))
    since = NotInFutureDateField(label=_("On the roster since"), initial=timezone.localdate,
                                 future_message=_("The date put on the roster cannot be in the future."))

    def __init__(self, *args, user, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["person"].queryset = scope(user, Person.objects.filter(is_deceased=False)).select_related("village")
        # The radio list shows only the people just searched for (and the one picked), never the whole area.
        shown = list(candidates or [])
        picked = self._picked_person()
        if picked is not None and picked.pk not in {p.pk for p in shown}:
            shown.insert(0, picked)
        self.fields["person"].widget.choices = [(p.pk, self.fields["person"].label_from_instance(p)) for p in shown]
        self.fields["person"].widget.attrs["class"] = "form-check-input mt-1 flex-shrink-0"
        assistants = roster_selectors.assistants_in_scope(user=user).order_by("region__code", "username")
        self.fields["assistant"].queryset = assistants
        self.fields["assistant"].label_from_instance = lambda u: f"{u.display_name}（{u.region.name}）"
        if user.role == Role.VILLAGE_ASSISTANT:
            self.fields["assistant"].initial = user.pk

    def _picked_person(self):
        value = self.data.get("person") if self.is_bound else self.initial.get("person")
        if hasattr(value, "pk"):
            return value
        try:
            return self.fields["person"].queryset.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None


class VisitForm(forms.Form):
    visited_on = NotInFutureDateField(label=_("Date of visit"), initial=timezone.localdate,
                                      future_message=_("The date of the visit cannot be in the future."))
    mode = forms.ChoiceField(label=_("How"), choices=VisitMode.choices, initial=VisitMode.HOME,
                             widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                             error_messages={"required": _("Please choose how you visited.")})
    met_in_person = forms.TypedChoiceField(label=_("Met the person"), choices=YES_NO, coerce=_yes, initial="1",
                                           widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                                           error_messages={"required": _("Please say whether you met the person.")})
    findings = forms.CharField(label=_("Findings"), required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
    found_hardship = forms.TypedChoiceField(
        label=_("Found new hardship"), choices=YES_NO, coerce=_yes, initial="0",
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"required": _("Please say whether you found new hardship.")})
    suspected_relief = forms.ModelMultipleChoiceField(
        label=_("Suspected relief"), queryset=ReliefKind.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}))
    is_urgent = forms.BooleanField(label=_("Urgent (急难): needs help today"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    visitor_kind = forms.ChoiceField(label=_("Visited by"), choices=VisitorKind.choices, initial=VisitorKind.STAFF,
                                     required=False, widget=forms.Select(attrs={"class": "form-select"}))
    visitor_name = forms.CharField(label=_("Name of the carer or helper"), required=False, max_length=64,
                                   widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry

    def clean(self):
        data = super().clean()
        if data.get("visitor_kind") in (VisitorKind.CARER, VisitorKind.HELPER) and \
                not (data.get("visitor_name") or "").strip():
            self.add_error("visitor_name", _("Please enter the name of the carer or helper who made the visit."))
        if data.get("found_hardship") and not (data.get("findings") or "").strip():
            self.add_error("findings", _("Please describe the new hardship you found."))
        visited_on = data.get("visited_on")
        if self.entry is not None and visited_on and visited_on < self.entry.since:
            self.add_error("visited_on", _("The date of the visit cannot be before the person was put on the "
                                           "roster (%(since)s).") % {"since": f"{self.entry.since:%Y-%m-%d}"})
        return data


class RosterEntryChangeForm(forms.Form):
    """Correct an entry: category, reason, usual cadence, assigned assistant (the person stays)."""

    category = forms.ChoiceField(label=_("Category"), choices=RosterCategory.choices,
                                 widget=forms.Select(attrs={"class": "form-select"}))
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
    cadence = cadence_field()
    assistant = forms.ModelChoiceField(label=_("Assigned assistant"), queryset=User.objects.none(),
                                       required=False, empty_label=_("Keep as it is"),
                                       widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, user, entry, **kwargs):
        kwargs.setdefault("initial", {"category": entry.category, "reason": entry.reason, "cadence": entry.cadence,
                                      "assistant": entry.assistant_id})
        super().__init__(*args, **kwargs)
        # Only the assistants of the person's own village can be assigned.
        self.fields["assistant"].queryset = roster_selectors.assistants_in_scope(user=user).filter(
            region_id=entry.village_id).order_by("username")
        self.fields["assistant"].label_from_instance = lambda u: f"{u.display_name}（{u.region.name}）"


class RosterEndForm(forms.Form):
    until = NotInFutureDateField(label=_("Off the roster from"), initial=timezone.localdate,
                                 future_message=_("The end date cannot be in the future."))
    reason = forms.CharField(label=_("Reason for taking off the roster"), max_length=500,
                             widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
                             help_text=_("For example: moved away, died, circumstances improved (checked on a visit)."),
                             error_messages={"required": _("Please give the reason for taking this person off the "
                                                           "roster.")})


class SevereWeatherForm(forms.Form):
    starts_on = forms.DateField(label=_("First day"), widget=DateInput(), initial=timezone.localdate,
                                input_formats=["%Y-%m-%d", "%Y/%m/%d"])
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput(), input_formats=["%Y-%m-%d", "%Y/%m/%d"])
    note = forms.CharField(label=_("Note (the weather, the warning issued)"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"class": "form-control"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data
