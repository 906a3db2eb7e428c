"""Pages of the key-population roster, its visits and severe-weather periods. Thin: forms check input,
:mod:`intake.roster` does the work and says no in Chinese."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.scoping import scope
from common.audit import AuditAction, audit_record
from common.views import ObjectDetailView, ObjectListView
from intake.choices import Cadence
from intake.models import RosterEntry, SevereWeatherPeriod, Visit
from intake.roster import selectors as roster_selectors
from intake.roster import services as roster
from intake.roster.filters import RosterEntryFilterSet, VisitFilterSet
from intake.roster.forms import RosterEndForm, RosterEntryChangeForm, RosterEntryForm, SevereWeatherForm, VisitForm
from intake.roster.tables import RosterEntryTable, VisitTable


def _can_write(user) -> bool:
    return user.is_superuser or user.role in roster.WRITER_ROLES


# --- lists --------------------------------------------------------------------------------------
class RosterListView(ObjectListView):
    queryset = RosterEntry.objects.all()
    filterset_class = RosterEntryFilterSet
    table_class = RosterEntryTable
    permission_required = "intake.view_rosterentry"
    template_name = "intake/roster/roster_list.html"
    title = gettext_lazy("Key-population roster")
    export_title = gettext_lazy("Key-population roster")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(can_add=_can_write(user) and user.has_perm("intake.add_rosterentry"),
                       is_township_head=user.role == Role.TOWNSHIP_HEAD)
        return context


class VisitListView(ObjectListView):
    queryset = Visit.objects.all()
    filterset_class = VisitFilterSet
    table_class = VisitTable
    permission_required = "intake.view_visit"
    template_name = "intake/roster/visit_list.html"
    title = gettext_lazy("Visits")
    export_title = gettext_lazy("Key-population visits")


# --- the roster ---------------------------------------------------------------------------------
def _people_candidates(user, query: str):
    people = roster_selectors.roster_people_search(user=user, query=query)
    if not query.strip():
        return []
    on_roster = RosterEntry.objects.filter(person=OuterRef("pk"), until__isnull=True)
    return list(people.annotate(on_roster=Exists(on_roster)))


@login_required
@permission_required("intake.add_rosterentry", raise_exception=True)
def roster_add(request):
    user = request.user
    data = request.POST if request.method == "POST" else None
    query = (request.POST.get("q") if data is not None else request.GET.get("q")) or ""
    initial = {}
    if request.GET.get("person"):
        initial["person"] = request.GET["person"]
    form = RosterEntryForm(data, user=user, candidates=_people_candidates(user, query), initial=initial)
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            entry = roster.roster_entry_add(
                user=user, person=cleaned["person"], category=cleaned["category"], reason=cleaned["reason"],
                cadence=cleaned["cadence"], assistant=cleaned["assistant"], since=cleaned["since"])
        except roster.RosterError as exc:
            messages.error(request, str(exc))
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s is now on the key-population roster; next visit due %(due)s.") % {
                "name": entry.person.name, "due": f"{entry.next_due_on:%Y-%m-%d}"})
            return redirect("intake:roster_detail", pk=entry.pk)
    return render(request, "intake/roster/entry_form.html", {
        "form": form, "query": query, "title": _("Add to the key-population roster"),
        "searched": bool(query.strip()),
    })


@login_required
@permission_required("intake.add_rosterentry", raise_exception=True)
def roster_person_search(request):
    """htmx: the people matching the search box, as radio buttons of the add form."""
    query = request.GET.get("q", "")
    form = RosterEntryForm(user=request.user, candidates=_people_candidates(request.user, query))
    return render(request, "intake/roster/_person_choices.html", {
        "form": form, "searched": bool(query.strip()), "query": query})


class RosterEntryDetailView(ObjectDetailView):
    queryset = RosterEntry.objects.select_related("person", "person__village", "township", "village", "assistant",
                                                  "created_by")
    permission_required = "intake.view_rosterentry"
    template_name = "intake/roster/entry_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry, user = self.object, self.request.user
        severe = entry.township_id in roster_selectors.severe_weather_townships(user=user)
        cadence = roster.effective_cadence(entry, severe_weather=severe)
        context.update(
            visits=roster_selectors.entry_visits(user=user, entry=entry),
            can_write=_can_write(user) and user.has_perm("intake.change_rosterentry"),
            can_visit=_can_write(user) and user.has_perm("intake.add_visit"),
            effective_cadence=Cadence(cadence).label,
            cadence_changed=cadence != entry.cadence,
            severe_weather=severe,
            today=timezone.localdate(),
        )
        return context


@login_required
@permission_required("intake.change_rosterentry", raise_exception=True)
def roster_end(request, pk: int):
    """Take a person off the roster: a page of its own that asks for the date and the reason (never one tap)."""
    entry = get_object_or_404(scope(request.user, RosterEntry.objects.select_related("person", "village")), pk=pk)
    if not _can_write(request.user):
        messages.error(request, _("Your role cannot change the roster."))
        return redirect("intake:roster_detail", pk=entry.pk)
    if entry.until is not None:
        return redirect("intake:roster_detail", pk=entry.pk)
    form = RosterEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            roster.roster_entry_end(user=request.user, entry=entry, until=form.cleaned_data["until"],
                                    reason=form.cleaned_data["reason"])
        except roster.RosterError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s has been taken off the roster. If this was a mistake, use "
                                        "“Undo” on this page.") % {"name": entry.person.name})
            return redirect("intake:roster_detail", pk=entry.pk)
    return render(request, "intake/roster/entry_end.html", {"form": form, "object": entry})


@require_POST
@login_required
@permission_required("intake.change_rosterentry", raise_exception=True)
def roster_restore(request, pk: int):
    """Undo a removal: the person is back on the roster."""
    entry = get_object_or_404(scope(request.user, RosterEntry.objects.select_related("person")), pk=pk)
    try:
        roster.roster_entry_restore(user=request.user, entry=entry)
    except roster.RosterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is back on the roster.") % {"name": entry.person.name})
    return redirect("intake:roster_detail", pk=entry.pk)


@login_required
@permission_required("intake.change_rosterentry", raise_exception=True)
def roster_edit(request, pk: int):
    """Correct an active entry (category, reason, cadence, assistant); the form keeps what was typed on error."""
    entry = get_object_or_404(scope(request.user, RosterEntry.objects.select_related("person", "village")), pk=pk)
    if entry.until is not None:
        messages.error(request, _("This person was taken off the roster on %(until)s.") % {
            "until": f"{entry.until:%Y-%m-%d}"})
        return redirect("intake:roster_detail", pk=entry.pk)
    form = RosterEntryChangeForm(request.POST or None, user=request.user, entry=entry)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            entry = roster.roster_entry_change(
                user=request.user, entry=entry, category=cleaned["category"], reason=cleaned["reason"],
                cadence=cleaned["cadence"], assistant=cleaned["assistant"])
        except roster.RosterError as exc:
            form.add_error(None, str(exc))
        else:
            audit_record(request=request, action=AuditAction.CHANGE, obj=entry, detail=_("Roster entry corrected"))
            messages.success(request, _("The roster entry of %(name)s was saved; next visit due %(due)s.") % {
                "name": entry.person.name, "due": f"{entry.next_due_on:%Y-%m-%d}" if entry.next_due_on else "—"})
            return redirect("intake:roster_detail", pk=entry.pk)
    return render(request, "intake/roster/entry_change.html", {"form": form, "object": entry})


# --- visits -------------------------------------------------------------------------------------
@login_required
@permission_required("intake.add_visit", raise_exception=True)
def visit_create(request, pk: int):
    """The few-taps visit form; a visit that found new hardship raises a lead from here."""
    user = request.user
    entry = get_object_or_404(
        scope(user, RosterEntry.objects.select_related("person", "village", "township")), pk=pk)
    if entry.until is not None:
        messages.error(request, _("This person was taken off the roster on %(until)s.") % {
            "until": f"{entry.until:%Y-%m-%d}"})
        return redirect("intake:roster_detail", pk=entry.pk)
    form = VisitForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            visit = roster.visit_log(
                user=user, entry=entry, visited_on=cleaned["visited_on"], mode=cleaned["mode"],
                met_in_person=cleaned["met_in_person"], findings=cleaned["findings"],
                found_hardship=cleaned["found_hardship"], suspected_relief=cleaned["suspected_relief"],
                is_urgent=cleaned["is_urgent"], visitor_kind=cleaned.get("visitor_kind") or "",
                visitor_name=cleaned.get("visitor_name") or "")
        except roster.RosterError as exc:
            messages.error(request, str(exc))
            form.add_error(None, str(exc))
        else:
            if visit.lead_id:
                messages.success(request, _("Visit recorded. Lead %(number)s has been reported to the township.")
                                 % {"number": visit.lead.number})
            else:
                messages.success(request, _("Visit recorded."))
            return redirect("intake:roster_detail", pk=entry.pk)
    if request.method == "GET":
        audit_record(request=request, action=AuditAction.DETAIL, obj=entry)
    return render(request, "intake/roster/visit_form.html", {"form": form, "entry": entry})


@login_required
@permission_required("intake.view_rosterentry", raise_exception=True)
def visits_due(request):
    """Today's work: visits due today and overdue (an assistant's own and unassigned ones)."""
    user = request.user
    due = roster_selectors.visits_due(user=user, limit=100)
    severe = roster_selectors.severe_weather_townships(user=user, day=due["day"])
    for entry in due["overdue"] + due["due_today"]:
        entry.days_overdue = (due["day"] - entry.next_due_on).days
        entry.cadence_now = Cadence(roster.effective_cadence(
            entry, severe_weather=entry.township_id in severe)).label
    audit_record(request=request, action=AuditAction.LIST, model=RosterEntry, detail=_("Visits due"))
    return render(request, "intake/roster/visits_due.html", {
        "due": due, "can_visit": _can_write(user) and user.has_perm("intake.add_visit"),
        "severe_weather": roster_selectors.severe_weather_current(user=user, day=due["day"]),
    })


@login_required
@permission_required("intake.view_rosterentry", raise_exception=True)
def overdue_by_village(request):
    """The township's view: per village, how many roster visits are overdue (links to the list)."""
    user = request.user
    rows = roster_selectors.overdue_by_village(user=user)
    totals = {key: sum(r[key] for r in rows) for key in ("active", "overdue", "due_today")}
    return render(request, "intake/roster/overdue_by_village.html", {
        "rows": rows, "totals": totals, "show_township": user.role in (
            Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR) or user.is_superuser,
        "severe_weather": roster_selectors.severe_weather_current(user=user),
    })


