"""The registry's pages and the case page of a lead with its actions. Views only call services."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import TOWNSHIP_OFFICE, require_role
from accounts.scoping import scope
from common.audit import AuditAction, audit_record
from common.views import ObjectDetailView, ObjectListView

from . import selectors, services
from .filters import FollowUpFilterSet, LeadFilterSet, OutcomeFilterSet, PersonFilterSet, SpotCheckFilterSet
from .forms import (
    CompleteForm, DecisionForm, FollowUpForm, GreenChannelForm, InvestigationForm, MergeForm, OutcomeForm,
    PaperworkForm, ReasonForm, SpotCheckDrawForm, SpotCheckForm, VersionedForm,
)
from .models import FollowUp, Lead, Outcome, Person, SpotCheck
from .services import LeadError
from .tables import FollowUpTable, LeadTable, OutcomeTable, PersonTable, SpotCheckTable


# --- the registry ----------------------------------------------------------------------------------
class PersonListView(ObjectListView):
    queryset = Person.objects.all()
    filterset_class = PersonFilterSet
    table_class = PersonTable
    permission_required = "cases.view_person"
    title = gettext_lazy("People registry")
    export_title = gettext_lazy("People registry")


class PersonDetailView(ObjectDetailView):
    queryset = Person.objects.select_related("township", "village", "group", "household")
    permission_required = "cases.view_person"
    template_name = "cases/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            members=selectors.household_members(user=self.request.user, person=person),
            history=person.history.select_related("history_user").order_by("-history_date")[:20],
        )
        return context


# --- the case page ----------------------------------------------------------------------------------
LEAD_QUERYSET = Lead.objects.select_related("person", "person__household", "township", "village", "discoverer",
                                            "merged_into", "accepted_by", "assessed_by", "closed_by")


def _case_context(request, lead: Lead, **forms) -> dict:
    version = {"version": lead.version}
    context = {
        "object": lead,
        "lead": lead,
        **selectors.lead_case(user=request.user, lead=lead),
        "version_form": VersionedForm(initial=version),
        "reject_form": ReasonForm(initial=version),
        "merge_form": MergeForm(initial=version),
        "complete_form": CompleteForm(initial=version),
        "decision_form": DecisionForm(initial=version),
        "paperwork_form": PaperworkForm(initial=version),
        "open_form": "",
        "open_outcome": None,
    }
    context.update(forms)
    return context


class LeadDetailView(ObjectDetailView):
    """The case page: one timeline of the person and household, the investigation, the hint, outcomes,
    follow-ups and spot checks, with the actions the user's role allows in the lead's state."""

    queryset = LEAD_QUERYSET
    permission_required = "cases.view_lead"
    template_name = "cases/lead_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_case_context(self.request, self.object))
        return context


def _office_only(request) -> None:
    require_role(request.user, TOWNSHIP_OFFICE, _("Only the township office or the district centre can do this."))


def _lead_or_404(request, pk) -> Lead:
    lead = scope(request.user, LEAD_QUERYSET).filter(pk=pk).first()
    if lead is None:
        raise Http404
    return lead


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _render_case(request, lead, *, status=200, **forms):
    lead.refresh_from_db()
    return render(request, "cases/lead_detail.html", _case_context(request, lead, **forms), status=status)


SIMPLE_ACTIONS = {
    "accept": (services.lead_accept, gettext_lazy("Lead %(number)s accepted.")),
    "start": (services.lead_investigation_start, gettext_lazy("Investigation of lead %(number)s started.")),
    "assess": (services.lead_assess, gettext_lazy("Lead %(number)s assessed.")),
    "close": (services.lead_close, gettext_lazy("Lead %(number)s closed. The follow-up is scheduled.")),
}


@login_required
@permission_required("cases.change_lead", raise_exception=True)
@require_POST
def lead_action(request, pk, action):
    """The case page's buttons: accept, start, assess, close, reject, merge."""
    return lead_action_do(request, _lead_or_404(request, pk), action)


