from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Social assistance proactive discovery — administration")
admin.site.site_title = _("Social assistance proactive discovery")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("registry/", include("cases.urls")),
    path("", include("accounts.urls")),
]
