"""Drafting, remarking and submitting monthly reports (月报); the district workbook.

* :func:`monthly_reports_draft` computes the figures of a month for many townships in one pass of SQL
  aggregation and writes each township's draft. It is idempotent: the same data gives the same report
  (unchanged figures are not written again), there is one report per township and month (a unique
  constraint), and a submitted report is never touched — its figures are frozen.
* :func:`monthly_report_submit` is the township head's; it is transactional, safe to call twice, and
  refuses a page that started from an older version of the report.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from accounts.scoping import can_see
from referrals.workdays import WorkCalendar

from ..deadlines import report_due_on
from ..models import MonthlyReport, ReportStatus
from .selectors import SCHEMA_VERSION, compute_figures, month_start


class MonthlyReportError(Exception):
    """A change to a monthly report that cannot be made; the message is for the user."""


def _comparable(snapshot: dict) -> dict:
    return {k: v for k, v in snapshot.items() if k != "computed_at"}


def monthly_reports_draft(*, townships: Iterable[Region], month: dt.date,
                          now: dt.datetime | None = None) -> dict[str, int]:
    """Draft (or rebuild) the reports of ``month`` for ``townships``; submitted ones are skipped.

    Returns counts: ``created``, ``updated``, ``unchanged``, ``skipped`` (submitted).
    """
    month = month_start(month)
    now = now or timezone.now()
    townships = [t for t in townships if t.level == RegionLevel.TOWNSHIP]
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    if not townships:
        return counts
    calendar = WorkCalendar()
    submitted = set(MonthlyReport.objects.filter(township__in=townships, month=month,
                                                 status=ReportStatus.SUBMITTED).values_list("township_id", flat=True))
    counts["skipped"] = len(submitted)
    todo = [t for t in townships if t.pk not in submitted]
    if not todo:
        return counts
    snapshots = compute_figures(townships=todo, month=month, calendar=calendar)
    due_on = report_due_on(month, calendar=calendar)
    for township in todo:
        snapshot = {**snapshots[township.pk], "computed_at": now.isoformat()}
        counts[_write_draft(township=township, month=month, snapshot=snapshot, due_on=due_on, now=now)] += 1
    return counts


def _write_draft(*, township: Region, month: dt.date, snapshot: dict, due_on: dt.date, now: dt.datetime) -> str:
    with transaction.atomic():
        report = (MonthlyReport.objects.select_for_update()
                  .filter(township=township, month=month).first())
        if report is None:
            try:
                with transaction.atomic():
                    MonthlyReport.objects.create(township=township, month=month, figures=snapshot,
                                                 schema_version=SCHEMA_VERSION, drafted_at=now, due_on=due_on)
                return "created"
            except IntegrityError:  # another run created it first: treat it as a rebuild
                report = MonthlyReport.objects.select_for_update().get(township=township, month=month)
        if report.is_submitted:
            return "skipped"
        if _comparable(report.figures) == _comparable(snapshot) and report.due_on == due_on:
            return "unchanged"
        report.figures, report.schema_version, report.drafted_at, report.due_on = (
            snapshot, SCHEMA_VERSION, now, due_on)
        report.version += 1
        report._change_reason = "rebuilt from the data"
        report.save()
        return "updated"


def monthly_reports_draft_district(*, district: Region, month: dt.date) -> dict[str, int]:
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=district.district_code)
    return monthly_reports_draft(townships=townships.order_by("code"), month=month)


def monthly_reports_draft_all(*, month: dt.date) -> dict[str, int]:
    """Every district's townships (the beat task on the 1st)."""
    totals = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    for district in Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"):
        for key, n in monthly_reports_draft_district(district=district, month=month).items():
            totals[key] += n
    return totals


def monthly_reports_draft_missing(*, month: dt.date) -> int:
    """Draft the reports of ``month`` that do not exist yet (the chaser's safety net if the 1st's task failed)."""
    month = month_start(month)
    missing = Region.objects.filter(level=RegionLevel.TOWNSHIP).exclude(monthly_reports__month=month)
    if not missing.exists():
        return 0
    return monthly_reports_draft(townships=missing.order_by("code"), month=month)["created"]


