"""The bureau's configuration of department feeds: definitions, header names, warning rules, API tokens."""
from django.contrib import admin, messages
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy

from accounts.admin_mixins import ScopedAdminMixin
from common.admin_mixins import ReadOnlyAdminMixin
from intake.feeds.services import batches_delete
from intake.models import Feed, FeedBatch, FeedColumn, FeedDeadline, FeedToken, WarningRule, WarningThreshold


class FeedColumnInline(admin.TabularInline):
    model = FeedColumn
    extra = 0
    fields = ("order", "key", "label", "kind", "required", "synonyms")


class WarningRuleInline(admin.TabularInline):
    model = WarningRule
    extra = 0
    fields = ("order", "name", "kind", "default_threshold", "ratio", "min_amount", "periods", "is_urgent", "is_active")
    show_change_link = True


@admin.register(Feed)
class FeedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "department", "code", "cadence", "is_active", "order")
    list_filter = ("cadence", "is_active", "department")
    list_editable = ("is_active", "order")
    search_fields = ("name", "code")
    inlines = [FeedColumnInline, WarningRuleInline]


class WarningThresholdInline(admin.TabularInline):
    model = WarningThreshold
    extra = 0


@admin.register(WarningRule)
class WarningRuleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "feed", "kind", "default_threshold", "ratio", "is_urgent", "is_active")
    list_filter = ("kind", "is_active", "feed")
    search_fields = ("name",)
    list_editable = ("is_active",)
    filter_horizontal = ("suspected_relief", "causes")
    inlines = [WarningThresholdInline]
    actions = ["switch_on", "switch_off"]

    # The presets of a standard feed (Tongling's tiered yearly sums, the sharp rise) come switched off: the
    # district follows its own notice until the administrator switches a preset on here (issue 14).
    @admin.action(description=gettext_lazy("Switch the selected warning rules on"), permissions=["change"])
    def switch_on(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(request, _t("%(count)s warning rules switched on: they apply to the next delivery.")
                          % {"count": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Switch the selected warning rules off"), permissions=["change"])
    def switch_off(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, _t("%(count)s warning rules switched off.") % {"count": count}, messages.SUCCESS)


@admin.register(FeedToken)
class FeedTokenAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("department", "name", "prefix", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active", "department")
    readonly_fields = ("prefix", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        key = obj.set_new_key() if not change else None
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(request, _t("The new token of %(department)s is %(key)s — copy it now: it is shown only "
                                         "this once. Department systems send it as “Authorization: Token …”.")
                             % {"department": obj.department.name, "key": key})


class ReadOnlyAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    read_only_allows_delete = True


@admin.register(FeedBatch)
class FeedBatchAdmin(ReadOnlyAdmin):
    list_display = ("id", "feed", "source", "status", "period_start", "period_end", "rows_total", "rows_accepted",
                    "rows_rejected", "leads_raised", "created_at")
    list_filter = ("status", "source", "feed")
    exclude = ("mapping",)

    # Through the service, which waits for an import still storing the delivery's rows (DECISIONS 1440).
    def delete_model(self, request, obj):
        batches_delete(FeedBatch.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        batches_delete(queryset)


@admin.register(FeedDeadline)
class FeedDeadlineAdmin(ReadOnlyAdmin):
    list_display = ("feed", "period_start", "period_end", "due_on", "delivered_at")
    list_filter = ("feed",)


__all__ = ["FeedAdmin", "FeedBatchAdmin", "FeedDeadlineAdmin", "FeedTokenAdmin", "WarningRuleAdmin"]
