from django.db import models
from django.utils.translation import gettext_lazy as _


class RosterCategory(models.TextChoices):
    """Why a person is on the key-population roster; it sets the default visit cadence (seeds 001, 002)."""

    TEKUN = "tekun", _("Extreme poverty support (特困)")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("Child in difficulty (困境儿童)")
    GRAVELY_ILL = "gravely_ill", _("Gravely ill or unable to care for self")
    OTHER = "other", _("Other key population")


class VisitorKind(models.TextChoices):
    """Who made a roster visit (seed 002: "其照料义务人或帮扶人每天要进行走访或照料"; issue 17 rule 11)."""

    STAFF = "staff", _("The assistant or the township (logged by themselves)")
    CARER = "carer", _("Carer with the duty of care (照料义务人)")
    HELPER = "helper", _("Assigned helper (帮扶人)")


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
