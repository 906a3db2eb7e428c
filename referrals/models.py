"""Notifications, the working-day calendar's admin table, transfer forms, the reminder ladder and its runs.

``referrals`` sits below ``cases`` (DESIGN §13): it knows a lead only as
``ForeignKey("cases.Lead")`` and never imports the cases app.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import ScopedQuerySet

from .choices import (
    AWAITING_ANSWER, ChaserRunStatus, NotificationKind, ReminderLevel, TransferResult, TransferStatus,
)
from .deadlines import is_overdue, overdue_working_days
from .models_calendar import CalendarYear, Holiday  # the working-day calendar's tables (re-exported)
from .obligation_kinds import obligation_kinds
from .subjects import Subject, describe


class Notification(models.Model):
    """A message in one user's inbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # What it is about ("app.Model", pk), so a chaser can make each notice once.
    subject_type = models.CharField(_("subject type"), max_length=64, blank=True)
    subject_id = models.CharField(_("subject ID"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


# --- transfer forms -----------------------------------------------------------------------
class TransferKind(models.Model):
    """A kind of transfer form and its default answer deadline (editable in the admin)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    due_working_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"), default=5,
        help_text=_("The day of issue does not count; the answer is due at the end of this working day."))
    answer_link_days = models.PositiveSmallIntegerField(
        _("answer link valid for (days)"), default=30,
        help_text=_("The signed link printed on the form stops working after this many days, or when the form "
                    "is closed."))
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("transfer form kind")
        verbose_name_plural = _("transfer form kinds")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class TransferFormCounter(models.Model):
    """The last transfer-form number per district and year (a row lock keeps numbers unique)."""

    district_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district_code", "year"], name="transfer_form_counter_unique"),
        ]


def _new_link_nonce() -> str:
    from django.utils.crypto import get_random_string

    return get_random_string(12)


class TransferForm(models.Model):
    """线索转办单: a lead handed to a township or a department, answered within N working days.

    ``scope_region`` is the region the form is scoped by: the township it is
    addressed to, else the township that issued it, else the district (a
    district centre form to a department). See docs/DECISIONS.md, Referrals.
    """

    number = models.CharField(_("form number"), max_length=24, unique=True)
    kind = models.ForeignKey(TransferKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="forms")
    lead = models.ForeignKey("cases.Lead", verbose_name=_("lead"), on_delete=models.PROTECT,
                             related_name="transfer_forms")
    from_region = models.ForeignKey("accounts.Region", verbose_name=_("issued by (office)"),
                                    on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    to_region = models.ForeignKey("accounts.Region", verbose_name=_("to township"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey("accounts.Department", verbose_name=_("to department"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="transfer_forms")
    scope_region = models.ForeignKey("accounts.Region", verbose_name=_("responsible region"),
                                     on_delete=models.PROTECT, related_name="+")
    request_text = models.TextField(_("what is asked"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    due_on = models.DateField(_("answer due"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices,
                              default=TransferStatus.ISSUED, db_index=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    answerer_name = models.CharField(_("answered by (name)"), max_length=64, blank=True)
    answered_via_link = models.BooleanField(_("answered through the link"), default=False)
    answer_text = models.TextField(_("investigation and handling (调查处理情况)"), blank=True)
    result = models.CharField(_("result"), max_length=16, choices=TransferResult.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    close_note = models.TextField(_("closing note"), blank=True)
    # The highest step of the reminder ladder reached (the Reminder rows are the record).
    chase_level = models.CharField(_("chased"), max_length=24, choices=ReminderLevel.choices, blank=True,
                                   db_index=True)
    link_nonce = models.CharField(max_length=16, default=_new_link_nonce, editable=False)
    link_expires_at = models.DateTimeField(
        _("answer link valid until"),
        help_text=_("The signed answer link stops working at this time, or when the form is closed."))

    history = HistoricalRecords(excluded_fields=["link_nonce"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer form")
        verbose_name_plural = _("transfer forms")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(to_region__isnull=False, to_department__isnull=True)
                           | models.Q(to_region__isnull=True, to_department__isnull=False)),
                name="transfer_form_one_recipient",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="transfer_status_due_idx"),
            models.Index(fields=["to_department", "status"], name="transfer_department_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from common.links import reverse_pk

        return reverse_pk("referrals:transferform_detail", self.pk)

    @property
    def subject(self) -> Subject:
        """What the form is about, as the lead's app describes it (referrals/subjects.py); fetch
        ``subjects.related()`` with the form to describe it without a query."""
        if getattr(self, "_subject", None) is None:
            self._subject = describe(self.lead)
        return self._subject

    @property
    def recipient_name(self) -> str:
        target = self.to_region if self.to_region_id else self.to_department
        return target.name if target is not None else ""

    @property
    def is_awaiting_answer(self) -> bool:
        return self.status in AWAITING_ANSWER

    @property
    def is_overdue(self) -> bool:
        return self.is_awaiting_answer and is_overdue(self.due_on)

    @property
    def overdue_working_days(self) -> int:
        return overdue_working_days(self.due_on) if self.is_awaiting_answer else 0


def attachment_path(instance, filename: str) -> str:
    import os

    from django.utils.crypto import get_random_string

    ext = os.path.splitext(filename)[1].lower()
    now = timezone.localdate()
    # A random stored name: never the uploader's file name, never guessable.
    return f"referrals/{now:%Y/%m}/{get_random_string(24)}{ext}"


class TransferAttachment(models.Model):
    """A file that comes with an answer (a scan of the stamped form, a photo, a decision)."""

    form = models.ForeignKey(TransferForm, verbose_name=_("transfer form"), on_delete=models.CASCADE,
                             related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    via_link = models.BooleanField(_("uploaded through the link"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# --- the reminder ladder -----------------------------------------------------------------
class Reminder(models.Model):
    """One step of the reminder ladder sent for one overdue thing; at most one per step (the constraint).

    Generic: a transfer form here, and whatever other apps chase through
    :mod:`referrals.ladder` (visits, investigations, reports). ``region`` and
    ``department`` are the recipient side, for scoping.
    """

    kind = models.CharField(_("kind of duty"), max_length=48, blank=True, db_index=True,
                            help_text=_("The obligation kind of referrals.obligations this step chased."))
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject ID"), max_length=64)
    transfer_form = models.ForeignKey(TransferForm, verbose_name=_("transfer form"), null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="reminders")
    level = models.CharField(_("step"), max_length=24, choices=ReminderLevel.choices)
    sent_on = models.DateField(_("sent on"), db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_on = models.DateField(_("was due"))
    overdue_working_days = models.PositiveSmallIntegerField(_("overdue working days"))
    region = models.ForeignKey("accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(_("addressed to"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    notified_count = models.PositiveIntegerField(_("people notified"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_on", "-id"]
        constraints = [
            # One ladder per duty and due date: a roster entry due again next month, or a lead owed first its
            # acceptance and then its investigation, starts a fresh ladder; the same step is never sent twice.
            models.UniqueConstraint(fields=["kind", "subject_type", "subject_id", "due_on", "level"],
                                    name="reminder_once_per_step"),
        ]
        indexes = [models.Index(fields=["level", "-sent_on"], name="reminder_level_sent_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from common.links import reverse_pk

        return reverse_pk("referrals:reminder_print", self.pk)


class ChaserRun(models.Model):
    """One run of a chaser job (one attempt): what it did, or why it failed. Shown in the admin."""

    job = models.CharField(_("job"), max_length=64, db_index=True)
    run_on = models.DateField(_("day"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=ChaserRunStatus.choices,
                              default=ChaserRunStatus.RUNNING)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    task_id = models.CharField(_("task ID"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reminders = models.PositiveIntegerField(_("reminders"), default=0)
    written_reminders = models.PositiveIntegerField(_("written reminders"), default=0)
    escalations = models.PositiveIntegerField(_("escalations"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("chaser run")
        verbose_name_plural = _("chaser runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{job_label(self.job)} {self.run_on:%Y-%m-%d}"


class Obligation(models.Model):
    """One dated duty as the engine saw it: a thing of one kind owed by a due date, and the day it was met.

    Written by the 08:30 job from each kind's open things (referrals.obligations.obligations_sync); the
    assessment counts, per township and kind, how many fell due and how many were met by their due date.
    """

    kind = models.CharField(_("kind of duty"), max_length=48)
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject ID"), max_length=64)
    due_on = models.DateField(_("due"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    township = models.ForeignKey("accounts.Region", verbose_name=_("township"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dated duty")
        verbose_name_plural = _("dated duties")
        ordering = ["-due_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "subject_type", "subject_id", "due_on"],
                                               name="obligation_once_per_due_date")]
        indexes = [
            models.Index(fields=["kind", "subject_type"], condition=models.Q(met_on__isnull=True),
                         name="obligation_open_idx"),
            models.Index(fields=["township", "due_on"], name="obligation_township_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{job_label(self.kind)} {self.subject_id} {self.due_on:%Y-%m-%d}"


def job_label(job: str) -> str:
    """What the admin calls a chaser job: the label of its obligation kind."""
    return str(obligation_kinds.get(job).label) if job in obligation_kinds else job


class ObligationRule(models.Model):
    """The district's limits and reminder ladder for one kind of dated duty (docs/DEADLINES.md).

    One row per kind registered in :data:`referrals.obligations.obligation_kinds`, created after
    ``migrate`` with the notices' defaults; the administrator edits them here, with history.
    """

    code = models.CharField(_("kind of duty"), max_length=48, unique=True)
    limit = models.PositiveSmallIntegerField(
        _("time limit"), help_text=_("What the number means is written beside each kind (working days, a day of "
                                     "the month…)."))
    written_reminder_after = models.PositiveSmallIntegerField(
        _("written reminder after (working days)"), default=2,
        help_text=_("Working days between the reminder and the written reminder (书面提醒)."))
    escalation_after = models.PositiveSmallIntegerField(
        _("escalation after (working days)"), default=2,
        help_text=_("Working days between the written reminder and the escalation to the district centre."))
    is_active = models.BooleanField(_("chased"), default=True,
                                    help_text=_("Switched off, nothing of this kind is reminded or escalated."))
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["code"]

    def __str__(self) -> str:
        return job_label(self.code)

    @property
    def gaps(self) -> tuple[int, int]:
        return self.written_reminder_after, self.escalation_after


__all__ = [
    "CalendarYear", "ChaserRun", "Holiday", "Notification", "Obligation", "ObligationRule", "Reminder", "TransferAttachment", "TransferForm",
    "TransferFormCounter", "TransferKind", "TransferResult",
]
