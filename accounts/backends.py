"""Django's ``ModelBackend``, with two fewer queries on every signed-in request (issue 15, DECISIONS 1522).

* The session's user comes with their region (``select_related``): every page scopes by it
  (``accounts.scoping.scope``), which read it in a query of its own.
* A user's permissions — their own and their groups' (their role) — are read in one query (a ``UNION``) instead
  of two, and kept on the user object as ``ModelBackend`` keeps them (``_perm_cache``, and the two parts in
  ``_user_perm_cache`` / ``_group_perm_cache``), so what any check answers is unchanged; ``tests/accounts/
  test_backends.py`` compares with Django's backend for every role, a superuser, an inactive user and a user with
  a permission of their own.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Permission
from django.db.models import CharField, Value

UserModel = get_user_model()


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
            user_perms = Permission.objects.filter(user=user_obj).annotate(source=Value("user", CharField()))
            group_perms = Permission.objects.filter(group__user=user_obj).annotate(
                source=Value("group", CharField()))
            columns = ("source", "content_type__app_label", "codename")
            parts: dict[str, set[str]] = {"user": set(), "group": set()}
            for source, app_label, codename in user_perms.values_list(*columns).union(
                    group_perms.values_list(*columns), all=True).order_by():
                parts[source].add(f"{app_label}.{codename}")
            user_obj._user_perm_cache = parts["user"]
            user_obj._group_perm_cache = parts["group"]
            user_obj._perm_cache = {*parts["user"], *parts["group"]}
        return user_obj._perm_cache
