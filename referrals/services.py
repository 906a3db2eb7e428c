"""Writes of the referrals app: notifications, transfer forms and the transfer-form chaser.

Each function takes keyword arguments, checks the user's role and scope, runs in
one transaction and is safe to call twice. They raise :class:`TransferFormError`
with a message for the user; views show it with ``messages.error``. Notifications are written by
notifications.py (re-exported here: ``referrals.services.notify`` keeps working).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import DISTRICT_ROLES, TOWNSHIP_ROLES, RegionLevel, Role
from accounts.models import Department, Region, User
from accounts.scoping import can_see

from . import subjects
from .choices import AWAITING_ANSWER, DEFAULT_TRANSFER_KINDS, NotificationKind, TransferResult, TransferStatus
from .models import TransferAttachment, TransferForm, TransferFormCounter, TransferKind
from .notifications import (  # re-exported: callers write referrals.services.notify
    department_liaisons, district_centre, mark_notifications_read, notifications_mark_read, notify, notify_township,
    township_office,
)
from .obligations import Duty, chase_code
from .signals import transfer_form_settled
from .workdays import WorkCalendar


# Who issues transfer forms for the district centre.
DISTRICT_ISSUER_ROLES = frozenset({Role.DISTRICT_STAFF, Role.ADMINISTRATOR})


class TransferFormError(Exception):
    """A transfer-form operation that cannot be done; the message is for the user, in Chinese."""


# --- who is who on a form -------------------------------------------------------------------
def is_recipient(user: User, form: TransferForm) -> bool:
    """The township office the form is addressed to, or the liaisons of its department."""
    if not user.is_active:
        return False
    if form.to_region_id:
        return user.role in TOWNSHIP_ROLES and user.region_id == form.to_region_id
    return user.role == Role.DEPARTMENT_LIAISON and user.department_id == form.to_department_id


def is_issuer_side(user: User, form: TransferForm) -> bool:
    """The office that issued the form: the district centre, or the issuing township's office."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if form.from_region.level == RegionLevel.DISTRICT:
        return user.role in DISTRICT_ROLES and user.region_id == form.from_region_id
    return user.role in TOWNSHIP_ROLES and user.region_id == form.from_region_id


def responsible_office(region: Region) -> Region:
    """The township or district that answers for forms issued from ``region`` (a village's is its township).

    A form's ``scope_region`` is never below a township: a township's forms are then ``scope_region_id`` equal
    to it, an index scan (accounts.scoping, DECISIONS 1400).
    """
    while region.level in (RegionLevel.VILLAGE, RegionLevel.GROUP) and region.parent_id is not None:
        region = region.parent
    return region


def can_issue(user: User) -> bool:
    if not user.is_active or not user.has_perm("referrals.add_transferform"):
        return False
    return user.is_superuser or user.role in DISTRICT_ISSUER_ROLES or user.role in TOWNSHIP_ROLES


def issue_targets(user: User) -> tuple[models.QuerySet, models.QuerySet]:
    """(townships, departments) ``user`` may address a transfer form to."""
    district_code = user.region.district_code
    departments = Department.objects.filter(district__code=f"{district_code}000000", is_active=True)
    if user.role in TOWNSHIP_ROLES:
        return Region.objects.none(), departments
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=district_code)
    return townships, departments


def _recipients(form: TransferForm) -> models.QuerySet:
    if form.to_region_id:
        return township_office(township=form.to_region)
    return department_liaisons(department=form.to_department)


def _issuer_office(form: TransferForm) -> models.QuerySet:
    if form.from_region.level == RegionLevel.DISTRICT:
        return district_centre(district_code=form.from_region.district_code)
    return township_office(township=form.from_region)


# --- transfer forms ------------------------------------------------------------------------
def transfer_kind(kind: TransferKind | str) -> TransferKind:
    if isinstance(kind, TransferKind):
        found = kind
    else:
        found = TransferKind.objects.filter(code=kind).first()
        defaults = {code: (name, days) for code, name, days in DEFAULT_TRANSFER_KINDS}
        if found is None and kind in defaults:
            # A built-in kind removed by mistake comes back with its default deadline.
            name, days = defaults[kind]
            found, _created = TransferKind.objects.get_or_create(
                code=kind, defaults={"name": name, "due_working_days": days})
    if found is None or not found.is_active:
        raise TransferFormError(_("Unknown kind of transfer form: %(kind)s.") % {"kind": kind})
    return found


