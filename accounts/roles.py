"""Roles map to Django groups with the permissions each role needs.

The groups are (re)built after every ``migrate`` so that a new model's
permissions reach the roles that need them. Region limits are not permissions:
they come from :mod:`accounts.scoping`.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from common.registry import Registry

from .choices import Role

# What each role may do, contributed by the app that owns the permissions from its ready():
# ``roles.grant("cases", {Role.TOWNSHIP_CASEWORKER: ["cases.view_*", …]})``. Specs are "app.action_model"
# codenames; "app.view_*" means that action on every model of the app, "app.*" every permission of the app.
@dataclass(frozen=True)
class RoleGrants:
    code: str  # the app label whose permissions these are
    grants: dict[str, tuple[str, ...]]


role_permissions: Registry[RoleGrants] = Registry("role permissions")


def grant(app_label: str, grants: dict[str, list[str] | tuple[str, ...]]) -> None:
    role_permissions.register(RoleGrants(app_label, {role: tuple(specs) for role, specs in grants.items()}))


def role_permission_specs(role: str) -> list[str]:
    return [spec for entry in role_permissions for spec in entry.grants.get(role, ())]


# The accounts app's own: administrators manage users, regions and departments.
grant("accounts", {Role.ADMINISTRATOR: ["accounts.*", "auth.view_group"]})


def _permission_query(spec: str) -> Q:
    app_label, _, codename = spec.partition(".")
    q = Q(content_type__app_label=app_label)
    if codename == "*":
        return q
    if codename.endswith("_*"):
        return q & Q(codename__startswith=codename[:-1])
    return q & Q(codename=codename)


def permissions_for(role: str):
    q = Q(pk__in=[])
    for spec in role_permission_specs(role):
        q |= _permission_query(spec)
    return Permission.objects.filter(q)


def group_name(role: str) -> str:
    """Groups carry the role's Chinese name: administrators read them in the admin."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(Role(role).label)


def group_for(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=group_name(role))
    return group


def sync_role_groups(**kwargs) -> None:
    """post_migrate: one group per role holding exactly its permissions."""
    for role in Role.values:
        group_for(role).permissions.set(permissions_for(role))


def can_see_full_id_number(user) -> bool:
    """Roles whose duties need the full resident ID on a person's page (DESIGN §11)."""
    return user.is_superuser or user.role in {
        Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF, Role.ADMINISTRATOR,
    }
