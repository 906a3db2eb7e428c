"""The working-day calendar: holidays and make-up days (调休) of 2025–2026, the admin's table, and 2027+."""
from __future__ import annotations

import datetime as dt
import io

import chinese_calendar
import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from referrals import deadlines, workdays
from referrals.models import CalendarYear, Holiday
from referrals.workdays import WorkCalendar

D = dt.date
NO_TABLE = WorkCalendar(overrides={})  # the package and Mon–Fri only: no database


# --- examples: the State Council's arrangements of 2025 and 2026 ------------------------------
@pytest.mark.parametrize(("start", "n", "due"), [
    # National Day 2025: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are make-up working days.
    (D(2025, 9, 26), 5, D(2025, 10, 10)),   # Fri: 09-28 (Sun, make-up), 29, 30, 10-09, 10-10
    (D(2025, 9, 26), 1, D(2025, 9, 28)),    # the make-up Sunday is the first working day after
    (D(2025, 9, 30), 1, D(2025, 10, 9)),    # issued before the holiday, due after it
    (D(2025, 9, 30), 2, D(2025, 10, 10)),
    (D(2025, 9, 30), 3, D(2025, 10, 11)),   # the make-up Saturday counts
    (D(2025, 10, 1), 5, D(2025, 10, 14)),   # issued on a holiday: 10-09, 10, 11 (Sat), 13, 14
    # Spring Festival 2026: 02-15..02-23 off; Saturdays 02-14 and 02-28 are make-up days.
    (D(2026, 2, 13), 1, D(2026, 2, 14)),
    (D(2026, 2, 13), 5, D(2026, 2, 27)),    # 02-14 (Sat), 24, 25, 26, 27
    (D(2026, 2, 13), 6, D(2026, 2, 28)),    # the second make-up Saturday
    (D(2026, 2, 15), 1, D(2026, 2, 24)),
    # Labour Day 2026: 05-01..05-05 off; Saturday 05-09 is a make-up day.
    (D(2026, 4, 30), 5, D(2026, 5, 11)),    # 05-06, 07, 08, 09 (Sat), 11
    # An ordinary week, a weekend start, and zero days (same day).
    (D(2026, 3, 2), 5, D(2026, 3, 9)),
    (D(2026, 3, 7), 5, D(2026, 3, 13)),
    (D(2026, 3, 7), 0, D(2026, 3, 7)),
])
def test_due_dates_across_holidays_and_make_up_days(start, n, due):
    assert NO_TABLE.add_working_days(start, n) == due


def test_working_days_between_counts_after_the_first_date_up_to_the_second():
    # Due Friday 2025-10-10: Saturday 10-11 (make-up) is the first overdue working day.
    assert NO_TABLE.working_days_between(D(2025, 10, 10), D(2025, 10, 11)) == 1
    assert NO_TABLE.working_days_between(D(2025, 10, 10), D(2025, 10, 12)) == 1  # Sunday
    assert NO_TABLE.working_days_between(D(2025, 10, 10), D(2025, 10, 14)) == 3
    assert NO_TABLE.working_days_between(D(2025, 10, 14), D(2025, 10, 10)) == -3
    assert NO_TABLE.working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0    # the whole holiday


def test_into_2027_counts_the_statutory_holidays_without_crashing():
    with pytest.raises(NotImplementedError):
        chinese_calendar.find_workday(5, D(2026, 12, 28))  # the package itself cannot
    # The example: 元旦 is a statutory holiday whatever the 调休 notice says.
    assert NO_TABLE.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)
    assert not NO_TABLE.is_working_day(D(2027, 1, 1))         # Friday, 元旦
    assert not NO_TABLE.is_working_day(D(2027, 1, 2))
    assert NO_TABLE.working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 5
    assert NO_TABLE.add_working_days(D(2099, 12, 30), 3) == D(2100, 1, 5)
    assert NO_TABLE.is_working_day(D(1999, 10, 8))             # before the package: Mon–Fri less the holidays
    assert not NO_TABLE.is_working_day(D(1999, 10, 1))


@pytest.mark.parametrize(("day", "name"), [
    (D(2027, 1, 1), "元旦"), (D(2027, 2, 5), "除夕"), (D(2027, 2, 6), "春节 初一"), (D(2027, 2, 8), "初三"),
    (D(2027, 4, 5), "清明"), (D(2028, 5, 1), "劳动节"), (D(2028, 5, 2), "劳动节 第二天"), (D(2027, 6, 9), "端午"), (D(2027, 9, 15), "中秋"),
    (D(2027, 10, 1), "国庆"), (D(2028, 1, 26), "春节 2028"), (D(2028, 4, 4), "清明 2028"),
])
def test_the_statutory_holidays_of_unknown_years_come_from_the_lunar_calendar(day, name):
    assert not NO_TABLE.is_working_day(day), name


def test_a_weekday_next_to_the_holidays_of_an_unknown_year_is_still_a_working_day():
    assert NO_TABLE.is_working_day(D(2027, 2, 9))   # Tuesday after 初三: 调休 unknown, so worked
    assert NO_TABLE.is_working_day(D(2027, 10, 4))  # Monday


def test_the_admin_table_wins_over_the_package_and_the_fallback(db):
    assert workdays.add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 9)
    Holiday.objects.create(date=D(2026, 3, 4), is_working_day=False, name="地方假日")
    assert workdays.add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 10)
    Holiday.objects.create(date=D(2026, 3, 7), is_working_day=True, name="调休上班")
    assert workdays.add_working_days(D(2026, 3, 2), 5) == D(2026, 3, 9)
    # A package holiday turned into a working day, and 2027's New Year entered by hand.
    Holiday.objects.create(date=D(2025, 10, 8), is_working_day=True, name="测试")
    assert workdays.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 8)
    Holiday.objects.create(date=D(2027, 1, 1), is_working_day=False, name="元旦")
    assert workdays.add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 5)


