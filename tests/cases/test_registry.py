"""Registering people and the demo district."""
import datetime as dt

import pytest
from django.core.management import call_command

from accounts.choices import Role
from accounts.models import User
from cases.demo import seed_demo
from cases.models import Household, Person
from cases.services import RegistryError, person_register
from common import resident_id
from common.resident_id import ResidentIDError


def test_register_derives_sex_and_birth_date_and_opens_a_household(world):
    number = resident_id.build("370304", dt.date(1950, 3, 9), 124)
    person = person_register(id_number=f" {number[:9]} {number[9:].lower()} ", name="孙五",
                             village=world.village_a1)
    assert person.id_number == number
    assert (person.sex, person.birth_date) == ("F", dt.date(1950, 3, 9))
    assert person.household.head == person and person.township == world.township_a
    assert person_register(id_number=number, name="孙五", village=world.village_a1) == person
    assert Person.objects.filter(id_number=number).count() == 1
    assert person.history.count() == 1


def test_register_refuses_a_bad_id_and_keeps_nothing(world):
    before = Household.objects.count()
    with pytest.raises(ResidentIDError):
        person_register(id_number="370304195003091241", name="孙五", village=world.village_a1)
    with pytest.raises(RegistryError):
        person_register(id_number=resident_id.build("370304", dt.date(1950, 3, 9), 126), name=" ",
                        village=world.village_a1)
    assert Household.objects.count() == before


def test_seed_demo_is_realistic_and_deterministic(regions):
    seed_demo(district_code="370304", people=600, seed=7, today=dt.date(2026, 11, 23), leads=0)
    first = sorted(Person.objects.values_list("id_number", "name"))
    assert len(first) == 600
    assert all(resident_id.is_valid(n) and n.startswith("370304") for n, _ in first)
    for p in Person.objects.all()[:200]:
        parsed = resident_id.parse(p.id_number)
        assert (parsed.sex, parsed.birth_date) == (p.sex, p.birth_date)
        assert p.village.parent_id == p.township_id
    heads = Household.objects.filter(head__isnull=False).count()
    assert heads == Household.objects.count()
    assert Person.objects.exclude(assistance_status="none").exists()
    assert {u.role for u in User.objects.all()} == set(Role.values)

    from intake.models import RosterEntry

    from common.protect import hard_delete_allowed

    RosterEntry.objects.all().delete()
    Person.tags.through.objects.all().delete()
    Household.objects.update(head=None)
    with hard_delete_allowed():  # people are never deleted, except deliberately like this
        Person.objects.all().delete()
    Household.objects.all().delete()
    seed_demo(district_code="370304", people=600, seed=7, today=dt.date(2026, 11, 23), leads=0)
    assert sorted(Person.objects.values_list("id_number", "name")) == first


def test_seed_demo_raises_leads_in_several_states_and_transfer_forms(regions):
    from cases.models import Lead
    from referrals.models import TransferForm

    result = seed_demo(district_code="370304", people=3000, seed=3, today=dt.date(2026, 11, 23), leads=60)
    assert result.leads == Lead.objects.count() > 50
    states = set(Lead.objects.values_list("status", flat=True))
    assert {"reported", "accepted", "investigating", "rejected"} <= states
    assert Lead.objects.filter(is_urgent=True).exists()
    assert result.transfer_forms == TransferForm.objects.count() > 0
    numbers = list(Lead.objects.order_by("reported_at", "id").values_list("number", flat=True))
    assert numbers == sorted(numbers), "lead numbers follow the order of reporting"
    # The intake app's demo hook: 特困 people on the key roster with a next visit due.
    from intake.models import RosterEntry

    tekun = RosterEntry.objects.filter(category="tekun")
    assert tekun.exists() and not tekun.filter(next_due_on__isnull=True).exists()
    assert set(tekun.values_list("person__assistance_status", flat=True)) == {"tekun"}


def test_seed_demo_command_prints_the_logins_and_refuses_a_second_fill(regions, capsys):
    call_command("seed_demo", "--people", "50", "--seed", "1")
    out = capsys.readouterr().out
    assert "assistant" in out and "Jiuzhu@2026" in out and "村（社区）社会救助协理员" in out
    call_command("seed_demo", "--people", "50", "--if-empty")
    assert Person.objects.count() == 50
