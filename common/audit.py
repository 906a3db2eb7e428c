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


def filters_text(querystring: str) -> str:
    """A list's filters for an audit detail, readable ("筛选：township=3&q=张"), "" without filters."""
    from urllib.parse import parse_qsl

    from django.utils.translation import gettext as _

    pairs = [(k, v) for k, v in parse_qsl((querystring or "").strip()) if k not in ("export", "page") and v]
    return _("filters: %(filters)s") % {"filters": "&".join(f"{k}={v}" for k, v in pairs)} if pairs else ""


def export_detail(*, filters: str, rows: int, job: int | None = None) -> str:
    """The audit detail of an export: how many rows, the background job if any, and the filters."""
    from django.utils.translation import gettext as _

    parts = [_("%(rows)s rows") % {"rows": rows}]
    if job is not None:
        parts.append(_("background export %(job)s") % {"job": job})
    # A list's query string is made readable; a ledger's detail (its name and filters) is already text.
    filters = filters_text(filters) if "=" in filters and " " not in filters else filters
    if filters:
        parts.append(filters)
    return "；".join(parts)


def audit_login(*, request, user=None, username: str = "", ok: bool) -> AuditEvent:
    """A login, or a failed login (wrong password, locked out): both under 操作 = 登录."""
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    if user is None and username:
        # A failed login for an existing account is filed under that account's district, so its
        # administrators find it; an unknown name has no district (the superuser sees it).
        user_model = get_user_model()
        account = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).select_related("region").first()
    else:
        account = user
    return AuditEvent.objects.create(
        user=user if ok else None,
        username=(user.get_username() if user is not None else username or "")[:150],
        role=getattr(account, "role", "") if account is not None else "",
        region_code=account.region.code if account is not None and getattr(account, "region_id", None) else "",
        action=AuditAction.LOGIN,
        detail=_("Login succeeded") if ok else _("Login failed (wrong user name or password, or locked)"),
        path=request.get_full_path()[:500] if request is not None else "",
        ip_address=client_ip(request) if request is not None else None,
    )


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


__all__ = ["AuditAction", "audit_login", "audit_record", "export_detail", "filters_text"]
