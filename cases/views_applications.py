"""帮办代办 and 公示 on the case page (cases/applications.py; issue 17 rule 5)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import applications
from .services import LeadError
from .views import _lead_or_404, _office_only, _outcome_or_404


class ApplicationHelpForm(forms.Form):
    materials = forms.CharField(required=False, max_length=4000)
    applied_on = forms.DateField(required=False)


class PublicityForm(forms.Form):
    publicity_starts_on = forms.DateField()
    publicity_ends_on = forms.DateField()


@login_required
@permission_required("cases.view_lead", raise_exception=True)
@require_POST
def application_help(request, pk):
    lead = _lead_or_404(request, pk)
    form = ApplicationHelpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the date the application was submitted."))
        return redirect(lead)
    try:
        applications.application_help_record(lead=lead, user=request.user, **form.cleaned_data)
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Help with the application recorded."))
    return redirect(lead)


@login_required
@permission_required("cases.change_outcome", raise_exception=True)
@require_POST
def outcome_publicity(request, pk):
    _office_only(request)
    outcome = _outcome_or_404(request, pk)
    lead = _lead_or_404(request, outcome.lead_id)
    form = PublicityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter the first and the last day of the public notice."))
        return redirect(lead)
    try:
        applications.outcome_publicity_record(outcome=outcome, user=request.user,
                                              starts_on=form.cleaned_data["publicity_starts_on"],
                                              ends_on=form.cleaned_data["publicity_ends_on"])
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Public notice recorded."))
    return redirect(lead)
