"""The key-population roster (重点人群花名册), its visits and severe-weather periods (seeds 001, 002)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Region, ScopedQuerySet
from intake.choices import Cadence, RosterCategory, VisitMode, VisitorKind


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
    end_reason = models.TextField(_("reason for taking off the roster"), blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken off by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
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
    # A carer's or helper's daily visit is logged by the assistant (or the township) who heard of it: the user above
    # records it; the carer, who has no account, is named here (issue 17 rule 11).
    visitor_kind = models.CharField(_("visited by"), max_length=8, choices=VisitorKind.choices,
                                    default=VisitorKind.STAFF)
    visitor_name = models.CharField(_("name of the carer or helper"), max_length=64, blank=True)
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
