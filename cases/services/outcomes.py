"""Outcomes of a lead: assistance, referral, observation; their completion, decision and paperwork."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Department
from referrals.choices import NotificationKind
from referrals.services import mark_notifications_read, notify, notify_township

from ..choices import (
    REFERRAL_DEPARTMENT, AssistanceStatus, LeadStatus, OutcomeKind, OutcomeStatus, Paperwork, ReferralKind,
)
from ..applications import check_inclusion_after_publicity
from ..explanations import outcome_policy_explanation
from ..filing import filing_open_saved
from ..models import DistrictSettings, Lead, Outcome, Person
from ..obligations import decision_due_on
from ..voluntary import check_outcome_voluntary
from ..writing import (
    LeadError, _check_district_head, _check_not_future, _check_township_office, _check_version, _district_users,
    _lead_url, _lock, _save, _save_lead, _today, add_working_days, district_settings,
)


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
