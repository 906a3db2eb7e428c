"""Reads of the registry and of leads, always through the user's scope."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.roles import TOWNSHIP_OFFICE, has_role
from accounts.scoping import scope, scope_key
from common.registry import Hook, Registry
from referrals.selectors import lead_transfer_forms
from referrals.subjects import Subject as TransferSubject

from .choices import (
    OPEN_OUTCOME_STATUSES, AssistanceStatus, FollowUpStatus, LeadStatus, OutcomeStatus, Paperwork, SpotCheckFinding,
)
from .eligibility import eligibility_hint
from .models import DistrictSettings, FollowUp, Investigation, Lead, Outcome, Person, SpotCheck


def registry_summary(*, user) -> dict:
    """Head counts for a user's home page: people, households, and those under relief."""
    people = scope(user, Person.objects.all())
    counts = people.aggregate(
        people=Count("id"),
        households=Count("household", distinct=True),
        under_relief=Count("id", filter=Q(assistance_status__in=[AssistanceStatus.DIBAO, AssistanceStatus.TEKUN])),
        low_income=Count("id", filter=~Q(assistance_status=AssistanceStatus.NONE)),
    )
    return counts


def registry_scope_key(*, user) -> tuple:
    """What decides ``registry_summary`` for this user: their scope of people (``accounts.scoping.scope_key``:
    equal keys, the same rows; not the scoped queryset's SQL, compiled on every home page, DECISIONS 1526)."""
    return scope_key(user, Person)


def household_members(*, user, person: Person):
    return (scope(user, Person.objects.filter(household_id=person.household_id))
            .select_related("village").order_by("relation", "birth_date"))


# --- the case page --------------------------------------------------------------------------------
def district_settings(lead_or_region) -> DistrictSettings:
    code = lead_or_region.township.code if isinstance(lead_or_region, Lead) else lead_or_region.code
    return DistrictSettings.for_district_code(code)


def current_investigation(lead: Lead) -> Investigation | None:
    return lead.investigations.order_by("-started_at", "-id").first()


def household_statuses(person: Person) -> list[str]:
    return list(Person.objects.filter(household_id=person.household_id, is_deceased=False)
                .values_list("assistance_status", flat=True))


def lead_hint(lead: Lead, investigation: Investigation | None = None, *, settings: DistrictSettings | None = None):
    """The eligibility hint (预判) for a lead's current investigation (``settings``: the district's, when read)."""
    investigation = investigation if investigation is not None else current_investigation(lead)
    return eligibility_hint(investigation=investigation, lead=lead,
                            settings=settings if settings is not None else district_settings(lead),
                            household_statuses=household_statuses(lead.person))


OFFICE_ROLES = TOWNSHIP_OFFICE  # accounts.roles


SPOT_CHECKERS = frozenset({Role.DISTRICT_STAFF})  # the district's spot checks (抽查)


def is_office(user) -> bool:
    return has_role(user, OFFICE_ROLES)


def can_spot_check(user) -> bool:
    return has_role(user, SPOT_CHECKERS)


def lead_close_blockers(*, lead: Lead, outcomes=None) -> list[str]:
    """Why an in-progress lead cannot be closed (办结) yet, in words for the case page; [] when it can.

    A lead is closed when every outcome is done and no transfer form about it still awaits its answer
    (docs/DECISIONS.md, issue 16: the district expects the department's answer before the file is closed).
    """
    from referrals.choices import AWAITING_ANSWER
    from referrals.models import TransferForm

    outcomes = list(lead.outcomes.all()) if outcomes is None else list(outcomes)
    reasons = []
    if lead.assessed_at is None:
        reasons.append(_("the investigation is not assessed yet"))
    for outcome in outcomes:
        if outcome.status in OPEN_OUTCOME_STATUSES:
            reasons.append(_("%(outcome)s is still %(status)s") % {
                "outcome": outcome.get_kind_display(), "status": outcome.get_status_display()})
    waiting = TransferForm.objects.filter(lead_id=lead.pk, status__in=AWAITING_ANSWER) \
        .select_related("to_department", "to_region").order_by("issued_at")
    for form in waiting:
        reasons.append(_("transfer form %(number)s to %(recipient)s has no answer yet") % {
            "number": form.number, "recipient": form.recipient_name})
    if not any(o.status == OutcomeStatus.DONE for o in outcomes):
        reasons.append(_("no outcome is done yet"))
    if lead.person.is_unidentified:  # issue 17 rule 7 (cases/unidentified.py check_identified refuses the close)
        reasons.append(_("the person is not identified yet: record their ID number"))
    return reasons


