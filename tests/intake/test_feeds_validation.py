"""The validator's fast path takes the usual rows and gives exactly what the full checks give; the rest it leaves."""
from __future__ import annotations

import datetime as dt

from intake.feeds.parsing import detect_header
from intake.feeds.services import column_specs
from intake.feeds.validation import ParsedRow, RejectedRow, RowValidator

from .feed_factories import bad_check_digit, id_with_x, install_feeds, messy, xlsx_bytes

HEADER = ["序号", "参保人姓名", "公民身份号码", "就诊机构", "出院日期", "住院总费用（元）", "个人负担(元)", "家庭住址"]


def test_the_fast_path_agrees_with_the_full_checks_on_every_row_it_takes(world):
    from intake.feeds.parsing import read_table

    feed = install_feeds(world)["medical_inpatient"]
    a1 = world.people["a1"].id_number
    x = id_with_x()
    table = read_table(xlsx_bytes(HEADER, [[1, "张一", a1, "", "2026-10-03", 1, "2", ""]]), "x.xlsx")
    specs = column_specs(feed)
    header = detect_header(table, specs)
    validator = RowValidator(feed_id=feed.pk, specs=specs, mapping=header.mapping, period_start=dt.date(2026, 10, 1),
                             period_end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 3))
    usual = [
        [1, "张一", a1, "区人民医院", "2026-10-03", 50000.0, "21,350.00元", ""],
        [2, "张 一", f" {a1} ", "区人民医院", dt.datetime(2026, 10, 3), 50000, 21350.5, "域城镇南域城社区"],
        [3, "周叉", x.lower(), "区人民医院", "2026/10/3", "", "1200", ""],
        [4, "周叉", messy(x), "区人民医院", "2026年10月3日", 1.5, "0", "3号楼\t2单元"],
        [5, "张一", f"{a1[:6]} {a1[6:14]} {a1[14:]}", "区人民医院", dt.date(2026, 10, 31), 3, "12.", ""],
    ]
    unusual = [
        [6, "张一", bad_check_digit(a1), "区人民医院", "2026-10-03", 1, "2", ""],
        [7, "", a1, "区人民医院", "2026-10-03", 1, "2", ""],
        [8, "张一", a1, "区人民医院", "2026-09-30", 1, "2", ""],
        [9, "张一", a1, "区人民医院", "2026-11-04", 1, "2", ""],
        [10, "张一", a1, "区人民医院", "2026-10-03", 1, "2.5万", ""],
        [11, "张一", a1, "区人民医院", "2026-10-03", 1, "￥1,200", ""],
        [12, "张一", a1, "区人民医院", "2026-10-03", 1, "-5", ""],
        [13, "张一", a1, "区人民医院", "2026-10-03", 1, "五百", ""],
        [14, "张一", a1, "区人民医院", 46298, 1, "2", ""],
        [15, "张一", float(a1[:-1]), "区人民医院", "2026-10-03", 1, "2", ""],
        [16, "合计", "", "", "", 100, "200", ""],
        [17, "张一", a1, "区人民医院", "", 1, "2", ""],
        [18, "张一", a1, "区人民医院", "2026-10-03", 1, "", ""],
    ]
    for cells in usual:
        fast = validator._validate_fast(cells[0], cells)
        assert isinstance(fast, ParsedRow), cells
        assert fast == validator._validate_full(cells[0], cells), cells
    for cells in unusual:
        fast = validator._validate_fast(cells[0], cells)
        full = validator._validate_full(cells[0], cells)
        assert fast is None or fast == full, cells
        assert validator.validate(cells[0], cells) == full
    assert isinstance(validator.validate(6, unusual[0]), RejectedRow)


