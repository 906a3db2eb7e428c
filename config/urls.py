from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Social assistance proactive discovery — administration")
admin.site.site_title = _("Social assistance proactive discovery")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("img/favicon.svg"))),
    path("admin/", admin.site.urls),
    path("captcha/", include("captcha.urls")),
    path("registry/", include("cases.urls")),
    path("intake/", include("intake.urls")),
    path("referrals/", include("referrals.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("exports/", include("common.urls_exports")),  # the user's background Excel exports
    path("security/", include("common.urls_security")),  # the audit log; revealing a masked number
    path("api/", include("intake.feeds.api_urls")),  # department feed API and its OpenAPI document
    path("api/transfer-forms/", include("referrals.api_urls")),  # department systems answer transfer forms
    path("", include("accounts.urls")),
]

# Under /api/ an unknown address answers in the API's JSON error format (department systems read it).
handler404 = "common.views_security.page_not_found"
handler400 = "common.api.bad_request"