def lead_actions(*, user, lead: Lead, outcomes=()) -> set[str]:
    """What the user may do with the lead now (the buttons of the case page). The services decide for real."""
    actions: set[str] = set()
    status = lead.status
    if is_office(user):
        if status == LeadStatus.REPORTED:
            actions |= {"accept", "reject", "merge"}
        if status == LeadStatus.ACCEPTED:
            actions.add("start")
        if lead.is_urgent and lead.green_channel_at is None and status in (
                LeadStatus.REPORTED, LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING):
            actions.add("green_channel")
        editable = status == LeadStatus.INVESTIGATING or (status == LeadStatus.IN_PROGRESS and lead.assessed_at is None)
        if editable:
            actions.add("investigate")
            actions.add("assess")
        if status in (LeadStatus.ASSESSED, LeadStatus.IN_PROGRESS):
            actions.add("outcome")
        if status == LeadStatus.IN_PROGRESS and lead.assessed_at is not None:
            if not lead_close_blockers(lead=lead, outcomes=outcomes):
                actions.add("close")
        actions.add("follow_up")
    if user.is_superuser or user.role == Role.DISTRICT_HEAD:
        actions.add("decide")
    if can_spot_check(user):
        actions.add("spot_check")
    return actions


@dataclass
class Event:
    when: dt.datetime
    icon: str
    title: str
    detail: str = ""
    who: str = ""
    url: str = ""
    tone: str = "secondary"
    day: dt.date | None = None  # the date it happened on, when it differs from when it was written down
    order: int = field(default=0)


# Events of a lead's household that higher apps know (intake registers its visits): each a Hook naming
# ``f(*, user, lead, member_ids, names) -> list[Event]``, registered from the app's ready().
timeline_providers: Registry[Hook] = Registry("lead timeline")


LEAD_EVENTS = {
    "accept": ("check2-circle", "primary"),
    "reject": ("x-circle", "danger"),
    "merge": ("intersect", "secondary"),
    "merge_in": ("intersect", "secondary"),
    "investigation_start": ("house-door", "primary"),
    "investigation_save": ("pencil-square", "secondary"),
    "assess": ("clipboard2-check", "primary"),
    "green_channel": ("lightning-charge", "danger"),
    "close": ("archive", "success"),
    "reopen": ("arrow-counterclockwise", "warning"),
}


def lead_event_label(reason: str) -> str:
    return {
        "accept": _("Accepted"),
        "reject": _("Rejected"),
        "merge": _("Merged into another lead"),
        "merge_in": _("Another lead was merged into this one"),
        "investigation_start": _("Home investigation started"),
        "investigation_save": _("Investigation record saved"),
        "assess": _("Investigation assessed"),
        "green_channel": _("Green channel: joint visit, temporary relief paid first"),
        "close": _("Handled and closed"),
        "reopen": _("Reopened: a follow-up found the family still in hardship"),
    }.get(reason, "")


def outcome_event_label(reason: str) -> str:
    return {
        "record": _("Outcome recorded"),
        "green_channel": _("Outcome recorded"),
        "complete": _("Included"),
        "refuse": _("Not approved"),
        "approve": _("Approved by the district head"),
        "paperwork_complete": _("Papers completed"),
    }.get(reason, "")


