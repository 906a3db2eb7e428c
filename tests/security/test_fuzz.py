"""Fuzzing with Hypothesis: hostile input reaches the ID parser, the feed reader and row validator, and the
working-day arithmetic; each answers with a value or its own Chinese error, never a crash.

Bounded (``max_examples``) to stay fast in ``make test``; ``HYPOTHESIS_PROFILE=nightly`` runs more.
"""
from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import resident_id
from intake.feeds.parsing import ColumnSpec, ParseError, read_table
from intake.feeds.validation import ParsedRow, RejectedRow, RowValidator
from referrals.workdays import WorkCalendar

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

id_like = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789xX \u3000０１２３４５６７８９Ｘ", max_size=24),
    st.builds(lambda n: str(n), st.integers(min_value=10**16, max_value=10**18)),
)


@given(id_like)
def test_the_id_parser_answers_every_input_with_a_number_or_a_chinese_error(raw):
    try:
        parsed = resident_id.parse(raw, today=dt.date(2026, 11, 24))
    except resident_id.ResidentIDError as exc:
        assert str(exc) and not str(exc).isascii()  # a reason in Chinese for the person at the counter
        return
    number = parsed.number
    assert len(number) == 18 and resident_id.check_char(number[:17]) == number[17]
    assert parsed.birth_date <= dt.date(2026, 11, 24)
    assert resident_id.parse(number, today=dt.date(2026, 11, 24)) == parsed  # normalised is a fixed point
    masked = resident_id.mask(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and number[6:14] not in masked


SPECS = [
    ColumnSpec("id_number", "身份证号", "id_number", True, ("身份证号",)),
    ColumnSpec("name", "姓名", "text", True, ("姓名",)),
    ColumnSpec("amount", "金额", "amount", False, ("金额",)),
    ColumnSpec("date", "日期", "date", False, ("日期",)),
    ColumnSpec("address", "地址", "text", False, ("地址",)),
]
cell = st.one_of(st.none(), st.text(max_size=25), st.integers(-10**12, 10**12),
                 st.floats(allow_nan=False, allow_infinity=True), st.dates(), st.booleans(),
                 st.decimals(allow_nan=False, allow_infinity=False, places=2))


def validator() -> RowValidator:
    return RowValidator(feed_id=1, specs=SPECS, mapping={0: "id_number", 1: "name", 2: "amount", 3: "date",
                                                          4: "address"},
                        period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31),
                        today=dt.date(2026, 11, 3))


@given(st.lists(cell, max_size=7), st.builds(
    lambda seq, amount, day: [resident_id.build("370304", dt.date(1960, 1, 1), seq), "张三", amount, day, "某村"],
    st.integers(0, 999), st.one_of(st.decimals(0, 10**7, places=2).map(str), st.text(max_size=8)),
    st.dates(dt.date(2026, 9, 1), dt.date(2026, 12, 31)).map(lambda d: d.isoformat())))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_the_row_validator_accepts_rejects_or_skips_any_row_and_its_fast_path_agrees(noise, plausible):
    v = validator()
    for cells in (noise, plausible):
        result = v.validate(7, cells)
        assert result is None or isinstance(result, (ParsedRow, RejectedRow))
        if isinstance(result, RejectedRow):
            assert result.reason and result.row_number == 7
        if isinstance(result, ParsedRow):
            assert resident_id.is_valid(result.id_number)
            assert validator()._validate_full(7, cells) == result  # the fast path is only faster


# Found by the fuzzer: decimal.Overflow ("1e999999999" as text) and a NaN float cell used to escape
# parse_amount and fail the whole delivery instead of rejecting the row.
@pytest.mark.parametrize("amount", ["1e999999999", float("nan")])
def test_an_absurd_amount_rejects_the_row_instead_of_failing_the_delivery(amount):
    cells = [resident_id.build("370304", dt.date(1960, 1, 1), 1), "张三", amount, "2026-10-03", "某村"]
    assert isinstance(validator().validate(7, cells), RejectedRow)


@given(st.binary(max_size=2048), st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.txt", "a.exe", "a.json"]))
@settings(max_examples=80)
def test_the_feed_reader_refuses_garbage_with_a_reason_and_never_crashes(data, name):
    try:
        table = read_table(data, name)
    except ParseError as exc:
        assert str(exc)
        return
    assert name.endswith((".csv", ".txt", ".json"))  # random bytes are never a spreadsheet
    assert all(isinstance(row, (list, tuple)) for row in table.rows)


NO_TABLE = WorkCalendar(overrides={})
days = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))


@given(days, st.integers(min_value=0, max_value=60))
def test_counting_back_from_a_due_date_gives_the_days_added(start, n):
    due = NO_TABLE.add_working_days(start, n)
    assert NO_TABLE.working_days_between(start, due) == n
    if n:
        assert NO_TABLE.is_working_day(due)  # never a rest day


@given(days, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40))
def test_more_working_days_never_give_an_earlier_date(start, n, m):
    lo, hi = sorted((n, m))
    assert NO_TABLE.add_working_days(start, lo) <= NO_TABLE.add_working_days(start, hi)
