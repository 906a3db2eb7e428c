"""Reads of common's own records."""
from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def audit_event_list(*, user) -> QuerySet[AuditEvent]:
    """The audit trail a user may read: their district's events (by the acting user's region).

    Audit events name a region by its code, not a foreign key, so they are scoped here by that
    code's prefix, exactly as :func:`accounts.scoping.scope` scopes district-wide models.
    """
    qs = AuditEvent.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if not user.has_perm("common.view_auditevent") or not getattr(user, "region_id", None):
        return qs.none()
    return qs.filter(region_code__startswith=user.region.district_code)
