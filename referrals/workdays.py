"""Working days: the one calendar the whole product counts deadlines with (DESIGN §5, §12).

A day is a working day when, in this order:

1. the administrator's :class:`~referrals.models.Holiday` table says so (a holiday
   or a make-up working day, 调休) — the table wins over everything;
2. ``chinese_calendar`` knows its year (2004–2026 in version 1.11): its answer,
   with the State Council's holidays and make-up days;
3. otherwise the statutory holidays that the national rules fix (全国年节及纪念日放假办法,
   2024 revision): 元旦 1 January; 春节 除夕 and 正月初一–初三; 清明 the solar term's
   day; 劳动节 1–2 May; 端午 五月初五; 中秋 八月十五; 国庆 1–3 October — the
   lunar dates and the solar term from ``lunar_python`` — and Monday to Friday
   for the rest. What the State Council's notice adds (调休, bridging days) is
   unknown until the administrator enters it: ``chinese_calendar`` raises
   ``NotImplementedError`` for a year it does not cover (also inside
   ``find_workday`` when a count crosses into it); this module never lets that
   through, and the district administrator is warned (home-page widget,
   ``workdays check``, the due date's page) until the year is entered in the
   admin.

The convention for deadlines: the day of issue does not count; a task given N
working days is due at the end of the N-th working day after the issue day
(``add_working_days``). ``chinese_calendar.find_workday`` is not used: for a
start on a rest day it counts the next working day as day 0 and lands one
working day late.

Each call of the module-level functions reads the admin table once per calendar
year it touches. Code that asks many questions (a list page, the chaser) builds
one :class:`WorkCalendar` and asks it, or passes it as ``calendar=``.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from chinese_calendar import constants as _cc_constants

from .models_calendar import CalendarYear, Holiday

__all__ = [
    "WorkCalendar", "add_working_days", "calendar_known", "is_working_day", "package_years",
    "working_days_between", "unknown_years_between",
]

# The years the installed chinese_calendar covers (it raises outside them).
_PACKAGE_FIRST = min(_cc_constants.holidays).year
_PACKAGE_LAST = max(_cc_constants.holidays).year


def package_years() -> tuple[int, int]:
    """First and last year ``chinese_calendar`` knows."""
    return _PACKAGE_FIRST, _PACKAGE_LAST


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _package_answer(day: dt.date) -> bool | None:
    """chinese_calendar's answer, or None when it does not know the year.

    The package's own ``is_workday`` validates the year by scanning its whole
    table on every call; its data is read directly here (same rule: a listed
    make-up day works, a listed holiday rests, otherwise Monday to Friday).
    """
    if not (_PACKAGE_FIRST <= day.year <= _PACKAGE_LAST):
        return None
    if day in _cc_constants.workdays:
        return True
    if day in _cc_constants.holidays:
        return False
    return day.weekday() < 5


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The days off the national rules fix for every year (without the year's 调休 arrangement)."""
    from lunar_python import Lunar

    days = {dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 2),
            dt.date(year, 10, 1), dt.date(year, 10, 2), dt.date(year, 10, 3)}

    def solar(lunar) -> dt.date:
        s = lunar.getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = Lunar.fromYmd(year, 1, 1)
    spring = solar(new_year)
    days.update(spring + dt.timedelta(days=i) for i in range(-1, 3))  # 除夕, 初一–初三
    days.add(solar(Lunar.fromYmd(year, 5, 5)))
    days.add(solar(Lunar.fromYmd(year, 8, 15)))
    qingming = new_year.getJieQiTable()["清明"]
    days.add(dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()))
    return frozenset(d for d in days if d.year == year)


