from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import ScopedAdminMixin
from common.admin_audit import AuditedAdminMixin

from .models import DistrictSettings, Household, Person, VulnerabilityTag


@admin.register(VulnerabilityTag)
class VulnerabilityTagAdmin(admin.ModelAdmin):
    list_display = ("name",)


@admin.register(Household)
class HouseholdAdmin(AuditedAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "township", "village", "head")
    search_fields = ("number",)
    raw_id_fields = ("township", "village", "group", "head")
    list_select_related = ("township", "village", "head")


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "masked_id", "sex", "birth_date", "township", "village", "assistance_status")
    list_filter = ("assistance_status", "sex", "tags")
    search_fields = ("=id_number", "name")
    raw_id_fields = ("township", "village", "group", "household")
    list_select_related = ("township", "village")
    filter_horizontal = ("tags",)
    show_full_result_count = False

    @admin.display(description=_("ID number"), ordering="id_number")
    def masked_id(self, obj):
        return obj.masked_id_number

    def has_delete_permission(self, request, obj=None):
        return False  # people are never deleted (common/protect.py): their status changes instead


@admin.register(DistrictSettings)
class DistrictSettingsAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A district's relief standards: what the eligibility hint and the lead's deadlines read."""

    list_display = ("district", "dibao_urban", "dibao_rural", "edge_multiplier", "temporary_relief_cap",
                    "updated_at")
    list_select_related = ("district",)
    fieldsets = (
        (_("低保 standards"), {"fields": ("district", "dibao_urban", "dibao_rural", "edge_multiplier")}),
        (_("刚性支出困难"), {"fields": ("disposable_income_urban", "disposable_income_rural",
                                     "rigid_expense_share")}),
        (_("Temporary relief"), {"fields": ("temporary_relief_cap", "paperwork_working_days")}),
        (_("Follow-ups and spot checks"), {"fields": ("follow_up_months", "observation_review_months",
                                                      "spot_check_percent", "spot_check_minimum")}),
        (_("Public notice (公示)"), {"fields": ("publicity_days",)}),
        (_("Visit photos"), {"fields": ("keep_photo_location",)}),
    )


from .models import CadreAssignment, ChangeOfMind, UnreportedCheck  # noqa: E402  (issue 17: the notices' rules)


@admin.register(UnreportedCheck)
class UnreportedCheckAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """漏报抽查: never-reported households drawn for a visit (cases/township_checks.py)."""

    list_display = ("person", "township", "month", "level", "finding", "visited_on")
    list_filter = ("level", "finding")
    raw_id_fields = ("person", "township", "lead", "drawn_by", "visited_by")
    list_select_related = ("person", "township")


@admin.register(CadreAssignment)
class CadreAssignmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """包村 / 包户: the township cadre of each village, the village cadre of each household."""

    list_display = ("cadre_name", "kind", "village", "household", "phone", "since", "until")
    list_filter = ("kind",)
    search_fields = ("cadre_name", "village__name", "household__number")
    raw_id_fields = ("village", "household", "cadre_user")
    list_select_related = ("village", "household")


@admin.register(ChangeOfMind)
class ChangeOfMindAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "stated_on", "recorded_by", "recorded_at")
    raw_id_fields = ("person", "lead", "recorded_by")
    list_select_related = ("person", "recorded_by")
