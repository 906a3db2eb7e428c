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
    CLOSED = "closed", _("Handled and closed")
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
    FOLLOW_UP = "follow_up", _("Follow-up or observation review")


# --- investigation (入户调查评估) ---------------------------------------------------------
class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disabled")


class LabourCapacity(models.TextChoices):
    FULL = "full", _("Able to work")
    PARTIAL = "partial", _("Partly unable to work")
    NONE = "none", _("Unable to work")


class SelfCare(models.TextChoices):
    """生活自理能力 (民发〔2021〕43号): 具备 / 部分丧失 / 完全丧失."""

    FULL = "full", _("Can care for self")
    PARTIAL = "partial", _("Partly unable to care for self")
    NONE = "none", _("Unable to care for self")


class Area(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class DifficultyClass(models.TextChoices):
    """Seed 002: 特殊困难 / 一般困难 / 临时困难."""

    SPECIAL = "special", _("Special hardship (特殊困难)")
    GENERAL = "general", _("General hardship (一般困难)")
    TEMPORARY = "temporary", _("Temporary hardship (临时困难)")


class Willingness(models.TextChoices):
    YES = "yes", _("Wants to apply")
    NO = "no", _("Does not want to apply")
    UNDECIDED = "undecided", _("Not decided yet")


# --- outcomes (办理结果) ------------------------------------------------------------------
class OutcomeKind(models.TextChoices):
    DIBAO = "dibao", _("Included in 低保")
    TEKUN = "tekun", _("Included in 特困 support")
    TEMPORARY = "temporary", _("Temporary relief (临时救助)")
    REFERRAL = "referral", _("Referred for special relief (转介专项救助)")
    MONITORING = "monitoring", _("Included in low-income monitoring")
    OBSERVATION = "observation", _("Put on the observation list (救助观察)")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible for relief")
    DECLINED = "declined", _("Does not want to apply (本人不愿申请)")


# Outcomes that make the person 新增救助群众 (seed 001: new 特困, 低保, low-income, 临时救助, referred).
ASSISTED_OUTCOMES = frozenset({OutcomeKind.DIBAO, OutcomeKind.TEKUN, OutcomeKind.TEMPORARY, OutcomeKind.REFERRAL,
                               OutcomeKind.MONITORING})


class ReferralKind(models.TextChoices):
    MEDICAL = "medical", _("Medical relief")
    EDUCATION = "education", _("Education relief")
    HOUSING = "housing", _("Housing relief")
    EMPLOYMENT = "employment", _("Employment relief")
    DISASTER = "disaster", _("Relief for disaster victims")


# The department each referral usually goes to (codes of accounts.regions.STANDARD_DEPARTMENTS).
REFERRAL_DEPARTMENT = {
    ReferralKind.MEDICAL: "medical_insurance",
    ReferralKind.EDUCATION: "education",
    ReferralKind.DISASTER: "emergency",
}


class OutcomeStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Being processed")
    PENDING_APPROVAL = "pending_approval", _("Awaiting the district head's approval")
    DONE = "done", _("Handled")
    REFUSED = "refused", _("Not approved")
    CANCELLED = "cancelled", _("Withdrawn")


OPEN_OUTCOME_STATUSES = (OutcomeStatus.IN_PROGRESS, OutcomeStatus.PENDING_APPROVAL)


class Paperwork(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Complete")
    OWED = "owed", _("Owed (relief paid first)")
    COMPLETE = "complete", _("Completed later")


class ArchiveClass(models.TextChoices):
    """Seed 001's two archive classes, plus the leads that ended without assistance."""

    NEWLY_ASSISTED = "newly_assisted", _("Newly assisted (新增救助群众)")
    OBSERVATION = "observation", _("Under observation (救助观察群众)")
    NOT_ASSISTED = "not_assisted", _("Not assisted")


# --- follow-ups and spot checks ------------------------------------------------------------
class FollowUpKind(models.TextChoices):
    AFTER_OUTCOME = "after_outcome", _("Follow-up visit (回访)")
    OBSERVATION_REVIEW = "observation_review", _("Observation list review")


class ContactMode(models.TextChoices):
    HOME = "home", _("Home visit (入户)")
    PHONE = "phone", _("Phone call (电话)")


class ExplanationMode(models.TextChoices):
    """How the policy was explained, or the result told (issue 17: seeds 002, 003)."""

    ON_SITE = "on_site", _("In person, on site (现场)")
    PHONE = "phone", _("By phone (电话)")
    WRITTEN = "written", _("In writing (书面)")


class Satisfaction(models.TextChoices):
    """回访测评 (seed 003: "回访测评办结情况"): the person's short verdict on how the case was handled."""

    SATISFIED = "satisfied", _("Satisfied (满意)")
    FAIRLY = "fairly", _("Fairly satisfied (基本满意)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")
    NO_ANSWER = "no_answer", _("Gave no verdict (未作评价)")


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SpotCheckFinding(models.TextChoices):
    PENDING = "pending", _("Not visited yet")
    CONFIRMED = "confirmed", _("Confirmed")
    WRONGLY_INCLUDED = "wrongly_included", _("Wrongly included")
    WRONGLY_LEFT_OUT = "wrongly_left_out", _("Wrongly left out")
