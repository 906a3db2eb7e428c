"""Roles map to Django groups with the permissions each role needs.

The groups are (re)built after every ``migrate`` so that a new model's
permissions reach the roles that need them. Region limits are not permissions:
they come from :mod:`accounts.scoping`.
"""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .choices import Role

# "app.action_model" codenames; "app.view_*" means that action on every model of the app.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.VILLAGE_ASSISTANT: [
        "cases.view_*", "cases.add_person", "cases.change_person", "cases.add_household",
        "cases.add_lead", "cases.add_leadsource",
        "intake.view_*", "intake.add_*", "intake.change_*",
    ],
    Role.TOWNSHIP_CASEWORKER: [
        "cases.view_*", "cases.add_*", "cases.change_*",
        "intake.view_*", "intake.add_*", "intake.change_*",
        "referrals.view_*", "referrals.add_*", "referrals.change_*",
        "ledgers.view_*",
    ],
    Role.TOWNSHIP_HEAD: [
        "cases.view_*", "cases.add_*", "cases.change_*",
        "intake.view_*", "intake.add_*", "intake.change_*",
        "referrals.view_*", "referrals.add_*", "referrals.change_*",
        "ledgers.view_*", "ledgers.add_*", "ledgers.change_*",
    ],
    Role.DEPARTMENT_LIAISON: [
        "referrals.view_*", "referrals.change_*",
        "intake.view_*", "intake.add_*",
    ],
    Role.DISTRICT_STAFF: [
        "cases.view_*", "cases.add_*", "cases.change_*",
        "intake.view_*", "intake.add_*", "intake.change_*",
        "referrals.view_*", "referrals.add_*", "referrals.change_*",
        "ledgers.view_*", "ledgers.add_*", "ledgers.change_*",
        "common.view_auditevent",
    ],
    Role.DISTRICT_HEAD: [
        "cases.view_*", "cases.change_*",
        "intake.view_*",
        "referrals.view_*", "referrals.change_*",
        "ledgers.view_*", "ledgers.change_*",
        "common.view_auditevent",
    ],
    Role.ADMINISTRATOR: [
        "accounts.*", "auth.view_group",
        "cases.*", "intake.*", "referrals.*", "ledgers.*",
        "common.view_auditevent",
    ],
}


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
    for spec in ROLE_PERMISSIONS[role]:
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
