from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterCategory(models.TextChoices):
    """Why a person is on the key-population roster; it sets the default visit cadence (seeds 001, 002)."""

    TEKUN = "tekun", _("Extreme poverty support (特困)")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("Child in difficulty (困境儿童)")
    GRAVELY_ILL = "gravely_ill", _("Gravely ill or unable to care for self")
    OTHER = "other", _("Other key population")


class Cadence(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class VisitMode(models.TextChoices):
    HOME = "home", _("Home visit (入户)")
    PHONE = "phone", _("Phone call (电话)")


class PublicReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted as a lead")
    REJECTED = "rejected", _("Rejected")
