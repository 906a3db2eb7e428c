from django.contrib import admin

from accounts.admin import UserAdmin
from accounts.models import User

from .admin_audit import AuditedAdminMixin
from .models import AuditEvent

# Staff accounts carry names and phone numbers: their admin is audited too. accounts sits beside common and does
# not import it, so common wraps accounts' admin here (admin modules load in INSTALLED_APPS order).
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only and searchable: the audit trail is append-only for everyone."""

    list_display = ("at", "username", "role", "action", "object_type", "object_repr", "ip_address")
    list_filter = ("action", "role")
    search_fields = ("username", "object_repr", "object_id", "detail", "=ip_address")
    date_hierarchy = "at"
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(region_code__startswith=request.user.region.district_code)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
