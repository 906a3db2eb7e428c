"""The registry (Household, Person). Leads and their life come in later issues."""
from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet
from common import resident_id

from .choices import AssistanceStatus, DisabilityGrade, Relation, Sex


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