def transfer_form_next_number(*, district_code: str, year: int) -> str:
    """ZB-370304-2026-0001: unique and gapless per district and year. Call inside a transaction."""
    counter, _created = TransferFormCounter.objects.select_for_update().get_or_create(
        district_code=district_code, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"ZB-{district_code}-{year}-{counter.last:04d}"


@transaction.atomic
def transfer_form_issue(*, lead, by: User, to_region: Region | None = None,
                        to_department: Department | None = None, kind: TransferKind | str,
                        request_text: str, now: dt.datetime | None = None) -> TransferForm:
    """Issue a transfer form (线索转办单) for ``lead``, due ``kind.due_working_days`` working days later.

    The district centre issues to a township (the lead's own) or a department of
    the district; a township office issues only to departments (转介专项救助).
    Safe to call twice: while a form of the same kind for the same lead and
    recipient is not closed, that form is returned instead of a new one.
    """
    now = now or timezone.now()
    if not can_issue(by):
        raise TransferFormError(_("Your role cannot issue transfer forms."))
    if (to_region is None) == (to_department is None):
        raise TransferFormError(_("Choose one recipient: a township or a department."))
    if not can_see(by, lead):
        raise TransferFormError(_("This lead is outside your area."))
    request_text = (request_text or "").strip()
    if not request_text:
        raise TransferFormError(_("Please say what the recipient is asked to do."))
    kind = transfer_kind(kind)
    district_code = by.region.district_code
    lead_township = Region.objects.get(pk=subjects.township_id(lead))
    if lead_township.district_code != district_code:
        raise TransferFormError(_("This lead is outside your area."))
    if by.role in TOWNSHIP_ROLES and to_region is not None:
        raise TransferFormError(_("A township office can transfer a lead only to a department."))
    if to_region is not None:
        if to_region.level != RegionLevel.TOWNSHIP or to_region.district_code != district_code:
            raise TransferFormError(_("A transfer form goes to a township or street of your district."))
        if to_region.pk != lead_township.pk:
            raise TransferFormError(
                _("This lead belongs to %(township)s: transfer it to that township.") % {"township": lead_township.name})
    if to_department is not None and (
            to_department.district.code[:6] != district_code or not to_department.is_active):
        raise TransferFormError(_("A transfer form goes to an active department of your district."))

    # Lock the lead: two clicks on "issue" at the same moment make one form.
    type(lead).objects.select_for_update().filter(pk=lead.pk).first()
    existing = (TransferForm.objects.filter(lead_id=lead.pk, kind=kind, to_region=to_region,
                                            to_department=to_department)
                .exclude(status=TransferStatus.CLOSED).first())
    if existing is not None:
        return existing

    issued_on = timezone.localdate(now)
    from_region = by.region
    form = TransferForm.objects.create(
        number=transfer_form_next_number(district_code=district_code, year=issued_on.year),
        kind=kind, lead_id=lead.pk, from_region=from_region, issued_by=by, to_region=to_region,
        to_department=to_department, scope_region=to_region or responsible_office(from_region),
        request_text=request_text,
        issued_at=now, due_on=WorkCalendar().add_working_days(issued_on, kind.due_working_days),
        link_expires_at=now + dt.timedelta(days=kind.answer_link_days),
    )
    title = _("New transfer form %(number)s from %(office)s: answer by %(due)s") % {
        "number": form.number, "office": from_region.name, "due": f"{form.due_on:%Y-%m-%d}"}
    notify(recipients=_recipients(form), kind=NotificationKind.INFO, title=title, body=request_text[:500],
           url=form.get_absolute_url(), is_urgent=kind.due_working_days <= 1, subject=form)
    return form


def _locked(form: TransferForm) -> TransferForm:
    return TransferForm.objects.select_for_update(of=("self",)).select_related(
        "from_region", "to_region", "to_department", "kind").get(pk=form.pk)


@transaction.atomic
def transfer_form_receive(*, form: TransferForm, by: User, now: dt.datetime | None = None) -> TransferForm:
    """签收: the recipient acknowledges the form. Receiving it again changes nothing."""
    form = _locked(form)
    if not (is_recipient(by, form) or by.is_superuser):
        raise TransferFormError(_("Only the office the form is addressed to can sign for it."))
    if form.status == TransferStatus.CLOSED:
        raise TransferFormError(_("This transfer form is closed."))
    if form.status != TransferStatus.ISSUED:
        return form
    form.status = TransferStatus.RECEIVED
    form.received_at = now or timezone.now()
    form.received_by = by
    form._change_reason = "receive"
    form.save()
    return form


# Attachments: what a department really sends back (scans, photos, documents), checked by content.
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}


