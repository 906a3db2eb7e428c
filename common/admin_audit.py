"""The admin reads personal data like the product does: audited, and masked for roles that may not see it.

``AuditedAdminMixin`` records every admin list (with its search and filters), change page and history page of
a model holding personal data as an ``AuditEvent`` (LIST, DETAIL; CHANGE when saved), exactly as the product's
views do. Fields registered in ``common.reveal`` (ID and phone numbers) are whole only for roles allowed to
reveal them (``reveal.REVEAL_ROLES``); others see them masked and read-only.
"""
from __future__ import annotations

from django.contrib import admin

from . import reveal
from .audit import AuditAction, audit_record

MASKED_PREFIX = "masked_"


class AuditedAdminMixin:
    def _number_fields(self) -> dict[str, str]:
        return dict(reveal._FIELDS.get(self.model._meta.label_lower, {}))

    def _masked_fields(self, request) -> dict[str, str]:
        return {f: kind for f, kind in self._number_fields().items() if not reveal.can_reveal(request.user, kind)}

    # --- masking ---------------------------------------------------------------------------------------
    def get_fields(self, request, obj=None):
        masked = self._masked_fields(request)
        return [f"{MASKED_PREFIX}{f}" if f in masked else f for f in super().get_fields(request, obj)]

    def get_fieldsets(self, request, obj=None):
        masked = self._masked_fields(request)
        fieldsets = super().get_fieldsets(request, obj)
        if not masked:
            return fieldsets
        return [(name, {**options, "fields": [f"{MASKED_PREFIX}{f}" if f in masked else f
                                              for f in options.get("fields", ())]})
                for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj),
                *(f"{MASKED_PREFIX}{f}" for f in self._masked_fields(request))]

    def get_search_fields(self, request):
        # A role that may not see whole numbers may not find people by them either (an ID prefix is a probe).
        masked = self._masked_fields(request)
        return [f for f in super().get_search_fields(request) if f.lstrip("=^@") not in masked]

    def __getattr__(self, name: str):
        if name.startswith(MASKED_PREFIX):
            field = name[len(MASKED_PREFIX):]
            kind = self._number_fields().get(field)
            if kind is not None:
                def show(obj, field=field, kind=kind):
                    return reveal.masked(getattr(obj, field, "") or "", kind) if obj is not None else ""

                show.short_description = self.model._meta.get_field(field).verbose_name
                return show
        raise AttributeError(name)

    # --- auditing --------------------------------------------------------------------------------------
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", None) == 200:
            audit_record(request=request, action=AuditAction.LIST, model=self.model,
                         detail=f"admin {request.GET.urlencode()}".strip())
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_object(request, object_id, response,
                           AuditAction.CHANGE if request.method == "POST" else AuditAction.DETAIL, "admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._audit_object(request, object_id, response, AuditAction.DETAIL, "admin history")
        return response

    def _audit_object(self, request, object_id, response, action: str, detail: str) -> None:
        if getattr(response, "status_code", None) not in (200, 302):
            return
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is not None:
            audit_record(request=request, action=action, obj=obj, detail=detail)