# --- severe-weather periods ---------------------------------------------------------------------
@login_required
@permission_required("intake.view_severeweatherperiod", raise_exception=True)
def severe_weather(request):
    user = request.user
    can_declare = user.role == Role.TOWNSHIP_HEAD and user.has_perm("intake.add_severeweatherperiod")
    form = SevereWeatherForm(request.POST or None) if can_declare else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Only the township head can declare or end a severe-weather period."))
            return redirect("intake:severe_weather")
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                period = roster.severe_weather_declare(user=user, starts_on=cleaned["starts_on"],
                                                       ends_on=cleaned["ends_on"], note=cleaned["note"])
            except roster.RosterError as exc:
                messages.error(request, str(exc))
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Severe weather declared from %(start)s to %(end)s: monthly visits of "
                                            "特困 and 困境儿童 are weekly until then.") % {
                    "start": f"{period.starts_on:%Y-%m-%d}", "end": f"{period.ends_on:%Y-%m-%d}"})
                return redirect("intake:severe_weather")
    today = timezone.localdate()
    periods = list(roster_selectors.severe_weather_periods(user=user).order_by("-starts_on")[:50])
    return render(request, "intake/roster/severe_weather.html", {
        "form": form, "periods": periods, "today": today, "can_declare": can_declare,
    })


@require_POST
@login_required
@permission_required("intake.change_severeweatherperiod", raise_exception=True)
def severe_weather_end(request, pk: int):
    period = get_object_or_404(scope(request.user, SevereWeatherPeriod.objects.all()), pk=pk)
    try:
        ended = roster.severe_weather_end(user=request.user, period=period)
    except roster.RosterError as exc:
        messages.error(request, str(exc))
    else:
        if ended is None:
            messages.success(request, _("The severe-weather period has been cancelled."))
        else:
            messages.success(request, _("The severe-weather period ends today; visits return to their usual "
                                        "cadence tomorrow."))
    return redirect("intake:severe_weather")
