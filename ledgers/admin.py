from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import ScopedAdminMixin

from .models import AssessmentWeights, MonthlyReport


@admin.register(AssessmentWeights)
class AssessmentWeightsAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The district's assessment weights: what the assessment page's score formula reads (with history)."""

    list_display = ("district", "discovery_points", "leads_expected_per_month", "timeliness_points",
                    "reporting_points", "escalation_penalty", "spot_check_penalty", "updated_at")
    list_select_related = ("district",)
    fieldsets = (
        (None, {"fields": ("district",)}),
        (_("Points"), {"fields": ("discovery_points", "leads_expected_per_month", "timeliness_points",
                                  "reporting_points")}),
        (_("Deductions"), {"fields": ("escalation_penalty", "spot_check_penalty")}),
    )


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Read-only: reports are drafted by the task and submitted by the township head on their page."""

    list_display = ("township", "month", "status", "due_on", "submitted_at", "submitted_by")
    list_filter = ("status", "month")
    list_select_related = ("township", "submitted_by")
    readonly_fields = ("township", "month", "status", "due_on", "figures", "schema_version", "drafted_at",
                       "remarks", "submitted_at", "submitted_by", "version")
    exclude = ("updated_at",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
