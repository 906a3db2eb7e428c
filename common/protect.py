"""Records the law says to keep are never hard-deleted (社会救助暂行办法 §66; DESIGN §11).

People, leads, outcomes and transfer forms end by changing state (rejected, merged, withdrawn,
closed — with a reason, in their history), never by DELETE. The guard sits on ``pre_delete``, so
it holds for the admin, the ORM, a queryset's ``delete()`` and cascades alike. A data-protection
erasure ordered by the bureau (个人信息保护法 §47) is run by a person, in a shell, inside
:func:`hard_delete_allowed`.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db.models.signals import pre_delete

from .registry import Registry

# Models whose rows are kept for good, registered by their app's ready() through :func:`keep`
# (cases: people, leads, outcomes; referrals: transfer forms).
kept_models: Registry = Registry("kept models")

_state = threading.local()


class HardDeleteRefused(Exception):
    pass


@contextmanager
def hard_delete_allowed():
    previous = getattr(_state, "allowed", False)
    _state.allowed = True
    try:
        yield
    finally:
        _state.allowed = previous


def _refuse(sender, instance, **kwargs) -> None:
    if not getattr(_state, "allowed", False):
        raise HardDeleteRefused(f"{sender._meta.label} rows are never deleted: change their state instead "
                                f"({instance.pk})")


def keep(*models) -> None:
    """Called from an app's ready(): these models' rows are never hard-deleted (one receiver per kept model;
    other models keep fast deletes)."""
    for model in models:
        label = model._meta.label
        kept_models.register(model, code=label)
        pre_delete.connect(_refuse, sender=model, dispatch_uid=f"common.protect.{label}")
