"""The registry (Household, Person), leads and their life: investigations, outcomes, follow-ups,
spot checks, and each district's relief standards."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet
from common import resident_id

from .choices import (
    ArchiveClass, Area, AssistanceStatus, Channel, ContactMode, DifficultyClass, DisabilityGrade, DiscoveryMethod, ExplanationMode, Satisfaction,
    FollowUpKind, FollowUpStatus, Health, LabourCapacity, LeadStatus, OutcomeKind, OutcomeStatus, Paperwork,
    ReferralKind, Relation, SelfCare, Sex, SourceType, SpotCheckFinding, Willingness,
)


class VulnerabilityTag(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)

    class Meta:
        verbose_name = _("vulnerability tag")
        verbose_name_plural = _("vulnerability tags")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    number = models.CharField(_("household number"), max_length=24, unique=True)
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT,
                                 related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT,
                                related_name="households")
    group = models.ForeignKey(Region, verbose_name=_("villager group"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=128, blank=True)
    head = models.ForeignKey("Person", verbose_name=_("head of household"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class Person(models.Model):
    id_number = models.CharField(_("ID number"), max_length=18, unique=True,
                                 validators=[resident_id.validate])
    name = models.CharField(_("full name"), max_length=32, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT,
                                 related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT,
                                related_name="people")
    group = models.ForeignKey(Region, verbose_name=_("villager group"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="members")
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices,
                                default=Relation.HEAD)
    assistance_status = models.CharField(_("assistance status"), max_length=24,
                                         choices=AssistanceStatus.choices, default=AssistanceStatus.NONE,
                                         db_index=True)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    tags = models.ManyToManyField(VulnerabilityTag, verbose_name=_("vulnerability tags"), blank=True,
                                  related_name="people")
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True,
                                                        choices=DisabilityGrade.choices)
    is_deceased = models.BooleanField(_("deceased"), default=False)
    # A lead's subject not identified yet (issue 17 rule 7): a placeholder with a reserved number (address 000000),
    # the name or a description and where the person was found, until the investigation finds the real ID.
    is_unidentified = models.BooleanField(_("not identified yet"), default=False, db_index=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    found_at = models.CharField(_("where found"), max_length=200, blank=True)
    identified_as = models.ForeignKey("self", verbose_name=_("identified as"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[tags])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["township", "assistance_status"], name="person_township_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{resident_id.mask(self.id_number)}）"

    def get_absolute_url(self) -> str:
        from common.links import reverse_pk

        return reverse_pk("cases:person_detail", self.pk)

    @property
    def masked_id_number(self) -> str:
        return resident_id.mask(self.id_number)

    @property
    def age(self) -> int:
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class ReliefKind(models.Model):
    """The eight kinds of social assistance (社会救助暂行办法), loaded by a data migration."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("relief kind")
        verbose_name_plural = _("relief kinds")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class HardshipCause(models.Model):
    """Causes of hardship (因病, 因残, 因灾…), loaded by a data migration, editable in the admin."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("hardship cause")
        verbose_name_plural = _("hardship causes")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class LeadCounter(models.Model):
    """The last lead number issued per district and year (a row lock makes numbers unique and gapless)."""

    district_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "year"], name="lead_counter_unique")]


class Lead(models.Model):
    """A discovery lead (发现线索 / 主动发现救助对象): one person, one open lead at a time."""

    number = models.CharField(_("lead number"), max_length=24, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="leads")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("discovery method"), max_length=16, choices=DiscoveryMethod.choices)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    discoverer = models.ForeignKey("accounts.User", verbose_name=_("discoverer"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    discoverer_name = models.CharField(_("discoverer"), max_length=64, blank=True,
                                       help_text=_("Who found it, when not a user (a department, a volunteer…)."))
    discovered_on = models.DateField(_("date discovered"), db_index=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)  # indexed: lead_reported_idx
    is_late_report = models.BooleanField(_("late report"), default=False,
                                         help_text=_("Logged after the day it was discovered (rule: same day)."))
    late_reason = models.CharField(_("reason for the late report"), max_length=500, blank=True,
                                   help_text=_("Asked of the person reporting when the lead is logged after the day "
                                               "it was discovered."))
    family_situation = models.TextField(_("family situation"), blank=True)
    suspected_relief = models.ManyToManyField(ReliefKind, verbose_name=_("suspected relief"), blank=True,
                                              related_name="leads")
    causes = models.ManyToManyField(HardshipCause, verbose_name=_("causes"), blank=True, related_name="leads")
    is_urgent = models.BooleanField(_("urgent (急难)"), default=False, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=LeadStatus.choices,
                              default=LeadStatus.REPORTED, db_index=True)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_leads")
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    accepted_by = models.ForeignKey("accounts.User", verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("logged by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # The lead's life after acceptance (issue 4).
    investigation_started_at = models.DateTimeField(_("investigation started"), null=True, blank=True)
    green_channel_at = models.DateTimeField(_("green channel opened"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey("accounts.User", verbose_name=_("assessed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    closed_by = models.ForeignKey("accounts.User", verbose_name=_("handled and closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    archive_class = models.CharField(_("archive class"), max_length=16, choices=ArchiveClass.choices, blank=True,
                                     db_index=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: a save that started from an older version is refused (two people at once).
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["reported", "accepted", "investigating", "assessed", "in_progress"]),
                name="one_open_lead_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "-reported_at"], name="lead_township_status_idx"),
            models.Index(fields=["village", "-reported_at"], name="lead_village_idx"),
            # The inbox: the few "reported" leads, oldest first, out of a million (bench/list_pages.py).
            models.Index(fields=["status", "reported_at"], name="lead_status_reported_idx"),
            # The monthly report counts a month's leads from these indexes alone (index-only scans, DECISIONS
            # 1101): when reported and by what, accepted, assessed (with the report date: working days), closed.
            models.Index(fields=["reported_at"], name="lead_reported_idx",
                         include=["id", "township", "status", "method", "channel", "is_urgent", "is_late_report"]),
            models.Index(fields=["accepted_at"], name="lead_accepted_idx",
                         condition=models.Q(accepted_at__isnull=False), include=["township"]),
            models.Index(fields=["assessed_at"], name="lead_assessed_idx",
                         condition=models.Q(assessed_at__isnull=False), include=["township", "reported_at"]),
            models.Index(fields=["closed_at"], name="lead_closed_idx", condition=models.Q(closed_at__isnull=False),
                         include=["township", "status", "archive_class"]),
            # The few reopened leads (a review found hardship): 救助观察's rule "reopened since the outcome" is an
            # anti-join against these alone, not a walk of every lead the list's outcomes name (DECISIONS 1302).
            models.Index(fields=["id"], name="lead_reopened_idx", condition=models.Q(reopened_at__isnull=False),
                         include=["reopened_at", "status", "archive_class"]),
            # 急难对象台账: the urgent leads (≈ 5 %) by township and discovery date, with what its count tests — a
            # township's capped count from this alone, not every urgent lead of the district read from the heap
            # (DECISIONS 1303).
            models.Index(fields=["township", "discovered_on"], name="lead_urgent_idx",
                         condition=models.Q(is_urgent=True), include=["village", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from common.links import reverse_pk

        return reverse_pk("cases:lead_detail", self.pk)

    @property
    def is_open(self) -> bool:
        from .choices import OPEN_LEAD_STATUSES

        return self.status in OPEN_LEAD_STATUSES


class LeadSource(models.Model):
    """One report of a lead: the first one and every later one merged into it (the evidence)."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="sources")
    source_type = models.CharField(_("source"), max_length=16, choices=SourceType.choices)
    method = models.CharField(_("discovery method"), max_length=16, choices=DiscoveryMethod.choices)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    reported_by = models.ForeignKey("accounts.User", verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reporter_name = models.CharField(_("reporter"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    discovered_on = models.DateField(_("date discovered"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    is_late_report = models.BooleanField(_("late report"), default=False)
    description = models.TextField(_("what was reported"), blank=True)
    is_urgent = models.BooleanField(_("urgent (急难)"), default=False)
    suspected_relief = models.ManyToManyField(ReliefKind, verbose_name=_("suspected relief"), blank=True,
                                              related_name="+")
    # What raised it, when not a person at a form: a public report, a visit, a feed row ("app.Model", pk).
    origin_type = models.CharField(max_length=64, blank=True)
    origin_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")
        ordering = ["reported_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["origin_type", "origin_id"], condition=~models.Q(origin_type=""),
                                    name="lead_source_origin_once"),
        ]

    def __str__(self) -> str:
        return f"{self.lead.number} · {self.get_source_type_display()}"


# --- the district's relief standards ------------------------------------------------------------
class DistrictSettings(models.Model):
    """A district's relief standards and the defaults of the lead's life, edited in the admin.

    The eligibility hint (预判) reads them; nothing here decides anything on its own.
    """

    district = models.OneToOneField(Region, verbose_name=_("district"), on_delete=models.CASCADE,
                                    related_name="relief_settings", limit_choices_to={"level": "district"})
    dibao_urban = models.DecimalField(_("urban 低保 standard (yuan per person per month)"), max_digits=8,
                                      decimal_places=2, default=Decimal("1000.00"))
    dibao_rural = models.DecimalField(_("rural 低保 standard (yuan per person per month)"), max_digits=8,
                                      decimal_places=2, default=Decimal("800.00"))
    edge_multiplier = models.DecimalField(
        _("低保边缘 multiplier"), max_digits=4, decimal_places=2, default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("1.00"))],
        help_text=_("A family not on 低保 whose income per person is below this multiple of the 低保 standard "
                    "is a 低保边缘 family."))
    disposable_income_urban = models.DecimalField(
        _("last year's urban disposable income per person (yuan per year)"), max_digits=10, decimal_places=2,
        default=Decimal("50000.00"))
    disposable_income_rural = models.DecimalField(
        _("last year's rural disposable income per person (yuan per year)"), max_digits=10, decimal_places=2,
        default=Decimal("25000.00"))
    rigid_expense_share = models.DecimalField(
        _("rigid-expense share of income"), max_digits=4, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
        help_text=_("Rigid spending (medical, education, rehabilitation) above this share of the family's income "
                    "over the last 12 months marks a 刚性支出困难 family."))
    temporary_relief_cap = models.DecimalField(
        _("normal cap of one temporary relief (yuan)"), max_digits=10, decimal_places=2,
        default=Decimal("6000.00"),
        help_text=_("A larger amount is decided case by case (一事一议) and needs the district head's approval."))
    paperwork_working_days = models.PositiveSmallIntegerField(
        _("working days to complete the papers after relief paid first"), default=5)
    follow_up_months = models.PositiveSmallIntegerField(_("follow-up visit after closing (months)"), default=1)
    observation_review_months = models.PositiveSmallIntegerField(
        _("observation list review every (months)"), default=3)
    spot_check_percent = models.PositiveSmallIntegerField(
        _("spot check sample (percent)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)])
    spot_check_minimum = models.PositiveSmallIntegerField(_("spot check sample (at least)"), default=3)
    publicity_days = models.PositiveSmallIntegerField(
        _("public notice of 低保 and 特困 (days, at least)"), default=7, validators=[MinValueValidator(1)],
        help_text=_("民发〔2021〕57号 and 43号: 公示 lasts 7 days."))
    went_live_on = models.DateField(
        _("in use since"), null=True, blank=True,
        help_text=_("The day the district started working in this system: the assessment counts months from here."))
    notice_reference = models.CharField(
        _("the district's notice"), max_length=120, blank=True,
        help_text=_("Document number (and title) of the district's own notice on proactive discovery, cited on the "
                    "assessment page, e.g. 博政办字〔2021〕27号."))
    # Issue 19: visit photos lose every EXIF tag on upload; the district may ask to keep where a photo was taken.
    keep_photo_location = models.BooleanField(
        _("keep the photo's location"), default=False,
        help_text=_("Off: visit photos are stored without any location. On: the place where the photo was taken (GPS "
                    "in the photo) is kept — nothing else the camera wrote (device, time)."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("district relief settings")
        verbose_name_plural = _("district relief settings")
        ordering = ["district__code"]

    def __str__(self) -> str:
        return str(self.district)

    @classmethod
    def for_district_code(cls, code: str) -> DistrictSettings:
        """The district's settings; an unsaved default row when the district has none yet."""
        found = cls.objects.filter(district__code=f"{code[:6]}000000").select_related("district").first()
        if found is not None:
            return found
        district = Region.objects.filter(code=f"{code[:6]}000000").first()
        return cls(district=district)

    def dibao_standard(self, area: str) -> Decimal:
        return self.dibao_urban if area == Area.URBAN else self.dibao_rural

    def disposable_income(self, area: str) -> Decimal:
        return self.disposable_income_urban if area == Area.URBAN else self.disposable_income_rural


# --- investigation ---------------------------------------------------------------------------
MONEY = {"max_digits": 12, "decimal_places": 2}


# --- rows of a lead that lists count: scoped by their own region keys ------------------------------
class LeadRegionKeys(models.Model):
    """The lead's township and village, copied onto a row of the lead (investigation, outcome, follow-up).

    Lists of these rows are scoped and counted by them without joining a million leads (issue 15;
    docs/DECISIONS.md 550): a township's count is an index scan on ``township_id``. They are set from the lead
    when the row is saved, moved with the lead when its village changes (``cases.unidentified``), backfilled by
    migration 0020 and written by the bench's bulk loader; they are never edited by hand."""

    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+",
                                 editable=False)
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+",
                                editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.lead_id and (self.township_id is None or self.village_id is None):
            lead = self.lead
            self.township_id, self.village_id = lead.township_id, lead.village_id
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "township", "village"}
        super().save(*args, **kwargs)


def lead_region_keys_follow(lead) -> None:
    """The lead's village changed (its person was identified): its rows move with it."""
    for model in (Investigation, Outcome, FollowUp):
        model.objects.filter(lead_id=lead.pk).exclude(township_id=lead.township_id, village_id=lead.village_id) \
            .update(township_id=lead.township_id, village_id=lead.village_id)


class Investigation(LeadRegionKeys):
    """入户调查评估 of a lead (seed 001 二(二), seed 002; DESIGN §3)."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="investigations")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    visited_on = models.DateField(_("date of the home visit"), null=True, blank=True)
    investigators = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("investigators"), blank=True,
                                           related_name="+")
    other_investigators = models.CharField(_("other investigators"), max_length=200, blank=True,
                                           help_text=_("Village cadres and others without an account."))
    # 三个不放过 (seed 001): each check is closed, or open with a recorded reason.
    met_in_person = models.BooleanField(_("met the person"), null=True, blank=True)
    not_met_reason = models.TextField(_("why the person was not met"), blank=True)
    situation_clear = models.BooleanField(_("the situation is fully investigated"), default=False)
    situation_unclear_reason = models.TextField(_("what is still unclear, and why"), blank=True)
    proposals = models.TextField(_("proposed measures"), blank=True)
    no_proposal_reason = models.TextField(_("why no measures are proposed yet"), blank=True)
    # The household.
    health = models.CharField(_("health"), max_length=16, choices=Health.choices, blank=True)
    health_note = models.CharField(_("health details"), max_length=200, blank=True)
    labour_capacity = models.CharField(_("labour capacity"), max_length=16, choices=LabourCapacity.choices,
                                       blank=True)
    self_care = models.CharField(_("ability to care for self"), max_length=16, choices=SelfCare.choices,
                                 blank=True)
    area = models.CharField(_("urban or rural"), max_length=8, choices=Area.choices, default=Area.RURAL)
    household_size = models.PositiveSmallIntegerField(_("people in the household"), default=1,
                                                      validators=[MinValueValidator(1), MaxValueValidator(30)])
    income_12m = models.DecimalField(_("household income, last 12 months (yuan)"), null=True, blank=True,
                                     validators=[MinValueValidator(0)], **MONEY)
    medical_expense_12m = models.DecimalField(_("medical expenses, last 12 months (yuan)"), default=0,
                                              validators=[MinValueValidator(0)], **MONEY)
    education_expense_12m = models.DecimalField(_("education expenses, last 12 months (yuan)"), default=0,
                                                validators=[MinValueValidator(0)], **MONEY)
    other_rigid_expense_12m = models.DecimalField(
        _("other rigid expenses, last 12 months (yuan)"), default=0, validators=[MinValueValidator(0)],
        help_text=_("Disability rehabilitation, care and other unavoidable living costs."), **MONEY)
    difficulty_class = models.CharField(_("difficulty class"), max_length=16, choices=DifficultyClass.choices,
                                        blank=True)
    causes = models.ManyToManyField(HardshipCause, verbose_name=_("causes"), blank=True, related_name="+")
    situation = models.TextField(_("what the investigation found"), blank=True)
    willing_to_apply = models.CharField(_("willingness to apply"), max_length=16, choices=Willingness.choices,
                                        blank=True)
    needs_application_help = models.BooleanField(
        _("needs help applying (帮办代办)"), default=False,
        help_text=_("Ill or disabled and unable to apply alone: the village assistant prepares and submits the "
                    "papers."))
    # Green channel (急难): the joint investigation team of district, township and village.
    is_joint = models.BooleanField(_("joint investigation (green channel)"), default=False)
    joint_district_members = models.CharField(_("joint team: district"), max_length=200, blank=True)
    joint_township_members = models.CharField(_("joint team: township"), max_length=200, blank=True)
    joint_village_members = models.CharField(_("joint team: village"), max_length=200, blank=True)
    # The hint as shown when the lead was assessed (the record of what the caseworker saw).
    hint_snapshot = models.JSONField(_("eligibility hint at assessment"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[investigators, causes])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.lead.number} · {self.visited_on or ''}"

    @property
    def rigid_expense_12m(self) -> Decimal:
        return (self.medical_expense_12m or 0) + (self.education_expense_12m or 0) + (self.other_rigid_expense_12m or 0)

    def checks(self) -> list[dict]:
        """The three checks of 三个不放过: label, closed or not, the reason recorded while open."""
        return [
            {"key": "seen", "label": _("Not leaving until the person is seen"), "closed": bool(self.met_in_person),
             "reason": self.not_met_reason.strip()},
            {"key": "clear", "label": _("Not leaving until the situation is clear"), "closed": self.situation_clear,
             "reason": self.situation_unclear_reason.strip()},
            {"key": "measures", "label": _("Not leaving without proposed measures"),
             "closed": bool(self.proposals.strip()), "reason": self.no_proposal_reason.strip()},
        ]

    def open_checks_without_reason(self) -> list[str]:
        return [str(c["label"]) for c in self.checks() if not c["closed"] and not c["reason"]]


# --- outcomes ----------------------------------------------------------------------------
class Outcome(LeadRegionKeys):
    """One 办理结果 of a lead (seed 001's ledger column: 不符合救助条件、纳入救助范畴和纳入时间)."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=16, choices=OutcomeKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=OutcomeStatus.choices,
                              default=OutcomeStatus.DONE, db_index=True)
    included_on = models.DateField(_("date of inclusion"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    whole_household = models.BooleanField(_("whole household included"), default=False)
    monitoring_group = models.CharField(_("monitoring group"), max_length=24, choices=AssistanceStatus.choices,
                                        blank=True)
    referral_kind = models.CharField(_("special relief"), max_length=16, choices=ReferralKind.choices, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # The transfer form raised for a referral (referrals app), once that app issues them.
    transfer_form_id = models.PositiveBigIntegerField(_("transfer form"), null=True, blank=True)
    transfer_form_number = models.CharField(_("transfer form number"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    policy_explained = models.BooleanField(_("policy explained"), default=False)
    explained_on = models.DateField(_("date the policy was explained"), null=True, blank=True)
    explained_how = models.CharField(_("how the policy was explained"), max_length=12,
                                     choices=ExplanationMode.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    # 先行救助: relief paid before the papers; the papers are owed and chased until complete.
    is_advance = models.BooleanField(_("relief paid first (先行救助)"), default=False)
    paperwork = models.CharField(_("papers"), max_length=16, choices=Paperwork.choices,
                                 default=Paperwork.NOT_NEEDED, db_index=True)
    # 低保 / 特困 without a date of inclusion: the decision is owed by this day (cases/obligations.py).
    decision_due_on = models.DateField(_("decision due"), null=True, blank=True)
    paperwork_due_on = models.DateField(_("papers due"), null=True, blank=True)
    paperwork_completed_on = models.DateField(_("papers completed"), null=True, blank=True)
    # 一事一议: above the district's normal cap, the district head approves.
    is_case_by_case = models.BooleanField(_("decided case by case (一事一议)"), default=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approval_note = models.TextField(_("decision note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # 告知 (seed 003: "向困难群众主动告知…办结情况"): when and how the person was told the result (cases/informing.py).
    notified_on = models.DateField(_("date the person was told the result"), null=True, blank=True)
    notified_how = models.CharField(_("how the person was told"), max_length=12, choices=ExplanationMode.choices,
                                    blank=True)
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("told by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # 公示 of a 低保 / 特困 application (seed 001: "协助做好…公示等工作"; at least 7 days, cases/applications.py).
    publicity_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    # 备案 (seed 002: "符合各类救助条件的按规定程序办理，后报县民政局备案"): a township's 临时救助 decision is filed with
    # the district, which records the day it received it (cases/filing.py).
    filing_due_on = models.DateField(_("filing with the district due"), null=True, blank=True, db_index=True)
    filing_received_on = models.DateField(_("filing received by the district"), null=True, blank=True)
    filing_received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filing received by"),
                                           null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(fields=["paperwork", "paperwork_due_on"], name="outcome_paperwork_idx"),
            models.Index(fields=["status", "decision_due_on"], name="outcome_decision_due_idx",
                         condition=models.Q(decision_due_on__isnull=False)),
            # The outcome list and the 新增救助群众/救助观察 ledgers, newest first (bench/list_pages.py).
            models.Index(fields=["-recorded_at"], name="outcome_recorded_idx"),
            models.Index(fields=["-included_on"], name="outcome_included_idx"),
            # The same for one township, by its own key (issue 15).
            # INCLUDE: 新增救助群众's count for a township reads the index alone (25 → 3 ms, DECISIONS 1403).
            models.Index(fields=["township", "-included_on"], name="outcome_township_included_idx",
                         include=["kind", "status", "village"]),
            models.Index(fields=["township", "-recorded_at"], name="outcome_township_recorded_idx"),
            # The monthly report: outcomes done, results told, filings received in a month (issue 15).
            # 救助观察对象台账: the observation outcomes (≈ 12 % of outcomes), by lead and by township, with what the
            # list's count tests (village scope, reopened leads) — its capped count from these alone (DECISIONS 1104).
            models.Index(fields=["lead"], name="outcome_observation_idx", include=["village", "recorded_at"],
                         condition=models.Q(kind=OutcomeKind.OBSERVATION, status=OutcomeStatus.DONE)),
            models.Index(fields=["township", "lead"], name="outcome_observation_tsp_idx",
                         include=["village", "recorded_at"], condition=models.Q(kind=OutcomeKind.OBSERVATION, status=OutcomeStatus.DONE)),
            models.Index(fields=["done_at"], name="outcome_done_idx", condition=models.Q(done_at__isnull=False),
                         include=["township", "kind", "status"]),
            models.Index(fields=["notified_on"], name="outcome_notified_idx",
                         condition=models.Q(notified_on__isnull=False)),
            models.Index(fields=["filing_received_on"], name="outcome_filing_received_idx",
                         condition=models.Q(filing_received_on__isnull=False)),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        if self.referral_kind:
            label = f"{label}（{self.get_referral_kind_display()}）"
        return label

    @property
    def is_open(self) -> bool:
        return self.status in (OutcomeStatus.IN_PROGRESS, OutcomeStatus.PENDING_APPROVAL)


# --- follow-ups and spot checks ----------------------------------------------------------------
class FollowUp(LeadRegionKeys):
    """回访 after an outcome, and the periodic review of the observation list (seed 002 二(六))."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.DUE, db_index=True)
    due_on = models.DateField(_("due"), db_index=True)
    done_on = models.DateField(_("date done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    mode = models.CharField(_("how"), max_length=8, choices=ContactMode.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    still_in_hardship = models.BooleanField(_("still in hardship"), default=False)
    # 测评 (seed 003: "回访测评办结情况"): the person's verdict on how the case was handled.
    satisfaction = models.CharField(_("the person's assessment (测评)"), max_length=16, choices=Satisfaction.choices,
                                    blank=True)
    satisfaction_note = models.CharField(_("what the person said about it"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "kind", "due_on"], name="follow_up_once_per_due_date"),
        ]
        indexes = [models.Index(fields=["township", "due_on"], name="followup_township_due_idx")]

    def __str__(self) -> str:
        return f"{self.lead.number} · {self.get_kind_display()} · {self.due_on:%Y-%m-%d}"

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.DUE and self.due_on < timezone.localdate()


class SpotCheck(models.Model):
    """The district's 抽查 of a lead closed last month: its own visit and finding."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="spot_checks")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month sampled"), help_text=_("The first day of the month the lead was closed in."))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    visited_on = models.DateField(_("date of the district's visit"), null=True, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    finding = models.CharField(_("finding"), max_length=20, choices=SpotCheckFinding.choices,
                               default=SpotCheckFinding.PENDING, db_index=True)
    note = models.TextField(_("note"), blank=True)
    # Seed 002: the township's own 抽查、回访 of "急难" cases besides the district's (issue 17 rule 10).
    level = models.CharField(_("drawn by"), max_length=10, choices=[("district", _("District")),
                                                                   ("township", _("Township"))],
                             default="district", db_index=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-month", "township__code", "id"]
        constraints = [models.UniqueConstraint(fields=["lead", "month", "level"], name="spot_check_once_per_month")]

    def __str__(self) -> str:
        return f"{self.lead.number} · {self.month:%Y-%m}"


# --- the voluntary principle (救助自愿, issue 17 rule 1) -----------------------------------------------
class ChangeOfMind(models.Model):
    """A person recorded as 本人不愿申请 who later asks for relief after all: who recorded it and when.

    Without one, no relief outcome may be recorded for that person (cases/voluntary.py).
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="changes_of_mind")
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="changes_of_mind")
    stated_on = models.DateField(_("date the person asked to apply"))
    note = models.TextField(_("what the person said"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of mind (now willing to apply)")
        verbose_name_plural = _("changes of mind (now willing to apply)")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.stated_on:%Y-%m-%d}"


# --- 包村 / 包户 (issue 17 rule 3) -------------------------------------------------------------------
class CadreAssignment(models.Model):
    """Seed 003: "镇（街道）干部包村（社区）、村（社区）干部包户" — a township cadre responsible for a village, or a village
    cadre responsible for a household (cases/assignments.py)."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Township cadre for a village (包村)")
        HOUSEHOLD = "household", _("Village cadre for a household (包户)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"level": "village"})
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="cadre_assignments")
    cadre_name = models.CharField(_("cadre"), max_length=32)
    cadre_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cadre's user account"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cadre assignment (包村/包户)")
        verbose_name_plural = _("cadre assignments (包村/包户)")
        ordering = ["village__code", "kind", "-since"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="village", household__isnull=True)
                           | models.Q(kind="household", household__isnull=False)),
                name="cadre_assignment_household_for_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.cadre_name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.HOUSEHOLD and self.household_id and self.village_id \
                and self.household.village_id != self.village_id:
            raise ValidationError(_("The household is not in this village."))


# --- 帮办代办 (issue 17 rule 5) ------------------------------------------------------------------
class ApplicationHelp(models.Model):
    """帮办代办 (seed 002: "村社会救助协理员协助其收集、准备相关的书面申请材料，帮助提交救助申请"): the assistant
    gathers the papers for someone ill or disabled and submits the application (cases/applications.py)."""

    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.CASCADE,
                                related_name="application_help")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("helped by"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    materials = models.TextField(_("materials gathered"), blank=True,
                                 help_text=_("One per line: ID card, household register, income proof, medical "
                                             "records…"))
    applied_on = models.DateField(_("date the application was submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("help with the application (帮办代办)")
        verbose_name_plural = _("help with applications (帮办代办)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.lead.number}"

    @property
    def is_done(self) -> bool:
        return self.applied_on is not None


# --- checks for people never reported (issue 17 rule 10) ---------------------------------------------
class UnreportedCheck(models.Model):
    """A household of the registry that was never reported, drawn at random and visited (seed 002: "不定期对各村随机
    抽查，防止出现漏报、错报现象"). Hardship found there is a 漏报 (missed report): a lead is raised and the
    assessment counts it against the township (cases/township_checks.py)."""

    class Finding(models.TextChoices):
        PENDING = "pending", _("Not visited yet")
        NO_HARDSHIP = "no_hardship", _("No hardship found")
        MISSED = "missed", _("Hardship found: missed report (漏报)")

    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="unreported_checks")
    month = models.DateField(_("month sampled"))
    level = models.CharField(_("drawn by"), max_length=10, choices=[("district", _("District")),
                                                                   ("township", _("Township"))])
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    visited_on = models.DateField(_("date of the visit"), null=True, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, default=Finding.PENDING,
                               db_index=True)
    note = models.TextField(_("note"), blank=True)
    lead = models.ForeignKey(Lead, verbose_name=_("lead raised"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("check of a household never reported")
        verbose_name_plural = _("checks of households never reported (漏报抽查)")
        ordering = ["-month", "township__code", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "month", "level"],
                                               name="unreported_check_once_per_month")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.month:%Y-%m}"