def lead_action_do(request, lead, action, *, back: str = ""):
    """The one accept / reject / merge (and the case page's other buttons), with one set of forms. From the
    case page a refused form is shown there again; from another page (``back``: the inbox) every outcome
    returns to that page with its message."""
    version = _version(request)
    try:
        if action in SIMPLE_ACTIONS:
            service, message = SIMPLE_ACTIONS[action]
            service(lead=lead, user=request.user, expected_version=version)
            messages.success(request, message % {"number": lead.number})
        elif action == "reject":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                if back:
                    raise LeadError(_("Please give the reason for rejecting this lead."))
                return _render_case(request, lead, reject_form=form, open_form="reject")
            services.lead_reject(lead=lead, user=request.user, reason=form.cleaned_data["reason"],
                                 expected_version=version)
            messages.success(request, _("Lead %(number)s rejected.") % {"number": lead.number})
        elif action == "merge":
            form = MergeForm(request.POST)
            into = selectors.open_lead_by_number(user=request.user, number=request.POST.get("into", ""))
            if not form.is_valid() or into is None:
                if back:
                    raise LeadError(_("No lead with that number in your area."))
                messages.error(request, _("No lead with that number in your area."))
                return _render_case(request, lead, merge_form=form, open_form="merge")
            into = services.lead_merge(lead=lead, into=into, user=request.user, expected_version=version)
            messages.success(request, _("Lead %(number)s merged into %(into)s; its reports are kept there.")
                             % {"number": lead.number, "into": into.number})
            return redirect(back or into)
        else:
            raise Http404
    except LeadError as exc:
        messages.error(request, str(exc))
        if back:
            return redirect(back)
        forms = {}
        if action == "reject":
            forms = {"reject_form": ReasonForm(request.POST), "open_form": "reject"}
        elif action == "merge":
            forms = {"merge_form": MergeForm(request.POST), "open_form": "merge"}
        return _render_case(request, lead, **forms)
    return redirect(back or lead)


def _form_page(request, lead, form, *, template, title, **extra):
    return render(request, template, {"lead": lead, "object": lead, "form": form, "title": title, **extra})


@login_required
@permission_required("cases.change_lead", raise_exception=True)
def investigation_edit(request, pk):
    """入户调查评估: the form of the lead's current investigation, with the eligibility hint beside it."""
    _office_only(request)
    lead = _lead_or_404(request, pk)
    investigation = services.current_investigation(lead)
    if investigation is None:
        messages.error(request, _("Start the investigation first."))
        return redirect(lead)
    title = gettext_lazy("Home investigation and assessment")
    if request.method == "POST":
        # The form only parses: the service reads the record afresh and writes it after its checks.
        form = InvestigationForm(request.POST, instance=investigation, lead=lead)
        if form.is_valid():
            try:
                services.investigation_save(lead=lead, user=request.user, data=form.service_data(),
                                            expected_version=_version(request))
            except LeadError as exc:
                messages.error(request, str(exc))
            else:
                if request.POST.get("then") != "assess":
                    messages.success(request, _("The investigation of lead %(number)s is saved.") % {
                        "number": lead.number})
                    return redirect(lead)
                lead.refresh_from_db()
                investigation.refresh_from_db()
                missing = services.investigation_missing(investigation)
                open_checks = services.investigation_open_checks(investigation)
                if not missing and not open_checks:
                    try:
                        services.lead_assess(lead=lead, user=request.user, expected_version=lead.version)
                    except LeadError as exc:
                        messages.error(request, str(exc))
                    else:
                        messages.success(request, _("The investigation of lead %(number)s is saved and assessed.")
                                         % {"number": lead.number})
                    return redirect(lead)
                # Not complete: the form stays open, what is missing is marked (what was typed is saved).
                data = request.POST.copy()
                data["version"] = str(lead.version)
                form = InvestigationForm(data, instance=investigation, lead=lead)
                form.is_valid()
                for name in missing:
                    form.add_error(name, _("Required to finish the assessment."))
                for name in open_checks:
                    form.add_error(name, _("This check is still open: close it above, or write down why it stays "
                                           "open."))
                labels = [str(v) for v in missing.values()] + [str(v) for v in open_checks.values()]
                messages.warning(request, _("Your entries are saved, but the assessment cannot be finished yet: "
                                            "please complete the fields marked in red (%(fields)s).")
                                 % {"fields": "、".join(labels)})
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    else:
        initial = {"version": lead.version}
        if investigation.visited_on is None:
            initial["visited_on"] = timezone.localdate()
        form = InvestigationForm(instance=investigation, lead=lead, initial=initial)
    if lead.assessed_at is not None:
        messages.info(request, _("This investigation is assessed and can no longer be changed."))
    hint = services.lead_hint(lead, investigation)
    audit_record(request=request, action=AuditAction.DETAIL, obj=lead, detail=_("Investigation form"))
    return _form_page(request, lead, form, template="cases/investigation_form.html", title=title, hint=hint,
                      relief_settings=services.district_settings(lead), editable=lead.assessed_at is None)


