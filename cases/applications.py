"""Helping people apply and the public notice (issue 17 rule 5).

* 帮办代办 (seed 002 二(三); seed 001: "协助其收集、准备相关的书面申请材料，帮助提交救助申请"): when the
  investigation says the person needs help applying, the assistant's task — the materials gathered and the date
  the application was submitted — is recorded on the lead; the case page shows it open until submitted.
* 公示 (seed 001: "协助做好…公示等工作"; 民发〔2021〕57号 / 43号): a 低保 or 特困 application is publicly noticed
  for at least the district's 公示 days (default 7); a shorter notice is refused, and the date of inclusion
  cannot come before the notice ended.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.scoping import can_see

from .choices import OutcomeKind
from .models import ApplicationHelp, Lead, Outcome
from .selectors import district_settings
from .writing import LeadError, _check_not_future, _check_township_office, _save

PUBLICITY_KINDS = (OutcomeKind.DIBAO, OutcomeKind.TEKUN)
HELPER_ROLES = frozenset({Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF})


_UNREAD = object()


def needs_help(lead: Lead, investigation=_UNREAD) -> bool:
    """Does the lead's current investigation (given when the caller has read it) ask for 帮办代办?"""
    if investigation is _UNREAD:
        investigation = lead.investigations.order_by("-started_at", "-id").first()
    return bool(investigation and investigation.needs_application_help)


@transaction.atomic
def application_help_record(*, lead: Lead, user, materials: str, applied_on: dt.date | None = None) -> ApplicationHelp:
    """Record the 帮办代办 task: the materials gathered so far, and once submitted the date of the application."""
    if user is None or (user.role not in HELPER_ROLES and not user.is_superuser):
        raise LeadError(_("Only the village assistant or the township office can record help with the application."))
    if not can_see(user, lead):
        raise LeadError(_("This lead is outside your area."))
    materials = (materials or "").strip()
    if applied_on is not None:
        _check_not_future(applied_on, _("date the application was submitted"))
        if not materials:
            raise LeadError(_("List the materials gathered before recording the application as submitted."))
    task = ApplicationHelp.objects.select_for_update().filter(lead=lead).first() or ApplicationHelp(lead=lead)
    if task.pk and (task.materials, task.applied_on) == (materials, applied_on):
        return task
    task.materials, task.applied_on, task.helper = materials, applied_on, user
    _save(task, user, "record")
    return task


def check_publicity(*, outcome: Outcome, starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if outcome.kind not in PUBLICITY_KINDS:
        raise LeadError(_("Only 低保 and 特困 applications are publicly noticed here."))
    if starts_on is None or ends_on is None:
        raise LeadError(_("Please enter the first and the last day of the public notice."))
    days = district_settings(outcome.lead).publicity_days
    if (ends_on - starts_on).days + 1 < days:
        raise LeadError(_("The public notice must last at least %(days)s days (公示); %(start)s to %(end)s is "
                          "%(actual)s.") % {"days": days, "start": f"{starts_on:%Y-%m-%d}",
                                            "end": f"{ends_on:%Y-%m-%d}", "actual": (ends_on - starts_on).days + 1})


@transaction.atomic
def outcome_publicity_record(*, outcome: Outcome, user, starts_on: dt.date | None, ends_on: dt.date | None) -> Outcome:
    """Record the 公示 of a 低保 / 特困 application (at least the district's days, default 7)."""
    _check_township_office(user, outcome.lead)
    outcome = Outcome.objects.select_for_update().select_related("lead__township").get(pk=outcome.pk)
    check_publicity(outcome=outcome, starts_on=starts_on, ends_on=ends_on)
    if outcome.included_on and outcome.included_on < ends_on:
        raise LeadError(_("The date of inclusion (%(date)s) cannot come before the public notice ends.")
                        % {"date": f"{outcome.included_on:%Y-%m-%d}"})
    if (outcome.publicity_starts_on, outcome.publicity_ends_on) == (starts_on, ends_on):
        return outcome
    outcome.publicity_starts_on, outcome.publicity_ends_on = starts_on, ends_on
    _save(outcome, user, "publicity")
    return outcome


def check_inclusion_after_publicity(*, outcome: Outcome, included_on: dt.date | None) -> None:
    """A 低保/特困 review that ends with inclusion: not before its recorded 公示 ended."""
    if included_on is None or outcome.kind not in PUBLICITY_KINDS or outcome.publicity_ends_on is None:
        return
    if included_on < outcome.publicity_ends_on:
        raise LeadError(_("The date of inclusion cannot come before the public notice ends (%(date)s).")
                        % {"date": f"{outcome.publicity_ends_on:%Y-%m-%d}"})
