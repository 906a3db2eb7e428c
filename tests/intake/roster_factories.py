"""Helpers for the roster tests: entries put on the roster through the real service."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.models import VulnerabilityTag
from intake.roster import services as roster
from intake.choices import RosterCategory
from intake.models import RosterEntry

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 10)  # a Tuesday; the tests move the clock here


def add_entry(user, person, *, category=RosterCategory.TEKUN, cadence="", since=None, reason="独居，需定期走访",
              assistant=None) -> RosterEntry:
    return roster.roster_entry_add(user=user, person=person, category=category, reason=reason, cadence=cadence,
                                   assistant=assistant, since=since)


def make_due(entry: RosterEntry, due: dt.date) -> RosterEntry:
    """Put an entry's next visit on ``due`` (as if the last visit was one month before)."""
    RosterEntry.objects.filter(pk=entry.pk).update(next_due_on=due)
    entry.refresh_from_db()
    return entry


def tag(person, code: str) -> None:
    person.tags.add(VulnerabilityTag.objects.get(code=code))


@pytest.fixture
def clock(time_machine):
    """Today is 2026-03-10 09:00 in Beijing; ``clock.move_to(date)`` moves to 09:00 of another day."""
    class Clock:
        def move_to(self, day: dt.date) -> None:
            time_machine.move_to(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=BEIJING), tick=False)

    c = Clock()
    c.move_to(TODAY)
    return c
