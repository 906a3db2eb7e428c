"""The working-day calendar's tables: the administrator's holidays and make-up days, and the years entered whole.

Apart from models.py because the calendar (referrals/workdays.py) reads them, and models.py imports the
deadlines, which count with the calendar: workdays → models_calendar, models → deadlines → workdays.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    """A day the administrator sets: a holiday, or a make-up working day (调休). Wins over the package."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), default=False,
        help_text=_("Ticked: a make-up working day (调休上班). Not ticked: a day off (holiday)."))
    name = models.CharField(_("name"), max_length=64, blank=True, help_text=_("For example: 国庆节, 春节调休."))

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class CalendarYear(models.Model):
    """A year whose whole arrangement the administrator has entered in the holiday table."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_complete = models.BooleanField(
        _("arrangement entered"), default=True,
        help_text=_("Tick when every holiday and make-up day of the year, as published by the State Council, "
                    "is in the holiday table. The warning about an unknown calendar then stops."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year entered by hand")
        verbose_name_plural = _("calendar years entered by hand")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
