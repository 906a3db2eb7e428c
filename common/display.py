"""``get_FOO_display()`` without hashing every choice's label on each call (issue 15, docs/DECISIONS.md 901).

Django's ``Model._get_FIELD_display`` builds ``dict(make_hashable(field.flatchoices))`` on every call; hashing a
``(value, label)`` pair hashes the lazy label, which translates it — a 20-choice field costs 20 translations per
call, and a list page calls it for every row (a status, a kind…). Here the value → label dict is kept per field
(its labels stay lazy: they are translated when shown, in the language of the request). Same result: the label
of the value, or the value itself when it is not a choice; fields whose choices are computed (a callable) are
built on every call, as Django does.

:func:`install` (from ``CommonConfig.ready()``) replaces Django's own ``get_FOO_display`` of every installed
model — the ``partialmethod`` Django puts on the class — and leaves a model's own ``get_FOO_display`` alone.
Only for the Django version whose code this copies.
"""
from __future__ import annotations

from functools import partialmethod

import django
from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_kept: dict[int, tuple] = {}


def choices_dict(field) -> dict:
    """``dict(make_hashable(field.flatchoices))``, kept while the field's choices are the same object."""
    choices = field.choices
    kept = _kept.get(id(field))
    if kept is not None and kept[0] is field and kept[1] is choices:
        return kept[2]
    built = dict(make_hashable(field.flatchoices))
    if isinstance(choices, (list, tuple)) and len(_kept) < 4096:
        _kept[id(field)] = (field, choices, built)
    return built


def get_field_display(self, field):
    """``Model._get_FIELD_display`` of Django 5.2, with the field's choices dict kept."""
    value = getattr(self, field.attname)
    return force_str(choices_dict(field).get(make_hashable(value), value), strings_only=True)


def install() -> int:
    """Put :func:`get_field_display` behind every model's Django-made ``get_FOO_display``; how many."""
    if django.VERSION[:2] != (5, 2):
        return 0
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for klass in model.__mro__:
            for name, attr in list(vars(klass).items()):
                if (isinstance(attr, partialmethod) and attr.func is models.Model._get_FIELD_display
                        and name.startswith("get_") and name.endswith("_display")):
                    setattr(klass, name, partialmethod(get_field_display, **attr.keywords))
                    replaced += 1
    return replaced
