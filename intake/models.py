"""What raises leads besides the assistant's form: the key-population roster and its visits,
severe-weather periods, and reports from the public. (Department feeds come with their issue.)"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet

from .choices import Cadence, PublicReportStatus, RosterCategory, VisitMode


class RosterEntry(models.Model):
    """A person on the key-population roster (重点人群花名册)."""

    person = models.ForeignKey("cases.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="roster_entries")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=24, choices=RosterCategory.choices)
    reason = models.TextField(_("reason"))
    cadence = models.CharField(_("visit cadence"), max_length=8, choices=Cadence.choices,
                               help_text=_("The usual cadence; severe-weather periods shorten monthly visits to weekly."))
    assistant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned assistant"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="roster_entries")
    since = models.DateField(_("on the roster since"), default=timezone.localdate)
    until = models.DateField(_("on the roster until"), null=True, blank=True)
    last_visited_on = models.DateField(_("last visited"), null=True, blank=True)
    next_due_on = models.DateField(_("next visit due"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("key-population roster")
        ordering = ["next_due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=models.Q(until__isnull=True),
                                    name="one_active_roster_entry_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_category_display()}"


class Visit(models.Model):
    """A visit (走访) to a person, usually a roster entry; a visit that finds new hardship raises a lead."""

    roster_entry = models.ForeignKey(RosterEntry, verbose_name=_("roster entry"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="visits")
    person = models.ForeignKey("cases.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="visits")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("date of visit"), default=timezone.localdate, db_index=True)
    mode = models.CharField(_("how"), max_length=8, choices=VisitMode.choices, default=VisitMode.HOME)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visitor"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    met_in_person = models.BooleanField(_("met the person"), default=True)
    findings = models.TextField(_("findings"), blank=True)
    found_hardship = models.BooleanField(_("found new hardship"), default=False)
    lead = models.ForeignKey("cases.Lead", verbose_name=_("lead raised"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person.name} {self.visited_on:%Y-%m-%d}"


class SevereWeatherPeriod(models.Model):
    """A date range a township head declares; monthly roster visits become weekly (seed 002)."""

    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT,
                                 related_name="severe_weather_periods")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("declared by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("severe-weather period")
        verbose_name_plural = _("severe-weather periods")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.township.name} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class PublicReport(models.Model):
    """A help request from the public or a volunteer (群众/志愿者求助), no login; pending in the township inbox."""

    reference = models.CharField(_("reference number"), max_length=24, unique=True)
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("village"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    subject_name = models.CharField(_("name of the person in hardship"), max_length=32)
    subject_id_number = models.CharField(_("their ID number (if known)"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    is_urgent = models.BooleanField(_("urgent"), default=False)
    reporter_name = models.CharField(_("your name"), max_length=32, blank=True)
    reporter_phone = models.CharField(_("your phone"), max_length=20)
    is_volunteer = models.BooleanField(_("I am a volunteer or social worker"), default=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PublicReportStatus.choices,
                              default=PublicReportStatus.PENDING, db_index=True)
    lead = models.ForeignKey("cases.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference
