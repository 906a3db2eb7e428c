"""The green channel (急难 绿色通道): relief first, paperwork after."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import LeadStatus, OutcomeKind
from ..filing import filing_open_saved
from ..models import Lead, Outcome
from ..writing import (
    LeadError, _check_township_office, _check_version, _lock, _save, _save_lead, _today, current_investigation,
    district_settings,
)
from .investigations import _new_investigation
from .outcomes import _build_outcome


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

    filing_open_saved(outcome)  # 备案 (issue 17 rule 8)
    lead.status = LeadStatus.IN_PROGRESS
    lead.green_channel_at = now
    lead.investigation_started_at = lead.investigation_started_at or now
    _save_lead(lead, user, "green_channel")
    return outcome
