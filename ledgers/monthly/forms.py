"""Forms of the monthly report and assessment pages (Chinese messages for bad input)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import parse_month

MAX_MONTHS = 36


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (the browser's month picker), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"})
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2026-03.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        month = parse_month(value)
        if month is None or not 2000 <= month.year <= 2100:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"))


class RemarksForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
                              help_text=_("What the figures do not say: difficulties, measures, explanations."))
    version = forms.IntegerField(widget=forms.HiddenInput)


class MonthRangeForm(forms.Form):
    first = MonthField(label=_("From month"))
    last = MonthField(label=_("To month"))

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if first > last:
                raise forms.ValidationError(_("The first month must not be after the last one."))
            months = (last.year - first.year) * 12 + last.month - first.month + 1
            if months > MAX_MONTHS:
                raise forms.ValidationError(_("Choose at most %(n)s months.") % {"n": MAX_MONTHS})
        return data
