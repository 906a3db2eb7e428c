"""Pages of the monthly report (月报): the list, one report (review, remarks, submit, rebuild), the district's
townships side by side and its workbook. Thin: services write, selectors read, scoping everywhere."""
from __future__ import annotations

import tempfile

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import DISTRICT_ROLES
from accounts.models import Region
from accounts.roles import has_role, require_role
from common.audit import AuditAction, audit_record
from common.exports import XLSX_CONTENT_TYPE
from common.views import ObjectListView

from ..models import MonthlyReport
from . import selectors
from . import services
from .forms import MonthForm, RemarksForm
from .tables import MonthlyReportFilterSet, MonthlyReportTable



def _is_district(user) -> bool:
    return has_role(user, DISTRICT_ROLES)


class MonthlyReportListView(ObjectListView):
    queryset = MonthlyReport.objects.all()
    filterset_class = MonthlyReportFilterSet
    table_class = MonthlyReportTable
    permission_required = "ledgers.view_monthlyreport"
    title = gettext_lazy("Monthly reports")
    audit_personal_data = False  # counts, no one's personal data
    template_name = "ledgers/monthly_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township", "submitted_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_district"] = _is_district(self.request.user)
        return context


def _detail_context(request, report: MonthlyReport, form: RemarksForm | None = None) -> dict:
    user = request.user
    sections = selectors.figure_sections()
    table = [(section, [(row, selectors.figure_value(report.figures, row.key)) for row in section.rows])
             for section in sections]
    can_submit = services.can_submit(user, report) and not report.is_submitted
    return {
        "report": report,
        "state": selectors.report_state(report),
        "table": table,
        "form": form or RemarksForm(initial={"remarks": report.remarks, "version": report.version}),
        "can_submit": can_submit,
        "can_rebuild": (not report.is_submitted and user.has_perm("ledgers.change_monthlyreport")),
        "can_send_back": report.is_submitted and services.can_send_back(user, report),
        "send_back_reason": request.POST.get("reason", "") if request.method == "POST" else "",
        "is_district": _is_district(user),
        "computed_at": report.figures.get("computed_at"),
    }


@login_required
@permission_required("ledgers.view_monthlyreport", raise_exception=True)
def monthly_detail(request, pk: int):
    report = get_object_or_404(selectors.monthly_reports(user=request.user), pk=pk)
    if request.method != "POST":
        return render(request, "ledgers/monthly_detail.html", _detail_context(request, report))

    action = request.POST.get("action")
    form = RemarksForm(request.POST)
    try:
        if action == "rebuild":
            result = services.monthly_report_rebuild(report=report, user=request.user)
            audit_record(request=request, action=AuditAction.CHANGE, obj=report, detail=_("Monthly report recomputed"))
            messages.success(request, _("The figures were recomputed from the data.") if result == "updated"
                             else _("The figures are unchanged: the data has not changed since the draft."))
            return redirect(report)
        if action == "send_back":
            report = services.monthly_report_send_back(report=report, user=request.user,
                                                       reason=request.POST.get("reason", ""))
            audit_record(request=request, action=AuditAction.CHANGE, obj=report, detail=_("Monthly report sent back"))
            messages.success(request, _("The report was sent back to %(township)s.") % {
                "township": report.township.name})
            return redirect(report)
        if action not in ("remarks", "submit"):
            raise services.MonthlyReportError(_("Unknown action."))
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return render(request, "ledgers/monthly_detail.html", _detail_context(request, report, form), status=400)
        remarks, version = form.cleaned_data["remarks"], form.cleaned_data["version"]
        if action == "remarks":
            services.monthly_report_save_remarks(report=report, user=request.user, remarks=remarks,
                                                 expected_version=version)
            messages.success(request, _("Remarks saved. The report is still a draft."))
        else:
            report = services.monthly_report_submit(report=report, user=request.user, remarks=remarks,
                                                    expected_version=version)
            audit_record(request=request, action=AuditAction.CHANGE, obj=report, detail=_("Monthly report submitted"))
            messages.success(request, _("The report was submitted to the district. Its figures are now frozen."))
    except services.MonthlyReportError as exc:
        messages.error(request, str(exc))
        report.refresh_from_db()
        return render(request, "ledgers/monthly_detail.html", _detail_context(request, report, form), status=400)
    return redirect(report)


def _district_only(user) -> None:
    require_role(user, DISTRICT_ROLES, _("Only the district centre sees every township's report."))
    if not user.region_id:  # a superuser of no district has no month to show
        raise PermissionDenied(_("Only the district centre sees every township's report."))


def _district_month_or_403(request):
    _district_only(request.user)
    form = MonthForm(request.GET or None)
    default = selectors.previous_month(timezone.localdate())
    month = form.cleaned_data["month"] if form.is_bound and form.is_valid() and form.cleaned_data["month"] \
        else default
    return form, month


