"""Factories and the ready matrix of users in different roles and regions."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import factory

from accounts.choices import RegionLevel, Role
from accounts.models import Department, Region, User
from accounts.services import user_create
from cases.models import Household, Person
from common import resident_id

PASSWORD = "Test@Pass2026"
_seq = itertools.count(1)


def valid_id(*, birth: dt.date = dt.date(1960, 5, 17), male: bool = True, address: str = "370304") -> str:
    n = next(_seq)
    seq = (n * 2 + (1 if male else 0)) % 1000
    birth = birth + dt.timedelta(days=n // 500)
    return resident_id.build(address, birth, seq)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:08d}")
    village = None
    township = factory.LazyAttribute(lambda o: o.village.parent)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        male = True

    id_number = factory.LazyAttribute(lambda o: valid_id(male=o.male))
    name = factory.Sequence(lambda n: f"测试{n}")
    sex = factory.LazyAttribute(lambda o: resident_id.parse(o.id_number).sex)
    birth_date = factory.LazyAttribute(lambda o: resident_id.parse(o.id_number).birth_date)
    village = None
    township = factory.LazyAttribute(lambda o: o.village.parent)
    household = factory.LazyAttribute(lambda o: HouseholdFactory(village=o.village))


def make_user(username: str, role: str, region: Region, department: Department | None = None) -> User:
    return user_create(username=username, role=role, region=region, department=department,
                       password=PASSWORD, full_name="测试用户", must_change_password=False)


@dataclass
class World:
    district: Region
    township_a: Region
    township_b: Region
    village_a1: Region
    village_a2: Region
    village_b1: Region
    other_district_village: Region
    medical: Department
    health: Department
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    @classmethod
    def build(cls) -> World:
        from tests.conftest import BOSHAN, QIANJIANG, TOWNSHIP_A, TOWNSHIP_B

        district = Region.objects.get(code=f"{BOSHAN}000000")
        township_a = Region.objects.get(code=TOWNSHIP_A)
        township_b = Region.objects.get(code=TOWNSHIP_B)
        villages_a = list(township_a.children.order_by("code")[:2])
        village_b1 = township_b.children.order_by("code").first()
        other = Region.objects.filter(code__startswith=QIANJIANG, level=RegionLevel.VILLAGE).order_by("code").first()
        w = cls(district=district, township_a=township_a, township_b=township_b, village_a1=villages_a[0],
                village_a2=villages_a[1], village_b1=village_b1, other_district_village=other,
                medical=Department.objects.get(district=district, code="medical_insurance"),
                health=Department.objects.get(district=district, code="health"))
        regions = {
            Role.VILLAGE_ASSISTANT: w.village_a1,
            Role.TOWNSHIP_CASEWORKER: township_a,
            Role.TOWNSHIP_HEAD: township_a,
            Role.DEPARTMENT_LIAISON: district,
            Role.DISTRICT_STAFF: district,
            Role.DISTRICT_HEAD: district,
            Role.ADMINISTRATOR: district,
        }
        for role, region in regions.items():
            dept = w.medical if role == Role.DEPARTMENT_LIAISON else None
            w.users[role] = make_user(f"u_{role}", role, region, dept)
        w.users["assistant_b"] = make_user("u_assistant_b", Role.VILLAGE_ASSISTANT, village_b1)
        w.users["caseworker_b"] = make_user("u_caseworker_b", Role.TOWNSHIP_CASEWORKER, township_b)
        qianjiang = Region.objects.get(code=f"{QIANJIANG}000000")
        w.users["other_district_staff"] = make_user("u_other_district", Role.DISTRICT_STAFF, qianjiang)
        w.people = {
            "a1": PersonFactory(village=w.village_a1, name="张一"),
            "a2": PersonFactory(village=w.village_a2, name="李二"),
            "b1": PersonFactory(village=village_b1, name="王三"),
            "other": PersonFactory(village=other, name="赵四",
                                   id_number=valid_id(address="500114")),
        }
        return w
