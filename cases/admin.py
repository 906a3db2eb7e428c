from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import ScopedAdminMixin

from .models import Household, Person, VulnerabilityTag


@admin.register(VulnerabilityTag)
class VulnerabilityTagAdmin(admin.ModelAdmin):
    list_display = ("name",)


@admin.register(Household)
class HouseholdAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "township", "village", "head")
    search_fields = ("number",)
    raw_id_fields = ("township", "village", "group", "head")
    list_select_related = ("township", "village", "head")


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
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
