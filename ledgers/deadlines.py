"""When a township's monthly report is due, and the chaser of overdue reports (DESIGN §5, seed 003).

Seed 003 (博政办字〔2021〕27号, 二(二)1): "镇（街道）社会救助‘一门受理、协同办理’综合服务平台每月5日前，将
发现困难线索及时办理落实情况上报区社会救助综合服务中心汇总". The report of a month is due on the 5th of
the next month, a calendar day (the ``monthly_report`` time limit in the admin, default 5); when that day is a rest day the report is
due on the next working day (民法典 §203: a period whose last day is a statutory holiday ends on the day
after the holiday) — otherwise the report of September would be due in the National Day holiday with no
working day to submit it. See docs/DECISIONS.md.

A draft still not submitted after its due date is the obligation kind ``monthly_report``: it goes up
the referrals reminder ladder (reminder → written reminder → escalation to the district centre),
addressed to the township's office, once per step; its duties first make sure last month's drafts exist.
"""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.obligations import Duty, ObligationKind, chase_code, limit, obligation_kinds
from referrals.services import district_centre, township_office
from referrals.workdays import WorkCalendar

from .models import MonthlyReport, ReportStatus
from .monthly.selectors import previous_month


def due_day() -> int:
    return max(1, min(28, limit("monthly_report")))


def report_due_on(month: dt.date, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The due date of the report of ``month`` (its first day): the 5th of the next month, or the next
    working day when the 5th is a rest day."""
    from dateutil.relativedelta import relativedelta

    calendar = calendar or WorkCalendar()
    day = (month + relativedelta(months=1)).replace(day=due_day())
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def report_duties(*, today: dt.date, calendar: WorkCalendar, rule):
    """Every monthly report still a draft after its due date (last month's drafts made first)."""
    from .monthly.services import monthly_reports_draft_missing

    monthly_reports_draft_missing(month=previous_month(today))
    overdue = (MonthlyReport.objects.filter(status=ReportStatus.DRAFT, due_on__lt=today)
               .select_related("township").order_by("due_on", "township__code"))
    for report in overdue:
        township = report.township
        yield Duty(
            subject=report, due_on=report.due_on, region=township, recipient_name=township.name,
            recipients=list(township_office(township=township)),
            escalate_to=list(district_centre(district_code=township.district_code)),
            url=reverse("ledgers:monthly_detail", args=[report.pk]),
            title=_("The monthly report of %(township)s for %(month)s is not submitted (due %(due)s)") % {
                "township": township.name, "month": f"{report.month:%Y-%m}", "due": report.due_on.isoformat()},
            body=_("Seed 003: townships report the month's leads and how they were handled to the district "
                   "centre by the 5th. Please review the draft, add remarks and submit it."))


def reports_chase(*, today: dt.date, calendar: WorkCalendar | None = None) -> dict[str, int]:
    """Today's ladder step for every overdue monthly report (the ``monthly_report`` kind alone)."""
    return chase_code("monthly_report", today=today, calendar=calendar)


def submitted_on(pks) -> dict:
    from django.db.models.functions import TruncDate

    return dict(MonthlyReport.objects.filter(pk__in=pks).annotate(day=TruncDate("submitted_at"))
                .values_list("pk", "day"))


def register() -> None:
    obligation_kinds.register(ObligationKind(
        code="monthly_report", order=80, label=gettext_lazy("Monthly reports submitted"),
        source=gettext_lazy("Seed 003: 每月5日前，将发现困难线索及时办理落实情况上报区社会救助综合服务中心汇总"),
        default_limit=5, limit_help=gettext_lazy("Day of the next month (moved to the next working day when it is a rest "
                                          "day)."),
        duties=report_duties, open_items=lambda: MonthlyReport.objects.filter(status=ReportStatus.DRAFT),
        township_field="township", list_url="ledgers:monthly_list", list_query={"status": ReportStatus.DRAFT},
        region_field="township", met_on=submitted_on))
