"""The year-end assessment (考核) of each township's discovery work, over a chosen period of months.

Seed 000 (忠民发〔2022〕121号, 六): "县民政局已将主动发现工作开展情况纳入全县困难群众基本生活保障年终考核".
Seed 001 (黔江民政发〔2022〕44号, 三(三)): "作为重要工作内容列入年度目标考核，凡是通过书面提醒后，又无正当
理由仍未办理的，为未做到‘应保尽保、应救尽救’". Seed 003: transfer forms answered within 5 working days,
townships report by the 5th. So each township's row has:

* leads found (reported in the period, merged duplicates left out);
* transfer forms addressed to it and due in the period, and those answered by their due date;
* written reminders received, and escalations — items still not handled after the written reminder;
* spot checks of the period and their findings (wrongly included / wrongly left out);
* monthly reports due in the period (due date passed) and those submitted by their due date.

The score (weights per district in the admin, :class:`~ledgers.models.AssessmentWeights`)::

    score = discovery × min(1, leads found ÷ (leads expected per month × months))
          + timeliness × (answered in time ÷ forms due)          (full marks when none was due)
          + reporting × (reports on time ÷ reports due)          (full marks when none was due)
          − deduction per escalation × escalations
          − deduction per spot-check finding × findings          (never below 0)

All counts are grouped SQL queries over the townships in the user's scope.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel
from accounts.models import Region
from accounts.scoping import scope
from cases.choices import LeadStatus, SpotCheckFinding
from cases.models import DistrictSettings, Lead, SpotCheck, UnreportedCheck
from referrals.choices import ReminderLevel
from referrals.models import Obligation, Reminder, TransferForm
from referrals.workdays import WorkCalendar

from ..deadlines import report_due_on
from ..models import AssessmentWeights, MonthlyReport, ReportStatus
from ..monthly.selectors import month_bounds, month_last_day

FINDINGS = (SpotCheckFinding.WRONGLY_INCLUDED, SpotCheckFinding.WRONGLY_LEFT_OUT)


@dataclass
class AssessmentRow:
    township: Region
    leads_found: int = 0
    transfers_due: int = 0
    answered_in_time: int = 0
    written_reminders: int = 0
    escalations: int = 0
    spot_checks: int = 0
    spot_check_findings: int = 0
    missed_reports: int = 0  # 漏报: hardship found in a household never reported (issue 17 rule 10)
    reports_due: int = 0
    reports_on_time: int = 0
    discovery: Decimal = Decimal(0)
    timeliness: Decimal = Decimal(0)
    reporting: Decimal = Decimal(0)
    deductions: Decimal = Decimal(0)
    score: Decimal = Decimal(0)

    @property
    def in_time_percent(self) -> Decimal | None:
        return _percent(self.answered_in_time, self.transfers_due)

    @property
    def reports_percent(self) -> Decimal | None:
        return _percent(self.reports_on_time, self.reports_due)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


def townships_in_scope(user) -> list[Region]:
    """The townships the user may see: the whole district for district roles, their own for township roles."""
    return list(scope(user, Region.objects.filter(level=RegionLevel.TOWNSHIP)).order_by("code"))


def district_of(user) -> Region:
    return Region.objects.get(code=f"{user.region.district_code}000000")


def assessment_table(*, user, first: dt.date, last: dt.date, today: dt.date | None = None,
                     weights: AssessmentWeights | None = None) -> tuple[list[AssessmentRow], AssessmentWeights]:
    """One row per township in the user's scope, for the months ``first``..``last`` (first days); months before
    the district started using the system (its relief settings' "in use since") are not counted."""
    today = today or timezone.localdate()
    townships = townships_in_scope(user)
    weights = weights or AssessmentWeights.for_district(district_of(user))
    first = counted_from(user, first)
    months = months_between(first, last)
    rows = {t.pk: AssessmentRow(township=t) for t in townships}
    if not rows or not months:
        return list(rows.values()), weights
    ids = list(rows)
    start, _end = month_bounds(months[0])
    _start, end = month_bounds(months[-1])
    first_day, last_day = months[0], month_last_day(months[-1])

    def put(queryset, key: str):
        for row in queryset:
            target = rows[row.pop(key)]
            for name, value in row.items():
                setattr(target, name, value)

    put(Lead.objects.filter(township_id__in=ids, reported_at__gte=start, reported_at__lt=end)
        .exclude(status=LeadStatus.MERGED).values("township_id").annotate(leads_found=Count("id")).order_by(),
        "township_id")
    put(TransferForm.objects.filter(to_region_id__in=ids, due_on__gte=first_day, due_on__lte=last_day)
        .values("to_region_id")
        .annotate(transfers_due=Count("id"),
                  answered_in_time=Count("id", filter=Q(answered_at__date__lte=F("due_on"))))
        .order_by(), "to_region_id")
    # Reminders are addressed to a township's office or to one of its villages (leads, roster visits): both
    # count for the township, found by the first 9 digits of the region's code.
    township_by_code = {t.code[:9]: t.pk for t in townships}
    reminders = (Reminder.objects.filter(region__code__startswith=district_of(user).code[:6],
                                         region__level__in=(RegionLevel.TOWNSHIP, RegionLevel.VILLAGE),
                                         sent_on__gte=first_day, sent_on__lte=last_day)
                 .annotate(prefix=Substr("region__code", 1, 9)).values("prefix")
                 .annotate(written_reminders=Count("id", filter=Q(level=ReminderLevel.WRITTEN_REMINDER)),
                           escalations=Count("id", filter=Q(level=ReminderLevel.ESCALATION))).order_by())
    put(({"township_id": township_by_code[r.pop("prefix")], **r} for r in reminders
         if r["prefix"] in township_by_code), "township_id")
    put(SpotCheck.objects.filter(township_id__in=ids, month__gte=first_day, month__lte=months[-1])
        .values("township_id")
        .annotate(spot_checks=Count("id"), spot_check_findings=Count("id", filter=Q(finding__in=FINDINGS)))
        .order_by(), "township_id")
    put(UnreportedCheck.objects.filter(township_id__in=ids, month__gte=first_day, month__lte=months[-1])
        .values("township_id").annotate(missed_reports=Count("id", filter=Q(finding=UnreportedCheck.Finding.MISSED)))
        .order_by(), "township_id")
    for row in rows.values():  # a 漏报 is a spot-check finding against the township (seed 002: 防止出现漏报)
        row.spot_check_findings += row.missed_reports

    calendar = WorkCalendar()
    due_months = [m for m in months if report_due_on(m, calendar=calendar) < today]
    for row in rows.values():
        row.reports_due = len(due_months)
    if due_months:
        put(MonthlyReport.objects.filter(township_id__in=ids, month__in=due_months, status=ReportStatus.SUBMITTED,
                                         submitted_at__date__lte=F("due_on"))
            .values("township_id").annotate(reports_on_time=Count("id")).order_by(), "township_id")

    for row in rows.values():
        score_row(row, weights=weights, months=len(months))
    return list(rows.values()), weights


def counted_from(user, first: dt.date) -> dt.date:
    """The first month counted: ``first``, or the month the district started using the system if later."""
    went_live = DistrictSettings.for_district_code(user.region.district_code).went_live_on
    if went_live is not None and went_live.replace(day=1) > first:
        return went_live.replace(day=1)
    return first


@dataclass
class KindRate:
    code: str
    label: str
    due: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.due - self.on_time

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.on_time, self.due)