@login_required
@permission_required("ledgers.view_monthlyreport", raise_exception=True)
def monthly_district(request):
    """The townships side by side for one month: statuses, every figure, the total; feeds of the district."""
    form, month = _district_month_or_403(request)
    data = selectors.district_month(user=request.user, month=month)
    return render(request, "ledgers/monthly_district.html", {
        "form": form, "month": month, "data": data,
        "columns": [(t, data.reports.get(t.pk), data.states[t.pk]) for t in data.townships],
        # Each value with its township, for the link to the records behind it.
        "linked": [(section, [(row, list(zip(data.townships, values)), total) for row, values, total in rows])
                   for section, rows in data.table],
        "can_draft": request.user.has_perm("ledgers.add_monthlyreport"),
        "previous": month - relativedelta(months=1),
        "next": month + relativedelta(months=1) if month < selectors.previous_month(timezone.localdate()) else None,
    })


@login_required
@permission_required("ledgers.add_monthlyreport", raise_exception=True)
@require_POST
def monthly_district_draft(request):
    """Draft the month's missing reports and rebuild the drafts (never a submitted report)."""
    user = request.user
    _district_only(user)
    form = MonthForm(request.POST)
    if not form.is_valid() or form.cleaned_data["month"] is None:
        messages.error(request, _("Enter a month as YYYY-MM, for example 2026-03."))
        return redirect("ledgers:monthly_district")
    month = form.cleaned_data["month"]
    if month >= selectors.month_start(timezone.localdate()):
        messages.error(request, _("A month can be reported only after it has ended."))
    else:
        district = Region.objects.get(code=f"{user.region.district_code}000000")
        counts = services.monthly_reports_draft_district(district=district, month=month)
        audit_record(request=request, action=AuditAction.CHANGE, model=MonthlyReport,
                     detail=_("Monthly reports of %(month)s drafted: %(created)s new, %(updated)s recomputed, "
                              "%(unchanged)s unchanged") % {"month": f"{month:%Y-%m}", **counts})
        messages.success(request, _("Drafts: %(created)s new, %(updated)s recomputed, %(unchanged)s unchanged; "
                                    "%(skipped)s already submitted (frozen).") % counts)
    return redirect(f"{reverse('ledgers:monthly_district')}?month={month:%Y-%m}")


@login_required
@permission_required("ledgers.view_monthlyreport", raise_exception=True)
def monthly_district_xlsx(request):
    """One workbook: the summary sheet and one sheet per township."""
    _form, month = _district_month_or_403(request)
    data = selectors.district_month(user=request.user, month=month)
    district_name = Region.objects.get(code=f"{request.user.region.district_code}000000").name
    tmp = tempfile.TemporaryFile()
    services.monthly_workbook_write(tmp, data=data, district_name=district_name)
    tmp.seek(0)
    audit_record(request=request, action=AuditAction.EXPORT, model=MonthlyReport,
                 detail=_("Monthly workbook %(month)s") % {"month": f"{month:%Y-%m}"})
    name = _("Monthly reports %(month)s") % {"month": f"{month:%Y-%m}"}
    return FileResponse(tmp, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)


# --- the records behind a figure ---------------------------------------------------------------------
@login_required
@permission_required("ledgers.view_monthlyreport", raise_exception=True)
def monthly_figure(request):
    """The leads (or transfer forms, roster entries, visits…) behind one figure of a month, for one township
    or the user's whole area: today's records under the figure's definition, scoped like every list."""
    from accounts.choices import RegionLevel
    from accounts.scoping import scope
    from django.http import Http404
    from django_tables2 import RequestConfig

    from cases.models import Lead
    from intake.models import RosterEntry, Visit
    from cases.tables import LeadTable
    from intake.roster.tables import RosterEntryTable, VisitTable
    from referrals.models import Reminder, TransferForm
    from referrals.tables import ReminderTable, TransferFormTable

    month = selectors.parse_month(request.GET.get("month"))
    row = selectors.figure_row(request.GET.get("key", ""))
    if month is None or row is None:
        raise Http404
    townships = scope(request.user, Region.objects.filter(level=RegionLevel.TOWNSHIP))
    township = None
    if request.GET.get("township", "").isdigit():
        township = get_object_or_404(townships, pk=int(request.GET["township"]))
        ids = [township.pk]
    else:
        ids = list(townships.values_list("pk", flat=True))
    records = selectors.figure_records(row.key, township_ids=ids, month=month)
    tables = {Lead: LeadTable, TransferForm: TransferFormTable, Reminder: ReminderTable,
              RosterEntry: RosterEntryTable, Visit: VisitTable}
    records = scope(request.user, records.distinct())
    table = tables[records.model](records)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    audit_record(request=request, action=AuditAction.LIST, model=records.model,
                 detail=_("Records behind the monthly figure “%(figure)s” of %(month)s") % {
                     "figure": row.label, "month": f"{month:%Y-%m}"})
    return render(request, "ledgers/monthly_figure.html", {
        "row": row, "month": month, "township": township, "table": table,
        "district_name": request.user.region.name if request.user.region_id else "",
    })