class WorkCalendar:
    """The working-day calendar with the admin's table loaded lazily, one query per year."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        # overrides given explicitly (tests, bulk callers): no database access at all.
        self._fixed = overrides is not None
        self._overrides: dict[dt.date, bool] = dict(overrides or {})
        self._loaded_years: set[int] = set()
        self._all_loaded = False
        self._complete_years: set[int] | None = None if not self._fixed else set()

    @classmethod
    def preloaded(cls) -> WorkCalendar:
        """A calendar that reads the whole admin table at its first question (one query, whatever the
        years asked about): for list pages, whose query count must not depend on the rows shown."""
        calendar = cls()
        calendar._all_loaded = None  # load everything on first use
        return calendar

    # --- the admin table ------------------------------------------------------------
    def _load_year(self, year: int) -> None:
        if self._fixed or self._all_loaded or year in self._loaded_years:
            return
        if self._all_loaded is None:
            self._overrides.update(Holiday.objects.values_list("date", "is_working_day"))
            self._all_loaded = True
            return

        for day, working in Holiday.objects.filter(date__year=year).values_list("date", "is_working_day"):
            self._overrides[day] = working
        self._loaded_years.add(year)

    def _entered_years(self) -> set[int]:
        if self._complete_years is None:
            self._complete_years = set(CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True))
        return self._complete_years

    # --- questions ------------------------------------------------------------------
    def calendar_known(self, year: int) -> bool:
        """Whether ``year``'s holidays and make-up days are known (package or entered by the administrator)."""
        return _PACKAGE_FIRST <= year <= _PACKAGE_LAST or year in self._entered_years()

    def is_working_day(self, day) -> bool:
        day = _as_date(day)
        self._load_year(day.year)
        override = self._overrides.get(day)
        if override is not None:
            return override
        answer = _package_answer(day)
        if answer is not None:
            return answer
        if day in statutory_holidays(day.year):
            return False
        return day.weekday() < 5

    def add_working_days(self, start, n: int) -> dt.date:
        """The end of the ``n``-th working day after ``start`` (``start`` itself does not count).

        ``n == 0`` is ``start`` itself (a same-day deadline).
        """
        start = _as_date(start)
        if n < 0:
            raise ValueError("n must be zero or positive")
        day, left = start, n
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a, b) -> int:
        """Working days in (a, b]: after ``a``, up to and including ``b``; negative when ``b`` < ``a``.

        ``working_days_between(due_on, today)`` is how many working days a task is overdue;
        ``working_days_between(today, due_on)`` how many working days are left.
        """
        a, b = _as_date(a), _as_date(b)
        if b == a:
            return 0
        sign, lo, hi = (1, a, b) if b > a else (-1, b, a)
        count, day = 0, lo
        while day < hi:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return sign * count

    def working_day_ordinals(self, start, end) -> dict[dt.date, int]:
        """Each day from ``start`` to ``end`` → the working days in (start, day]: so for days a ≤ b of the span,
        ``working_days_between(a, b) == ordinals[b] - ordinals[a]`` — one pass for many pairs (ledgers)."""
        start, end = _as_date(start), _as_date(end)
        ordinals, count, day = {start: 0}, 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
            ordinals[day] = count
        return ordinals

    def unknown_years_between(self, a, b) -> list[int]:
        a, b = _as_date(a), _as_date(b)
        lo, hi = min(a, b), max(a, b)
        return [y for y in range(lo.year, hi.year + 1) if not self.calendar_known(y)]


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return calendar if calendar is not None else WorkCalendar()


def is_working_day(day, *, calendar: WorkCalendar | None = None) -> bool:
    return _calendar(calendar).is_working_day(day)


def add_working_days(start, n: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    return _calendar(calendar).add_working_days(start, n)


def working_days_between(a, b, *, calendar: WorkCalendar | None = None) -> int:
    return _calendar(calendar).working_days_between(a, b)


def calendar_known(year: int, *, calendar: WorkCalendar | None = None) -> bool:
    return _calendar(calendar).calendar_known(year)


def unknown_years_between(a, b, *, calendar: WorkCalendar | None = None) -> list[int]:
    return _calendar(calendar).unknown_years_between(a, b)
