"""The investigation of a lead (入户调查) and the assessment that ends it."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import LeadStatus
from ..models import Investigation, Lead, Person
from ..selectors import household_statuses, lead_hint
from ..writing import (
    LeadError, _check_not_future, _check_township_office, _check_version, _lock, _save, _save_lead,
    current_investigation, default_area,
)


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
