"""The township's forms for village assistants: appoint, end, record a training."""
from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.choices import Role
from intake.assistants.models import AssistantAppointment, AssistantBackground

User = get_user_model()


class AppointForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=32)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    background = forms.ChoiceField(label=gettext_lazy("Background"), choices=AssistantBackground.choices)
    appointed_on = forms.DateField(label=gettext_lazy("Appointed on"), initial=timezone.localdate,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    account = forms.ModelChoiceField(label=gettext_lazy("Account in this system (if any)"), required=False,
                                     queryset=User.objects.none())

    def __init__(self, *args, village, **kwargs):
        super().__init__(*args, prefix="appoint", **kwargs)
        self.fields["account"].queryset = User.objects.filter(role=Role.VILLAGE_ASSISTANT, region=village,
                                                              is_active=True)
        _style(self)


class EndForm(forms.Form):
    appointment = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(label=gettext_lazy("Appointment ended on"), initial=timezone.localdate,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="end", **kwargs)
        _style(self)


class TrainingForm(forms.Form):
    appointment = forms.ModelChoiceField(label=gettext_lazy("Assistant"), queryset=AssistantAppointment.objects.none())
    trained_on = forms.DateField(label=gettext_lazy("Date of training"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=200)
    hours = forms.DecimalField(label=gettext_lazy("Hours"), max_digits=4, decimal_places=1, min_value=0,
                               required=False)
    given_by = forms.CharField(label=gettext_lazy("Given by"), max_length=64, required=False)

    def __init__(self, *args, appointments, **kwargs):
        super().__init__(*args, prefix="train", **kwargs)
        self.fields["appointment"].queryset = appointments
        _style(self)


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
