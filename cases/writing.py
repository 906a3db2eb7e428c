"""What every write of the cases app shares, ``cases.services`` and the rule modules beside it (filing, informing,
applications, voluntary…): its errors, locking and versions, the history row, the role checks, and small lookups.
No business rule of its own. Outside the services package, so a rule module imports it at the top without running
the package (whose modules import the rules).
"""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from accounts.roles import TOWNSHIP_OFFICE
from accounts.scoping import can_see
from referrals.workdays import add_working_days as calendar_add

from .choices import Area, LeadStatus
from .models import Lead
from .obligations import acceptance_due_on, investigation_due_on
from .selectors import current_investigation, district_settings  # reads, shared by every write


class RegistryError(Exception):
    """A registry write that cannot be done; the message is for the user."""


class LeadError(Exception):
    """A lead operation that cannot be done; the message is for the user, in Chinese."""


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
    if lead.status == LeadStatus.REPORTED:
        return acceptance_due_on(lead)
    if lead.status in (LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING) and lead.accepted_at:
        return investigation_due_on(max(lead.accepted_at, lead.reopened_at or lead.accepted_at))
    return None


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


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The product's one working-day calendar (referrals.workdays)."""
    return calendar_add(start, n)




def _district_users(lead: Lead, role: str):
    return User.objects.filter(region__code=f"{lead.township.code[:6]}000000", role=role, is_active=True)


def _lead_url(lead: Lead) -> str:
    return reverse("cases:lead_detail", args=[lead.pk])


def default_area(lead: Lead) -> str:
    """Streets and communities (社区, 居委会) are urban; villages of towns and townships rural."""
    village = lead.village.name
    if lead.township.code[6] == "0" or "社区" in village or "居委会" in village:
        return Area.URBAN
    return Area.RURAL
