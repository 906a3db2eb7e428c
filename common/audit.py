"""Recording audit events; the one function views and exports call."""
from __future__ import annotations

from django.db import models

from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    """The client's address. Behind the bureau's reverse proxy, set REAL_IP_HEADER (e.g.
    ``HTTP_X_REAL_IP``) to the header the proxy overwrites; otherwise a client could forge it."""
    from django.conf import settings

    header = getattr(settings, "REAL_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def audit_record(*, request, action: str, obj: models.Model | None = None,
                 model: type[models.Model] | None = None, detail: str = "") -> AuditEvent:
    principal = request.user if request.user is not None and request.user.is_authenticated else None
    # A department system calling the API is not a User: it is recorded by name ("api:<token prefix>").
    user = principal if isinstance(principal, AuditEvent._meta.get_field("user").related_model) else None
    target = obj if obj is not None else model
    return AuditEvent.objects.create(
        user=user,
        username=principal.get_username() if principal else "",
        role=getattr(principal, "role", "") if principal else "",
        region_code=principal.region.code if principal and getattr(principal, "region_id", None) else "",
        action=action,
        object_type=target._meta.label if target is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail[:2000],
        path=request.get_full_path()[:500],
        ip_address=client_ip(request),
    )


__all__ = ["AuditAction", "audit_record"]
