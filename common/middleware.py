"""Response headers Django's SecurityMiddleware does not set (docs/SECURITY.md).

Content-Security-Policy comes from django-csp; X-Content-Type-Options, Referrer-Policy,
Cross-Origin-Opener-Policy and X-Frame-Options from Django's own settings.
"""
from __future__ import annotations

from django.conf import settings


class SecurityHeadersMiddleware:
    """Permissions-Policy (no camera, microphone, location… for any page) and
    Cross-Origin-Resource-Policy (other sites cannot embed our pages, files or images)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if self._may_carry_personal_data(request, response):
            # Pages, exports, attachments, reveal answers, the API: nothing of them in a browser's or a proxy's
            # cache, where the next user of the hall PC (or the back button after logging out) would find it.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response

    @staticmethod
    def _may_carry_personal_data(request, response) -> bool:
        """Every answer of a signed-in user or a department token, every download, and every dynamic page
        that did not choose its own caching (signed answer links, the public form). Static files keep theirs."""
        if request.path.startswith(settings.STATIC_URL):
            return False
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            return True
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            return True
        return "Cache-Control" not in response.headers
