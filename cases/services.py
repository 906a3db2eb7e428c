"""Writes to the registry and to leads. Views only call these.

Each function checks what the user may do, runs in one transaction, records who
and when (history), and is safe to call twice.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import TOWNSHIP_ROLES, RegionLevel, Role
from accounts.models import Department, Region, User
from accounts.scoping import can_see, scope
from common import resident_id
from referrals.choices import NotificationKind
from referrals.services import mark_notifications_read, notify, notify_township

from .choices import (
    ASSISTED_OUTCOMES, OPEN_LEAD_STATUSES, OPEN_OUTCOME_STATUSES, REFERRAL_DEPARTMENT, Area, ArchiveClass,
    AssistanceStatus, Channel, DiscoveryMethod, FollowUpKind, FollowUpStatus, LeadStatus, OutcomeKind, OutcomeStatus,
    Paperwork, ReferralKind, SourceType, SpotCheckFinding,
)
from .models import (
    DistrictSettings, FollowUp, HardshipCause, Household, Investigation, Lead, LeadCounter, LeadSource, Outcome,
    Person, ReliefKind, SpotCheck,
)
from .selectors import lead_close_blockers


class RegistryError(Exception):
    """A registry write that cannot be done; the message is for the user."""


class LeadError(Exception):
    """A lead operation that cannot be done; the message is for the user, in Chinese."""


# --- the registry -----------------------------------------------------------------------
@transaction.atomic
def person_register(*, id_number: str, name: str, village: Region, household: Household | None = None,
                    group: Region | None = None, phone: str = "", relation: str = "head",
                    address: str = "") -> Person:
    """Register a person, deriving sex and birth date from the ID number.

    Safe to call twice: a person already registered under the same ID is
    returned unchanged. Without a household, a new one is opened with the
    person as its head.
    """
    parsed = resident_id.parse(id_number)
    existing = Person.objects.filter(id_number=parsed.number).first()
    if existing is not None:
        return existing
    name = (name or "").strip()
    if not name:
        raise RegistryError(_("Please enter the person's name."))
    if village.level != RegionLevel.VILLAGE:
        raise RegistryError(_("Please choose a village or community."))
    if household is None:
        household = Household.objects.create(
            number=household_next_number(village=village), township=village.parent, village=village,
            group=group, address=address,
        )
        relation = "head"
    person = Person(
        id_number=parsed.number, name=name, sex=parsed.sex, birth_date=parsed.birth_date, phone=phone,
        township=village.parent, village=village, group=group, household=household, relation=relation,
    )
    person.full_clean(exclude=["household", "township", "village", "group"])
    person.save()
    if relation == "head" and household.head_id is None:
        household.head = person
        household.save(update_fields=["head"])
    return person


def household_next_number(*, village: Region) -> str:
    """Household numbers are the village code plus a 5-digit sequence."""
    # Through the village's index: a bare LIKE over all households scans the table (0.4 s at 1M people).
    last = (Household.objects.filter(village=village, number__startswith=village.code).order_by("-number")
            .values_list("number", flat=True).first())
    seq = int(last[len(village.code):]) + 1 if last else 1
    return f"{village.code}{seq:05d}"


# --- leads -------------------------------------------------------------------------------
def lead_next_number(*, district_code: str, year: int) -> str:
    """Readable, unique, gapless per district and year: 370304-2026-000123. Call inside a transaction."""
    counter, _created = LeadCounter.objects.select_for_update().get_or_create(district_code=district_code, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{district_code}-{year}-{counter.last:06d}"


def lead_numbers_reserve(*, district_code: str, year: int, count: int) -> int:
    """Reserve ``count`` consecutive lead numbers at once (bulk imports); returns the first sequence number.
    The numbers are ``f"{district_code}-{year}-{n:06d}"`` for n from it on, as :func:`lead_next_number` makes
    them. Call inside the transaction that uses them (the counter's row stays locked until it ends)."""
    counter, _created = LeadCounter.objects.select_for_update().get_or_create(district_code=district_code, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def _check_can_report_for(user, person: Person) -> None:
    if user is None:
        return  # system sources (public reports, feeds) are checked where they arise
    if user.role == Role.DEPARTMENT_LIAISON or not user.has_perm("cases.add_lead"):
        raise LeadError(_("Your role cannot log leads."))
    if not can_see(user, person):
        raise LeadError(_("This person is outside your area; you cannot log a lead for them."))


@transaction.atomic
def lead_report(*, person: Person, method: str, channel: str, discovered_on: dt.date,
                source_type: str = SourceType.MANUAL, by=None, reporter_name: str = "", reporter_phone: str = "",
                description: str = "", suspected_relief: Iterable[ReliefKind] = (),
                causes: Iterable[HardshipCause] = (), is_urgent: bool = False,
                origin: tuple[str, str] | None = None, now: dt.datetime | None = None,
                notify: bool = True, family_situation: str | None = None,
                late_reason: str = "") -> tuple[Lead, bool]:
    """Report a lead for a person. Returns ``(lead, merged)``.

    One open lead per person: when the person already has one, this report is
    added to it as another source (both stay as evidence), its suspected relief
    and urgency are added to the lead's, and the township is told. A report with
    the same ``origin`` (a public report, a visit, a feed row) is taken once. A new lead's
    family situation is ``family_situation`` when given (a feed row's), else the description.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if discovered_on > today:
        raise LeadError(_("The date discovered cannot be in the future."))
    _check_can_report_for(by, person)
    if origin:
        done = LeadSource.objects.filter(origin_type=origin[0], origin_id=str(origin[1])).select_related("lead").first()
        if done is not None:
            return done.lead, False
    # Lock the person: two reports for one person at the same moment become one lead.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    suspected_relief, causes = list(suspected_relief), list(causes)
    late = discovered_on < today
    lead = Lead.objects.select_for_update().filter(person=person, status__in=OPEN_LEAD_STATUSES).first()
    merged = lead is not None
    if lead is None:
        lead = Lead.objects.create(
            number=lead_next_number(district_code=person.village.code[:6], year=today.year),
            person=person, township_id=person.township_id, village_id=person.village_id,
            method=method, channel=channel, discoverer=by, discoverer_name=reporter_name if by is None else "",
            discovered_on=discovered_on, reported_at=now, is_late_report=late,
            late_reason=(late_reason or "").strip()[:500] if late else "",
            family_situation=description if family_situation is None else family_situation,
            is_urgent=is_urgent, created_by=by,
            due_on=lead_due_on(Lead(status=LeadStatus.REPORTED, reported_at=now, is_urgent=is_urgent)),
        )
        lead.suspected_relief.set(suspected_relief)
        lead.causes.set(causes)
    else:
        lead.suspected_relief.add(*suspected_relief)
        lead.causes.add(*causes)
        if is_urgent and not lead.is_urgent:
            lead.is_urgent = True
            lead.version += 1
            lead.due_on = lead_due_on(lead)  # a 急难 report makes acceptance due the same working day
            lead.save(update_fields=["is_urgent", "version", "due_on", "updated_at"])
    source = LeadSource.objects.create(
        lead=lead, source_type=source_type, method=method, channel=channel, reported_by=by,
        reporter_name=reporter_name, reporter_phone=reporter_phone, discovered_on=discovered_on, reported_at=now,
        is_late_report=late, description=description, is_urgent=is_urgent,
        origin_type=origin[0] if origin else "", origin_id=str(origin[1]) if origin else "",
    )
    source.suspected_relief.set(suspected_relief)
    url = reverse("cases:lead_detail", args=[lead.pk])
    if merged:
        title = _("Another report for lead %(number)s (%(name)s)") % {"number": lead.number, "name": person.name}
        kind = NotificationKind.LEAD_MERGED
    else:
        title = _("New lead %(number)s: %(name)s, %(village)s") % {
            "number": lead.number, "name": person.name, "village": person.village.name}
        kind = NotificationKind.NEW_LEAD
    if is_urgent:
        title = _("[Urgent] %(title)s") % {"title": title}
    entered_by_township = by is not None and by.region_id == lead.township_id and by.role in TOWNSHIP_ROLES
    # Not told: a township of a lead its own office entered; and when ``notify`` is False, the caller tells
    # the townships once for many reports (a department feed's delivery).
    if notify and not entered_by_township:
        notify_township(township=lead.township, kind=kind, title=title, body=description[:500], url=url,
                        is_urgent=is_urgent, subject=lead)
    return lead, merged


# --- the lead's life: helpers ------------------------------------------------------------------
def _stale() -> LeadError:
    return LeadError(_("Someone else changed this lead while you were editing it. Please reload the page "
                       "and make your change again."))


def _lock(lead: Lead) -> Lead:
    """The lead's row, locked until the transaction ends (one writer per lead at a time)."""
    return Lead.objects.select_for_update().get(pk=lead.pk)


def _check_version(lead: Lead, expected_version: int | None) -> None:
    """Optimistic locking: a form carries the version it started from; a stale save is refused."""
    if expected_version is not None and lead.version != expected_version:
        raise _stale()


def _lead_for_update(lead: Lead, expected_version: int | None) -> Lead:
    fresh = _lock(lead)
    _check_version(fresh, expected_version)
    return fresh


def _save(obj, user, reason: str = "", **kwargs) -> None:
    """Save with the history row naming who did it and why (the change reason is a code, shown translated)."""
    if user is not None and getattr(user, "pk", None):
        obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save(**kwargs)


def _save_lead(lead: Lead, user, reason: str) -> Lead:
    lead.version += 1
    lead.due_on = lead_due_on(lead)
    _save(lead, user, reason)
    return lead


def lead_due_on(lead: Lead) -> dt.date | None:
    """When the lead's current step is owed (cases/obligations.py): its acceptance while reported, its
    investigation result while accepted or under investigation; nothing after that."""
    from .obligations import acceptance_due_on, investigation_due_on

    if lead.status == LeadStatus.REPORTED:
        return acceptance_due_on(lead)
    if lead.status in (LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING) and lead.accepted_at:
        return investigation_due_on(max(lead.accepted_at, lead.reopened_at or lead.accepted_at))
    return None


TOWNSHIP_OFFICE = (Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF)


def _check_township_office(user, lead: Lead) -> None:
    if user is None or (user.role not in TOWNSHIP_OFFICE and not user.is_superuser):
        raise LeadError(_("Only the township office or the district centre can do this."))
    if not can_see(user, lead):
        raise LeadError(_("This lead is outside your area."))


def _check_district_head(user, lead: Lead) -> None:
    if user is None or (user.role != Role.DISTRICT_HEAD and not user.is_superuser):
        raise LeadError(_("Only the district head can approve relief decided case by case."))
    if not can_see(user, lead):
        raise LeadError(_("This lead is outside your area."))


def _check_district_staff(user) -> None:
    if user is None or (user.role != Role.DISTRICT_STAFF and not user.is_superuser):
        raise LeadError(_("Only the district centre can do spot checks."))


def _today() -> dt.date:
    return timezone.localdate()


def _check_not_future(day: dt.date | None, what: str) -> None:
    if day is not None and day > _today():
        raise LeadError(_("The %(what)s cannot be in the future.") % {"what": what})


def district_settings(lead_or_region) -> DistrictSettings:
    code = lead_or_region.township.code if isinstance(lead_or_region, Lead) else lead_or_region.code
    return DistrictSettings.for_district_code(code)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The product's one working-day calendar (referrals.workdays)."""
    from referrals.workdays import add_working_days as calendar_add

    return calendar_add(start, n)


def _is_working_day(day: dt.date) -> bool:
    from referrals.workdays import is_working_day

    return is_working_day(day)


def _district_users(lead: Lead, role: str):
    return User.objects.filter(region__code=f"{lead.township.code[:6]}000000", role=role, is_active=True)


def _lead_url(lead: Lead) -> str:
    return reverse("cases:lead_detail", args=[lead.pk])


def current_investigation(lead: Lead) -> Investigation | None:
    return lead.investigations.order_by("-started_at", "-id").first()


def default_area(lead: Lead) -> str:
    """Streets and communities (社区, 居委会) are urban; villages of towns and townships rural."""
    village = lead.village.name
    if lead.township.code[6] == "0" or "社区" in village or "居委会" in village:
        return Area.URBAN
    return Area.RURAL


# --- accept, reject, merge ----------------------------------------------------------------------
@transaction.atomic
def lead_accept(*, lead: Lead, user, expected_version: int | None = None) -> Lead:
    """reported → accepted. Accepting an accepted lead again changes nothing."""
    _check_township_office(user, lead)
    lead = _lock(lead)
    if lead.status != LeadStatus.REPORTED:
        if lead.status == LeadStatus.ACCEPTED or lead.status in OPEN_LEAD_STATUSES:
            return lead
        raise LeadError(_("This lead is %(status)s and cannot be accepted.") % {"status": lead.get_status_display()})
    _check_version(lead, expected_version)
    lead.status = LeadStatus.ACCEPTED
    lead.accepted_by = user
    lead.accepted_at = timezone.now()
    mark_notifications_read(lead)  # the township's "new lead" notices are dealt with
    return _save_lead(lead, user, "accept")


@transaction.atomic
def lead_reject(*, lead: Lead, user, reason: str, expected_version: int | None = None) -> Lead:
    """reported → rejected, with a reason. Rejecting a rejected lead again changes nothing."""
    _check_township_office(user, lead)
    reason = (reason or "").strip()
    if not reason:
        raise LeadError(_("Please give the reason for rejecting this lead."))
    lead = _lock(lead)
    if lead.status == LeadStatus.REJECTED:
        return lead
    _check_version(lead, expected_version)
    if lead.status != LeadStatus.REPORTED:
        raise LeadError(_("Only a lead not yet accepted can be rejected."))
    lead.status = LeadStatus.REJECTED
    lead.reject_reason = reason
    lead.closed_at = timezone.now()
    lead.closed_by = user
    mark_notifications_read(lead)
    return _save_lead(lead, user, "reject")


@transaction.atomic
def lead_merge(*, lead: Lead, into: Lead, user, expected_version: int | None = None) -> Lead:
    """Merge a duplicate lead into another: its sources, relief and causes move over; nothing is lost."""
    _check_township_office(user, lead)
    if not can_see(user, into):
        raise LeadError(_("The lead to merge into is outside your area."))
    if lead.pk == into.pk:
        raise LeadError(_("A lead cannot be merged into itself."))
    # Lock both rows in id order: two merges crossing each other cannot deadlock.
    locked = {row.pk: row for row in Lead.objects.select_for_update().filter(pk__in=[lead.pk, into.pk]).order_by("pk")}
    lead, into = locked[lead.pk], locked[into.pk]
    if lead.status == LeadStatus.MERGED and lead.merged_into_id == into.pk:
        return into
    _check_version(lead, expected_version)
    if lead.status != LeadStatus.REPORTED:
        raise LeadError(_("Only a lead not yet accepted can be merged into another."))
    if not into.is_open:
        raise LeadError(_("Lead %(number)s is closed; choose an open lead to merge into.") % {"number": into.number})
    lead.sources.update(lead=into)
    into.suspected_relief.add(*lead.suspected_relief.all())
    into.causes.add(*lead.causes.all())
    if lead.is_urgent:
        into.is_urgent = True
    _save_lead(into, user, "merge_in")
    lead.status = LeadStatus.MERGED
    lead.merged_into = into
    lead.closed_at = timezone.now()
    lead.closed_by = user
    _save_lead(lead, user, "merge")
    mark_notifications_read(lead)
    return into


# --- investigation -----------------------------------------------------------------------------
def _household_size(person: Person) -> int:
    return max(1, Person.objects.filter(household_id=person.household_id, is_deceased=False).count())


def _new_investigation(lead: Lead, user) -> Investigation:
    investigation = Investigation(lead=lead, started_by=user, area=default_area(lead),
                                  household_size=_household_size(lead.person), updated_by=user)
    _save(investigation, user, "investigation_start")
    investigation.causes.set(lead.causes.all())
    if user is not None and user.pk:
        investigation.investigators.add(user)
    return investigation


@transaction.atomic
def lead_investigation_start(*, lead: Lead, user, expected_version: int | None = None) -> Investigation:
    """accepted → investigating: opens the 入户调查评估 record. Starting again returns the same record."""
    _check_township_office(user, lead)
    lead = _lock(lead)
    if lead.investigation_started_at and lead.status in (LeadStatus.INVESTIGATING, LeadStatus.ASSESSED,
                                                         LeadStatus.IN_PROGRESS, LeadStatus.CLOSED):
        return current_investigation(lead)
    _check_version(lead, expected_version)
    if lead.status != LeadStatus.ACCEPTED:
        raise LeadError(_("Only an accepted lead can be investigated; this one is %(status)s.")
                        % {"status": lead.get_status_display()})
    investigation = _new_investigation(lead, user)
    lead.status = LeadStatus.INVESTIGATING
    lead.investigation_started_at = timezone.now()
    _save_lead(lead, user, "investigation_start")
    return investigation


# The fields of an investigation a caseworker fills in (the form's fields).
INVESTIGATION_FIELDS = (
    "visited_on", "other_investigators", "met_in_person", "not_met_reason", "situation_clear",
    "situation_unclear_reason", "proposals", "no_proposal_reason", "health", "health_note", "labour_capacity",
    "self_care", "area", "household_size", "income_12m", "medical_expense_12m", "education_expense_12m",
    "other_rigid_expense_12m", "difficulty_class", "situation", "willing_to_apply", "needs_application_help",
    "is_joint", "joint_district_members", "joint_township_members", "joint_village_members",
)
INVESTIGATION_M2M = ("investigators", "causes")


def _investigation_editable(lead: Lead) -> bool:
    return lead.status == LeadStatus.INVESTIGATING or (
        lead.status == LeadStatus.IN_PROGRESS and lead.assessed_at is None)


@transaction.atomic
def investigation_save(*, lead: Lead, user, data: dict, expected_version: int | None = None) -> Investigation:
    """Record what the home visit found. ``data`` holds any of INVESTIGATION_FIELDS and INVESTIGATION_M2M.

    Saving the same figures twice changes nothing; a save that started from an
    older version of the lead is refused with a message.
    """
    _check_township_office(user, lead)
    lead = _lock(lead)
    if not _investigation_editable(lead):
        raise LeadError(_("The investigation can only be changed while the lead is being investigated; this lead "
                          "is %(status)s.") % {"status": lead.get_status_display()})
    investigation = current_investigation(lead)
    if investigation is None:
        raise LeadError(_("Start the investigation first."))
    unknown = set(data) - set(INVESTIGATION_FIELDS) - set(INVESTIGATION_M2M)
    if unknown:
        raise ValueError(f"unknown investigation fields: {sorted(unknown)}")
    changes = {k: v for k, v in data.items() if k in INVESTIGATION_FIELDS and getattr(investigation, k) != v}
    m2m = {}
    for name in INVESTIGATION_M2M:
        if name in data:
            wanted = {o.pk for o in data[name]}
            if wanted != set(getattr(investigation, name).values_list("pk", flat=True)):
                m2m[name] = data[name]
    if not changes and not m2m:
        return investigation
    _check_version(lead, expected_version)
    _check_not_future(changes.get("visited_on"), _("date of the home visit"))
    for name, value in changes.items():
        setattr(investigation, name, value)
    investigation.updated_by = user
    try:
        investigation.full_clean(exclude=["lead", "started_by", "updated_by", "hint_snapshot"])
    except ValidationError as exc:
        raise LeadError("；".join(str(m) for m in exc.messages)) from exc
    _save(investigation, user, "investigation_save")
    for name, value in m2m.items():
        getattr(investigation, name).set(value)
    _save_lead(lead, user, "investigation_save")
    return investigation


def household_statuses(person: Person) -> list[str]:
    return list(Person.objects.filter(household_id=person.household_id, is_deceased=False)
                .values_list("assistance_status", flat=True))


def lead_hint(lead: Lead, investigation: Investigation | None = None):
    """The eligibility hint (预判) for a lead's current investigation."""
    from .eligibility import eligibility_hint

    investigation = investigation if investigation is not None else current_investigation(lead)
    return eligibility_hint(investigation=investigation, lead=lead, settings=district_settings(lead),
                            household_statuses=household_statuses(lead.person))


def investigation_missing(investigation: Investigation) -> dict[str, str]:
    """What an investigation still lacks before the lead can be assessed: {form field name: label}."""
    missing = {}
    if investigation.visited_on is None:
        missing["visited_on"] = _("date of the home visit")
    if investigation.met_in_person is None:
        missing["met_in_person"] = _("met the person")
    if investigation.income_12m is None:
        missing["income_12m"] = _("household income over the last 12 months")
    if not investigation.difficulty_class:
        missing["difficulty_class"] = _("difficulty class")
    if not investigation.willing_to_apply:
        missing["willing_to_apply"] = _("willingness to apply")
    return missing


def investigation_open_checks(investigation: Investigation) -> dict[str, str]:
    """The checks of 三个不放过 still open without a reason: {form field of the reason: label}."""
    reason_fields = {"seen": "not_met_reason", "clear": "situation_unclear_reason", "measures": "no_proposal_reason"}
    return {reason_fields[c["key"]]: str(c["label"]) for c in investigation.checks()
            if not c["closed"] and not c["reason"]}


@transaction.atomic
def lead_assess(*, lead: Lead, user, expected_version: int | None = None) -> Lead:
    """investigating → assessed. Refused while a check of 三个不放过 is open without a recorded reason.

    The eligibility hint shown at that moment is kept with the investigation.
    """
    _check_township_office(user, lead)
    lead = _lock(lead)
    if lead.assessed_at is not None:
        return lead
    _check_version(lead, expected_version)
    if not _investigation_editable(lead):
        raise LeadError(_("Only a lead under investigation can be assessed; this one is %(status)s.")
                        % {"status": lead.get_status_display()})
    investigation = current_investigation(lead)
    if investigation is None:
        raise LeadError(_("Start the investigation first."))
    missing = investigation_missing(investigation)
    if missing:
        raise LeadError(_("The investigation is not complete: please fill in %(fields)s.")
                        % {"fields": "、".join(str(label) for label in missing.values())})
    open_checks = investigation.open_checks_without_reason()
    if open_checks:
        raise LeadError(_("三个不放过: %(checks)s — still open. Close it, or record why it stays open, before "
                          "assessing.") % {"checks": "；".join(open_checks)})
    investigation.hint_snapshot = lead_hint(lead, investigation).as_dict()
    _save(investigation, user, "assess")
    if lead.status == LeadStatus.INVESTIGATING:
        lead.status = LeadStatus.ASSESSED
    lead.assessed_at = timezone.now()
    lead.assessed_by = user
    return _save_lead(lead, user, "assess")


# --- outcomes ----------------------------------------------------------------------------------
STATUS_RANK = {
    AssistanceStatus.NONE: 0, AssistanceStatus.OTHER_LOW_INCOME: 1, AssistanceStatus.POVERTY_MONITORING: 2,
    AssistanceStatus.RIGID_EXPENSE: 2, AssistanceStatus.DIBAO_EDGE: 2, AssistanceStatus.DIBAO: 3,
    AssistanceStatus.TEKUN: 4,
}
MONITORING_GROUPS = (AssistanceStatus.DIBAO_EDGE, AssistanceStatus.RIGID_EXPENSE,
                     AssistanceStatus.POVERTY_MONITORING, AssistanceStatus.OTHER_LOW_INCOME)


def _apply_registry_status(outcome: Outcome, user) -> list[Person]:
    """The person's (or household's) assistance status follows an outcome that is done. Never lowers a status."""
    person = outcome.lead.person
    if outcome.kind == OutcomeKind.DIBAO:
        status, whole = AssistanceStatus.DIBAO, outcome.whole_household
    elif outcome.kind == OutcomeKind.TEKUN:
        status, whole = AssistanceStatus.TEKUN, False
    elif outcome.kind == OutcomeKind.MONITORING and outcome.monitoring_group:
        status, whole = outcome.monitoring_group, True
    else:
        return []
    people = (Person.objects.select_for_update().filter(household_id=person.household_id, is_deceased=False)
              if whole else Person.objects.select_for_update().filter(pk=person.pk))
    changed = []
    for member in people:
        if STATUS_RANK.get(member.assistance_status, 0) >= STATUS_RANK[status]:
            continue
        member.assistance_status = status
        member.status_since = outcome.included_on or _today()
        _save(member, user, f"outcome:{outcome.kind}")
        changed.append(member)
    return changed


def _issue_transfer_form(outcome: Outcome, lead: Lead, user) -> None:
    """转介专项救助 raises a transfer form to the department once the referrals app issues them."""
    from referrals import services as referral_services

    issue = getattr(referral_services, "transfer_form_issue", None)
    if issue is None:
        return  # until transfer forms exist, the outcome itself is the record of the referral
    from referrals import choices as referral_choices

    codes = getattr(referral_choices, "TransferKindCode", None)
    kind = getattr(codes, "SPECIAL_RELIEF", "special_relief")
    request_text = _("Please consider %(relief)s for %(name)s (lead %(number)s).") % {
        "relief": outcome.get_referral_kind_display(), "name": lead.person.name, "number": lead.number}
    if outcome.note:
        request_text = f"{request_text}\n{outcome.note}"
    try:
        form = issue(lead=lead, by=user, to_region=None, to_department=outcome.department, kind=kind,
                     request_text=request_text)
    except Exception as exc:  # a referrals domain error carries a message for the user
        if type(exc).__module__.startswith("referrals"):
            raise LeadError(str(exc)) from exc
        raise
    if form is not None:
        outcome.transfer_form_id = form.pk
        outcome.transfer_form_number = getattr(form, "number", "") or ""


def _same_outcome(lead: Lead, kind: str, *, referral_kind: str, amount, included_on) -> Outcome | None:
    """An outcome already recorded that this call would repeat (a double click, a resubmitted form)."""
    qs = lead.outcomes.filter(kind=kind).exclude(status__in=[OutcomeStatus.CANCELLED, OutcomeStatus.REFUSED])
    if lead.reopened_at is not None:  # a reopened lead decides afresh: its earlier outcomes are history
        qs = qs.filter(recorded_at__gte=lead.reopened_at)
    if kind == OutcomeKind.REFERRAL:
        qs = qs.filter(referral_kind=referral_kind)
    elif kind == OutcomeKind.TEMPORARY:
        qs = qs.filter(amount=amount, included_on=included_on)
    return qs.first()


def _check_outcome_allowed(lead: Lead) -> None:
    if lead.status == LeadStatus.ASSESSED or (lead.status == LeadStatus.IN_PROGRESS):
        return
    if lead.status in (LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING) and lead.is_urgent:
        raise LeadError(_("Assess the investigation first, or use the green channel for an urgent lead."))
    raise LeadError(_("Outcomes are recorded after the investigation is assessed; this lead is %(status)s.")
                    % {"status": lead.get_status_display()})


def _build_outcome(*, lead: Lead, user, kind: str, included_on, amount, is_advance: bool, referral_kind: str,
                   department, reason: str, policy_explained: bool, explained_on, whole_household: bool,
                   monitoring_group: str, note: str, cfg: DistrictSettings) -> Outcome:
    """Validate one outcome and build it (unsaved). Every rule of the form is here, not in the form."""
    reason, note = (reason or "").strip(), (note or "").strip()
    _check_not_future(included_on, _("date of inclusion"))
    _check_not_future(explained_on, _("date the policy was explained"))
    outcome = Outcome(lead=lead, kind=kind, recorded_by=user, note=note, reason=reason)
    today = _today()
    if kind == OutcomeKind.TEMPORARY:
        if amount is None or Decimal(amount) <= 0:
            raise LeadError(_("Please enter the amount of the temporary relief."))
        outcome.amount = Decimal(amount)
        outcome.included_on = included_on or today
        outcome.is_case_by_case = outcome.amount > cfg.temporary_relief_cap
        if outcome.is_case_by_case and is_advance:
            raise LeadError(_("Relief paid first cannot exceed the normal cap of %(cap)s yuan; an amount above it is "
                              "decided case by case and needs the district head's approval first.")
                            % {"cap": f"{cfg.temporary_relief_cap:,}"})
        if outcome.is_case_by_case:
            outcome.status = OutcomeStatus.PENDING_APPROVAL
            if not reason:
                raise LeadError(_("An amount above the normal cap is decided case by case (一事一议): please give the "
                                  "reason for the district head."))
        if is_advance:
            outcome.is_advance = True
            outcome.paperwork = Paperwork.OWED
            outcome.paperwork_due_on = add_working_days(outcome.included_on, cfg.paperwork_working_days)
    elif kind in (OutcomeKind.DIBAO, OutcomeKind.TEKUN):
        outcome.included_on = included_on
        outcome.whole_household = bool(whole_household) and kind == OutcomeKind.DIBAO
        # Without a date of inclusion the application is still being reviewed (公示, approval), and the
        # decision is owed within the statutory limit (cases/obligations.py).
        outcome.status = OutcomeStatus.DONE if included_on else OutcomeStatus.IN_PROGRESS
        if outcome.status == OutcomeStatus.IN_PROGRESS:
            from .obligations import decision_due_on

            outcome.decision_due_on = decision_due_on(outcome)
    elif kind == OutcomeKind.REFERRAL:
        if referral_kind not in ReferralKind.values:
            raise LeadError(_("Please choose the special relief to refer to."))
        outcome.referral_kind = referral_kind
        if department is None and REFERRAL_DEPARTMENT.get(referral_kind):
            department = Department.objects.filter(
                district__code=f"{lead.township.code[:6]}000000", code=REFERRAL_DEPARTMENT[referral_kind],
                is_active=True).first()
        if department is None:
            raise LeadError(_("Please choose the department to refer to."))
        if department.district.code[:6] != lead.township.code[:6]:
            raise LeadError(_("The department must be in the lead's district."))
        outcome.department = department
        outcome.included_on = included_on or today
    elif kind == OutcomeKind.MONITORING:
        if monitoring_group not in MONITORING_GROUPS:
            raise LeadError(_("Please choose the low-income group to monitor the family in."))
        outcome.monitoring_group = monitoring_group
        outcome.included_on = included_on or today
    elif kind == OutcomeKind.OBSERVATION:
        outcome.included_on = included_on or today
    elif kind == OutcomeKind.NOT_ELIGIBLE:
        if not reason:
            raise LeadError(_("Please give the reason why the family is not eligible."))
        outcome.included_on = included_on or today
    elif kind == OutcomeKind.DECLINED:
        if not policy_explained or explained_on is None:
            raise LeadError(_("When the person does not want to apply, record that the policy was explained to them "
                              "and when."))
        outcome.policy_explained = True
        outcome.explained_on = explained_on
        outcome.included_on = included_on or explained_on
    else:
        raise LeadError(_("Unknown outcome."))
    if outcome.status == OutcomeStatus.DONE:
        outcome.done_at = timezone.now()
    return outcome


def _notify_district_heads_of(outcome: Outcome, lead: Lead) -> None:
    notify(recipients=_district_users(lead, Role.DISTRICT_HEAD), kind=NotificationKind.INFO,
           title=_("Approval needed: temporary relief of %(amount)s yuan for %(name)s (lead %(number)s), decided "
                   "case by case") % {"amount": f"{outcome.amount:,}", "name": lead.person.name, "number": lead.number},
           body=outcome.reason, url=_lead_url(lead), is_urgent=lead.is_urgent, subject=outcome)


@transaction.atomic
def outcome_record(*, lead: Lead, user, kind: str, included_on: dt.date | None = None, amount=None,
                   is_advance: bool = False, referral_kind: str = "", department: Department | None = None,
                   reason: str = "", policy_explained: bool = False, explained_on: dt.date | None = None,
                   whole_household: bool = False, monitoring_group: str = "", note: str = "",
                   expected_version: int | None = None, explained_how: str = "") -> Outcome:
    """Record one 办理结果 of an assessed lead (assessed → in progress).

    * 临时救助 needs an amount; above the district's normal cap it waits for the district
      head (一事一议); paid first (先行救助), its papers are owed and chased.
    * 纳入低保 / 特困 without a date of inclusion are still being reviewed; 纳入低保 can
      include the whole household (seed 001).
    * 转介专项救助 raises a transfer form to the department (once the referrals app issues them).
    * 不符合救助条件 needs a reason and, like 本人不愿申请, the policy explained: when and how (cases/explanations.py).

    Recording the same outcome twice returns the first one.
    """
    _check_township_office(user, lead)
    lead = _lock(lead)
    _check_outcome_allowed(lead)
    from .voluntary import check_outcome_voluntary

    check_outcome_voluntary(lead=lead, kind=kind)
    repeat = _same_outcome(lead, kind, referral_kind=referral_kind, amount=amount,
                           included_on=included_on or _today())
    if repeat is not None:
        return repeat
    _check_version(lead, expected_version)
    outcome = _build_outcome(
        lead=lead, user=user, kind=kind, included_on=included_on, amount=amount, is_advance=is_advance,
        referral_kind=referral_kind, department=department, reason=reason, policy_explained=policy_explained,
        explained_on=explained_on, whole_household=whole_household, monitoring_group=monitoring_group, note=note,
        cfg=district_settings(lead))
    from .explanations import outcome_policy_explanation

    outcome_policy_explanation(outcome=outcome, policy_explained=policy_explained, explained_on=explained_on,
                               explained_how=explained_how)
    if outcome.kind == OutcomeKind.REFERRAL:
        _issue_transfer_form(outcome, lead, user)
        if outcome.transfer_form_id:
            # The referral is done when the department answers the form (outcome_referral_settle).
            outcome.status = OutcomeStatus.IN_PROGRESS
            outcome.done_at = None
    _save(outcome, user, "record")
    if outcome.status == OutcomeStatus.DONE:
        _apply_registry_status(outcome, user)
        from .filing import filing_open_saved

        filing_open_saved(outcome)  # 备案 (issue 17 rule 8)
    elif outcome.status == OutcomeStatus.PENDING_APPROVAL:
        _notify_district_heads_of(outcome, lead)
    lead.status = LeadStatus.IN_PROGRESS
    _save_lead(lead, user, f"outcome:{outcome.kind}")
    return outcome


def _outcome_for_update(outcome: Outcome) -> tuple[Outcome, Lead]:
    lead = _lock(outcome.lead)
    return Outcome.objects.select_for_update().get(pk=outcome.pk), lead


@transaction.atomic
def outcome_referral_settle(*, transfer_form, how: str) -> list[Outcome]:
    """A 转介专项救助 outcome waiting on ``transfer_form`` is done: the department answered it (or the form was
    closed without an answer). Called through ``referrals.signals.transfer_form_settled``; safe to call twice."""
    settled = []
    for outcome in Outcome.objects.select_for_update().select_related("lead").filter(
            transfer_form_id=transfer_form.pk, kind=OutcomeKind.REFERRAL, status=OutcomeStatus.IN_PROGRESS):
        outcome.status = OutcomeStatus.DONE
        outcome.done_at = timezone.now()
        result = transfer_form.get_result_display() if transfer_form.result else ""
        note = (_("Answered by %(recipient)s: %(result)s") if how == "answered"
                else _("Transfer form closed without an answer: %(result)s")) % {
            "recipient": transfer_form.recipient_name, "result": result or transfer_form.close_note}
        outcome.approval_note = note[:2000]
        by = transfer_form.answered_by or transfer_form.closed_by
        _save(outcome, by, "referral_answered")
        _apply_registry_status(outcome, by)
        settled.append(outcome)
    return settled


@transaction.atomic
def outcome_complete(*, outcome: Outcome, user, included_on: dt.date | None = None, approved: bool = True,
                     reason: str = "", expected_version: int | None = None) -> Outcome:
    """A 低保/特困 application under review ends: included (with the date of inclusion) or not approved."""
    _check_township_office(user, outcome.lead)
    outcome, lead = _outcome_for_update(outcome)
    if outcome.status in (OutcomeStatus.DONE, OutcomeStatus.REFUSED):
        return outcome
    if outcome.status != OutcomeStatus.IN_PROGRESS:
        raise LeadError(_("This outcome is %(status)s.") % {"status": outcome.get_status_display()})
    if outcome.kind == OutcomeKind.REFERRAL:
        raise LeadError(_("A referral is done when the department answers its transfer form."))
    _check_version(lead, expected_version)
    if approved:
        if included_on is None:
            raise LeadError(_("Please enter the date of inclusion."))
        _check_not_future(included_on, _("date of inclusion"))
        from .applications import check_inclusion_after_publicity

        check_inclusion_after_publicity(outcome=outcome, included_on=included_on)
        outcome.included_on = included_on
        outcome.status = OutcomeStatus.DONE
        outcome.done_at = timezone.now()
        _save(outcome, user, "complete")
        _apply_registry_status(outcome, user)
    else:
        reason = (reason or "").strip()
        if not reason:
            raise LeadError(_("Please give the reason why it was not approved."))
        outcome.status = OutcomeStatus.REFUSED
        outcome.approval_note = reason
        outcome.done_at = timezone.now()
        _save(outcome, user, "refuse")
    _save_lead(lead, user, "outcome_complete")
    return outcome


@transaction.atomic
def outcome_decide(*, outcome: Outcome, user, approve: bool, note: str = "",
                   expected_version: int | None = None) -> Outcome:
    """一事一议: the district head approves or refuses temporary relief above the normal cap."""
    _check_district_head(user, outcome.lead)
    outcome, lead = _outcome_for_update(outcome)
    decided = OutcomeStatus.DONE if approve else OutcomeStatus.REFUSED
    if outcome.status == decided and outcome.approved_by_id:
        return outcome
    if outcome.status != OutcomeStatus.PENDING_APPROVAL:
        raise LeadError(_("This relief is not awaiting approval (it is %(status)s).")
                        % {"status": outcome.get_status_display()})
    _check_version(lead, expected_version)
    note = (note or "").strip()
    if not approve and not note:
        raise LeadError(_("Please give the reason for not approving."))
    outcome.status = decided
    outcome.approved_by = user
    outcome.approved_at = timezone.now()
    outcome.approval_note = note
    outcome.done_at = timezone.now()
    _save(outcome, user, "approve" if approve else "refuse")
    mark_notifications_read(outcome)  # the district heads' "approval needed"
    from .filing import filing_open_saved

    filing_open_saved(outcome)  # 备案 (issue 17 rule 8)
    _save_lead(lead, user, "outcome_decide")
    notify_township(township=lead.township, kind=NotificationKind.INFO,
                    title=(_("Approved: temporary relief of %(amount)s yuan for %(name)s") if approve else
                           _("Not approved: temporary relief of %(amount)s yuan for %(name)s"))
                    % {"amount": f"{outcome.amount:,}", "name": lead.person.name},
                    body=note, url=_lead_url(lead), subject=outcome)
    return outcome


@transaction.atomic
def outcome_paperwork_complete(*, outcome: Outcome, user, completed_on: dt.date | None = None,
                               expected_version: int | None = None) -> Outcome:
    """The papers owed for relief paid first (先行救助) are complete: the chasing stops."""
    _check_township_office(user, outcome.lead)
    outcome, lead = _outcome_for_update(outcome)
    if outcome.paperwork != Paperwork.OWED:
        return outcome
    _check_version(lead, expected_version)
    completed_on = completed_on or _today()
    _check_not_future(completed_on, _("date the papers were completed"))
    outcome.paperwork = Paperwork.COMPLETE
    outcome.paperwork_completed_on = completed_on
    _save(outcome, user, "paperwork_complete")
    _save_lead(lead, user, "paperwork_complete")
    return outcome


# --- green channel ------------------------------------------------------------------------------
@transaction.atomic
def lead_green_channel(*, lead: Lead, user, district_members: str, township_members: str, village_members: str,
                       amount, note: str = "", expected_version: int | None = None) -> Outcome:
    """急难: the joint team of district, township and village visits, and temporary relief is paid first.

    The lead goes straight to "in progress"; the papers of the relief are owed
    (chased until complete) and the investigation is completed and assessed
    afterwards. Calling it again returns the relief already granted.
    """
    _check_township_office(user, lead)
    lead = _lock(lead)
    if lead.green_channel_at is not None:
        first = lead.outcomes.filter(kind=OutcomeKind.TEMPORARY, is_advance=True).order_by("id").first()
        if first is not None:
            return first
    _check_version(lead, expected_version)
    if not lead.is_urgent:
        raise LeadError(_("The green channel is for urgent (急难) leads only."))
    if lead.status not in (LeadStatus.REPORTED, LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING):
        raise LeadError(_("The green channel opens before the assessment; this lead is %(status)s.")
                        % {"status": lead.get_status_display()})
    team = [(district_members or "").strip(), (township_members or "").strip(), (village_members or "").strip()]
    if not all(team):
        raise LeadError(_("Record the joint investigation team: who came from the district, the township and the "
                          "village."))
    now = timezone.now()
    if lead.status == LeadStatus.REPORTED:
        lead.accepted_by, lead.accepted_at = user, now
    investigation = current_investigation(lead) or _new_investigation(lead, user)
    investigation.is_joint = True
    investigation.joint_district_members, investigation.joint_township_members, \
        investigation.joint_village_members = team
    investigation.visited_on = investigation.visited_on or _today()
    investigation.updated_by = user
    _save(investigation, user, "green_channel")
    outcome = _build_outcome(
        lead=lead, user=user, kind=OutcomeKind.TEMPORARY, included_on=_today(), amount=amount, is_advance=True,
        referral_kind="", department=None, reason="", policy_explained=False, explained_on=None,
        whole_household=False, monitoring_group="", note=note, cfg=district_settings(lead))
    _save(outcome, user, "green_channel")
    from .filing import filing_open_saved

    filing_open_saved(outcome)  # 备案 (issue 17 rule 8)
    lead.status = LeadStatus.IN_PROGRESS
    lead.green_channel_at = now
    lead.investigation_started_at = lead.investigation_started_at or now
    _save_lead(lead, user, "green_channel")
    return outcome


# --- closing, follow-ups, reopening --------------------------------------------------------------
def archive_class_for(outcomes: Iterable[Outcome]) -> str:
    """Seed 001: 新增救助群众 when any assistance was given, else 救助观察群众 when on the observation list."""
    done = {o.kind for o in outcomes if o.status == OutcomeStatus.DONE}
    if done & ASSISTED_OUTCOMES:
        return ArchiveClass.NEWLY_ASSISTED
    if OutcomeKind.OBSERVATION in done:
        return ArchiveClass.OBSERVATION
    return ArchiveClass.NOT_ASSISTED


def _follow_up(lead: Lead, kind: str, due_on: dt.date, user) -> FollowUp:
    existing = FollowUp.objects.filter(lead=lead, kind=kind, due_on=due_on).first()
    if existing is not None:
        return existing
    follow_up = FollowUp(lead=lead, kind=kind, due_on=due_on)
    _save(follow_up, user, "schedule")
    return follow_up


@transaction.atomic
def lead_close(*, lead: Lead, user, expected_version: int | None = None) -> Lead:
    """in progress → closed, once every outcome is done. Sets the archive class and schedules the follow-ups."""
    _check_township_office(user, lead)
    lead = _lock(lead)
    if lead.status == LeadStatus.CLOSED:
        return lead
    _check_version(lead, expected_version)
    if lead.status != LeadStatus.IN_PROGRESS:
        raise LeadError(_("Only a lead with outcomes can be closed; this one is %(status)s.")
                        % {"status": lead.get_status_display()})
    if lead.assessed_at is None:
        raise LeadError(_("Complete and assess the investigation before closing."))
    from .unidentified import check_identified

    check_identified(lead)  # a lead for someone not identified yet waits for their ID (issue 17 rule 7)
    outcomes = list(lead.outcomes.all())
    blockers = lead_close_blockers(lead=lead, outcomes=outcomes)
    if blockers:
        raise LeadError(_("The lead cannot be closed yet: %(reasons)s.") % {"reasons": "；".join(blockers)})
    now = timezone.now()
    lead.status = LeadStatus.CLOSED
    lead.closed_at = now
    lead.closed_by = user
    lead.archive_class = archive_class_for(outcomes)
    _save_lead(lead, user, "close")
    cfg = district_settings(lead)
    today = timezone.localdate(now)
    _follow_up(lead, FollowUpKind.AFTER_OUTCOME, today + relativedelta(months=cfg.follow_up_months), user)
    if lead.archive_class == ArchiveClass.OBSERVATION:
        _follow_up(lead, FollowUpKind.OBSERVATION_REVIEW, today + relativedelta(months=cfg.observation_review_months),
                   user)
    return lead


def _reopen(lead: Lead, user, follow_up: FollowUp) -> Lead:
    """A follow-up found hardship: the closed lead opens again (its history stays), or the person's open lead
    gets the finding as another report."""
    description = _("%(kind)s on %(date)s found the family still in hardship: %(findings)s") % {
        "kind": follow_up.get_kind_display(), "date": f"{follow_up.done_on:%Y-%m-%d}", "findings": follow_up.findings}
    channel = Channel.HOME_VISIT if follow_up.mode != "phone" else Channel.OTHER
    other = Lead.objects.select_for_update().filter(person=lead.person, status__in=OPEN_LEAD_STATUSES) \
        .exclude(pk=lead.pk).first()
    if other is not None or lead.status != LeadStatus.CLOSED:
        target = other or lead
        lead_report(person=target.person, method=DiscoveryMethod.WORK, channel=channel, discovered_on=follow_up.done_on,
                    source_type=SourceType.FOLLOW_UP, by=user, description=description,
                    origin=("cases.FollowUp", follow_up.pk))
        return target
    lead.status = LeadStatus.ACCEPTED
    lead.reopened_at = timezone.now()
    lead.reopen_count += 1
    lead.closed_at = None
    lead.closed_by = None
    lead.archive_class = ""
    lead.assessed_at = None
    lead.assessed_by = None
    lead.investigation_started_at = None
    lead.green_channel_at = None
    lead.accepted_by = user
    lead.accepted_at = timezone.now()
    _save_lead(lead, user, "reopen")
    LeadSource.objects.create(
        lead=lead, source_type=SourceType.FOLLOW_UP, method=DiscoveryMethod.WORK, channel=channel, reported_by=user,
        discovered_on=follow_up.done_on, description=description, origin_type="cases.FollowUp",
        origin_id=str(follow_up.pk))
    for other_due in lead.follow_ups.filter(status=FollowUpStatus.DUE).exclude(pk=follow_up.pk):
        other_due.status = FollowUpStatus.CANCELLED
        _save(other_due, user, "reopen")
    notify_township(township=lead.township, kind=NotificationKind.INFO,
                    title=_("Lead %(number)s reopened: %(name)s is still in hardship") % {
                        "number": lead.number, "name": lead.person.name},
                    body=follow_up.findings[:500], url=_lead_url(lead), subject=lead)
    return lead


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, user, done_on: dt.date, mode: str, findings: str,
                     still_in_hardship: bool, satisfaction: str = "", satisfaction_note: str = "") -> FollowUp:
    """Record a 回访 or an observation review. Hardship found reopens the lead with its history; a review that
    finds none schedules the next one while the family stays on the observation list."""
    _check_township_office(user, follow_up.lead)
    lead = _lock(follow_up.lead)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status == FollowUpStatus.DONE:
        return follow_up
    if follow_up.status != FollowUpStatus.DUE:
        raise LeadError(_("This follow-up was cancelled."))
    findings = (findings or "").strip()
    if not findings:
        raise LeadError(_("Please write down what the follow-up found."))
    if done_on is None:
        raise LeadError(_("Please enter the date of the follow-up."))
    _check_not_future(done_on, _("date of the follow-up"))
    follow_up.status = FollowUpStatus.DONE
    follow_up.done_on = done_on
    follow_up.done_by = user
    follow_up.mode = mode
    follow_up.findings = findings
    follow_up.still_in_hardship = bool(still_in_hardship)
    from .informing import follow_up_satisfaction

    follow_up_satisfaction(follow_up=follow_up, satisfaction=satisfaction, note=satisfaction_note)
    _save(follow_up, user, "done")
    if still_in_hardship:
        _reopen(lead, user, follow_up)
    elif follow_up.kind == FollowUpKind.OBSERVATION_REVIEW and lead.archive_class == ArchiveClass.OBSERVATION:
        cfg = district_settings(lead)
        # The cadence holds: the next review is three months (default) after this one was due, or after it was
        # done when it was done late.
        start = max(follow_up.due_on, done_on)
        _follow_up(lead, FollowUpKind.OBSERVATION_REVIEW, start + relativedelta(months=cfg.observation_review_months),
                   user)
    return follow_up


# --- spot checks -----------------------------------------------------------------------------------
def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def spot_check_sample_size(*, closed: int, percent: int, minimum: int) -> int:
    """5 % of the closed leads, at least 3 (defaults), never more than there are."""
    return min(closed, max(minimum, math.ceil(closed * percent / 100)))


@transaction.atomic
def spot_check_draw(*, user, month: dt.date | None = None, rng: random.Random | None = None) -> list[SpotCheck]:
    """Draw the district's random sample of each township's leads closed in ``month`` (default: last month).

    A township's sample is drawn once: drawing again returns it unchanged.
    """
    _check_district_staff(user)
    today = _today()
    month = _month_start(month or (_month_start(today) - dt.timedelta(days=1)))
    if month >= _month_start(today):
        raise LeadError(_("Only a month that has ended can be sampled."))
    rng = rng or random.SystemRandom()
    district_code = user.region.district_code
    cfg = DistrictSettings.for_district_code(district_code)
    townships = list(Region.objects.select_for_update().filter(level=RegionLevel.TOWNSHIP,
                                                               code__startswith=district_code).order_by("code"))
    start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(month + relativedelta(months=1), dt.time.min))
    drawn = []
    for township in townships:
        existing = list(SpotCheck.objects.filter(township=township, month=month, level="district"))
        if existing:
            drawn.extend(existing)
            continue
        closed = list(scope(user, Lead.objects.filter(township=township, status=LeadStatus.CLOSED,
                                                      closed_at__gte=start, closed_at__lt=end))
                      .order_by("pk").values_list("pk", flat=True))
        size = spot_check_sample_size(closed=len(closed), percent=cfg.spot_check_percent,
                                      minimum=cfg.spot_check_minimum)
        for lead_id in sorted(rng.sample(closed, size)):
            check = SpotCheck(lead_id=lead_id, township=township, month=month, drawn_by=user)
            _save(check, user, "draw")
            drawn.append(check)
    return drawn


