"""Writing ledgers to Excel (streaming, safe cells; common.xlsx, common.exports)."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from common.audit import filters_text
from common.exports import ExportSpec, spec_write
from common.xlsx import Column

from .selectors import LEDGERS


def ledger_title(kind: str, *, region_name: str, period: str = "") -> str:
    """The title row: region, the ledger's name and the period (today's date when none is given)."""
    period = period or timezone.localdate().strftime("截至%Y年%m月%d日")
    return f"{region_name}{LEDGERS[kind].title}（{period}）"


def ledger_spec(kind: str, *, user, queryset: QuerySet, region_name: str, period: str = "",
                audit_detail: str = "") -> ExportSpec:
    """The export of ledger ``kind`` over ``queryset`` (already filtered; scoped again here) as ``user``."""
    ledger = LEDGERS[kind]
    prepared = ledger.prepare(user=user, base=queryset)
    return ExportSpec(
        title=ledger_title(kind, region_name=region_name, period=period),
        sheet_name=str(ledger.title), filename=str(ledger.title),
        columns=[Column(header, width, kind) for (header, width), kind
                 in zip(ledger.columns, ledger.kinds or (None,) * len(ledger.columns), strict=True)],
        rows=lambda: ledger.iter_rows(queryset=prepared, user=user),
        count=prepared.count(), model=ledger.model,
        audit_detail=f"{ledger.title} {filters_text(audit_detail)}".strip())


def ledger_write(target, kind: str, *, user, queryset: QuerySet, region_name: str, period: str = "") -> int:
    """Ledger ``kind`` into ``target`` (a path or a binary file); returns the number of rows."""
    return spec_write(target, ledger_spec(kind, user=user, queryset=queryset, region_name=region_name,
                                          period=period))

