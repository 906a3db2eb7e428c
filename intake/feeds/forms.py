"""The upload form and the column-mapping form of a delivery."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .parsing import ALLOWED_EXTENSIONS, MAX_FILE_BYTES, extension_of


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class FeedUploadForm(forms.Form):
    file = forms.FileField(label=_("File (Excel or CSV)"),
                           help_text=_("As the department's system exports it: title rows, merged cells and Chinese "
                                       "headers in any order are fine."),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                  "accept": ",".join(ALLOWED_EXTENSIONS)}))
    period_start = forms.DateField(label=_("Period from"), widget=DateInput(), required=False)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput(), required=False,
                                 help_text=_("Leave both empty to take the file's own period (the month most of its "
                                             "dates fall in, else the month in its title); you see it before you "
                                             "confirm. Rows dated outside the period are rejected."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if extension_of(upload.name) not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(_("Only Excel (.xlsx, .xls) and CSV files can be delivered."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)d MB. Please split it into several "
                                          "deliveries.") % {"size": MAX_FILE_BYTES // (1024 * 1024)})
        return upload

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if bool(start) != bool(end) and not self.errors:
            self.add_error("period_end" if start else "period_start",
                           _("Give both dates of the period, or leave both empty."))
        if start and end and start > end:
            self.add_error("period_end", _("The period starts after it ends."))
        return data


class MappingForm(forms.Form):
    """One select per column of the file: which feed column it holds (or none)."""

    def __init__(self, *args, headers: list[str], columns, mapping: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not imported)"))] + [(c.key, c.label) for c in columns]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(no header)"), choices=choices, required=False, initial=mapping.get(index, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def mapping(self) -> dict[int, str]:
        return {int(name[4:]): value for name, value in self.cleaned_data.items() if name.startswith("col_")}

    def rows(self):
        """(header, bound field) pairs for the template."""
        return [(h, self[f"col_{i}"]) for i, h in enumerate(self.headers)]
