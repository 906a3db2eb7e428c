"""Import a department's delivery from a file, as an operator: the same checks, matching and rules as the
upload page, in this process, all or nothing.

    python manage.py import_feed medical_inpatient 医保10月.xlsx [--from 2026-10-01 --to 2026-10-31] [--json]
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intake.feeds.choices import BatchSource, BatchStatus
from intake.feeds.services import FeedError, batch_import_now, batch_receive, batch_summary, counts_of
from intake.models import Feed

LABELS = [
    ("rows", "行数"), ("accepted", "通过"), ("rejected", "未通过"), ("unchanged", "无变化"),
    ("matched", "比对成功"), ("leads_raised", "新增线索"), ("evidence_added", "补充到在办线索"),
    ("kept_on_file", "仅存档"), ("people_registered", "新登记人员"), ("transfer_out", "待移交"),
    ("unmatched", "无法匹配（待区中心核实）"),
]


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 2026-10-01：{value}") from None


class Command(BaseCommand):
    help = ("Import a department feed delivery from an xlsx or csv file and print the counts. Without --from/--to "
            "the period is the file's own: the period most of its dates fall in, else the month its title names.")

    def add_arguments(self, parser):
        parser.add_argument("feed_code", help="the feed's code, e.g. medical_inpatient")
        parser.add_argument("path", help="the xlsx or csv file")
        parser.add_argument("--district", default=settings.DISTRICT_CODE, help="6-digit district code")
        parser.add_argument("--from", dest="period_start", type=_date, help="period start (default: the file's own period)")
        parser.add_argument("--to", dest="period_end", type=_date, help="period end (default: the file's own period)")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args, feed_code, path, district, period_start, period_end, json: bool = False, **options):
        from accounts.models import Region
        from intake.feeds.services import feeds_install_standard

        region = Region.objects.filter(code=f"{district}000000").first()
        if region is None:
            raise CommandError(f"区县 {district} 不存在，请先运行 load_regions。")
        feeds_install_standard(district=region)
        feed = Feed.objects.filter(district=region, code=feed_code).select_related("department").first()
        if feed is None:
            codes = "、".join(Feed.objects.filter(district=region).values_list("code", flat=True))
            raise CommandError(f"没有代码为 {feed_code} 的部门数据。可用：{codes}")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            batch = batch_receive(feed=feed, user=None, filename=file.name, data=file.read_bytes(),
                                  source=BatchSource.COMMAND, period_start=period_start, period_end=period_end)
            batch = batch_import_now(batch=batch)
        except FeedError as exc:
            raise CommandError(str(exc)) from exc
        counts = counts_of(batch)
        if json:
            self.stdout.write(_dumps({"delivery": batch.pk, "feed": feed.code, "status": batch.status,
                                      "error": batch.error, "duplicate_of": batch.duplicate_of_id,
                                      "period_start": batch.period_start.isoformat(),
                                      "period_end": batch.period_end.isoformat(),
                                      "unchanged_from": batch.unchanged_from, "summary": batch_summary(batch),
                                      **counts}))
        else:
            self.stdout.write(f"{feed.name}（{feed.department.name}）第 {batch.pk} 次报送："
                              f"{batch.get_status_display()}")
            how = "" if period_start or period_end else "（按文件自动确定）"
            self.stdout.write(f"  报送期间：{batch.period_start.isoformat()} 至 {batch.period_end.isoformat()}{how}")
            if batch.error:
                self.stdout.write(f"  {batch.error}")
            for key, label in LABELS:
                self.stdout.write(f"  {label}：{counts[key]}")
            for line in batch_summary(batch):
                self.stdout.write(f"  {line}")
        if batch.status != BatchStatus.DONE:
            raise CommandError(batch.error or "导入失败。")


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
