"""The notices' people in the admin (issue 17): village assistants with their trainings, cadres' assignments."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import ScopedAdminMixin
from intake.assistants.models import AssistantAppointment, AssistantTraining


class AssistantTrainingInline(admin.TabularInline):
    model = AssistantTraining
    extra = 1


@admin.register(AssistantAppointment)
class AssistantAppointmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "village", "background", "appointed_on", "ended_on", "phone")
    list_filter = ("background",)
    search_fields = ("name", "village__name")
    raw_id_fields = ("village", "user")
    list_select_related = ("village",)
    inlines = [AssistantTrainingInline]
