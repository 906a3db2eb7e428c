"""The assessment page (考核) and its Excel download: a row per township over a chosen period of months."""
from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import AuditAction, audit_record
from common.exports import XLSX_CONTENT_TYPE
from common.xlsx import Column, SheetWriter, new_workbook

from cases.models import DistrictSettings

from ..models import AssessmentWeights
from ..monthly.forms import MonthRangeForm
from .selectors import assessment_table, counted_from, formula_text, months_between, number, on_time_by_kind



def _period(request) -> tuple[MonthRangeForm, object, object]:
    today = timezone.localdate()
    default_first, default_last = today.replace(month=1, day=1), today.replace(day=1)
    form = MonthRangeForm(request.GET or None,
                          initial={"first": f"{default_first:%Y-%m}", "last": f"{default_last:%Y-%m}"})
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["first"] or default_first, form.cleaned_data["last"] or default_last
    return form, default_first, default_last


def _headers() -> list[Column]:
    return [
        Column(_("Township"), 14), Column(_("Leads found"), 10), Column(_("Transfer forms due"), 10),
        Column(_("Answered in time"), 10), Column(_("Answered in time (%)"), 10),
        Column(_("Written reminders"), 10), Column(_("Still undone after a written reminder"), 14),
        Column(_("Spot checks"), 10), Column(_("Spot-check findings"), 10), Column(_("Monthly reports due"), 10),
        Column(_("Submitted on time"), 10), Column(_("Discovery points"), 10), Column(_("Timeliness points"), 10),
        Column(_("Reporting points"), 10), Column(_("Deductions"), 10), Column(_("Score"), 10),
    ]


def _values(row) -> list:
    return [row.township.name, row.leads_found, row.transfers_due, row.answered_in_time, row.in_time_percent,
            row.written_reminders, row.escalations, row.spot_checks, row.spot_check_findings, row.reports_due,
            row.reports_on_time, row.discovery, row.timeliness, row.reporting, row.deductions, row.score]


@login_required
@permission_required("ledgers.view_monthlyreport", raise_exception=True)
def assessment(request):
    form, first, last = _period(request)
    rows, weights = assessment_table(user=request.user, first=first, last=last)
    counted = counted_from(request.user, first)
    months = len(months_between(counted, last))
    query = request.GET.urlencode()
    kinds, rates = on_time_by_kind(user=request.user, first=first, last=last)
    settings = DistrictSettings.for_district_code(request.user.region.district_code)
    return render(request, "ledgers/assessment.html", {
        "counted_from": counted if counted != first else None, "went_live_on": settings.went_live_on,
        "notice_reference": settings.notice_reference, "kinds": kinds,
        "rates": [(row.township, [rates.get(row.township.pk, {}).get(k.code) for k in kinds])
                  for row in sorted(rows, key=lambda r: r.township.code)],
        "form": form, "first": first, "last": last, "rows": sorted(rows, key=lambda r: -r.score),
        "weights": weights, "full_marks": number(weights.full_marks), "formula": formula_text(weights, months), "months": months, "query": query,
        "can_edit_weights": request.user.has_perm("ledgers.change_assessmentweights"),
        "weights_admin_url": reverse("admin:ledgers_assessmentweights_change", args=[weights.pk]),
    })


@login_required
@permission_required("ledgers.view_monthlyreport", raise_exception=True)
def assessment_xlsx(request):
    _form, first, last = _period(request)
    rows, weights = assessment_table(user=request.user, first=first, last=last)
    months = len(months_between(counted_from(request.user, first), last))
    tmp = tempfile.TemporaryFile()
    wb = new_workbook(tmp)
    period = f"{first.year}年{first.month}月—{last.year}年{last.month}月"
    sheet = SheetWriter(wb, _("Assessment"), title=_("Assessment of discovery work, %(period)s") % {"period": period},
                        columns=_headers())
    for row in sorted(rows, key=lambda r: -r.score):
        sheet.write_row(_values(row))
    sheet.write_row([])
    sheet.write_row([_("Formula (full marks %(marks)s)") % {"marks": number(weights.full_marks)}])
    for line in formula_text(weights, months):
        sheet.write_row([line])
    wb.close()
    tmp.seek(0)
    audit_record(request=request, action=AuditAction.EXPORT, model=AssessmentWeights,
                 detail=_("Assessment %(first)s to %(last)s") % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"})
    name = _("Assessment %(first)s to %(last)s") % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"}
    return FileResponse(tmp, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)
