"""The deadline API every app uses (transfer answers, 急难 leads, investigations, visits, feeds, reports).

All counts are in working days of :mod:`referrals.workdays`. A task is due at
the end of its due day: it is overdue from the next calendar day, and counts
one overdue working day on the first working day after the due date.

    due_on = due_date(issued_at, 5)
    if is_overdue(due_on):
        days = overdue_working_days(due_on)

Pass one ``calendar=WorkCalendar()`` when asking about many rows (a list page).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .workdays import WorkCalendar, add_working_days, working_days_between

# What "due soon" means in lists: due within this many working days (today counts as one).
DUE_SOON_WORKING_DAYS = getattr(settings, "DUE_SOON_WORKING_DAYS", 2)


class DueState:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"


def _today(today) -> dt.date:
    if today is None:
        return timezone.localdate()
    if isinstance(today, dt.datetime):
        return timezone.localdate(today) if timezone.is_aware(today) else today.date()
    return today


def due_date(start, working_days: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The due date ``working_days`` working days after ``start`` (a date or an aware datetime)."""
    return add_working_days(_today(start), working_days, calendar=calendar)


def is_overdue(due_on: dt.date | None, today=None) -> bool:
    return due_on is not None and _today(today) > due_on


def overdue_working_days(due_on: dt.date | None, today=None, *, calendar: WorkCalendar | None = None) -> int:
    """Working days past the due date (0 when not overdue)."""
    if due_on is None:
        return 0
    return max(0, working_days_between(due_on, _today(today), calendar=calendar))


def working_days_left(due_on: dt.date, today=None, *, calendar: WorkCalendar | None = None) -> int:
    """Working days left before the due date is over, today included when it is a working day."""
    today = _today(today)
    if today > due_on:
        return 0
    return working_days_between(today - dt.timedelta(days=1), due_on, calendar=calendar)


def due_soon_cutoff(today=None, *, working_days: int | None = None,
                    calendar: WorkCalendar | None = None) -> dt.date:
    """Rows due on or before this date (and not yet overdue) are "due soon"."""
    n = DUE_SOON_WORKING_DAYS if working_days is None else working_days
    today = _today(today)
    return add_working_days(today, max(0, n - 1), calendar=calendar)


def due_state(due_on: dt.date | None, today=None, *, calendar: WorkCalendar | None = None) -> str | None:
    if due_on is None:
        return None
    today = _today(today)
    if today > due_on:
        return DueState.OVERDUE
    if due_on <= due_soon_cutoff(today, calendar=calendar):
        return DueState.DUE_SOON
    return DueState.ON_TIME