def monthly_report_rebuild(*, report: MonthlyReport, user) -> str:
    """Recompute one draft from today's data (the draft page's button)."""
    _check_can_change(report, user)
    if report.is_submitted:
        raise MonthlyReportError(_("This report has been submitted; its figures are frozen."))
    result = monthly_reports_draft(townships=[report.township], month=report.month)
    if result["skipped"]:  # submitted meanwhile
        raise MonthlyReportError(_("This report has been submitted; its figures are frozen."))
    return "unchanged" if result["unchanged"] else "updated"


# --- the township head's part -----------------------------------------------------------------------
def _check_can_change(report: MonthlyReport, user) -> None:
    if not user.has_perm("ledgers.change_monthlyreport") or not can_see(user, report):
        raise MonthlyReportError(_("Your role cannot change this report."))


def can_submit(user, report: MonthlyReport) -> bool:
    """Seed 003: the township reports to the district; its head (分管领导) signs the report off."""
    return (user.is_authenticated and user.role == Role.TOWNSHIP_HEAD and user.region_id == report.township_id
            and user.has_perm("ledgers.change_monthlyreport"))


def _locked(report: MonthlyReport, expected_version: int | None) -> MonthlyReport:
    fresh = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and fresh.version != expected_version and not fresh.is_submitted:
        raise MonthlyReportError(_("Someone changed this report after you opened it. Reload the page and try "
                                   "again."))
    return fresh


@transaction.atomic
def monthly_report_save_remarks(*, report: MonthlyReport, user, remarks: str,
                                expected_version: int | None = None) -> MonthlyReport:
    if not can_submit(user, report):
        raise MonthlyReportError(_("Only the township head can add remarks to and submit the report."))
    report = _locked(report, expected_version)
    if report.is_submitted:
        raise MonthlyReportError(_("This report has been submitted; its remarks can no longer be changed."))
    remarks = remarks.strip()
    if remarks == report.remarks:
        return report
    report.remarks = remarks
    report.version += 1
    report._history_user = user
    report.save()
    return report


@transaction.atomic
def monthly_report_submit(*, report: MonthlyReport, user, remarks: str | None = None,
                          expected_version: int | None = None, now: dt.datetime | None = None) -> MonthlyReport:
    """Submit the draft to the district. Submitting twice changes nothing; the figures are frozen from here."""
    if not can_submit(user, report):
        raise MonthlyReportError(_("Only the township head can add remarks to and submit the report."))
    report = _locked(report, expected_version)
    if report.is_submitted:
        return report
    if remarks is not None:
        report.remarks = remarks.strip()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now or timezone.now()
    report.submitted_by = user
    report.version += 1
    report._history_user = user
    report._change_reason = "submitted"
    report.save()
    return report


# --- the district's part ----------------------------------------------------------------------------
def can_send_back(user, report: MonthlyReport) -> bool:
    """District staff and the district head may send a submitted report back to its township (退回)."""
    return (user.is_authenticated and user.role in (Role.DISTRICT_STAFF, Role.DISTRICT_HEAD)
            and user.has_perm("ledgers.change_monthlyreport") and can_see(user, report))


@transaction.atomic
def monthly_report_send_back(*, report: MonthlyReport, user, reason: str,
                             now: dt.datetime | None = None) -> MonthlyReport:
    """A submitted report goes back to its township as a draft, with the district's reason; the township
    office is told. Its figures can then be recomputed and the head submits again. Sending the same report
    back twice with the same reason changes nothing."""
    if not can_send_back(user, report):
        raise MonthlyReportError(_("Only the district centre can send a report back."))
    reason = (reason or "").strip()
    if not reason:
        raise MonthlyReportError(_("Please say why the report is sent back."))
    report = _locked(report, None)
    if not report.is_submitted:
        if report.returned_at is not None and report.returned_reason == reason:
            return report
        raise MonthlyReportError(_("Only a submitted report can be sent back."))
    report.status = ReportStatus.DRAFT
    report.submitted_at = None
    report.submitted_by = None
    report.returned_at = now or timezone.now()
    report.returned_reason = reason
    report.version += 1
    report._history_user = user
    report._change_reason = "sent back"
    report.save()
    from referrals.choices import NotificationKind
    from referrals.services import notify_township

    notify_township(township=report.township, kind=NotificationKind.INFO, subject=report,
                    title=_("The monthly report of %(month)s was sent back by the district") % {
                        "month": f"{report.month:%Y-%m}"},
                    body=reason, url=report.get_absolute_url())
    return report