def test_calendar_known_by_package_or_by_the_administrator(db):
    assert workdays.calendar_known(2025) and workdays.calendar_known(2026)
    assert not workdays.calendar_known(2027)
    CalendarYear.objects.create(year=2027)
    assert workdays.calendar_known(2027)
    assert workdays.unknown_years_between(D(2026, 12, 1), D(2028, 1, 5)) == [2028]


def test_deadlines_api():
    due = deadlines.due_date(D(2025, 9, 30), 5, calendar=NO_TABLE)
    assert due == D(2025, 10, 14)                                   # 10-09, 10, 11 (Sat), 13, 14
    assert not deadlines.is_overdue(due, D(2025, 10, 14))          # due at the end of the day
    assert deadlines.is_overdue(due, D(2025, 10, 15))
    assert deadlines.overdue_working_days(due, D(2025, 10, 14), calendar=NO_TABLE) == 0
    assert deadlines.overdue_working_days(due, D(2025, 10, 16), calendar=NO_TABLE) == 2
    assert deadlines.working_days_left(due, D(2025, 10, 9), calendar=NO_TABLE) == 5
    assert deadlines.due_state(due, D(2025, 10, 13), calendar=NO_TABLE) == deadlines.DueState.DUE_SOON
    assert deadlines.due_state(due, D(2025, 10, 9), calendar=NO_TABLE) == deadlines.DueState.ON_TIME
    assert deadlines.due_state(due, D(2025, 10, 15), calendar=NO_TABLE) == deadlines.DueState.OVERDUE


# --- properties -----------------------------------------------------------------------------
days = st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31))
known_days = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 11, 30))


@given(start=days, n=st.integers(min_value=1, max_value=40))
def test_the_due_date_is_a_working_day_n_working_days_later(start, n):
    due = NO_TABLE.add_working_days(start, n)
    assert due > start
    assert NO_TABLE.is_working_day(due)
    assert NO_TABLE.working_days_between(start, due) == n
    assert NO_TABLE.working_days_between(start, due - dt.timedelta(days=1)) == n - 1
    assert NO_TABLE.add_working_days(start, n + 1) > due


@given(start=known_days, n=st.integers(min_value=1, max_value=15))
def test_agrees_with_find_workday_where_the_package_counts_correctly(start, n):
    try:
        expected = (chinese_calendar.find_workday(n, start) if chinese_calendar.is_workday(start)
                    # From a rest day, find_workday counts the next working day as day 0: one day late.
                    else chinese_calendar.find_workday(n - 1, start))
    except NotImplementedError:
        return  # the count crosses into a year the package does not know
    assert NO_TABLE.add_working_days(start, n) == expected


@settings(deadline=None)
@given(a=days, b=days)
def test_between_is_antisymmetric_and_additive(a, b):
    assert NO_TABLE.working_days_between(a, b) == -NO_TABLE.working_days_between(b, a)
    mid = min(a, b) + (max(a, b) - min(a, b)) / 2
    lo, hi = min(a, b), max(a, b)
    assert NO_TABLE.working_days_between(lo, hi) == (NO_TABLE.working_days_between(lo, mid)
                                                     + NO_TABLE.working_days_between(mid, hi))


@settings(max_examples=50)
@given(day=days, working=st.booleans(), start_offset=st.integers(min_value=1, max_value=10),
       n=st.integers(min_value=1, max_value=20))
def test_an_override_decides_its_day_and_moves_the_due_date_by_at_most_one_working_day(day, working, start_offset,
                                                                                       n):
    table = WorkCalendar(overrides={day: working})
    assert table.is_working_day(day) is working
    start = day - dt.timedelta(days=start_offset)
    plain, changed = NO_TABLE.add_working_days(start, n), table.add_working_days(start, n)
    if start < day <= plain:
        if working and not NO_TABLE.is_working_day(day):
            assert changed <= plain
        elif not working and NO_TABLE.is_working_day(day):
            assert changed > plain
    else:
        assert changed == plain or day > plain


# --- the command --------------------------------------------------------------------------
def _run(*args) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("workdays", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return out.getvalue().strip(), err.getvalue().strip(), code


def test_command_add_prints_the_due_date(db):
    assert _run("add", "2025-09-26", "5")[0] == "2025-10-10"
    assert _run("add", "2025-09-30", "3")[0] == "2025-10-11"
    assert _run("add", "2026-02-13", "6")[0] == "2026-02-28"
    out, err, code = _run("add", "2026-12-28", "5")
    assert out == "2027-01-05" and "2027" in err and "调休" in err and code == 0
    # The administrator enters 2027's notice with a make-up working day: the count follows it.
    Holiday.objects.create(date=D(2027, 1, 4), is_working_day=False, name="元旦调休")
    assert _run("add", "2026-12-28", "5")[0] == "2027-01-06"
    assert _run("between", "2025-10-10", "2025-10-14")[0] == "3"


def test_command_check_says_whether_a_year_is_known(db):
    out, _err, code = _run("check", "2026")
    assert code == 0 and "2026" in out and "已知" in out
    out, _err, code = _run("check", "2027")
    assert code == 1 and "未知" in out
    CalendarYear.objects.create(year=2027)
    out, _err, code = _run("check", "2027")
    assert code == 0 and "管理员" in out
