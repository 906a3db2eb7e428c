"""告知 on the case page: record when and how the person was told an outcome (cases/informing.py)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .choices import ExplanationMode
from .informing import outcome_notify
from .services import LeadError
from .views import _lead_or_404, _office_only, _outcome_or_404


class NotifyForm(forms.Form):
    notified_on = forms.DateField()
    notified_how = forms.ChoiceField(choices=ExplanationMode.choices)


@login_required
@permission_required("cases.change_outcome", raise_exception=True)
@require_POST
def outcome_notify_view(request, pk):
    _office_only(request)
    outcome = _outcome_or_404(request, pk)
    lead = _lead_or_404(request, outcome.lead_id)
    form = NotifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter the date the person was told the result and how."))
        return redirect(lead)
    try:
        outcome_notify(outcome=outcome, user=request.user, **form.cleaned_data)
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded that %(name)s was told the result.") % {"name": lead.person.name})
    return redirect(lead)


@login_required
@permission_required("cases.change_outcome", raise_exception=True)
@require_POST
def filing_receive_view(request, pk):
    """备案: the district centre records the day it received a township's file (cases/filing.py)."""
    from .filing import filing_receive

    outcome = _outcome_or_404(request, pk)
    lead = _lead_or_404(request, outcome.lead_id)
    form = FilingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please enter the date the filing was received."))
        return redirect(lead)
    try:
        filing_receive(outcome=outcome, user=request.user, received_on=form.cleaned_data["received_on"])
    except LeadError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Filing received."))
    return redirect(lead)


class FilingForm(forms.Form):
    received_on = forms.DateField()
