"""The list of monthly reports: its table and filters."""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from common.filters import BaseFilterSet, DueFilter, WholeNumberFilter
from common.tables import PHONE_HIDDEN, BaseTable

from ..models import MonthlyReport, ReportStatus

BADGES = {"submitted": "text-bg-success", "draft": "text-bg-secondary", "overdue": "text-bg-danger"}


class MonthlyReportFilterSet(BaseFilterSet):
    township = django_filters.ModelChoiceFilter(label=_("Township"),
                                                queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReportStatus.choices)
    due = DueFilter()
    year = WholeNumberFilter(label=_("Year"), field_name="month", lookup_expr="year", min_value=2000, max_value=2100)

    class Meta:
        model = MonthlyReport
        fields = ["township", "status", "year"]


class MonthlyReportTable(BaseTable):
    month = tables.DateColumn(verbose_name=_("Month"), format="Y-m", linkify=True)
    township = tables.Column(verbose_name=_("Township"), accessor="township__name")
    state = tables.Column(verbose_name=_("Status"), accessor="status", orderable=False)
    due_on = tables.DateColumn(verbose_name=_("Due date"), format="Y-m-d")
    submitted_at = tables.DateTimeColumn(verbose_name=_("Submitted at"), format="Y-m-d H:i", attrs=PHONE_HIDDEN)
    submitted_by = tables.Column(verbose_name=_("Submitted by"), accessor="submitted_by__full_name",
                                 attrs=PHONE_HIDDEN)

    class Meta(BaseTable.Meta):
        model = MonthlyReport
        fields = ("month", "township", "state", "due_on", "submitted_at", "submitted_by")

    def render_state(self, record):
        state = "submitted" if record.is_submitted else "overdue" if record.is_overdue() else "draft"
        label = _("Overdue") if state == "overdue" else record.get_status_display()
        return format_html('<span class="badge {}">{}</span>', BADGES[state], label)

    def value_state(self, record):
        return str(_("Overdue")) if record.is_overdue() else record.get_status_display()
