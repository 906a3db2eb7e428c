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
        return response
