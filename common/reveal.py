"""Masked numbers and the explicit, logged action that reveals one (个人信息保护法 §28, §51; DESIGN §11).

ID and phone numbers show masked on every page, list and export of a list. A role whose work
needs the whole number presses "show" beside it: an htmx POST that returns the number and
records an ``AuditEvent`` REVEAL (who, role, which record, which field, when, IP). Other roles
get 403 and nothing is revealed or recorded as revealed.

Apps declare their revealable fields in ``ready()``::

    reveal.register(Person, id_number=reveal.ID_NUMBER, phone=reveal.PHONE)
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from accounts.choices import Role
from accounts.roles import FULL_ID_ROLES
from accounts.scoping import scope

from . import resident_id
from .audit import AuditAction, audit_record

ID_NUMBER = "id_number"
PHONE = "phone"

# Who may reveal what (docs/DECISIONS.md): those who investigate, decide and answer for the case.
# Village assistants phone the households they visit but need no ID number; the district head
# supervises through figures and ledgers; department liaisons never see the registry.
REVEAL_ROLES: dict[str, frozenset[str]] = {
    ID_NUMBER: FULL_ID_ROLES,  # accounts.roles: who may see full IDs, said once
    PHONE: frozenset({Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF,
                      Role.ADMINISTRATOR}),
}
MASKS = {ID_NUMBER: resident_id.mask, PHONE: resident_id.mask_phone}

_FIELDS: dict[str, dict[str, str]] = {}  # "app_label.modelname" → {field: kind}


def register(model: type[models.Model], **fields: str) -> None:
    for field, kind in fields.items():
        if kind not in REVEAL_ROLES:
            raise ValueError(f"unknown kind of number: {kind}")
        model._meta.get_field(field)  # a typo fails at start-up
    _FIELDS.setdefault(model._meta.label_lower, {}).update(fields)


def kind_of(model_label: str, field: str) -> str | None:
    return _FIELDS.get(model_label.lower(), {}).get(field)


def can_reveal(user, kind: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.role in REVEAL_ROLES[kind]


def masked(value: str, kind: str) -> str:
    return MASKS[kind](value or "")


def reveal_value(*, request, model_label: str, pk: int, field: str) -> tuple[models.Model, str, str]:
    """The whole number of ``field`` on the object, for a user allowed to see it; logged as REVEAL.

    Unknown fields and objects outside the user's scope are 404; a role that may not reveal is 403
    (and nothing is logged as revealed).
    """
    from django.apps import apps

    kind = kind_of(model_label, field)
    if kind is None:
        raise Http404
    user = request.user
    if not can_reveal(user, kind):
        raise PermissionDenied
    model = apps.get_model(model_label)
    if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise PermissionDenied
    obj = scope(user, model._default_manager.all()).filter(pk=pk).first()
    if obj is None:
        raise Http404
    value = getattr(obj, field) or ""
    if value:
        audit_record(request=request, action=AuditAction.REVEAL, obj=obj,
                     detail=str(model._meta.get_field(field).verbose_name))
    return obj, kind, value