# --- the district workbook -------------------------------------------------------------------------
STATE_LABELS = {
    "submitted": _lazy("Submitted"), "draft": _lazy("Draft"), "overdue": _lazy("Overdue"),
    "missing": _lazy("Not drafted"),
}


def _cell(value):
    return "" if value is None else value


def _sheet_names(townships) -> dict[int, str]:
    """Each township's sheet name: its name, made unique and safe (Excel forbids []:*?/\\, ≤ 31 chars)."""
    names, used = {}, {str(_("Summary"))}
    for township in townships:
        base = "".join(c for c in township.name if c not in '[]:*?/\\')[:28] or township.code
        name, n = base, 2
        while name in used:
            name, n = f"{base[:26]}{n}", n + 1
        used.add(name)
        names[township.pk] = name
    return names


def monthly_workbook_write(target, *, data, district_name: str) -> None:
    """The district's workbook of one month: a summary sheet (townships side by side + total) and one sheet
    per township (its figures and remarks). ``data`` is :func:`selectors.district_month`."""
    from common.xlsx import Column, SheetWriter, new_workbook

    month_label = f"{data.month.year}年{data.month.month}月"
    wb = new_workbook(target)
    summary = SheetWriter(
        wb, str(_("Summary")), title=_("%(district)s monthly reports of the townships, %(month)s") % {
            "district": district_name, "month": month_label},
        columns=[Column(str(_("Figure")), 44)] + [Column(t.name, 12) for t in data.townships]
        + [Column(str(_("Total")), 12)])
    summary.write_row([str(_("Status"))] + [str(STATE_LABELS[data.states[t.pk]]) for t in data.townships] + [""])
    for section, rows in data.table:
        summary.write_row([f"【{section.title}】"])
        for row, values, total in rows:
            summary.write_row([str(row.label)] + [_cell(v) for v in values] + [_cell(total)])
    if data.feeds:
        heading = _("Department data delivered in the month (due, on time, late, missing; event rows, of which late)")
        summary.write_row([f"【{heading}】"])
        for feed in data.feeds:
            summary.write_row([f"{feed['feed__department__name']}：{feed['due']} / {feed['on_time']} / "
                               f"{feed['late']} / {feed['missing']}；{feed['event_rows']} / {feed['event_rows_late']}"])

    names = _sheet_names(data.townships)
    for index, township in enumerate(data.townships):
        report = data.reports.get(township.pk)
        state = str(STATE_LABELS[data.states[township.pk]])
        if report is not None and report.is_submitted:
            state = f"{state} {timezone.localtime(report.submitted_at):%Y-%m-%d}"
        sheet = SheetWriter(wb, names[township.pk],
                            title=_("%(township)s monthly report, %(month)s (%(state)s)") % {
                                "township": township.name, "month": month_label, "state": state},
                            columns=[Column(str(_("Figure")), 52), Column(str(_("Value")), 14)])
        for section, rows in data.table:
            sheet.write_row([f"【{section.title}】", ""])
            for row, values, _total in rows:
                sheet.write_row([str(row.label), _cell(values[index])])
        if report is not None:
            sheet.write_row([str(_("Remarks")), report.remarks])
    wb.close()


__all__ = [
    "MonthlyReportError", "monthly_workbook_write", "can_submit", "monthly_report_rebuild", "monthly_report_save_remarks",
    "monthly_report_submit", "monthly_reports_draft", "monthly_reports_draft_all", "monthly_reports_draft_district",
    "monthly_reports_draft_missing",
]
