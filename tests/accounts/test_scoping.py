"""Who sees which people: the scoping rules as a matrix of roles × places."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.choices import Role
from accounts.models import Department, Region
from accounts.scoping import _RULES, scope, scope_key
from cases.models import Household, Person

# Which of world.people each user sees.
EXPECTED = {
    Role.VILLAGE_ASSISTANT: {"a1"},
    Role.TOWNSHIP_CASEWORKER: {"a1", "a2"},
    Role.TOWNSHIP_HEAD: {"a1", "a2"},
    Role.DEPARTMENT_LIAISON: set(),
    Role.DISTRICT_STAFF: {"a1", "a2", "b1"},
    Role.DISTRICT_HEAD: {"a1", "a2", "b1"},
    Role.ADMINISTRATOR: {"a1", "a2", "b1"},
    "assistant_b": {"b1"},
    "caseworker_b": {"b1"},
    "other_district_staff": {"other"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_people_visible_by_role_and_region(world, who):
    names = {key for key, p in world.people.items()
             if scope(world.users[who], Person.objects.all()).filter(pk=p.pk).exists()}
    assert names == EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_households_follow_the_same_rule(world, who):
    visible = set(scope(world.users[who], Household.objects.all()).values_list("pk", flat=True))
    expected = {world.people[k].household_id for k in EXPECTED[who]}
    assert visible & {p.household_id for p in world.people.values()} == expected


def test_liaison_sees_the_district_departments_and_regions_but_no_people(world):
    liaison = world.users[Role.DEPARTMENT_LIAISON]
    assert scope(liaison, Person.objects.all()).count() == 0
    depts = scope(liaison, Department.objects.all())
    assert world.medical in depts and depts.filter(district=world.district).count() == depts.count()
    assert scope(liaison, Region.objects.filter(code=world.village_b1.code)).exists()
    assert not scope(liaison, Region.objects.filter(code=world.other_district_village.code)).exists()


def test_region_choices_of_a_township_user_stay_in_the_township(world):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    codes = scope(caseworker, Region.objects.all()).values_list("code", flat=True)
    assert codes and all(c.startswith(world.township_a.code[:9]) for c in codes)


def _scope_key_users(world):
    """Every kind of user scope() tells apart: the world's, a superuser, an inactive one, anonymous, a liaison
    without a department and one of another department."""
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import make_user

    users = dict(world.users)
    users["superuser"] = make_user("u_super", Role.DISTRICT_STAFF, world.district)
    users["superuser"].is_superuser = True
    users["inactive"] = make_user("u_inactive", Role.TOWNSHIP_CASEWORKER, world.township_a)
    users["inactive"].is_active = False
    users["anonymous"] = AnonymousUser()
    users["liaison_no_dept"] = make_user("u_liaison_nodept", Role.DEPARTMENT_LIAISON, world.district, world.medical)
    users["liaison_no_dept"].department = None  # not a valid account, but scope() has a branch for it
    users["liaison_health"] = make_user("u_liaison_health", Role.DEPARTMENT_LIAISON, world.district, world.health)
    users["head_b"] = make_user("u_head_b", Role.TOWNSHIP_HEAD, world.township_b)
    users["assistant_a2"] = make_user("u_assistant_a2", Role.VILLAGE_ASSISTANT, world.village_a2)
    return users


def _sql(queryset) -> str:
    from django.core.exceptions import EmptyResultSet

    try:
        return str(queryset.query)
    except EmptyResultSet:
        return "<none>"


def test_equal_scope_keys_mean_the_same_rows_for_every_registered_model(world):
    """scope_key (what cached scoped values are kept under, DECISIONS 1520) never joins two scopes: for every
    registered model, users with the same key get the same scoped SQL, and a key's scope is never another's."""
    users = _scope_key_users(world)
    assert len(_RULES) > 10
    for model in _RULES:
        sql_of_key: dict[tuple, str] = {}
        for who, user in users.items():
            key, sql = scope_key(user, model), _sql(scope(user, model._default_manager.all()))
            assert sql_of_key.setdefault(key, sql) == sql, (model, who, key)
        # the scopes the world's users tell apart are told apart by the keys too
        assert len(sql_of_key) == len({_sql(scope(u, model._default_manager.all())) for u in users.values()}), model


def test_region_filter_options_follow_the_user_not_the_cache(world):
    """A region filter's options are kept per scope: a district user's list first, then a township's and a
    village assistant's each see only their own regions, and another district's staff none of these."""
    from django.test import RequestFactory

    from cases.filters import PersonFilterSet

    def options(who):
        request = RequestFactory().get("/")
        request.user = world.users[who]
        form = PersonFilterSet({}, queryset=Person.objects.none(), request=request).form
        widgets = {field: form.fields[field].widget for field in ("township", "village")}
        # a long list is a type-ahead (common.filters.RegionSearchSelect): its options are kept in all_choices
        return {field: {v for v, _label in getattr(w, "all_choices", None) or w.choices if v}
                for field, w in widgets.items()}

    def codes(ids):
        return set(Region.objects.filter(pk__in=ids).values_list("code", flat=True))

    district = options(Role.DISTRICT_STAFF)
    assert {world.township_a.pk, world.township_b.pk} <= {int(v) for v in district["township"]}
    for who, prefix in ((Role.TOWNSHIP_CASEWORKER, world.township_a.scope_prefix),
                        ("caseworker_b", world.township_b.scope_prefix),
                        (Role.VILLAGE_ASSISTANT, world.village_a1.scope_prefix),
                        ("other_district_staff", world.other_district_village.district_code)):
        for _twice in range(2):  # the second time from the cache
            seen = options(who)
            assert seen["village"] and all(c.startswith(prefix) for c in codes(seen["village"])), who
            assert all(c.startswith(prefix) for c in codes(seen["township"])), who
    assert options(Role.DISTRICT_STAFF) == district


def test_inactive_and_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    user = world.users[Role.DISTRICT_STAFF]
    user.is_active = False
    assert scope(user, Person.objects.all()).count() == 0
    assert scope(AnonymousUser(), Person.objects.all()).count() == 0


def test_a_model_without_a_rule_cannot_be_scoped(world):
    from django.contrib.auth.models import Group

    with pytest.raises(ImproperlyConfigured):
        scope(world.users[Role.DISTRICT_STAFF], Group.objects.all())
