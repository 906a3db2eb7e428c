"""When a township's monthly report is due, and the chaser of overdue reports (DESIGN §5, seed 003).

Seed 003 (博政办字〔2021〕27号, 二(二)1): "镇（街道）社会救助‘一门受理、协同办理’综合服务平台每月5日前，将
发现困难线索及时办理落实情况上报区社会救助综合服务中心汇总". The report of a month is due on the 5th of
the next month, a calendar day (``MONTHLY_REPORT_DUE_DAY``); when that day is a rest day the report is
due on the next working day (民法典 §203: a period whose last day is a statutory holiday ends on the day
after the holiday) — otherwise the report of September would be due in the National Day holiday with no
working day to submit it. See docs/DECISIONS.md.

A draft still not submitted after its due date goes up the referrals reminder ladder (reminder →
written reminder → escalation to the district centre), addressed to the township's office, once per
step; the daily job :func:`reports_chase` first makes sure last month's drafts exist.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from referrals.workdays import WorkCalendar

from .models import MonthlyReport, ReportStatus
from .monthly_selectors import previous_month


def due_day() -> int:
    return max(1, min(28, int(getattr(settings, "MONTHLY_REPORT_DUE_DAY", 5))))


def report_due_on(month: dt.date, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The due date of the report of ``month`` (its first day): the 5th of the next month, or the next
    working day when the 5th is a rest day."""
    from dateutil.relativedelta import relativedelta

    calendar = calendar or WorkCalendar()
    day = (month + relativedelta(months=1)).replace(day=due_day())
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def reports_chase(*, today: dt.date, calendar: WorkCalendar | None = None) -> dict[str, int]:
    """Send today's ladder step for every monthly report still a draft after its due date."""
    from django.urls import reverse

    from referrals.ladder import chase
    from referrals.services import district_centre, township_office

    from .monthly_services import monthly_reports_draft_missing

    calendar = calendar or WorkCalendar()
    monthly_reports_draft_missing(month=previous_month(today))
    counts: dict[str, int] = {}
    overdue = (MonthlyReport.objects.filter(status=ReportStatus.DRAFT, due_on__lt=today)
               .select_related("township").order_by("due_on", "township__code"))
    for report in overdue:
        township = report.township
        with transaction.atomic():
            reminder = chase(
                subject=report, due_on=report.due_on, today=today, region=township,
                recipient_name=township.name, recipients=township_office(township=township),
                escalate_to=district_centre(district_code=township.district_code),
                title=_("The monthly report of %(township)s for %(month)s is not submitted (due %(due)s)") % {
                    "township": township.name, "month": f"{report.month:%Y-%m}", "due": report.due_on.isoformat()},
                body=_("Seed 003: townships report the month's leads and how they were handled to the district "
                       "centre by the 5th. Please review the draft, add remarks and submit it."),
                url=reverse("ledgers:monthly_detail", args=[report.pk]), calendar=calendar)
        if reminder is not None:
            counts[reminder.level] = counts.get(reminder.level, 0) + 1
    return counts
