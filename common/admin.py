from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from accounts.admin import UserAdmin
from accounts.models import User

from .admin_audit import AuditedAdminMixin
from .admin_mixins import ReadOnlyAdminMixin
from .models import AuditEvent

# Staff accounts carry names and phone numbers: their admin is audited too. accounts sits beside common and does
# not import it, so common wraps accounts' admin here (admin modules load in INSTALLED_APPS order).
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    pass


class RoleFilter(admin.SimpleListFilter):
    """The role by its Chinese name (the event keeps the role's code, as it was when the event happened)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Read-only and searchable: the audit trail is append-only for everyone."""

    list_display = ("at", "username", "role_label", "action", "object_label", "object_repr", "ip_address")
    list_filter = ("action", RoleFilter)
    search_fields = ("username", "object_repr", "object_id", "detail", "=ip_address")
    date_hierarchy = "at"
    show_full_result_count = False

    @admin.display(description=_("role"), ordering="role")
    def role_label(self, obj):
        return dict(Role.choices).get(obj.role, obj.role)

    @admin.display(description=_("kind of record"), ordering="object_type")
    def object_label(self, obj):
        try:
            return apps.get_model(obj.object_type)._meta.verbose_name if obj.object_type else ""
        except (LookupError, ValueError):
            return obj.object_type

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(region_code__startswith=request.user.region.district_code)
