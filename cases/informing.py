"""Telling people the result and asking them about it (seed 003: "向困难群众主动告知、回访测评办结情况";
issue 17 rule 4).

* 告知: on an outcome that is decided (handled, or not approved), when and how the person was told, and by whom.
* 测评: on a 回访, the person's short verdict on how the case was handled.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ExplanationMode, FollowUpKind, OutcomeStatus, Satisfaction
from .models import FollowUp, Outcome
from .writing import LeadError, _check_not_future, _check_township_office, _save

DECIDED = (OutcomeStatus.DONE, OutcomeStatus.REFUSED)


@transaction.atomic
def outcome_notify(*, outcome: Outcome, user, notified_on: dt.date | None, notified_how: str) -> Outcome:
    """Record that the person was told the result. Safe to call twice; a second, different record corrects it."""
    _check_township_office(user, outcome.lead)
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if outcome.status not in DECIDED:
        raise LeadError(_("The person is told the result once it is decided; this outcome is %(status)s.")
                        % {"status": outcome.get_status_display()})
    if notified_on is None:
        raise LeadError(_("Please enter the date the person was told the result."))
    if notified_how not in ExplanationMode.values:
        raise LeadError(_("Please choose how the person was told the result."))
    _check_not_future(notified_on, _("date the person was told the result"))
    if (outcome.notified_on, outcome.notified_how) == (notified_on, notified_how):
        return outcome
    outcome.notified_on, outcome.notified_how, outcome.notified_by = notified_on, notified_how, user
    _save(outcome, user, "notify")
    return outcome


def follow_up_satisfaction(*, follow_up: FollowUp, satisfaction: str, note: str) -> None:
    """Set the 测评 on a follow-up being recorded (unsaved). Only a 回访 after an outcome asks for it."""
    satisfaction, note = satisfaction or "", (note or "").strip()
    if satisfaction and satisfaction not in Satisfaction.values:
        raise LeadError(_("Please choose the person's assessment."))
    if satisfaction and follow_up.kind != FollowUpKind.AFTER_OUTCOME:
        raise LeadError(_("The person's assessment is asked at the follow-up visit after an outcome."))
    follow_up.satisfaction, follow_up.satisfaction_note = satisfaction, note


def notified_text(outcome: Outcome) -> str:
    if not outcome.notified_on:
        return ""
    return _("Told the result on %(date)s (%(how)s)") % {
        "date": f"{outcome.notified_on:%Y-%m-%d}", "how": outcome.get_notified_how_display()}


__all__ = ["outcome_notify", "follow_up_satisfaction", "notified_text", "timezone"]