@login_required
@permission_required("cases.change_lead", raise_exception=True)
def outcome_create(request, pk):
    _office_only(request)
    lead = _lead_or_404(request, pk)
    title = gettext_lazy("Record an outcome")
    investigation = services.current_investigation(lead)
    hint = services.lead_hint(lead, investigation) if investigation else None
    if request.method == "POST":
        form = OutcomeForm(request.POST, lead=lead)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.outcome_record(
                    lead=lead, user=request.user, kind=data["kind"], included_on=data["included_on"],
                    amount=data["amount"], is_advance=data["is_advance"], referral_kind=data["referral_kind"],
                    department=data["department"], reason=data["reason"], policy_explained=data["policy_explained"],
                    explained_on=data["explained_on"], explained_how=data["explained_how"],
                    whole_household=data["whole_household"],
                    monitoring_group=data["monitoring_group"], note=data["note"], expected_version=_version(request))
            except LeadError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Outcome recorded for lead %(number)s.") % {"number": lead.number})
                return redirect(lead)
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    else:
        initial = {"version": lead.version, "explained_on": timezone.localdate()}
        if hint is not None:
            initial["whole_household"] = hint.whole_household
            initial["monitoring_group"] = hint.monitoring_group
        form = OutcomeForm(initial=initial, lead=lead)
    statuses = services.household_statuses(lead.person)
    return _form_page(request, lead, form, template="cases/outcome_form.html", title=title, hint=hint,
                      relief_settings=services.district_settings(lead),
                      members_on_dibao=sum(1 for s in statuses if s == "dibao"), household_count=len(statuses))


@login_required
@permission_required("cases.change_lead", raise_exception=True)
def green_channel(request, pk):
    _office_only(request)
    lead = _lead_or_404(request, pk)
    title = gettext_lazy("Green channel for urgent hardship (急难)")
    if request.method == "POST":
        form = GreenChannelForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.lead_green_channel(
                    lead=lead, user=request.user, district_members=data["district_members"],
                    township_members=data["township_members"], village_members=data["village_members"],
                    amount=data["amount"], note=data["note"], expected_version=_version(request))
            except LeadError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Temporary relief paid first for lead %(number)s; the papers are owed "
                                            "and will be chased until complete.") % {"number": lead.number})
                return redirect(lead)
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    else:
        form = GreenChannelForm(initial={"version": lead.version,
                                         "township_members": request.user.display_name})
    return _form_page(request, lead, form, template="cases/green_channel_form.html", title=title,
                      relief_settings=services.district_settings(lead))


def _outcome_or_404(request, pk) -> Outcome:
    outcome = scope(request.user, Outcome.objects.select_related("lead")).filter(pk=pk).first()
    if outcome is None:
        raise Http404
    return outcome


@login_required
@permission_required("cases.change_outcome", raise_exception=True)
@require_POST
def outcome_action(request, pk, action):
    """On an outcome: complete (a 低保/特困 review ended), paperwork (papers complete), approve / refuse (一事一议)."""
    outcome = _outcome_or_404(request, pk)
    lead = _lead_or_404(request, outcome.lead_id)
    version = _version(request)
    form = None
    try:
        if action == "complete":
            form = CompleteForm(request.POST)
            if not form.is_valid():
                raise LeadError(_("Please correct the fields marked in red."))
            services.outcome_complete(outcome=outcome, user=request.user, included_on=form.cleaned_data["included_on"],
                                      approved=form.cleaned_data["approved"], reason=form.cleaned_data["reason"],
                                      expected_version=version)
            messages.success(request, _("Outcome updated."))
        elif action == "paperwork":
            form = PaperworkForm(request.POST)
            if not form.is_valid():
                raise LeadError(_("Please correct the fields marked in red."))
            services.outcome_paperwork_complete(outcome=outcome, user=request.user,
                                                completed_on=form.cleaned_data["completed_on"],
                                                expected_version=version)
            messages.success(request, _("The papers are complete; the reminders stop."))
        elif action in ("approve", "refuse"):
            form = DecisionForm(request.POST)
            form.is_valid()
            services.outcome_decide(outcome=outcome, user=request.user, approve=action == "approve",
                                    note=form.cleaned_data.get("note", ""), expected_version=version)
            messages.success(request, _("Decision recorded."))
        else:
            raise Http404
    except LeadError as exc:
        messages.error(request, str(exc))
        name = {"complete": "complete_form", "paperwork": "paperwork_form"}.get(action, "decision_form")
        forms = {"open_form": action if action in ("complete", "paperwork") else "decide",
                 "open_outcome": outcome.pk}
        if form is not None:
            forms[name] = form
        return _render_case(request, lead, **forms)
    return redirect(lead)


# --- follow-ups and spot checks ------------------------------------------------------------------------
class FollowUpListView(ObjectListView):
    queryset = FollowUp.objects.all()
    filterset_class = FollowUpFilterSet
    table_class = FollowUpTable
    permission_required = "cases.view_followup"
    title = gettext_lazy("Follow-ups and observation reviews")
    export_title = gettext_lazy("Follow-ups and observation reviews")


class OutcomeListView(ObjectListView):
    queryset = Outcome.objects.all()
    filterset_class = OutcomeFilterSet
    table_class = OutcomeTable
    permission_required = "cases.view_outcome"
    title = gettext_lazy("Outcomes")
    export_title = gettext_lazy("Outcomes")