def on_time_by_kind(*, user, first: dt.date, last: dt.date, today: dt.date | None = None):
    """On-time rates per kind of dated duty and township (the obligation engine's ledger): of the duties that
    fell due in the period (up to yesterday), how many were met by their due date. Returns the kinds counted
    and ``{township_id: {code: KindRate}}``."""
    from referrals.obligations import obligation_kinds

    today = today or timezone.localdate()
    first = counted_from(user, first)
    last_day = min(month_last_day(last), today - dt.timedelta(days=1))
    ids = [t.pk for t in townships_in_scope(user)]
    kinds = [k for k in obligation_kinds if k.township_field]
    labels = {k.code: str(k.label) for k in kinds}
    table: dict[int, dict[str, KindRate]] = {pk: {} for pk in ids}
    if first > last_day or not ids:
        return kinds, table
    rows = (Obligation.objects.filter(township_id__in=ids, due_on__gte=first, due_on__lte=last_day,
                                      kind__in=list(labels))
            .values("township_id", "kind")
            .annotate(due=Count("id"), on_time=Count("id", filter=Q(met_on__lte=F("due_on")))).order_by())
    for row in rows:
        table[row["township_id"]][row["kind"]] = KindRate(code=row["kind"], label=labels[row["kind"]],
                                                          due=row["due"], on_time=row["on_time"])
    return kinds, table


def _share(part: int, whole: int) -> Decimal:
    return Decimal(1) if not whole else Decimal(part) / Decimal(whole)


def score_row(row: AssessmentRow, *, weights: AssessmentWeights, months: int) -> AssessmentRow:
    expected = weights.leads_expected_per_month * max(1, months)
    two = Decimal("0.01")
    row.discovery = (weights.discovery_points * min(Decimal(1), Decimal(row.leads_found) / expected)).quantize(two)
    row.timeliness = (weights.timeliness_points * _share(row.answered_in_time, row.transfers_due)).quantize(two)
    row.reporting = (weights.reporting_points * _share(row.reports_on_time, row.reports_due)).quantize(two)
    row.deductions = (weights.escalation_penalty * row.escalations
                      + weights.spot_check_penalty * row.spot_check_findings).quantize(two)
    total = row.discovery + row.timeliness + row.reporting - row.deductions
    row.score = max(Decimal(0), total).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return row


def number(value) -> str:
    """40.00 → "40", 2.50 → "2.5": weights as people write them."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def formula_text(weights: AssessmentWeights, months: int) -> list[str]:
    """The formula with the district's weights, line by line, as the page and the workbook show it."""
    expected = weights.leads_expected_per_month * max(1, months)
    w = {name: number(getattr(weights, name)) for name in (
        "discovery_points", "timeliness_points", "reporting_points", "escalation_penalty", "spot_check_penalty")}
    return [
        _("Discovery: %(points)s × min(1, leads found ÷ %(expected)s)  (%(per_month)s leads per month × "
          "%(months)s months)") % {"points": w["discovery_points"], "expected": expected,
                                   "per_month": weights.leads_expected_per_month, "months": months},
        _("+ Answering in time: %(points)s × transfer forms answered by their due date ÷ forms due "
          "(full marks when none was due)") % {"points": w["timeliness_points"]},
        _("+ Monthly reports: %(points)s × reports submitted by their due date ÷ reports due "
          "(full marks when none was due)") % {"points": w["reporting_points"]},
        _("− %(escalation)s per item still not handled after a written reminder (escalated), − %(spot)s per "
          "spot-check finding (wrongly included or left out); never below 0.") % {
            "escalation": w["escalation_penalty"], "spot": w["spot_check_penalty"]},
    ]
