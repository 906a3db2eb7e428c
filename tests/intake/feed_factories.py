"""Building the messy files departments really send, and the district's standard feeds, for the feed tests."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

import pytest
import xlsxwriter

from common import resident_id
from tests.factories import PersonFactory, valid_id

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def install_feeds(world) -> dict:
    from intake.feeds.services import feeds_install_standard
    from intake.models import Feed

    feeds_install_standard(district=world.district)
    return {f.code: f for f in Feed.objects.filter(district=world.district)}


def tongling_on(feed) -> int:
    """Switch on the Tongling presets of a standard feed (tiered yearly sums, sharp rise), as the admin does."""
    return feed.rules.filter(is_active=False).update(is_active=True)


def id_with_x(*, address: str = "370304") -> str:
    """A valid ID whose check character is X."""
    for seq in range(1000):
        number = resident_id.build(address, dt.date(1971, 3, 9), seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no X found")


def messy(number: str) -> str:
    """How IDs arrive: spaces inside, full-width digits, a lowercase x."""
    text = f"{number[:6]} {number[6:14]} {number[14:]}".translate(FULL_WIDTH)
    return text.replace("Ｘ", "x")


def bad_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def person(world, village_key: str = "village_a1", **kwargs):
    return PersonFactory(village=getattr(world, village_key), **kwargs)


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence], *, title: str | None = "2026年10月住院费用明细",
               total_row: bool = True, footer: bool = True, date_columns: Sequence[int] = (),
               two_row_header: dict | None = None) -> bytes:
    """A workbook like a department's export: a merged title, a blank row, the header, data, a total row and
    a signature line. ``date_columns``: indexes whose dt.date values are written as real date cells; other
    dates are left to the caller (serial numbers, text)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"strings_to_numbers": False})
    ws = wb.add_worksheet("明细")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    if title:
        ws.merge_range(0, 0, 0, max(1, len(header) - 1), title)
        ws.write(1, 0, "填报单位：区医疗保障分局")
        r = 3
    if two_row_header:
        # {"group": "费用情况", "columns": [i, j]}: the group merged over columns i..j, sub-headers under it.
        first, last = two_row_header["columns"][0], two_row_header["columns"][-1]
        for c, text in enumerate(header):
            if first <= c <= last:
                continue
            ws.merge_range(r, c, r + 1, c, text)
        ws.merge_range(r, first, r, last, two_row_header["group"])
        for c in range(first, last + 1):
            ws.write_string(r + 1, c, header[c])
        r += 2
    else:
        for c, text in enumerate(header):
            ws.write_string(r, c, text)
        r += 1
    for values in rows:
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date) and c in date_columns:
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
        r += 1
    if total_row:
        ws.write_string(r, 0, "合计")
        r += 1
    r += 1  # a blank row
    if footer:
        ws.write_string(r, 0, "制表人：王五        审核人：赵六")
    wb.close()
    return buf.getvalue()


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence], *, encoding: str = "gb18030",
              title: str | None = "区残联新认定残疾人员名单") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow([title])
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


__all__ = ["bad_check_digit", "csv_bytes", "excel_serial", "id_with_x", "install_feeds", "messy", "person",
           "tongling_on", "valid_id", "xlsx_bytes"]


@pytest.fixture(params=["sql", "orm"])
def both_paths(request, settings):
    """Run a test through the PostgreSQL fast path (set-based SQL) and through the ORM path (as on SQLite)."""
    settings.FEEDS_FAST_PATH = request.param == "sql"
    return request.param
