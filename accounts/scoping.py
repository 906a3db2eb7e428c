"""The one place that decides which rows a user may see (DESIGN §2, §11).

Every list, detail, export, API call and background report builds its queryset
through :func:`scope`. Each model that holds region-bound data registers a
:class:`ScopeRule` once (in its app's ``ready()``), naming the path from the
model to the :class:`~accounts.models.Region` it belongs to and, for data a
department may see, the path to its :class:`~accounts.models.Department`.

A model that has not registered a rule cannot be scoped: :func:`scope` raises
rather than showing everything, so a new model cannot leak by omission.

The rules, by role:

* administrator, district centre staff, district head: everything under their
  district's code prefix;
* township caseworker and head: everything under their township's prefix;
* village assistant: everything under their village's prefix;
* department liaison: only rows addressed to their own department (models
  without a department path show nothing), or the whole district for models
  registered with ``liaisons_see_district`` (the region tree);
* reference data registered ``everyone_in_district`` (departments): the whole
  district, for every role;
* superusers: everything; inactive or anonymous users: nothing.

A model whose rows carry their township and village keys themselves registers them (``township=``,
``village=``): a township's or a village's rows are then ``township_id = …`` / ``village_id = …`` — an index
scan, no join through the region tree or the lead (issue 15, docs/DECISIONS.md 550). The rows they select
are the same as the code-prefix rule's, as long as the keys agree with ``region`` (they are copied from it).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .choices import RegionLevel, Role


@dataclass(frozen=True)
class ScopeRule:
    # Path from the model to its Region ("" when the model is Region itself).
    region: str
    # Path from the model to the Department it is addressed to, if any.
    department: str | None = None
    # Reference data every account of the district may read (departments).
    everyone_in_district: bool = False
    # Data department liaisons read district-wide (the region tree).
    liaisons_see_district: bool = False
    # The row's own township / village foreign keys, when it carries them (scoped without a join).
    township: str | None = None
    village: str | None = None


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(model: type[models.Model], *, region: str, department: str | None = None,
             everyone_in_district: bool = False, liaisons_see_district: bool = False,
             township: str | None = None, village: str | None = None) -> None:
    _RULES[model] = ScopeRule(region=region, department=department,
                              everyone_in_district=everyone_in_district,
                              liaisons_see_district=liaisons_see_district, township=township, village=village)


def is_registered(model: type[models.Model]) -> bool:
    return model._meta.concrete_model in _RULES


def rule_for(model: type[models.Model]) -> ScopeRule:
    concrete = model._meta.concrete_model
    try:
        return _RULES[concrete]
    except KeyError:
        raise ImproperlyConfigured(
            f"{concrete._meta.label} has no scoping rule: register one with accounts.scoping.register()"
        ) from None


def _code_lookup(rule: ScopeRule) -> str:
    return f"{rule.region}__code__startswith" if rule.region else "code__startswith"


def scope(user, queryset: models.QuerySet | type[models.Model]) -> models.QuerySet:
    """Return ``queryset`` restricted to the rows ``user`` may see (the filter :func:`scope_key` names)."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    rule = rule_for(qs.model)
    kind, *values = _key(user, rule)
    if kind == "none":
        return qs.none()
    if kind == "all":
        return qs
    if kind == "code":
        return qs.filter(**{_code_lookup(rule): values[0]})
    if kind == "department":
        return qs.filter(**{_code_lookup(rule): values[0], rule.department: values[1]})
    if kind == "township":
        return qs.filter(**{f"{rule.township}_id": values[0]})
    return qs.filter(**{f"{rule.village}_id": values[0]})  # "village"


def scope_key(user, model: type[models.Model]) -> tuple:
    """What :func:`scope` filters ``model``'s rows by for ``user``, as a tuple: two users with the same key see
    the same rows (a cache of scoped values may be kept under it without compiling the scoped queryset's SQL,
    DECISIONS 1520). The one decision both read: :func:`_key`."""
    return _key(user, rule_for(model))


def _key(user, rule: ScopeRule) -> tuple:
    """The rule of the module's docstring for ``user``: ("none",), ("all",), ("code", prefix), ("department",
    district code, department id), ("township", region id) or ("village", region id)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ("none",)
    if user.is_superuser:
        return ("all",)
    if not getattr(user, "region_id", None):
        return ("none",)
    if rule.everyone_in_district:
        return ("code", user.region.district_code)
    if user.role == Role.DEPARTMENT_LIAISON:
        if rule.liaisons_see_district:
            return ("code", user.region.district_code)
        if rule.department is None or not user.department_id:
            return ("none",)
        return ("department", user.region.district_code, user.department_id)
    level = user.region.level
    if rule.township and level == RegionLevel.TOWNSHIP:
        return ("township", user.region_id)
    if rule.village and level == RegionLevel.VILLAGE:
        return ("village", user.region_id)
    return ("code", user.scope_prefix)


def can_see(user, obj: models.Model) -> bool:
    """Whether ``obj`` is inside ``user``'s scope (for object-level checks)."""
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
