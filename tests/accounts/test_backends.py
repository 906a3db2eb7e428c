"""accounts.backends.ModelBackend answers as Django's ModelBackend, in fewer queries (DECISIONS 1522)."""
from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Permission

from accounts.backends import ModelBackend
from accounts.choices import Role
from accounts.models import User


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # no permission caches


def _users(world):
    users = dict(world.users)
    own = User.objects.get(pk=world.users[Role.VILLAGE_ASSISTANT].pk)
    own.pk = None
    own.username = "u_own_perm"
    own.save()
    own.user_permissions.add(*Permission.objects.filter(codename__in=("view_auditevent", "add_region"))[:2])
    own.groups.add(*world.users[Role.TOWNSHIP_CASEWORKER].groups.all())
    users["own_and_group"] = own
    superuser = User.objects.get(pk=world.users[Role.DISTRICT_STAFF].pk)
    superuser.pk, superuser.username, superuser.is_superuser = None, "u_super_b", True
    superuser.save()
    users["superuser"] = superuser
    inactive = User.objects.get(pk=world.users[Role.DISTRICT_HEAD].pk)
    inactive.pk, inactive.username, inactive.is_active = None, "u_inactive_b", False
    inactive.save()
    inactive.groups.add(*world.users[Role.DISTRICT_HEAD].groups.all())
    users["inactive"] = inactive
    return users


def test_permissions_are_django_s_for_every_kind_of_user(world):
    ours, django = ModelBackend(), DjangoModelBackend()
    users = _users(world)
    assert any(django.get_all_permissions(_fresh(u)) for u in users.values())
    for who, user in users.items():
        mine, theirs = _fresh(user), _fresh(user)
        assert ours.get_all_permissions(mine) == django.get_all_permissions(theirs), who
        assert ours.get_user_permissions(mine) == django.get_user_permissions(theirs), who
        assert ours.get_group_permissions(mine) == django.get_group_permissions(theirs), who
        for perm in sorted(django.get_all_permissions(_fresh(user)))[:5] + ["cases.nothing_like_this"]:
            assert ours.has_perm(_fresh(user), perm) == django.has_perm(_fresh(user), perm), (who, perm)
    assert ours.get_user_permissions(_fresh(users["own_and_group"]))  # the user's own permission was read


def test_permissions_in_one_query_and_the_region_with_the_user(world, django_assert_num_queries):
    user = world.users[Role.TOWNSHIP_CASEWORKER]
    backend = ModelBackend()
    with django_assert_num_queries(1):
        fresh = backend.get_user(user.pk)
        assert fresh.region.code == world.township_a.code
    with django_assert_num_queries(1):
        assert backend.get_all_permissions(fresh)
        assert backend.get_all_permissions(fresh) == backend.get_all_permissions(fresh)


def test_an_inactive_or_missing_user_is_no_one(world):
    backend = ModelBackend()
    user = world.users[Role.DISTRICT_STAFF]
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
    assert backend.get_user(10**9) is None


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.VILLAGE_ASSISTANT])
def test_a_session_signed_in_with_django_s_backend_signs_in_again(client, world, role):
    """One backend (DECISIONS 1480): a session that names Django's own is asked to sign in, never half signed in."""
    user = world.users[role]
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert not response.wsgi_request.user.is_authenticated
    client.force_login(user)
    assert client.get("/").wsgi_request.user.pk == user.pk