def test_the_column_wise_checks_give_what_the_row_checks_give_row_for_row(world):
    """``validate_rows`` (issue 15: each column of a block of rows at once) against ``validate`` of each row: the
    same ParsedRow, the same reasons in Chinese, the same rows skipped and the same count of rows out of period."""
    from intake.feeds.parsing import read_table

    feed = install_feeds(world)["medical_inpatient"]
    a1 = world.people["a1"].id_number
    x = id_with_x()
    table = read_table(xlsx_bytes(HEADER, [[1, "张一", a1, "", "2026-10-03", 1, "2", ""]]), "x.xlsx")
    specs = column_specs(feed)
    header = detect_header(table, specs)
    period = dict(period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 3))
    rows = [
        [1, "张一", a1, "区人民医院", "2026-10-03", 50000.0, "21,350.00元", ""],
        [2, "张 一", f" {a1} ", "区人民医院", dt.datetime(2026, 10, 3), 50000, 21350.5, "域城镇南域城社区"],
        [3, "周叉", x.lower(), "区人民医院", "2026/10/3", "", "1200", ""],
        [4, "周叉", messy(x), "区人民医院", "2026年10月3日", 1.5, "0", "3号楼\t2单元"],
        [5, "张一", f"{a1[:6]} {a1[6:14]} {a1[14:]}", "区人民医院", dt.date(2026, 10, 31), 3, "12.", ""],
        [6, "张一", bad_check_digit(a1), "区人民医院", "2026-10-03", 1, "2", ""],
        [7, "", a1, "区人民医院", "2026-10-03", 1, "2", ""],
        [8, "张一", a1, "区人民医院", "2026-09-30", 1, "2", ""],
        [9, "张一", a1, "区人民医院", "2026-11-04", 1, "2", ""],
        [10, "张一", a1, "区人民医院", "2026-10-03", 1, "2.5万", ""],
        [11, "张一", a1, "区人民医院", "2026-10-03", 1, "￥1,200", ""],
        [12, "张一", a1, "区人民医院", "2026-10-03", 1, "-5", ""],
        [13, "张一", a1, "区人民医院", "2026-10-03", 1, "五百", ""],
        [14, "张一", a1, "区人民医院", 46298, 1, "2", ""],
        [15, "张一", float(a1[:-1]), "区人民医院", "2026-10-03", 1, "2", ""],
        [16, "合计", "", "", "", 100, "200", ""],
        [17, "张一", a1, "区人民医院", "", 1, "2", ""],
        [18, "张一", a1, "区人民医院", "2026-10-03", 1, "", ""],
        [19, "张一", a1, "区人民医院", "2026-10-03"],  # a short row
        [],
        [21, "张一", a1, "区人民医院", "2026-10-03", True, None, ""],
        [22, "张一", a1, "区人民医院", "2026-10-03", 1, "2", ""],  # the same cells again (the caches)
        [23, "张一", a1, "区人民医院", "2026-09-30", 1, "2", ""],
        [24, "张一", a1, 12.0, "2026-10-03", 1, "2", "  "],  # a number in a text column, a blank address
        [25, "张一", a1, "院" * 600, "2026-10-03", 1.25, " 3 ", None],  # a text cut at 500; an amount with spaces
    ]
    one = RowValidator(feed_id=feed.pk, specs=specs, mapping=header.mapping, **period)
    each = [one.validate(100 + i, cells) for i, cells in enumerate(rows)]
    columns = RowValidator(feed_id=feed.pk, specs=specs, mapping=header.mapping, **period)
    together = columns.validate_rows(range(100, 100 + len(rows)), rows)
    assert together == each
    assert columns.outside == one.outside == 2
    assert [type(r).__name__ for r in together].count("ParsedRow") == 11


def test_the_garbage_collector_is_back_on_after_a_read_even_a_failed_one():
    """The import pauses Python's cyclic collector (issue 15); it is on again afterwards, also after an error, and a
    pause inside another leaves it to the outer one."""
    import gc

    import pytest

    from intake.feeds.reading import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("a broken file")
    assert gc.isenabled()


def test_a_number_cell_of_an_ordinary_amount_takes_the_short_way_to_the_same_value():
    """``_amount_fast`` returns a float in [0, 1e11) at once (issue 15): the same value, to the digit and sign, as
    the checks it skips give it (``parse_amount``); the others still go the long way."""
    import math

    from intake.feeds.validation import ValueProblem, _amount_fast, parse_amount

    floats = [0.0, -0.0, 0.005, 0.015, 2.675, 5e-324, 4471.56, 1e11 - 0.01, 1e11, 999999999999.99, 1e12, -1.0,
              math.nan, math.inf, -math.inf, *(i * 1.37 for i in range(2000))]
    for value in floats:
        try:
            expected = parse_amount(value, "金额")
        except ValueProblem:
            expected = None
        got = _amount_fast(value)
        assert got == expected and str(got) == str(expected), value
