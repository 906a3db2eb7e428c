from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_mixins import ScopedAdminMixin
from .models import Department, Region, User
from .services import user_sync_role_group


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "phone")
    list_editable = ("phone",)
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Department)
class DepartmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "short_name", "district", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "region", "department", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "phone")
    list_select_related = ("region", "department")
    raw_id_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "email")}),
        (_("Role and region"), {"fields": ("role", "region", "department", "must_change_password")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "role", "region", "department",
                                                 "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True
        obj.is_staff = obj.role == "administrator" or obj.is_superuser
        super().save_model(request, obj, form, change)
        user_sync_role_group(user=obj)
