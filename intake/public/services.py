"""Reports from the public and volunteers (群众/志愿者求助): taking them in without a login, and the
township's handling of them — accept as a lead for a person found or registered, or reject with a reason.

Every function is keyword-only, transactional and safe to call twice; what cannot be done raises
:class:`PublicReportError` with a Chinese message for the user.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.roles import TOWNSHIP_OFFICE, has_role
from accounts.scoping import can_see
from cases.choices import Channel, DiscoveryMethod, SourceType
from cases.models import Person
from cases.services import LeadError, RegistryError, lead_accept, lead_report, person_register
from common import resident_id
from common.validators import phone_normalize as _phone_check
from intake.choices import PublicReportStatus
from intake.leads.services import CANNOT_REGISTER_HERE, IntakeError
from intake.leads.unidentified import unidentified_person_for
from intake.models import PublicReport
from referrals.choices import NotificationKind
from referrals.services import mark_notifications_read, notify_township

# Who handles public reports: the township office, and the district centre for any township.
HANDLER_ROLES = TOWNSHIP_OFFICE  # accounts.roles
REFERENCE_PREFIX = "QZ"  # 求助
MAX_DAILY_SEQUENCE = 9999


class PublicReportError(Exception):
    """A public report operation that cannot be done; the message is for the user, in Chinese."""


# --- small checks shared with the form ------------------------------------------------------
def phone_normalize(raw: str) -> str:
    """A mainland mobile (13812345678) or landline with area code (0533-4123456), normalised by the product's
    one phone check (:func:`common.validators.phone_normalize`); a public report must give one.
    Raises :class:`PublicReportError` when it is missing or neither.
    """
    try:
        phone = _phone_check(raw)
    except ValidationError as exc:
        raise PublicReportError(exc.messages[0]) from exc
    if not phone:
        raise PublicReportError(_("Please enter a phone number we can call you back on."))
    return phone


# --- reference numbers ------------------------------------------------------------------------
def reference_prefix(*, township: Region, day: dt.date) -> str:
    """QZ-370304102-261123-: the township's 9-digit code and the day (YYMMDD)."""
    return f"{REFERENCE_PREFIX}-{township.scope_prefix}-{day:%y%m%d}-"


