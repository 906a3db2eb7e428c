from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_LEAD = "new_lead", _("New lead")
    LEAD_MERGED = "lead_merged", _("Lead report merged")
    PUBLIC_REPORT = "public_report", _("Public report")
    REMINDER = "reminder", _("Reminder")
    WRITTEN_REMINDER = "written_reminder", _("Written reminder")
    ESCALATION = "escalation", _("Escalation")
    INFO = "info", _("Information")


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    RECEIVED = "received", _("Received (签收)")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed (销案)")


# Forms still waiting for the recipient's answer: these are chased when overdue.
AWAITING_ANSWER = (TransferStatus.ISSUED, TransferStatus.RECEIVED)
OPEN_TRANSFER_STATUSES = (TransferStatus.ISSUED, TransferStatus.RECEIVED, TransferStatus.ANSWERED)


class TransferResult(models.TextChoices):
    """调查处理情况: what the recipient did."""

    RELIEF_GIVEN = "relief_given", _("Relief given or included")
    IN_PROCESS = "in_process", _("Accepted, being processed")
    REFERRED = "referred", _("Referred on to another department")
    NOT_ELIGIBLE = "not_eligible", _("Does not qualify")
    NOT_CONFIRMED = "not_confirmed", _("Situation not confirmed")
    DECLINED = "declined", _("The person does not want to apply")
    OTHER = "other", _("Other")


class TransferKindCode:
    """Codes of the kinds loaded by the data migration (the administrator may add more)."""

    INVESTIGATE = "investigate"
    SPECIAL_RELIEF = "special_relief"
    URGENT = "urgent"


# The built-in kinds (code, Chinese name, answer within N working days): a missing one is recreated.
DEFAULT_TRANSFER_KINDS = (
    (TransferKindCode.INVESTIGATE, "线索核查", 5),
    (TransferKindCode.SPECIAL_RELIEF, "转介专项救助", 5),
    (TransferKindCode.URGENT, "急难救助", 1),
)


class ReminderLevel(models.TextChoices):
    """The reminder ladder for overdue work (DESIGN §5)."""

    REMINDER = "reminder", _("Reminder")
    WRITTEN_REMINDER = "written_reminder", _("Written reminder")
    ESCALATION = "escalation", _("Escalation")


LADDER = (ReminderLevel.REMINDER, ReminderLevel.WRITTEN_REMINDER, ReminderLevel.ESCALATION)


class ChaserRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    SKIPPED = "skipped", _("Skipped: not a working day")
    FAILED = "failed", _("Failed")
