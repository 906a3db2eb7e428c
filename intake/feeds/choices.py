from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedCadence(models.TextChoices):
    """How often a department delivers (seed 003)."""

    EVENT = "event", _("Within 3 working days of the event")
    WEEKLY = "weekly", _("Weekly, on Monday")
    MONTHLY = "monthly", _("Monthly, by the 5th")
    YEARLY = "yearly", _("Yearly, by the end of December")


class ColumnKind(models.TextChoices):
    ID_NUMBER = "id_number", _("ID number")
    NAME = "name", _("Name")
    AMOUNT = "amount", _("Amount (yuan)")
    DATE = "date", _("Date")
    ADDRESS = "address", _("Address or village")
    TEXT = "text", _("Text")


# The column keys with a meaning to the importer (one per feed at most); other keys are kept as text.
KEY_ID_NUMBER = "id_number"
KEY_NAME = "name"
KEY_AMOUNT = "amount"
KEY_DATE = "date"
KEY_ADDRESS = "address"


class RuleKind(models.TextChoices):
    """What makes a row a warning (预警). Thresholds and ratios are data (WarningRule, WarningThreshold)."""

    EVERY_ROW = "every_row", _("Every matched row")
    ROW_AMOUNT = "row_amount", _("Amount of one row at or above the threshold")
    YEARLY_SUM = "yearly_sum", _("Amount summed over the year crosses the threshold")
    RISE = "rise", _("Sharp rise against the previous period")
    FALL = "fall", _("Sharp fall against the previous period")
    LOW_STREAK = "low_streak", _("Below the threshold for several periods in a row (income not sustainable)")


class BatchSource(models.TextChoices):
    UPLOAD = "upload", _("File uploaded")
    API = "api", _("Pushed through the API")
    COMMAND = "command", _("Imported by an operator")


class BatchStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    PREVIEW = "preview", _("Awaiting confirmation")
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class RowOutcome(models.TextChoices):
    """What one accepted row led to."""

    LEAD_RAISED = "lead_raised", _("New lead raised")
    EVIDENCE_ADDED = "evidence_added", _("Added as evidence to an open lead")
    KEPT_ON_FILE = "kept_on_file", _("Already under the suggested relief: kept on file")
    RECORDED = "recorded", _("Matched, no warning: recorded")
    TRANSFER_OUT = "transfer_out", _("Registered outside this district: to transfer out")
    # An ID of this district the registry lacks, whose address names no village: kept for the district centre
    # to place (the department is not told whether the person is registered, issue 20).
    UNMATCHED = "unmatched", _("Cannot be matched: for the district centre to place")