def _who(history_user) -> str:
    return history_user.display_name if history_user is not None else _("system")




def lead_timeline(*, user, lead: Lead, sources=None, outcomes=None, follow_ups=None, spot_checks=None,
                  transfer_forms=None) -> list[Event]:
    """Everything about the person and household, oldest first: reports, visits, the lead's changes, the
    investigation, outcomes, transfer forms, follow-ups, spot checks, other leads and status changes.

    The case page passes the lead's rows it has read already (each as this function would read it: ``sources``
    with their reporter, ``spot_checks`` with who drew and who visited, ``transfer_forms`` of
    ``referrals.selectors.lead_transfer_forms``), so they are not read twice (issue 15)."""
    events: list[Event] = []
    if sources is None:
        sources = lead.sources.select_related("reported_by")
    for source in sources:
        who = "、".join(n for n in (source.reported_by.display_name if source.reported_by else "",
                                    source.reporter_name) if n)
        events.append(Event(source.reported_at, "megaphone", _("Reported: %(source)s · %(channel)s") % {
            "source": source.get_source_type_display(), "channel": source.get_channel_display()},
            detail=source.description, who=who, tone="info", day=source.discovered_on))
    for h in lead.history.select_related("history_user").order_by("history_date", "history_id"):
        reason = h.history_change_reason or ""
        if reason not in LEAD_EVENTS:
            continue
        icon, tone = LEAD_EVENTS[reason]
        detail = h.reject_reason if reason == "reject" else ""
        events.append(Event(h.history_date, icon, lead_event_label(reason), detail=detail, who=_who(h.history_user),
                            tone=tone))
    outcomes = {o.pk: o for o in (lead.outcomes.all() if outcomes is None else outcomes)}
    history_model = Outcome.history.model
    for h in history_model.objects.filter(lead_id=lead.pk).select_related("history_user") \
            .order_by("history_date", "history_id"):
        label = outcome_event_label(h.history_change_reason or "")
        if not label:
            continue
        outcome = outcomes.get(h.id)
        name = str(outcome) if outcome else h.get_kind_display()
        bits = []
        if h.amount is not None:
            bits.append(_("%(amount)s yuan") % {"amount": f"{h.amount:,}"})
        if h.included_on and h.history_change_reason in ("record", "complete", "approve", "green_channel") \
                and h.status == OutcomeStatus.DONE:
            bits.append(_("included on %(date)s") % {"date": f"{h.included_on:%Y-%m-%d}"})
        if h.history_change_reason in ("record", "green_channel") and h.is_advance:
            bits.append(_("paid first, papers owed"))
        if h.status == OutcomeStatus.PENDING_APPROVAL:
            bits.append(_("awaiting the district head's approval"))
        if h.transfer_form_number:
            bits.append(_("transfer form %(number)s") % {"number": h.transfer_form_number})
        text = h.reason or h.approval_note or h.note
        events.append(Event(h.history_date, "clipboard-check", f"{label}：{name}",
                            detail="；".join(bits) + (f"\n{text}" if text else ""), who=_who(h.history_user),
                            tone="success" if h.status == OutcomeStatus.DONE else "secondary"))
    if transfer_forms is None:
        transfer_forms = lead_transfer_forms(user=user, lead=lead)
    for form in transfer_forms:
        events.append(Event(form.issued_at, "send", _("Transfer form %(number)s issued to %(to)s") % {
            "number": form.number, "to": form.recipient_name}, detail=form.request_text, tone="info",
            url=form.get_absolute_url()))
        if form.answered_at:
            events.append(Event(form.answered_at, "reply", _("Transfer form %(number)s answered") % {
                "number": form.number}, detail=form.answer_text, tone="info", url=form.get_absolute_url()))
    for f in (lead.follow_ups.all() if follow_ups is None else follow_ups):
        events.append(Event(f.created_at, "calendar-plus", _("%(kind)s scheduled for %(date)s") % {
            "kind": f.get_kind_display(), "date": f"{f.due_on:%Y-%m-%d}"}, tone="secondary"))
    for h in FollowUp.history.model.objects.filter(lead_id=lead.pk, history_change_reason="done") \
            .select_related("history_user"):
        detail = h.findings + ("\n" + _("Still in hardship.") if h.still_in_hardship else "")
        events.append(Event(h.history_date, "calendar-check", _("%(kind)s done") % {
            "kind": FollowUp(kind=h.kind).get_kind_display()}, detail=detail, who=_who(h.history_user),
            tone="warning" if h.still_in_hardship else "success", day=h.done_on))
    for s in (lead.spot_checks.select_related("drawn_by", "visited_by") if spot_checks is None else spot_checks):
        events.append(Event(s.drawn_at, "shuffle", _("Drawn for the district's spot check of %(month)s") % {
            "month": f"{s.month:%Y-%m}"}, who=s.drawn_by.display_name if s.drawn_by else ""))
    for h in SpotCheck.history.model.objects.filter(lead_id=lead.pk, history_change_reason="record") \
            .select_related("history_user"):
        tone = "success" if h.finding == SpotCheckFinding.CONFIRMED else "danger"
        events.append(Event(h.history_date, "shuffle", _("Spot check: %(finding)s") % {
            "finding": SpotCheck(finding=h.finding).get_finding_display()}, detail=h.note, who=_who(h.history_user),
            tone=tone, day=h.visited_on))
    # The person and the household: visits, other leads, assistance status changes.
    members = list(Person.objects.filter(household_id=lead.person.household_id).values_list("pk", "name"))
    member_ids = [pk for pk, _name in members]
    names = dict(members)
    for provider in timeline_providers:  # what higher apps know of the household (intake: the visits)
        events.extend(provider(user=user, lead=lead, member_ids=member_ids, names=names))
    for other in scope(user, Lead.objects.filter(person_id__in=member_ids).exclude(pk=lead.pk)):
        events.append(Event(other.reported_at, "link-45deg", _("Lead %(number)s for %(name)s (%(status)s)") % {
            "number": other.number, "name": names.get(other.person_id, ""), "status": other.get_status_display()},
            url=other.get_absolute_url(), tone="secondary"))
    previous: dict[int, str] = {}
    for h in Person.history.model.objects.filter(id__in=member_ids).select_related("history_user") \
            .order_by("history_date", "history_id"):
        before = previous.get(h.id)
        previous[h.id] = h.assistance_status
        if before is None or before == h.assistance_status:
            continue
        events.append(Event(h.history_date, "person-check", _("%(name)s: assistance status %(before)s → %(after)s") % {
            "name": h.name, "before": Person(assistance_status=before).get_assistance_status_display(),
            "after": h.get_assistance_status_display()}, who=_who(h.history_user), tone="success"))
    for i, e in enumerate(events):
        e.order = i
    events.sort(key=lambda e: (e.when, e.order))
    return events


