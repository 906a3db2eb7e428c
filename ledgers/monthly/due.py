"""When a township's monthly report is due (seed 003: the 5th of the next month, the next working day when the
5th is a rest day; ledgers/deadlines.py chases it). Apart from the chaser so that the report's services and the
assessment read the due date without importing the chaser, which drafts missing reports through the services."""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from referrals.obligations import limit
from referrals.workdays import WorkCalendar


def due_day() -> int:
    return max(1, min(28, limit("monthly_report")))


def report_due_on(month: dt.date, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The due date of the report of ``month`` (its first day): the 5th of the next month, or the next
    working day when the 5th is a rest day."""
    calendar = calendar or WorkCalendar()
    day = (month + relativedelta(months=1)).replace(day=due_day())
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day
