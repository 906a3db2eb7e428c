"""Leads: their numbers, the report (one open lead per person), and accept / reject / merge."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import TOWNSHIP_ROLES, Role
from accounts.scoping import can_see
from referrals.choices import NotificationKind
from referrals.services import mark_notifications_read, notify_township

from ..choices import OPEN_LEAD_STATUSES, LeadStatus, SourceType
from ..models import HardshipCause, Lead, LeadCounter, LeadSource, Person, ReliefKind
from ..writing import LeadError, _check_township_office, _check_version, _lock, _save_lead, lead_due_on


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
