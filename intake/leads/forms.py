from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.scoping import can_see, scope
from cases.choices import Channel, DiscoveryMethod
from cases.models import HardshipCause, Person, ReliefKind
from common import resident_id
from common.validators import TEXT_MAX_LENGTH, phone_normalize


class LeadForm(forms.Form):
    """The assistant's form: find or register the person, then what was found."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, widget=forms.HiddenInput,
                                    error_messages={"invalid_choice": _("The person you picked is not in your area.")})
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=40,
                                widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off",
                                                              "placeholder": _("18 digits; the last may be X")}))
    name = forms.CharField(label=_("Full name"), required=False, max_length=32)
    # Issue 17 rule 7: someone whose ID is not known (a homeless person, "刘大爷" of a public report).
    unidentified = forms.BooleanField(label=_("The ID number is not known (e.g. a homeless person)"), required=False)
    description = forms.CharField(label=_("Description (age, looks, clothes, what they say)"), required=False,
                                  max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    found_at = forms.CharField(label=_("Where the person was found"), required=False, max_length=200)
    village = forms.ModelChoiceField(label=_("Village / community"), queryset=Region.objects.none(), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    method = forms.ChoiceField(label=_("Discovery method"), choices=DiscoveryMethod.choices,
                               initial=DiscoveryMethod.VISIT,
                               widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.HOME_VISIT)
    discovered_on = forms.DateField(label=_("Date discovered"), initial=timezone.localdate,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    is_urgent = forms.BooleanField(label=_("Urgent hardship (急难): needs help today"), required=False)
    suspected_relief = forms.ModelMultipleChoiceField(
        label=_("Suspected relief"), queryset=ReliefKind.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    causes = forms.ModelMultipleChoiceField(label=_("Causes"), queryset=HardshipCause.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}))
    family_situation = forms.CharField(label=_("Family situation"), widget=forms.Textarea(attrs={"rows": 4}),
                                       max_length=TEXT_MAX_LENGTH,
                                       help_text=_("Who lives there, what happened, what they need now."))
    name_check = forms.ChoiceField(
        label=_("Which name is right?"), required=False, widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[("registered", _("The registered name is right")),
                 ("reported", _("The name I typed is right (the township will check and correct the registry)"))])
    late_reason = forms.CharField(label=_("Why was it not reported on the day it was found?"), required=False,
                                  max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["person"].queryset = scope(user, Person.objects.all())
        villages = scope(user, Region.objects.filter(level=RegionLevel.VILLAGE)).select_related("parent")
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}" if r.parent else r.name
        if villages.count() == 1:
            self.fields["village"].initial = villages.first()
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.HiddenInput)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        if value.strip():
            return resident_id.parse(value).number
        return ""

    def clean_phone(self):
        return phone_normalize(self.cleaned_data.get("phone", ""))

    def clean_discovered_on(self):
        day = self.cleaned_data["discovered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date discovered cannot be in the future."))
        return day

    # Set by clean(): (registered name, typed name) when they differ; the template asks which is right.
    name_mismatch: tuple[str, str] | None = None

    @property
    def is_late(self) -> bool:
        day = self.cleaned_data.get("discovered_on") if hasattr(self, "cleaned_data") else None
        return day is not None and day < timezone.localdate()

    def _check_name(self, data) -> None:
        """A name that differs from the one registered under the ID is filed only once the reporter says which
        is right (a typo in the name, or in the ID number)."""
        existing = Person.objects.filter(id_number=data["id_number"]).only("name", "village_id").first()
        typed = (data.get("name") or "").strip()
        if existing is None or not typed or typed == existing.name:
            return
        if not can_see(self.user, existing):
            return  # refused later without saying who it is
        self.name_mismatch = (existing.name, typed)
        if not data.get("name_check"):
            self.add_error("name", _("The ID number %(id)s is registered as “%(registered)s”, not “%(typed)s”. "
                                     "Please check the ID number, or say which name is right.") % {
                "id": resident_id.mask(data["id_number"]), "registered": existing.name, "typed": typed})

    def _check_late(self, data) -> None:
        day = data.get("discovered_on")
        if day is None or day >= timezone.localdate() or (data.get("late_reason") or "").strip():
            return
        days = (timezone.localdate() - day).days
        self.add_error("late_reason", _("This was found on %(day)s, %(days)s day(s) ago: leads are to be reported "
                                        "on the day they are found. Please give the reason for the delay.")
                       % {"day": f"{day:%Y-%m-%d}", "days": days})

    def _check_unidentified(self, data) -> None:
        data["person"], data["id_number"] = None, ""
        if not (data.get("name") or "").strip() and not (data.get("description") or "").strip():
            self.add_error("description", _("Give the person's name, or describe them, when the ID is unknown."))
        if not (data.get("found_at") or "").strip():
            self.add_error("found_at", _("Say where the person was found."))
        if not data.get("village"):
            self.add_error("village", _("Please choose the village or community where the person was found."))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self._check_late(data)
        if data.get("unidentified"):
            self._check_unidentified(data)
        elif not data.get("person") and not data.get("id_number"):
            self.add_error("id_number", _("Find the person above, or enter their ID number to register them."))
        elif not data.get("person"):
            exists = Person.objects.filter(id_number=data["id_number"]).exists()
            if exists:
                self._check_name(data)
            else:
                if not data.get("name", "").strip():
                    self.add_error("name", _("Please enter the person's name."))
                if not data.get("village"):
                    self.add_error("village", _("Please choose the village or community where the person lives."))
        return data


class HotlineForm(LeadForm):
    """A hotline or petition call logged by township or district staff."""

    reporter_name = forms.CharField(label=_("Caller"), required=False, max_length=64)
    reporter_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))

    def clean_reporter_phone(self):
        return phone_normalize(self.cleaned_data.get("reporter_phone", ""))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].initial = DiscoveryMethod.WORK
        self.fields["channel"].choices = [(Channel.HOTLINE, Channel.HOTLINE.label),
                                          (Channel.PETITION, Channel.PETITION.label)]
        self.fields["channel"].initial = Channel.HOTLINE
        for name in ("reporter_name", "reporter_phone"):
            self.fields[name].widget.attrs["class"] = "form-control"
