from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class AssistanceStatus(models.TextChoices):
    """A person's current assistance status (DESIGN §3; low-income groups of 国办发〔2023〕39号)."""

    NONE = "none", _("None")
    DIBAO = "dibao", _("Minimum living allowance (低保)")
    TEKUN = "tekun", _("Extreme poverty support (特困)")
    DIBAO_EDGE = "dibao_edge", _("Near minimum-allowance family (低保边缘)")
    RIGID_EXPENSE = "rigid_expense", _("Rigid-expense hardship (刚性支出困难)")
    POVERTY_MONITORING = "poverty_monitoring", _("Return-to-poverty monitoring (防返贫监测)")
    OTHER_LOW_INCOME = "other_low_income", _("Other people in hardship")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class DisabilityGrade(models.IntegerChoices):
    GRADE_1 = 1, _("Grade 1")
    GRADE_2 = 2, _("Grade 2")
    GRADE_3 = 3, _("Grade 3")
    GRADE_4 = 4, _("Grade 4")



class DiscoveryMethod(models.TextChoices):
    """发现方式 (seed 001's ledger column)."""

    VISIT = "visit", _("Found on a visit (走访发现)")
    DATA_PUSH = "data_push", _("Found in pushed data (信息推送发现)")
    WORK = "work", _("Found at work (工作发现)")


class Channel(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    DEPARTMENT_DATA = "department_data", _("Department data")
    HOTLINE = "hotline", _("Hotline")
    PETITION = "petition", _("Petition (信访)")
    ONLINE = "online", _("Online")
    PUBLIC_REPORT = "public_report", _("Report by the public or a volunteer")
    SERVICE_HALL = "service_hall", _("Service hall")
    OTHER = "other", _("Other")


# The channel each method usually comes with (the form preselects it).
METHOD_DEFAULT_CHANNEL = {
    DiscoveryMethod.VISIT: Channel.HOME_VISIT,
    DiscoveryMethod.DATA_PUSH: Channel.DEPARTMENT_DATA,
    DiscoveryMethod.WORK: Channel.SERVICE_HALL,
}


class LeadStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    INVESTIGATING = "investigating", _("Investigating")
    ASSESSED = "assessed", _("Assessed")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into another lead")


OPEN_LEAD_STATUSES = (
    LeadStatus.REPORTED, LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING, LeadStatus.ASSESSED,
    LeadStatus.IN_PROGRESS,
)


class SourceType(models.TextChoices):
    """Where one report of a lead came from (a lead keeps every report as evidence)."""

    MANUAL = "manual", _("Logged by staff")
    HOTLINE = "hotline", _("Hotline or petition call")
    PUBLIC_REPORT = "public_report", _("Public report page")
    ROSTER_VISIT = "roster_visit", _("Roster visit")
    FEED_ROW = "feed_row", _("Department data row")
