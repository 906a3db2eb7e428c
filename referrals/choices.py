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
