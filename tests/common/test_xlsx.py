"""The shared Excel writer: text stays text, dates are dates, formulas never run."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from common.xlsx import write_single_sheet


def read_back(rows, columns=("姓名", "身份证号", "日期", "金额")):
    buf = io.BytesIO()
    write_single_sheet(buf, sheet_name="测试", title="测试台账（博山区，2026年11月）", columns=columns, rows=rows)
    buf.seek(0)
    return openpyxl.load_workbook(buf).active


def test_title_header_and_frozen_panes():
    ws = read_back([["张三", "370304199001011234", dt.date(2026, 11, 2), Decimal("21350.00")]])
    assert ws["A1"].value == "测试台账（博山区，2026年11月）"
    assert [c.value for c in ws[2]] == ["姓名", "身份证号", "日期", "金额"]
    assert ws.freeze_panes == "A3"
    assert "A1:D1" in {str(r) for r in ws.merged_cells.ranges}


def test_id_numbers_are_text_dates_are_dates_amounts_are_numbers():
    ws = read_back([["张三", "370304199001011234", dt.date(2026, 11, 2), Decimal("21350.00")]])
    name, id_cell, date_cell, amount = ws[3]
    assert id_cell.value == "370304199001011234" and id_cell.data_type == "s"
    assert date_cell.is_date and date_cell.value.date() == dt.date(2026, 11, 2)
    assert amount.value == 21350.0 and amount.data_type == "n"


def test_formula_looking_cells_are_stored_as_text():
    payloads = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)"]
    ws = read_back([payloads])
    for cell, payload in zip(ws[3], payloads):
        assert cell.value == payload
        assert cell.data_type == "s"


def test_columns_with_kinds_give_the_same_cells_as_without():
    """A sheet whose columns say what they hold is written without asking each cell its type (DECISIONS 1462):
    the same cells, formats and types as the general path, a cell that is not of its column's kind included."""
    from common.xlsx import EXCEL_CELL_MAX, Column

    rows = [
        [1, "张三", "370304199001011234", "=1+1", None],
        [2, "", None, "x" * (EXCEL_CELL_MAX + 10), ""],
        [None, True, dt.date(2026, 11, 2), Decimal("3.50"), 7],  # none of these is its column's kind
        [4.5, "李四", 12, "@SUM(A1)", "  空格  "],
    ]

    def cells(columns):
        ws = read_back([list(row) for row in rows], columns=columns)
        return [[(c.value, c.data_type, c.number_format, c.style_id, c.border.left.style) for c in row]
                for row in ws.iter_rows(min_row=1, max_row=len(rows) + 2)]

    headers = ["序号", "姓名", "身份证号", "说明", "备注"]
    kinds = ["number", "text", "text", "text", None]
    assert cells([Column(h, None, k) for h, k in zip(headers, kinds, strict=True)]) == cells(headers)
