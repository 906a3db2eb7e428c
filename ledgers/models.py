"""The monthly report (月报) a township submits to the district, and the weights of the assessment (考核).

Everything else in this app is read-only: ledgers, the dashboard and the assessment read the other
apps' data through their models and the user's scope (DESIGN §13).
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class MonthlyReport(models.Model):
    """One township's report of one month: drafted from the data on the 1st, reviewed and submitted by the 5th.

    ``figures`` is the snapshot the draft was computed into (``ledgers.monthly.selectors.SCHEMA_VERSION``); once
    the report is submitted it is never recomputed, so later changes to the data do not change it.
    """

    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT,
                                 related_name="monthly_reports", limit_choices_to={"level": "township"})
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    due_on = models.DateField(_("due"), help_text=_("The 5th of the next month, or the next working day."))
    figures = models.JSONField(_("figures"), default=dict)
    schema_version = models.PositiveSmallIntegerField(_("figures schema"), default=1)
    drafted_at = models.DateTimeField(_("figures computed at"), default=timezone.now)
    remarks = models.TextField(_("remarks"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    # The district may send a submitted report back (退回) for correction, saying why; it is a draft again.
    returned_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    returned_reason = models.TextField(_("reason for sending back"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: a remark or a submission from an older page is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "township__code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "month"], name="monthly_report_once_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="monthly_report_month_first_day"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="monthly_report_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.township.name} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        from common.links import reverse_pk

        return reverse_pk("ledgers:monthly_detail", self.pk)

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_submitted and today > self.due_on


class AssessmentWeights(models.Model):
    """A district's weights of the year-end assessment of discovery work (seeds 000 六, 001 三(三)).

    One row per district (created with the defaults when first needed), edited in the admin, every
    change kept in its history.
    """

    district = models.OneToOneField(Region, verbose_name=_("district"), on_delete=models.CASCADE,
                                    related_name="assessment_weights", limit_choices_to={"level": "district"})
    discovery_points = models.DecimalField(
        _("points for discovery"), max_digits=5, decimal_places=2, default=Decimal("40"),
        validators=[MinValueValidator(0)],
        help_text=_("Given in full when the township found at least the expected number of leads."))
    leads_expected_per_month = models.PositiveIntegerField(
        _("leads expected per month"), default=10, validators=[MinValueValidator(1)],
        help_text=_("Per township; multiplied by the months of the period."))
    timeliness_points = models.DecimalField(
        _("points for answering in time"), max_digits=5, decimal_places=2, default=Decimal("40"),
        validators=[MinValueValidator(0)],
        help_text=_("Multiplied by the share of transfer forms answered by their due date."))
    reporting_points = models.DecimalField(
        _("points for monthly reports on time"), max_digits=5, decimal_places=2, default=Decimal("20"),
        validators=[MinValueValidator(0)],
        help_text=_("Multiplied by the share of the period's monthly reports submitted by their due date."))
    escalation_penalty = models.DecimalField(
        _("deduction per item still undone after a written reminder"), max_digits=5, decimal_places=2,
        default=Decimal("5"), validators=[MinValueValidator(0)],
        help_text=_("Seed 001: still not handled after a written reminder, without good reason."))
    spot_check_penalty = models.DecimalField(
        _("deduction per spot-check finding"), max_digits=5, decimal_places=2, default=Decimal("5"),
        validators=[MinValueValidator(0)],
        help_text=_("A spot check that found someone wrongly included or wrongly left out."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment weights")
        verbose_name_plural = _("assessment weights")
        ordering = ["district__code"]

    def __str__(self) -> str:
        return str(self.district)

    @classmethod
    def for_district(cls, district: Region) -> AssessmentWeights:
        weights, _created = cls.objects.get_or_create(district=district)
        return weights

    @property
    def full_marks(self) -> Decimal:
        return self.discovery_points + self.timeliness_points + self.reporting_points
