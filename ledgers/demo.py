"""Demo data of the ledgers layer (called through ``LedgersConfig.demo_hooks`` by ``seed_demo``).

Last month's monthly reports are drafted from the demo data, as the beat task would have done on the 1st, so
the monthly pages of `make run` show figures instead of "not drafted"; one township's is submitted.
"""
from __future__ import annotations

import datetime as dt

from accounts.models import Region


def demo_monthly_reports(*, district: Region, seed: int, today: dt.date) -> int:
    from accounts.choices import Role
    from accounts.models import User

    from .models import MonthlyReport, ReportStatus
    from .monthly.selectors import previous_month
    from .monthly.services import monthly_report_submit, monthly_reports_draft_district

    # The month before last: most townships submitted by the 5th; the last two in code order did not.
    earlier = previous_month(previous_month(today))
    monthly_reports_draft_district(district=district, month=earlier)
    heads = {u.region_id: u for u in User.objects.filter(role=Role.TOWNSHIP_HEAD, is_active=True,
                                                         region__code__startswith=district.district_code)}
    reports = list(MonthlyReport.objects.filter(township__code__startswith=district.district_code, month=earlier)
                   .select_related("township").order_by("township__code"))
    beijing = dt.timezone(dt.timedelta(hours=8))
    for report in reports[:-2]:
        if report.is_submitted:
            continue
        head = heads.get(report.township_id)
        on_time = dt.datetime.combine(report.due_on - dt.timedelta(days=1), dt.time(16, 0), tzinfo=beijing)
        if head is not None:
            monthly_report_submit(report=report, user=head, remarks="按时上报。", expected_version=report.version,
                                  now=on_time)
        else:  # the demo has one head account: the other townships' heads submitted on paper, recorded here
            MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED, submitted_at=on_time,
                                                              remarks="按时上报。")
    month = previous_month(today)
    monthly_reports_draft_district(district=district, month=month)
    head = User.objects.filter(role=Role.TOWNSHIP_HEAD, is_active=True, region__code__startswith=district.district_code
                               ).select_related("region").first()
    if head is not None:
        report = MonthlyReport.objects.filter(township=head.region, month=month).first()
        if report is not None and not report.is_submitted:
            monthly_report_submit(report=report, user=head, remarks="本月线索均已按时受理，转办单按期反馈。",
                                  expected_version=report.version)
    return MonthlyReport.objects.filter(township__code__startswith=district.district_code, month=month).count()