def attachment_max_bytes() -> int:
    return int(getattr(settings, "REFERRALS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachment_max_count() -> int:
    return int(getattr(settings, "REFERRALS_ATTACHMENTS_PER_FORM", 10))


def attachment_check(upload) -> str:
    """The content type of an acceptable upload, or TransferFormError saying why not."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ATTACHMENT_TYPES:
        raise TransferFormError(
            _("%(name)s: only PDF, JPG, PNG, Word, Excel and OFD files can be attached.") % {"name": name})
    if upload.size > attachment_max_bytes():
        raise TransferFormError(_("%(name)s is larger than %(mb)s MB.") % {
            "name": name, "mb": attachment_max_bytes() // (1024 * 1024)})
    if upload.size == 0:
        raise TransferFormError(_("%(name)s is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, magics = ATTACHMENT_TYPES[ext]
    if not any(head.startswith(m) for m in magics):
        raise TransferFormError(_("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": ext[1:].upper()})
    return content_type


def _attach(form: TransferForm, uploads: list, by: User | None, via_link: bool, now: dt.datetime) -> None:
    checked = [(upload, attachment_check(upload)) for upload in uploads]
    if form.attachments.count() + len(checked) > attachment_max_count():
        raise TransferFormError(_("At most %(n)s files can be attached to one form.") % {"n": attachment_max_count()})
    for upload, content_type in checked:
        attachment = TransferAttachment(
            form=form, original_name=os.path.basename(upload.name)[:200], size=upload.size,
            content_type=content_type, uploaded_at=now, uploaded_by=by, via_link=via_link)
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()


@transaction.atomic
def transfer_form_answer(*, form: TransferForm, by: User | None, answer_text: str, result: str,
                         attachments: Iterable = (), answerer_name: str = "", via_link: bool = False,
                         api_department: Department | None = None,
                         now: dt.datetime | None = None) -> TransferForm:
    """Record the answer (调查处理情况 and result), with files. Receives the form if not yet received.

    ``by`` is the recipient's user; ``None`` with ``via_link=True`` for an answer
    through the signed link (then ``answerer_name`` is required); ``None`` with
    ``api_department`` for a department system answering through the API (only
    forms addressed to that department; ``answerer_name`` required). The issuer side
    may also type in an answer that came back on paper. Answering again with the
    same answer changes nothing; a different second answer is refused.
    """
    now = now or timezone.now()
    form = _locked(form)
    answerer_name = (answerer_name or "").strip()
    if via_link or api_department is not None:
        if by is not None or (via_link and api_department is not None):
            raise TransferFormError(_("An answer through the link has no user."))
        if not answerer_name:
            raise TransferFormError(_("Please give your name and office."))
        if api_department is not None and form.to_department_id != api_department.pk:
            raise TransferFormError(_("Only the office the form is addressed to can answer it."))
    elif by is None or not (is_recipient(by, form) or is_issuer_side(by, form)):
        raise TransferFormError(_("Only the office the form is addressed to can answer it."))
    answer_text = (answer_text or "").strip()
    if not answer_text:
        raise TransferFormError(_("Please describe the investigation and what was done."))
    if result not in TransferResult.values:
        raise TransferFormError(_("Please choose the result."))
    if form.status == TransferStatus.CLOSED:
        raise TransferFormError(_("This transfer form is closed."))
    if form.status == TransferStatus.ANSWERED:
        if form.answer_text == answer_text and form.result == result:
            return form
        raise TransferFormError(_("This transfer form has already been answered."))
    _attach(form, list(attachments), by, via_link, now)
    if form.received_at is None:
        form.received_at = now
        form.received_by = by
    form.status = TransferStatus.ANSWERED
    form.answered_at = now
    form.answered_by = by
    form.answerer_name = answerer_name or (by.display_name if by else "")
    form.answered_via_link = via_link
    form.answer_text = answer_text
    form.result = result
    form._change_reason = "answer through the API" if api_department is not None else "answer"
    form.save()
    mark_notifications_read(form, now=now)  # the recipients' notices and reminders about it are done
    transfer_form_settled.send(sender=TransferForm, form=form, how="answered")
    title = _("Transfer form %(number)s answered by %(recipient)s") % {
        "number": form.number, "recipient": form.recipient_name}
    told = [form.issued_by] if form.issued_by and form.issued_by.is_active else list(_issuer_office(form))
    notify(recipients=told, kind=NotificationKind.INFO, title=title, body=answer_text[:500],
           url=form.get_absolute_url(), subject=form)
    return form


@transaction.atomic
def transfer_form_attach(*, form: TransferForm, by: User | None, files: Iterable, via_link: bool = False,
                         now: dt.datetime | None = None) -> TransferForm:
    """Add files to an answered or open form (the stamped scan often comes a day later)."""
    form = _locked(form)
    if not via_link and (by is None or not (is_recipient(by, form) or is_issuer_side(by, form))):
        raise TransferFormError(_("Only the office the form is addressed to can answer it."))
    if form.status == TransferStatus.CLOSED:
        raise TransferFormError(_("This transfer form is closed."))
    _attach(form, list(files), by, via_link, now or timezone.now())
    return form


@transaction.atomic
def transfer_form_close(*, form: TransferForm, by: User, note: str = "",
                        now: dt.datetime | None = None) -> TransferForm:
    """销案 by the issuer side. A form without an answer can be closed only with a reason."""
    form = _locked(form)
    if not is_issuer_side(by, form) or not by.has_perm("referrals.change_transferform"):
        raise TransferFormError(_("Only the office that issued the form can close it."))
    if form.status == TransferStatus.CLOSED:
        return form
    note = (note or "").strip()
    if form.status != TransferStatus.ANSWERED and not note:
        raise TransferFormError(_("This form has no answer yet: give the reason for closing it."))
    form.status = TransferStatus.CLOSED
    form.closed_at = now or timezone.now()
    form.closed_by = by
    form.close_note = note
    form._change_reason = "close"
    form.save()
    mark_notifications_read(form, now=form.closed_at)
    transfer_form_settled.send(sender=TransferForm, form=form, how="closed")
    return form


# --- the chaser -------------------------------------------------------------------------------
def transfer_form_duties(*, today: dt.date, calendar: WorkCalendar, rule=None):
    """The obligation kind ``transfer_form``: every form still awaiting its answer after its due date.

    The recipient (the township office, or the department's liaisons) is reminded; when nobody on the
    other side has an account, the issuing office gets the reminder to print and deliver. Escalations go
    to the district centre and, for a township's form, to the issuing township too.
    """
    forms = (TransferForm.objects.filter(status__in=AWAITING_ANSWER, due_on__lt=today)
             .select_related("from_region", "to_region", "to_department", "issued_by", "scope_region", "kind")
             .order_by("due_on", "pk"))
    centres: dict[str, list[User]] = {}
    for form in list(forms):
        district_code = form.from_region.district_code
        if district_code not in centres:
            centres[district_code] = list(district_centre(district_code=district_code))
        recipients = list(_recipients(form)) or list(_issuer_office(form))
        escalate_to = list(centres[district_code])
        if form.from_region.level != RegionLevel.DISTRICT:
            escalate_to += list(township_office(township=form.from_region))
        yield Duty(
            subject=form, transfer_form=form, due_on=form.due_on, region=form.scope_region,
            department=form.to_department, recipient_name=form.recipient_name, recipients=recipients,
            escalate_to=escalate_to, url=form.get_absolute_url(),
            title=_("Transfer form %(number)s is overdue (%(recipient)s, answer was due %(due)s)") % {
                "number": form.number, "recipient": form.recipient_name, "due": f"{form.due_on:%Y-%m-%d}"},
            body=_("Issued by %(office)s on %(issued)s. What is asked: %(request)s") % {
                "office": form.from_region.name, "issued": f"{timezone.localtime(form.issued_at):%Y-%m-%d}",
                "request": form.request_text[:300]},
            on_step=lambda r, pk=form.pk: TransferForm.objects.filter(pk=pk).update(chase_level=r.level),
        )


def transfer_forms_chase(*, today: dt.date, calendar: WorkCalendar | None = None) -> dict[str, int]:
    """Today's ladder step for every overdue transfer form (the ``transfer_form`` kind alone)."""
    return chase_code("transfer_form", today=today, calendar=calendar)

