"""Closing a lead, its follow-ups and reopening."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.choices import NotificationKind
from referrals.services import notify_township

from ..choices import (
    ASSISTED_OUTCOMES, OPEN_LEAD_STATUSES, ArchiveClass, Channel, DiscoveryMethod, FollowUpKind, FollowUpStatus,
    LeadStatus, OutcomeKind, OutcomeStatus, SourceType,
)
from ..informing import follow_up_satisfaction
from ..models import FollowUp, Lead, LeadSource, Outcome
from ..selectors import lead_close_blockers
from ..writing import (
    LeadError, _check_not_future, _check_township_office, _check_version, _lead_url, _lock, _save, _save_lead,
    district_settings,
)
from .leads import lead_report


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


def check_identified(lead: Lead) -> None:
    """A lead for someone not identified yet waits for their ID (issue 17 rule 7, cases/unidentified.py)."""
    if lead.person.is_unidentified:
        raise LeadError(_("The person of this lead is not identified yet: record their ID number (入户调查) before "
                          "closing."))


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
