"""Delivery periods and due dates of feeds, and the chaser of missing deliveries (DESIGN §5, seed 003).

| cadence | a delivery covers | due |
|---|---|---|
| weekly (残联, 民政, 市民投诉中心) | last week, Monday–Sunday | the Monday after it (overdue from Tuesday) |
| monthly (卫健, 医保, 乡村振兴) | last month | the feed's ``due_day`` (5th) of the next month |
| yearly (教体, 医保 cumulative) | the calendar year | 31 December |
| event (宣传, 应急, 交警, 消防) | the events of the last ``event_window_days`` | not scheduled: nothing to chase |

A missing delivery is a :class:`~intake.models.FeedDeadline` row without ``delivered_at``; the
obligation kind ``feed_delivery`` (intake/feeds/obligations.py) sends it up the referrals reminder ladder
(reminder → written reminder → escalation to the district centre) to the department's liaisons, once
per step. An event feed's row whose event is older than ``event_working_days`` working days before the
delivery is flagged late (:func:`late_rows_flag`).
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from .choices import FeedCadence

LOOKBACK_PERIODS = 3


def period_containing(feed, day: dt.date) -> tuple[dt.date, dt.date] | None:
    if feed.cadence == FeedCadence.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if feed.cadence == FeedCadence.MONTHLY:
        start = day.replace(day=1)
        return start, start + relativedelta(months=1) - dt.timedelta(days=1)
    if feed.cadence == FeedCadence.YEARLY:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    return None


def previous_period(feed, period: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    return period_containing(feed, period[0] - dt.timedelta(days=1))


def due_on(feed, period: tuple[dt.date, dt.date]) -> dt.date | None:
    start, end = period
    if feed.cadence == FeedCadence.WEEKLY:
        return end + dt.timedelta(days=1)
    if feed.cadence == FeedCadence.MONTHLY:
        first = end + dt.timedelta(days=1)
        return first.replace(day=max(1, min(feed.due_day, 28)))
    if feed.cadence == FeedCadence.YEARLY:
        return dt.date(end.year, 12, 31)
    return None


def default_period(feed, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period a delivery made ``today`` normally covers (the upload form's default)."""
    if feed.cadence == FeedCadence.EVENT:
        return today - dt.timedelta(days=feed.event_window_days), today
    if feed.cadence == FeedCadence.YEARLY:
        return period_containing(feed, today)
    return previous_period(feed, period_containing(feed, today))


def recent_due_periods(feed, today: dt.date) -> list[tuple[tuple[dt.date, dt.date], dt.date]]:
    """The last few periods already due (due date before today) since the feed exists, newest first."""
    if feed.cadence == FeedCadence.EVENT:
        return []
    created = timezone.localdate(feed.created_at)
    found = []
    period = period_containing(feed, today)
    for _step in range(LOOKBACK_PERIODS + 2):
        due = due_on(feed, period)
        if due < created:
            break
        if due < today:
            found.append((period, due))
            if len(found) >= LOOKBACK_PERIODS:
                break
        period = previous_period(feed, period)
    return found


def deadlines_ensure(*, today: dt.date) -> int:
    """Create the deadline rows of recent periods (idempotent). Returns how many were created."""
    from intake.models import Feed, FeedDeadline

    created = 0
    for feed in Feed.objects.filter(is_active=True).exclude(cadence=FeedCadence.EVENT):
        for (start, end), due in recent_due_periods(feed, today):
            _obj, new = FeedDeadline.objects.get_or_create(feed=feed, period_start=start, period_end=end,
                                                           defaults={"due_on": due})
            created += new
    return created


def mark_delivered(batch) -> int:
    """A finished delivery fulfils every deadline of its feed whose period it covers."""
    from intake.models import FeedDeadline

    feed = batch.feed
    if feed.cadence == FeedCadence.EVENT:
        return 0
    period = period_containing(feed, batch.period_start)
    while period is not None and period[1] <= batch.period_end:
        if period[0] >= batch.period_start:
            FeedDeadline.objects.get_or_create(feed=feed, period_start=period[0], period_end=period[1],
                                               defaults={"due_on": due_on(feed, period)})
        period = period_containing(feed, period[1] + dt.timedelta(days=1))
    return (FeedDeadline.objects.filter(feed=feed, delivered_at__isnull=True, period_start__gte=batch.period_start,
                                        period_end__lte=batch.period_end)
            .update(delivered_at=batch.finished_at or timezone.now(), batch=batch))


def deliveries_chase(*, today: dt.date, calendar=None) -> dict[str, int]:
    """Today's ladder step for every missing delivery (the ``feed_delivery`` obligation kind alone)."""
    from referrals.obligations import chase_code

    return chase_code("feed_delivery", today=today, calendar=calendar)


def on_time_from(feed, delivered_on: dt.date, *, calendar=None) -> dt.date:
    """The earliest event date an event feed's delivery on ``delivered_on`` is still on time for: an event
    must be delivered within ``event_working_days`` working days (seed 003: 3个工作日内)."""
    from referrals.workdays import WorkCalendar

    calendar = calendar or WorkCalendar()
    n = feed.event_working_days
    earliest = delivered_on
    while calendar.add_working_days(earliest - dt.timedelta(days=1), n) >= delivered_on:
        earliest -= dt.timedelta(days=1)
    return earliest


def late_rows_flag(batch) -> int:
    """Flag the rows of an event feed's delivery whose event is older than the feed allows; the count is
    kept on the delivery and counted against the department's punctuality. Returns the late rows."""
    from intake.models import FeedRow

    feed = batch.feed
    if feed.cadence != FeedCadence.EVENT:
        return 0
    delivered_on = timezone.localdate(batch.created_at)
    late = FeedRow.objects.filter(batch=batch, event_date__lt=on_time_from(feed, delivered_on)).update(is_late=True)
    if late != batch.rows_late:
        batch.rows_late = late
        type(batch).objects.filter(pk=batch.pk).update(rows_late=late)
    return late
