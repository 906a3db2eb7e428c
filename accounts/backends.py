"""Django's ``ModelBackend``, with two fewer queries on every signed-in request (issue 15, DECISIONS 1522).

* The session's user comes with their region (``select_related``): every page scopes by it
  (``accounts.scoping.scope``), which read it in a query of its own.
* A user's permissions — their own and their groups' (their role) — are read in one query (a ``UNION ALL``, written
  once) instead of two, and kept on the user object as ``ModelBackend`` keeps them (``_perm_cache``, and the two parts in
  ``_user_perm_cache`` / ``_group_perm_cache``), so what any check answers is unchanged; ``tests/accounts/
  test_backends.py`` compares with Django's backend for every role, a superuser, an inactive user and a user with
  a permission of their own.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

UserModel = get_user_model()


_SQL: dict[str, str] = {}


def _permissions_sql(conn) -> str:
    """What ``ModelBackend._get_user_permissions`` and ``_get_group_permissions`` read (a user's own and their
    groups' permissions, as app label and codename), as one ``UNION ALL``, written once per database vendor (the
    ORM compiling a union of two annotated querysets cost about what the second query saved)."""
    if conn.vendor not in _SQL:
        q = conn.ops.quote_name
        own, groups = UserModel.user_permissions.through, UserModel.groups.through
        group_perms = Permission.group_set.through

        def select(source: str) -> str:
            return (f"SELECT '{source}', ct.{q('app_label')}, p.{q('codename')} FROM {q(Permission._meta.db_table)} p "
                    f"INNER JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')}")

        _SQL[conn.vendor] = (
            f"{select('user')} INNER JOIN {q(own._meta.db_table)} up "
            f"ON up.{q(own._meta.get_field('permission').column)} = p.{q('id')} "
            f"WHERE up.{q(own._meta.get_field('user').column)} = %s "
            f"UNION ALL {select('group')} INNER JOIN {q(group_perms._meta.db_table)} gp "
            f"ON gp.{q(group_perms._meta.get_field('permission').column)} = p.{q('id')} "
            f"INNER JOIN {q(groups._meta.db_table)} ug "
            f"ON ug.{q(groups._meta.get_field('group').column)} = gp.{q(group_perms._meta.get_field('group').column)} "
            f"WHERE ug.{q(groups._meta.get_field('user').column)} = %s")
    return _SQL[conn.vendor]


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("region").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser or hasattr(user_obj, "_user_perm_cache") or hasattr(
                    user_obj, "_group_perm_cache"):
                return super().get_all_permissions(user_obj, obj)  # Django's own way (all of them, or half read)
            parts: dict[str, set[str]] = {"user": set(), "group": set()}
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(connection), [user_obj.pk, user_obj.pk])
                for source, app_label, codename in cursor.fetchall():
                    parts[source].add(f"{app_label}.{codename}")
            user_obj._user_perm_cache = parts["user"]
            user_obj._group_perm_cache = parts["group"]
            user_obj._perm_cache = {*parts["user"], *parts["group"]}
        return user_obj._perm_cache
