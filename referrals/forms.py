from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TransferResult
from .models import TransferKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; size and type are checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ofd"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class TransferFormIssueForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=TransferKind.objects.filter(is_active=True),
                                  empty_label=None, widget=forms.Select(attrs={"class": "form-select"}))
    recipient = forms.ChoiceField(label=_("To"), widget=forms.Select(attrs={"class": "form-select"}))
    request_text = forms.CharField(label=_("What is asked"), max_length=2000,
                                   widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
                                   help_text=_("What the recipient should find out or do, and what to report back."))

    def __init__(self, *args, townships=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if townships:
            choices.append((_("Townships and streets"), [(f"r:{t.pk}", t.name) for t in townships]))
        if departments:
            choices.append((_("Departments"), [(f"d:{d.pk}", d.name) for d in departments]))
        self.fields["recipient"].choices = [("", _("Choose the recipient"))] + choices
        self._townships = {str(t.pk): t for t in townships}
        self._departments = {str(d.pk): d for d in departments}

    def clean_recipient(self):
        value = self.cleaned_data["recipient"]
        kind, _sep, pk = value.partition(":")
        if kind == "r" and pk in self._townships:
            return ("region", self._townships[pk])
        if kind == "d" and pk in self._departments:
            return ("department", self._departments[pk])
        raise forms.ValidationError(_("Choose the recipient."))


class TransferAnswerForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[("", "—")] + list(TransferResult.choices),
                               widget=forms.Select(attrs={"class": "form-select"}))
    answer_text = forms.CharField(
        label=_("Investigation and handling (调查处理情况)"), max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 6}),
        help_text=_("Who was visited and when, what was found, what was decided or done."))
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("PDF, JPG, PNG, Word, Excel or OFD; up to 10 MB each."))


class LinkAnswerForm(TransferAnswerForm):
    answerer_name = forms.CharField(label=_("Your name and office"), max_length=64,
                                    widget=forms.TextInput(attrs={"class": "form-control"}))

    field_order = ["answerer_name", "result", "answer_text", "attachments"]


class TransferCloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
                           help_text=_("Required when closing a form that has no answer."))


class PaperAnswerForm(TransferAnswerForm):
    """The issuing office types in an answer that came back on paper."""

    answerer_name = forms.CharField(label=_("Answered by (name and office)"), max_length=64,
                                    widget=forms.TextInput(attrs={"class": "form-control"}))

    field_order = ["answerer_name", "result", "answer_text", "attachments"]
