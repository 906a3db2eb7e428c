"""Forms of the public report page (no login) and of the township's handling of the reports."""
from __future__ import annotations

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.scoping import scope
from common import resident_id
from intake.models import PublicReport
from intake.public.selectors import township_villages
from intake.public.services import PublicReportError, phone_normalize

URGENT_CHOICES = [("no", _("Not urgent")), ("yes", _("Yes, urgent"))]
VOLUNTEER_CHOICES = [("no", _("No, I am not")), ("yes", _("Yes, I am"))]


def _yes(value) -> bool:
    return value in (True, "yes")


class CaptchaInput(CaptchaTextInput):
    """The captcha picture with a Chinese label and a "new picture" button (no outside service)."""

    template_name = "intake/public/captcha_widget.html"

    def __init__(self, attrs=None, **kwargs):
        attrs = {"class": "form-control", "maxlength": "8", "enterkeyhint": "send", **(attrs or {})}
        super().__init__(attrs=attrs, **kwargs)

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/), not the form renderer's (Django's own form templates).
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template, escaped

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["image_2x"] = reverse("captcha-image-2x", kwargs={"key": self._key})
        context["refresh_url"] = self.refresh_url()
        return context


class PublicReportForm(forms.Form):
    subject_name = forms.CharField(label=_("Name of the person in hardship"), max_length=32)
    subject_id_number = forms.CharField(
        label=_("Their ID number"), required=False, max_length=40,
        help_text=_("Optional. Fill it in if you know it; it helps the township find the person."))
    village = forms.ModelChoiceField(label=_("Village or community"), queryset=Region.objects.none(),
                                     required=False, empty_label=_("Not sure"))
    address = forms.CharField(label=_("Address"), max_length=200,
                              help_text=_("Where the person can be found: group, street, house number."))
    description = forms.CharField(
        label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: serious illness, an accident, a disaster, no one to look after them, "
                    "no money for food or school."))
    is_urgent = forms.TypedChoiceField(
        label=_("Is it urgent?"), choices=URGENT_CHOICES, coerce=_yes, initial="no", widget=forms.RadioSelect,
        help_text=_("Urgent: life, health or basic living is in danger right now."))
    reporter_name = forms.CharField(label=_("Your name"), max_length=32, required=False,
                                    help_text=_("Optional."))
    reporter_phone = forms.CharField(
        label=_("Your phone"), max_length=32,
        help_text=_("The township office may call you back to find the person."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    is_volunteer = forms.TypedChoiceField(
        label=_("Are you a volunteer or social worker?"), choices=VOLUNTEER_CHOICES, coerce=_yes, initial="no",
        widget=forms.RadioSelect)
    captcha = CaptchaField(
        label=_("Verification code"), widget=CaptchaInput(),
        error_messages={"invalid": _("The verification code is wrong. Please type the characters in the new "
                                     "picture."),
                        "required": _("Please type the characters in the picture.")},
        help_text=_("Type the characters in the picture; capital or small letters both work."))

    def __init__(self, *args, township: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        self.fields["village"].queryset = township_villages(township)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif name != "captcha":
                widget.attrs.setdefault("class", "form-control")
        self.fields["subject_id_number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()

    def clean_subject_id_number(self) -> str:
        raw = self.cleaned_data.get("subject_id_number", "")
        if not raw.strip():
            return ""
        return resident_id.parse(raw).number  # ResidentIDError is a ValidationError with a Chinese message

    def clean_reporter_phone(self) -> str:
        try:
            return phone_normalize(self.cleaned_data.get("reporter_phone", ""))
        except PublicReportError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "township": self.township, "village": data["village"], "subject_name": data["subject_name"],
            "subject_id_number": data["subject_id_number"], "address": data["address"],
            "description": data["description"], "is_urgent": data["is_urgent"],
            "reporter_name": data["reporter_name"], "reporter_phone": data["reporter_phone"],
            "is_volunteer": data["is_volunteer"],
        }


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} · {obj.village.name} · {obj.id_number}"


class PublicReportAcceptForm(forms.Form):
    person = PersonChoiceField(label=_("Person in the registry"), queryset=Region.objects.none(), required=False,
                               widget=forms.RadioSelect, empty_label=None)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False,
                                help_text=_("To find or register the person when they are not in the list."))
    name = forms.CharField(label=_("Full name"), max_length=32, required=False)
    village = forms.ModelChoiceField(label=_("Village or community"), queryset=Region.objects.none(),
                                     required=False, empty_label=_("Choose…"))
    # Issue 17 rule 7: the public rarely knows an ID; the lead can be accepted for a person not identified yet.
    unidentified = forms.BooleanField(label=_("Accept without an ID number (the person is not identified yet)"),
                                      required=False)
    description = forms.CharField(label=_("Description (age, looks, clothes, what they say)"), required=False,
                                  max_length=500)
    found_at = forms.CharField(label=_("Where the person was found"), required=False, max_length=200)

    def __init__(self, *args, report: PublicReport, user, candidates, **kwargs):
        same_id = [p for p in candidates if report.subject_id_number and p.id_number == report.subject_id_number]
        kwargs.setdefault("initial", {
            "person": same_id[0].pk if same_id else None,  # the registered person with the reported ID
            "id_number": report.subject_id_number, "name": report.subject_name, "village": report.village_id,
            "found_at": report.address,
        })
        super().__init__(*args, prefix="accept", **kwargs)
        self.fields["person"].queryset = candidates
        self.fields["village"].queryset = scope(user, township_villages(report.township))
        for name in ("id_number", "name", "description", "found_at"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["unidentified"].widget.attrs["class"] = "form-check-input"
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["village"].widget.attrs["class"] = "form-select"

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        if not raw.strip():
            return ""
        return resident_id.parse(raw).number

    def clean(self):
        data = super().clean()
        if data.get("unidentified"):
            data["person"], data["id_number"] = None, ""
            if not data.get("village"):
                self.add_error("village", _("Please choose the village or community where the person was found."))
            if not (data.get("found_at") or "").strip():
                self.add_error("found_at", _("Say where the person was found."))
            return data
        if not data.get("person") and not data.get("id_number") and not self.errors:
            raise forms.ValidationError(_("Choose the person from the registry, or enter their ID number to find "
                                          "or register them."))
        return data


class PublicReportRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             error_messages={"required": _("Please give the reason for rejecting this report.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="reject", **kwargs)


