"""Writing ledgers to Excel (streaming, safe cells; common.xlsx)."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from common.xlsx import Column, write_single_sheet

from .selectors import DISCOVERY_DETAIL_COLUMNS, DISCOVERY_DETAIL_TITLE, discovery_detail_rows


def discovery_detail_write(target, *, leads: QuerySet, region_name: str, period: str = "") -> int:
    """主动发现救助对象明细表 into ``target``; returns the number of rows."""
    period = period or f"{timezone.localdate():%Y年%m月%d日}"
    title = f"{region_name}{DISCOVERY_DETAIL_TITLE}（{period}）"
    return write_single_sheet(target, sheet_name=str(DISCOVERY_DETAIL_TITLE), title=title,
                              columns=[Column(h, w) for h, w in DISCOVERY_DETAIL_COLUMNS],
                              rows=discovery_detail_rows(leads=leads))