def lead_case(*, user, lead: Lead) -> dict:
    """Everything the case page shows, read once."""
    outcomes = list(lead.outcomes.select_related("department", "recorded_by", "approved_by"))
    investigations = list(lead.investigations.select_related("started_by", "updated_by")
                          .prefetch_related("investigators", "causes"))
    # current_investigation(lead), from the rows just read: the latest started (started_at is never null)
    investigation = max(investigations, key=lambda i: (i.started_at, i.pk)) if investigations else None
    members = list(scope(user, Person.objects.filter(household_id=lead.person.household_id))
                   .order_by("relation", "birth_date"))
    settings = district_settings(lead)  # read once: the hint and the relief panel
    hint = lead_hint(lead, investigation, settings=settings) if investigation is not None else None
    follow_ups = list(lead.follow_ups.select_related("done_by"))
    spot_checks = list(lead.spot_checks.select_related("drawn_by", "visited_by"))
    sources = list(lead.sources.select_related("reported_by").prefetch_related("suspected_relief"))
    transfer_forms = list(lead_transfer_forms(user=user, lead=lead))
    return {
        "outcomes": outcomes,
        "investigations": investigations,
        "investigation": investigation,
        "checks": investigation.checks() if investigation is not None else [],
        "hint": hint,
        "relief_settings": settings,
        "members": members,
        "follow_ups": follow_ups,
        "spot_checks": spot_checks,
        "sources": sources,
        "transfer_forms": transfer_forms,  # the timeline's, and the referrals block's ({% lead_transfer_forms %})
        "timeline": lead_timeline(user=user, lead=lead, sources=sources, outcomes=outcomes, follow_ups=follow_ups,
                                  spot_checks=spot_checks, transfer_forms=transfer_forms),
        "actions": lead_actions(user=user, lead=lead, outcomes=outcomes),
        "close_blockers": (lead_close_blockers(lead=lead, outcomes=outcomes)
                           if lead.status == LeadStatus.IN_PROGRESS else []),
    }


