"""The period a delivered file covers, read from the file itself (issue 14).

Departments export "2026年10月住院费用明细" with every discharge date in October; an operator who gives no period
(or the upload form left as it is) must not have the whole file refused as "outside the period". The period is
proposed from the file: the period (of the feed's cadence) most of its dates fall in, else the month or year its
title names, else the feed's usual period (:func:`.deadlines.default_period`).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from .choices import KEY_DATE, FeedCadence
from .deadlines import default_period, period_containing
from .parsing import HeaderMatch, Table, cell_text
from .validation import ValueProblem, parse_date

_TITLE_MONTH = re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月")
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")


@dataclass
class Proposal:
    start: dt.date
    end: dt.date
    basis: str  # why, in Chinese: "文件中多数日期所在的月份" …

    def label(self) -> str:
        return period_label(self.start, self.end)


def period_label(start: dt.date, end: dt.date) -> str:
    """2026年10月 for a calendar month, 2026年 for a calendar year, else 2026-10-05至2026-10-11."""
    if start.day == 1 and end == start + relativedelta(months=1) - dt.timedelta(days=1):
        return _("%(year)s-%(month)s") % {"year": start.year, "month": start.month}
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return _("year %(year)s") % {"year": start.year}
    return _("%(start)s to %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def file_dates(table: Table, header: HeaderMatch) -> list[dt.date]:
    """The dates of the file's date column (cells that are no date are left out)."""
    index = next((i for i, key in header.mapping.items() if key == KEY_DATE), None)
    if index is None:
        return []
    days = []
    for cells in table.rows[header.data_start:]:
        if index < len(cells) and cell_text(cells[index]):
            try:
                days.append(parse_date(cells[index], ""))
            except ValueProblem:
                continue
    return days


def _from_title(feed, table: Table, header: HeaderMatch, filename: str) -> tuple[dt.date, dt.date] | None:
    texts = [cell_text(c) for cells in table.rows[:header.header_index] for c in cells]
    texts += [table.sheet_name or "", filename or ""]
    for text in texts:
        match = _TITLE_MONTH.search(text)
        if match and 1 <= int(match[2]) <= 12 and feed.cadence == FeedCadence.MONTHLY:
            start = dt.date(int(match[1]), int(match[2]), 1)
            return start, start + relativedelta(months=1) - dt.timedelta(days=1)
        match = _TITLE_YEAR.search(text)
        if match and feed.cadence == FeedCadence.YEARLY:
            return dt.date(int(match[1]), 1, 1), dt.date(int(match[1]), 12, 31)
    return None


def period_propose(feed, table: Table, header: HeaderMatch, *, filename: str, today: dt.date) -> Proposal:
    """The period the file covers, and why (see the module's docstring)."""
    days = [d for d in file_dates(table, header) if d <= today]
    if days:
        if feed.cadence == FeedCadence.EVENT:
            return Proposal(min(days), max(days), _("the earliest and latest dates in the file"))
        (start, end), _count = Counter(period_containing(feed, d) for d in days).most_common(1)[0]
        return Proposal(start, end, _("the period most dates in the file fall in"))
    titled = _from_title(feed, table, header, filename)
    if titled is not None and titled[0] <= today:
        return Proposal(*titled, _("the file's title"))
    start, end = default_period(feed, today)
    return Proposal(start, end, _("the feed's usual period"))