class SpotCheckListView(ObjectListView):
    queryset = SpotCheck.objects.all()
    filterset_class = SpotCheckFilterSet
    table_class = SpotCheckTable
    permission_required = "cases.view_spotcheck"
    title = gettext_lazy("Spot checks")
    export_title = gettext_lazy("Spot checks")
    template_name = "cases/spot_check_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        from .township_checks import can_record_township_checks
        from .views_checks import TownshipDrawForm

        # Issue 17 rule 10: the township draws its own checks here too (the district draws them on 漏报抽查).
        can_draw_township = can_record_township_checks(user) and not selectors.can_spot_check(user)
        context.update(
            can_draw=selectors.can_spot_check(user),
            draw_form=SpotCheckDrawForm(initial={"month": last_month}),
            can_draw_township=can_draw_township,
            township_draw_form=TownshipDrawForm(user=user, initial={"month": last_month}) if can_draw_township
            else None,
            summary=selectors.spot_check_summary(user=user, start=today.replace(month=1, day=1)),
        )
        return context


@login_required
@permission_required("cases.add_spotcheck", raise_exception=True)
@require_POST
def spot_check_draw(request):
    form = SpotCheckDrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose the month to sample."))
        return redirect("cases:spot_check_list")
    try:
        drawn = services.spot_check_draw(user=request.user, month=form.cleaned_data["month"])
    except LeadError as exc:
        messages.error(request, str(exc))
        return redirect("cases:spot_check_list")
    month = form.cleaned_data["month"]
    messages.success(request, _("%(count)s closed leads of %(month)s are in the sample.") % {
        "count": len(drawn), "month": f"{month:%Y-%m}"})
    return redirect(f"{reverse('cases:spot_check_list')}?month={month:%Y-%m}")


@login_required
@permission_required("cases.view_spotcheck", raise_exception=True)
def spot_check_record(request, pk):
    spot_check = scope(request.user, SpotCheck.objects.select_related("lead", "lead__person", "township")) \
        .filter(pk=pk).first()
    if spot_check is None:
        raise Http404
    lead = spot_check.lead
    from . import township_checks

    own = spot_check.level == township_checks.TOWNSHIP_LEVEL  # the township's own check of an 急难 lead
    can_record = (township_checks.can_record_township_checks(request.user) if own
                  else selectors.can_spot_check(request.user))
    if request.method == "POST":
        require_role(request.user, township_checks.CHECKERS if own else selectors.SPOT_CHECKERS,
                     _("Only the district centre can do spot checks."))
        form = SpotCheckForm(request.POST)
        if form.is_valid():
            record = township_checks.township_spot_check_record if own else services.spot_check_record
            try:
                record(spot_check=spot_check, user=request.user, **form.cleaned_data)
            except LeadError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Spot check recorded."))
                return redirect(reverse("cases:spot_check_list") + ("?level=township" if own else ""))
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    else:
        initial = {"visited_on": spot_check.visited_on or timezone.localdate(), "note": spot_check.note}
        if spot_check.finding != "pending":
            initial["finding"] = spot_check.finding
        form = SpotCheckForm(initial=initial)
    if own:
        form.fields["visited_on"].label = _("Date of the visit")
    return render(request, "cases/spot_check_form.html", {
        "spot_check": spot_check, "lead": lead, "object": lead, "form": form, "can_record": can_record,
        "title": _("Spot check of lead %(number)s") % {"number": lead.number}})


@login_required
@permission_required("cases.view_followup", raise_exception=True)
def follow_up_record(request, pk):
    follow_up = scope(request.user, FollowUp.objects.select_related("lead", "lead__person", "lead__village")) \
        .filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    lead = follow_up.lead
    can_record = selectors.is_office(request.user) and follow_up.status == "due"
    if request.method == "POST":
        require_role(request.user, selectors.OFFICE_ROLES,
                     _("Only the township office or the district centre can do this."))
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_record(follow_up=follow_up, user=request.user, **form.cleaned_data)
            except LeadError as exc:
                messages.error(request, str(exc))
            else:
                if form.cleaned_data["still_in_hardship"]:
                    messages.warning(request, _("Recorded. The family is still in hardship: lead %(number)s is open "
                                                "again for a new investigation.") % {"number": lead.number})
                else:
                    messages.success(request, _("Follow-up recorded."))
                return redirect(lead)
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    else:
        form = FollowUpForm()
    return render(request, "cases/follow_up_form.html", {
        "follow_up": follow_up, "lead": lead, "object": lead, "form": form, "can_record": can_record,
        "title": follow_up.get_kind_display()})


class LeadListView(ObjectListView):
    queryset = Lead.objects.all()
    filterset_class = LeadFilterSet
    table_class = LeadTable
    permission_required = "cases.view_lead"
    title = gettext_lazy("Leads")
    export_title = gettext_lazy("Leads")