def open_lead_by_number(*, user, number: str) -> Lead | None:
    number = (number or "").strip()
    if not number:
        return None
    return scope(user, Lead.objects.filter(number=number)).first()


# --- due work ---------------------------------------------------------------------------------------
def due_summary(*, user, today: dt.date | None = None) -> dict:
    """Counts for the home page: follow-ups due, papers owed, approvals waiting, spot checks to visit."""
    today = today or timezone.localdate()
    follow_ups = scope(user, FollowUp.objects.filter(status=FollowUpStatus.DUE))
    counts = follow_ups.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)),
        due_today=Count("id", filter=Q(due_on=today)),
        due_soon=Count("id", filter=Q(due_on__gt=today, due_on__lte=today + dt.timedelta(days=7))),
    )
    counts["papers_owed"] = scope(user, Outcome.objects.filter(paperwork=Paperwork.OWED)).count()
    counts["papers_overdue"] = scope(user, Outcome.objects.filter(paperwork=Paperwork.OWED,
                                                                  paperwork_due_on__lt=today)).count()
    counts["awaiting_approval"] = scope(user, Outcome.objects.filter(
        status=OutcomeStatus.PENDING_APPROVAL)).count()
    counts["spot_checks_pending"] = scope(user, SpotCheck.objects.filter(finding=SpotCheckFinding.PENDING)).count()
    return counts


def spot_check_summary(*, user, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """Per township: leads sampled and the district's findings, for months in [start, end] (the assessment)."""
    qs = scope(user, SpotCheck.objects.all())
    if start:
        qs = qs.filter(month__gte=start)
    if end:
        qs = qs.filter(month__lte=end)
    rows = (qs.values("township_id", "township__name", "township__code")
            .annotate(sampled=Count("id"),
                      confirmed=Count("id", filter=Q(finding=SpotCheckFinding.CONFIRMED)),
                      wrongly_included=Count("id", filter=Q(finding=SpotCheckFinding.WRONGLY_INCLUDED)),
                      wrongly_left_out=Count("id", filter=Q(finding=SpotCheckFinding.WRONGLY_LEFT_OUT)),
                      pending=Count("id", filter=Q(finding=SpotCheckFinding.PENDING)))
            .order_by("township__code"))
    return list(rows)


def lead_as_transfer_subject(lead: Lead) -> TransferSubject:
    """A lead as referrals shows it on a transfer form (registered in ``CasesConfig.ready``; referrals names none
    of the lead's fields). Reads the person, township and village, which the registration names for referrals
    to fetch with the form."""
    return TransferSubject(
        number=lead.number, person_name=lead.person.name, id_number=lead.person.id_number,
        township_id=lead.township_id, township_name=lead.township.name,
        village_name=lead.village.name if lead.village_id else None, family_situation=lead.family_situation,
        url=lead.get_absolute_url(), is_open=lead.is_open)