@transaction.atomic
def spot_check_record(*, spot_check: SpotCheck, user, visited_on: dt.date, finding: str, note: str = "") -> SpotCheck:
    """The district's own visit and finding: confirmed, wrongly included or wrongly left out."""
    _check_district_staff(user)
    if not can_see(user, spot_check):
        raise LeadError(_("This lead is outside your area."))
    spot_check = SpotCheck.objects.select_for_update().select_related("lead", "lead__person").get(pk=spot_check.pk)
    note = (note or "").strip()
    if finding not in SpotCheckFinding.values or finding == SpotCheckFinding.PENDING:
        raise LeadError(_("Please choose the finding of the spot check."))
    if visited_on is None:
        raise LeadError(_("Please enter the date of the district's visit."))
    _check_not_future(visited_on, _("date of the district's visit"))
    if finding in (SpotCheckFinding.WRONGLY_INCLUDED, SpotCheckFinding.WRONGLY_LEFT_OUT) and not note:
        raise LeadError(_("Please explain what was wrong."))
    if (spot_check.finding, spot_check.visited_on, spot_check.note) == (finding, visited_on, note):
        return spot_check
    spot_check.finding = finding
    spot_check.visited_on = visited_on
    spot_check.visited_by = user
    spot_check.note = note
    _save(spot_check, user, "record")
    if finding != SpotCheckFinding.CONFIRMED:
        lead = spot_check.lead
        notify_township(township=lead.township, kind=NotificationKind.INFO,
                        title=_("Spot check of lead %(number)s (%(name)s): %(finding)s") % {
                            "number": lead.number, "name": lead.person.name,
                            "finding": spot_check.get_finding_display()},
                        body=note, url=_lead_url(lead), is_urgent=True, subject=spot_check)
    return spot_check


__all__ = [
    "IntegrityError", "LeadError", "RegistryError", "follow_up_record", "investigation_save",
    "lead_accept", "lead_assess", "lead_close", "lead_green_channel", "lead_investigation_start", "lead_merge",
    "lead_reject", "lead_report", "outcome_complete", "outcome_decide", "outcome_paperwork_complete",
    "lead_due_on", "outcome_record", "person_register", "spot_check_draw", "spot_check_record",
]
