"""The voluntary principle on the case page: record that a person recorded as unwilling now asks to apply."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import voluntary
from .services import LeadError
from .views import _lead_or_404, _office_only


class ChangeOfMindForm(forms.Form):
    stated_on = forms.DateField(label=gettext_lazy("Date the person asked to apply"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"},
                                                       format="%Y-%m-%d"))
    note = forms.CharField(label=gettext_lazy("What the person said"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


@login_required
@permission_required("cases.change_lead", raise_exception=True)
@require_POST
def change_of_mind(request, pk):
    _office_only(request)
    lead = _lead_or_404(request, pk)
    form = ChangeOfMindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter the date the person asked to apply."))
        return redirect(lead)
    try:
        voluntary.change_of_mind_record(lead=lead, user=request.user, **form.cleaned_data)
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded: %(name)s now asks to apply.") % {"name": lead.person.name})
    return redirect(lead)


class IdentifyForm(forms.Form):
    id_number = forms.CharField(max_length=24)
    name = forms.CharField(max_length=32, required=False)


@login_required
@permission_required("cases.change_lead", raise_exception=True)
@require_POST
def lead_identify_view(request, pk):
    """Issue 17 rule 7: the investigation found the ID of a person reported without one."""
    from .unidentified import lead_identify

    _office_only(request)
    lead = _lead_or_404(request, pk)
    form = IdentifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter the person's ID number."))
        return redirect(lead)
    try:
        lead = lead_identify(lead=lead, user=request.user, **form.cleaned_data)
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Identified: the lead is now %(name)s's.") % {"name": lead.person.name})
    return redirect(lead)
