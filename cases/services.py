"""Writes to the registry and to leads. Views only call these.

Each function checks what the user may do, runs in one transaction, records who
and when (history), and is safe to call twice.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.scoping import can_see
from common import resident_id
from referrals.choices import NotificationKind
from referrals.services import notify_township

from .choices import OPEN_LEAD_STATUSES, LeadStatus, SourceType
from .models import HardshipCause, Household, Lead, LeadCounter, LeadSource, Person, ReliefKind


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
    last = (Household.objects.filter(number__startswith=village.code).order_by("-number")
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
                origin: tuple[str, str] | None = None, now: dt.datetime | None = None) -> tuple[Lead, bool]:
    """Report a lead for a person. Returns ``(lead, merged)``.

    One open lead per person: when the person already has one, this report is
    added to it as another source (both stay as evidence), its suspected relief
    and urgency are added to the lead's, and the township is told. A report with
    the same ``origin`` (a public report, a visit, a feed row) is taken once.
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
            family_situation=description, is_urgent=is_urgent, created_by=by,
        )
        lead.suspected_relief.set(suspected_relief)
        lead.causes.set(causes)
    else:
        lead.suspected_relief.add(*suspected_relief)
        lead.causes.add(*causes)
        if is_urgent and not lead.is_urgent:
            lead.is_urgent = True
            lead.version += 1
            lead.save(update_fields=["is_urgent", "version", "updated_at"])
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
    notify_township(township=lead.township, kind=kind, title=title, body=description[:500], url=url,
                    is_urgent=is_urgent, subject=lead)
    return lead, merged


def _lead_for_update(lead: Lead, expected_version: int | None) -> Lead:
    fresh = Lead.objects.select_for_update().get(pk=lead.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise LeadError(_("Someone else changed this lead while you were editing it. Please reload the page "
                          "and make your change again."))
    return fresh


def _check_township_office(user, lead: Lead) -> None:
    if user.role not in (Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF) \
            and not user.is_superuser:
        raise LeadError(_("Only the township office or the district centre can do this."))
    if not can_see(user, lead):
        raise LeadError(_("This lead is outside your area."))


@transaction.atomic
def lead_accept(*, lead: Lead, user, expected_version: int | None = None) -> Lead:
    """reported → accepted. Accepting an accepted lead again changes nothing."""
    _check_township_office(user, lead)
    lead = _lead_for_update(lead, expected_version)
    if lead.status != LeadStatus.REPORTED:
        if lead.status == LeadStatus.ACCEPTED or lead.status in OPEN_LEAD_STATUSES:
            return lead
        raise LeadError(_("This lead is %(status)s and cannot be accepted.") % {"status": lead.get_status_display()})
    lead.status = LeadStatus.ACCEPTED
    lead.accepted_by = user
    lead.accepted_at = timezone.now()
    lead.version += 1
    lead._change_reason = "accept"
    lead.save()
    return lead


@transaction.atomic
def lead_reject(*, lead: Lead, user, reason: str, expected_version: int | None = None) -> Lead:
    """reported → rejected, with a reason. Rejecting a rejected lead again changes nothing."""
    _check_township_office(user, lead)
    reason = (reason or "").strip()
    if not reason:
        raise LeadError(_("Please give the reason for rejecting this lead."))
    lead = _lead_for_update(lead, expected_version)
    if lead.status == LeadStatus.REJECTED:
        return lead
    if lead.status != LeadStatus.REPORTED:
        raise LeadError(_("Only a lead not yet accepted can be rejected."))
    lead.status = LeadStatus.REJECTED
    lead.reject_reason = reason
    lead.closed_at = timezone.now()
    lead.version += 1
    lead.save()
    return lead


@transaction.atomic
def lead_merge(*, lead: Lead, into: Lead, user, expected_version: int | None = None) -> Lead:
    """Merge a duplicate lead into another: its sources, relief and causes move over; nothing is lost."""
    _check_township_office(user, lead)
    if not can_see(user, into):
        raise LeadError(_("The lead to merge into is outside your area."))
    if lead.pk == into.pk:
        raise LeadError(_("A lead cannot be merged into itself."))
    lead = _lead_for_update(lead, expected_version)
    into = Lead.objects.select_for_update().get(pk=into.pk)
    if lead.status == LeadStatus.MERGED and lead.merged_into_id == into.pk:
        return into
    if lead.status != LeadStatus.REPORTED:
        raise LeadError(_("Only a lead not yet accepted can be merged into another."))
    if not into.is_open:
        raise LeadError(_("Lead %(number)s is closed; choose an open lead to merge into.") % {"number": into.number})
    lead.sources.update(lead=into)
    into.suspected_relief.add(*lead.suspected_relief.all())
    into.causes.add(*lead.causes.all())
    if lead.is_urgent:
        into.is_urgent = True
    into.version += 1
    into.save()
    lead.status = LeadStatus.MERGED
    lead.merged_into = into
    lead.closed_at = timezone.now()
    lead.version += 1
    lead.save()
    return into


__all__ = ["IntegrityError", "LeadError", "RegistryError", "lead_accept", "lead_merge", "lead_reject",
           "lead_report", "person_register"]
