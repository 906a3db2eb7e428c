"""Who sees which people: the scoping rules as a matrix of roles × places."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.choices import Role
from accounts.models import Department, Region
from accounts.scoping import scope
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