def reference_next(*, township: Region, day: dt.date) -> str:
    """The next reference of the township's day, QZ-370304102-261123-0007. Call inside a transaction.

    The township's region row is locked so two reports at one moment do not take the same number
    (the unique constraint and a retry in :func:`public_report_submit` cover databases without row locks).
    """
    Region.objects.select_for_update().filter(pk=township.pk).first()
    prefix = reference_prefix(township=township, day=day)
    last = (PublicReport.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    seq = int(last[len(prefix):]) + 1 if last else 1
    if seq > MAX_DAILY_SEQUENCE:
        raise PublicReportError(_("This township has received too many reports today. Please call the "
                                  "township office."))
    return f"{prefix}{seq:04d}"


# --- taking a report in (no login) -----------------------------------------------------------
def public_report_submit(*, township: Region, subject_name: str, description: str, reporter_phone: str,
                         village: Region | None = None, subject_id_number: str = "", address: str = "",
                         is_urgent: bool = False, reporter_name: str = "", is_volunteer: bool = False,
                         ip_address: str | None = None, now: dt.datetime | None = None) -> PublicReport:
    """Take in a report for ``township``: it waits, pending, in the township's inbox; the office is told."""
    if township.level != RegionLevel.TOWNSHIP:
        raise PublicReportError(_("Please choose a township or street."))
    if village is not None and (village.parent_id != township.pk or village.level != RegionLevel.VILLAGE):
        raise PublicReportError(_("The village you chose is not in this township."))
    subject_name = (subject_name or "").strip()
    description = (description or "").strip()
    if not subject_name:
        raise PublicReportError(_("Please enter the name of the person in hardship."))
    if not description:
        raise PublicReportError(_("Please describe what happened."))
    id_number = ""
    if (subject_id_number or "").strip():
        try:
            id_number = resident_id.parse(subject_id_number).number
        except resident_id.ResidentIDError as exc:
            raise PublicReportError(str(exc)) from exc
    phone = phone_normalize(reporter_phone)
    now = now or timezone.now()
    for attempt in range(3):
        try:
            with transaction.atomic():
                report = PublicReport.objects.create(
                    reference=reference_next(township=township, day=timezone.localdate(now)),
                    township=township, village=village, subject_name=subject_name[:32],
                    subject_id_number=id_number, address=(address or "").strip()[:200], description=description,
                    is_urgent=bool(is_urgent), reporter_name=(reporter_name or "").strip()[:32],
                    reporter_phone=phone, is_volunteer=bool(is_volunteer), created_at=now, ip_address=ip_address,
                )
                title = _("Public report %(reference)s: %(name)s") % {"reference": report.reference,
                                                                      "name": report.subject_name}
                if report.is_urgent:
                    title = _("[Urgent] %(title)s") % {"title": title}
                notify_township(township=township, kind=NotificationKind.PUBLIC_REPORT, title=title,
                                body=description[:500], is_urgent=report.is_urgent, subject=report,
                                url=reverse("intake:public_report_detail", args=[report.pk]))
                return report
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# --- handling by the township ------------------------------------------------------------------
def _check_handler(user, report: PublicReport) -> None:
    if user is None or not user.is_authenticated:
        raise PublicReportError(_("Please log in."))
    if not user.is_superuser and user.role not in HANDLER_ROLES:
        raise PublicReportError(_("Only the township office or the district centre can handle public reports."))
    if not can_see(user, report):
        raise PublicReportError(_("This report is outside your area."))


def _person_for(*, user, report: PublicReport, person: Person | None, id_number: str, name: str,
                village: Region | None) -> Person:
    """The person picked, the one registered under the typed ID, or a new registration in the township."""
    if person is not None:
        if not can_see(user, person):
            raise PublicReportError(_("This person is outside your area."))
        return person
    if not (id_number or "").strip():
        raise PublicReportError(_("Choose the person from the registry, or enter their ID number to find or "
                                  "register them."))
    try:
        number = resident_id.parse(id_number).number
    except resident_id.ResidentIDError as exc:
        raise PublicReportError(str(exc)) from exc
    existing = Person.objects.filter(id_number=number).first()
    if existing is not None and can_see(user, existing):
        return existing
    # An ID registered outside the user's area: no more than a miss would say (issue 20).
    if village is None:
        raise PublicReportError(_("Please choose the village or community where the person lives."))
    if village.parent_id != report.township_id or village.level != RegionLevel.VILLAGE:
        raise PublicReportError(_("Please choose a village or community of the report's township."))
    if existing is not None:

        raise PublicReportError(CANNOT_REGISTER_HERE())
    try:
        return person_register(id_number=number, name=(name or "").strip() or report.subject_name,
                               village=village, address=report.address[:128])
    except RegistryError as exc:
        raise PublicReportError(str(exc)) from exc


def _unidentified_for(*, user, report: PublicReport, name: str, description: str, found_at: str,
                      village: Region | None) -> Person:

    if village is not None and (village.parent_id != report.township_id or village.level != RegionLevel.VILLAGE):
        raise PublicReportError(_("Please choose a village or community of the report's township."))
    try:
        return unidentified_person_for(user=user, village=village, name=(name or "").strip() or report.subject_name,
                                       description=description, found_at=(found_at or "").strip() or report.address)
    except IntakeError as exc:
        raise PublicReportError(str(exc)) from exc


@transaction.atomic
def public_report_accept(*, report: PublicReport, user, person: Person | None = None, id_number: str = "",
                         name: str = "", village: Region | None = None, unidentified: bool = False,
                         description: str = "", found_at: str = "") -> tuple[PublicReport, bool]:
    """Accept a pending report as a lead for a person found in scope or registered now.

    Returns ``(report, merged)``: ``merged`` when the person already had an open lead and this report
    joined it as another source. Accepting an accepted report again changes nothing.
    """
    _check_handler(user, report)
    report = PublicReport.objects.select_for_update().get(pk=report.pk)
    if report.status == PublicReportStatus.ACCEPTED:
        return report, False
    if report.status != PublicReportStatus.PENDING:
        raise PublicReportError(_("This report was rejected and cannot be accepted."))
    if unidentified:  # issue 17 rule 7: a name or a description and where found; the ID comes later
        person = _unidentified_for(user=user, report=report, name=name, description=description,
                                   found_at=found_at, village=village)
    else:
        person = _person_for(user=user, report=report, person=person, id_number=id_number, name=name,
                             village=village)
    try:
        lead, merged = lead_report(
            person=person, method=DiscoveryMethod.WORK, channel=Channel.PUBLIC_REPORT,
            discovered_on=timezone.localdate(report.created_at), source_type=SourceType.PUBLIC_REPORT, by=None,
            reporter_name=report.reporter_name or _("Member of the public"),
            reporter_phone=report.reporter_phone, description=_description_for_lead(report),
            is_urgent=report.is_urgent, origin=("intake.PublicReport", report.pk),
            notify=False,  # the township office is accepting it right now
        )
        # The township staff accepting the report have accepted the lead too: it skips the inbox.
        if not merged:
            lead = lead_accept(lead=lead, user=user)
    except LeadError as exc:
        raise PublicReportError(str(exc)) from exc
    report.lead = lead
    report.status = PublicReportStatus.ACCEPTED
    report.handled_by = user
    report.handled_at = timezone.now()
    report.save(update_fields=["lead", "status", "handled_by", "handled_at"])
    mark_notifications_read(report)
    return report, merged


def _description_for_lead(report: PublicReport) -> str:
    lines = [report.description]
    if report.address:
        lines.append(_("Address: %(address)s") % {"address": report.address})
    who = _("a volunteer or social worker") if report.is_volunteer else _("a member of the public")
    lines.append(_("Public report %(reference)s, by %(who)s.") % {"reference": report.reference, "who": who})
    return "\n".join(lines)


@transaction.atomic
def public_report_reject(*, report: PublicReport, user, reason: str) -> PublicReport:
    """Reject a pending report with a reason. Rejecting a rejected report again changes nothing."""
    _check_handler(user, report)
    reason = (reason or "").strip()
    if not reason:
        raise PublicReportError(_("Please give the reason for rejecting this report."))
    report = PublicReport.objects.select_for_update().get(pk=report.pk)
    if report.status == PublicReportStatus.REJECTED:
        return report
    if report.status != PublicReportStatus.PENDING:
        raise PublicReportError(_("This report was already accepted as a lead and cannot be rejected."))
    report.status = PublicReportStatus.REJECTED
    report.reject_reason = reason
    report.handled_by = user
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "reject_reason", "handled_by", "handled_at"])
    mark_notifications_read(report)
    return report


def can_handle(user) -> bool:
    return has_role(user, HANDLER_ROLES)


__all__ = ["PublicReportError", "can_handle", "phone_normalize", "public_report_accept",
           "public_report_reject", "public_report_submit", "reference_next"]

