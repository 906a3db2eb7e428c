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

from .choices import DISTRICT_ROLES as _DISTRICT_ROLES
from .choices import TOWNSHIP_ROLES as _TOWNSHIP_ROLES
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


# --- role sets and role checks: the one place that says who is who ------------------------------------
# The township's own staff (its caseworkers and head): who is told of the township's new leads.
TOWNSHIP_ROLES = _TOWNSHIP_ROLES
# The district's roles: the centre, its head, the administrators.
DISTRICT_ROLES = _DISTRICT_ROLES
# The township office: who accepts, investigates and decides leads — the township's staff, or the district
# centre acting for a township (DESIGN §4).
TOWNSHIP_OFFICE = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF})
# Case work seen or overseen: the township office and the district head (menus, widgets, campaign flags).
CASE_OFFICE = TOWNSHIP_OFFICE | {Role.DISTRICT_HEAD}
# Roles whose duties need a person's full resident ID (DESIGN §11): on the person's page, in ledgers and
# by the logged "show" (common/reveal.py). Village assistants, liaisons and the district head see it masked.
FULL_ID_ROLES = frozenset({Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DISTRICT_STAFF, Role.ADMINISTRATOR})


def has_role(user, roles) -> bool:
    """The one role check: an active user with one of ``roles`` (a superuser passes every check)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in roles)




def can_see_full_id_number(user) -> bool:
    """Roles whose duties need the full resident ID on a person's page (DESIGN §11)."""
    return has_role(user, FULL_ID_ROLES)


# --- the one guard idiom for views ----------------------------------------------------------------------
def require_role(user, roles, message=None) -> None:
    """Refuse (403, with the message in Chinese) a user without one of ``roles``. Views call this, or use
    :func:`role_required` / :class:`RoleRequiredMixin`; model permissions stay on ``permission_required``."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not has_role(user, roles):
        raise PermissionDenied(message or _("Your role cannot open this page."))


def role_required(roles, message=None):
    """Decorator of a function view: signed in (else the login page), then :func:`require_role`."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_role(request.user, roles, message)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


class RoleRequiredMixin:
    """Class-based views: ``required_roles`` (and ``role_denied_message``) checked before anything else;
    an anonymous user goes on to the login redirect of the view's own LoginRequiredMixin."""

    required_roles: frozenset | None = None
    role_denied_message = None

    def dispatch(self, request, *args, **kwargs):
        if self.required_roles is not None and request.user.is_authenticated:
            require_role(request.user, self.required_roles, self.role_denied_message)
        return super().dispatch(request, *args, **kwargs)
