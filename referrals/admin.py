from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import ScopedAdminMixin
from common.admin_audit import AuditedAdminMixin
from common.admin_mixins import ReadOnlyAdminMixin

from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CalendarYear, ChaserRun, Holiday, Notification, ObligationRule, Reminder, TransferForm, TransferKind, job_label,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records the system writes: administrators read them, nobody edits them here."""


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        return queryset.filter(date__year=self.value()) if self.value() else queryset


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "name")
    list_filter = (YearFilter, "is_working_day")
    search_fields = ("name",)
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        from django.utils.dateformat import format as date_format

        return date_format(obj.date, "l")


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "is_complete", "note")


@admin.register(TransferKind)
class TransferKindAdmin(admin.ModelAdmin):
    list_display = ("name", "due_working_days", "answer_link_days", "is_active", "order")
    list_editable = ("due_working_days", "answer_link_days", "is_active", "order")


@admin.register(TransferForm)
class TransferFormAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read mostly: the answer deadline and the link's validity are the only things changed here."""

    list_display = ("number", "kind", "from_region", "recipient", "issued_at", "due_on", "status", "chase_level")
    list_filter = ("status", "chase_level", "kind")
    search_fields = ("=number",)
    list_select_related = ("kind", "from_region", "to_region", "to_department")
    date_hierarchy = "issued_at"
    fields = ("number", "kind", "lead", "from_region", "issued_by", "to_region", "to_department", "request_text",
              "issued_at", "due_on", "link_expires_at", "status", "received_at", "received_by", "answered_at",
              "answered_by", "answerer_name", "answer_text", "result", "closed_at", "closed_by", "close_note",
              "chase_level")
    editable = ("due_on", "link_expires_at")

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields if f not in self.editable]

    def has_add_permission(self, request):
        return False  # forms are issued from a lead, by the district centre or a township

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("addressed to"))
    def recipient(self, obj):
        return obj.recipient_name


@admin.register(Reminder)
class ReminderAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("sent_on", "kind_label", "level", "recipient_name", "title", "overdue_working_days",
                    "notified_count")
    list_filter = ("level",)
    search_fields = ("title", "recipient_name")
    date_hierarchy = "sent_on"
    exclude = ("kind", "subject_type", "subject_id", "url")
    readonly_fields = ("kind_label",)

    @admin.display(description=_("kind of duty"), ordering="kind")
    def kind_label(self, obj):
        return job_label(obj.kind)


@admin.register(ChaserRun)
class ChaserRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "job_name", "run_on", "status", "attempt", "reminders", "written_reminders",
                    "escalations", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("job_name", "run_on", "status", "attempt", "task_id", "started_at", "finished_at", "reminders",
                       "written_reminders", "escalations", "error")
    exclude = ("job",)

    @admin.display(description=_("job"), ordering="job")
    def job_name(self, obj):
        return job_label(obj.job)


@admin.register(ObligationRule)
class ObligationRuleAdmin(SimpleHistoryAdmin):
    """The time limits of every kind of dated duty (docs/DEADLINES.md): what the notices set, editable."""

    list_display = ("kind_label", "limit", "limit_meaning", "written_reminder_after", "escalation_after",
                    "is_active", "updated_at")
    list_editable = ("limit", "written_reminder_after", "escalation_after", "is_active")
    readonly_fields = ("kind_label", "limit_meaning", "source")
    fields = ("kind_label", "source", "limit", "limit_meaning", "written_reminder_after", "escalation_after",
              "is_active", "note")
    ordering = ("code",)

    def has_add_permission(self, request):
        return False  # one row per registered kind, created after migrate

    def has_delete_permission(self, request, obj=None):
        return False

    def _kind(self, obj):
        from .obligations import obligation_kinds

        return obligation_kinds.get(obj.code) if obj.code in obligation_kinds else None

    @admin.display(description=_("kind of duty"), ordering="code")
    def kind_label(self, obj):
        return job_label(obj.code)

    @admin.display(description=_("the limit counts"))
    def limit_meaning(self, obj):
        kind = self._kind(obj)
        return kind.limit_help if kind else ""

    @admin.display(description=_("source in the notices"))
    def source(self, obj):
        kind = self._kind(obj)
        return kind.source if kind else ""


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title",)
    list_select_related = ("recipient",)
    exclude = ("subject_type", "subject_id", "url")
