"""The registry (Household, Person). Leads and their life come in later issues."""
from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet
from common import resident_id

from .choices import (
    AssistanceStatus, Channel, DisabilityGrade, DiscoveryMethod, LeadStatus, Relation, Sex, SourceType,
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
        from django.urls import reverse

        return reverse("cases:person_detail", args=[self.pk])

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
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    is_late_report = models.BooleanField(_("late report"), default=False,
                                         help_text=_("Logged after the day it was discovered (rule: same day)."))
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
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:lead_detail", args=[self.pk])

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
