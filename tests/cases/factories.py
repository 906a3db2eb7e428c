"""Leads in every state of their life, built through the services as a caseworker would."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import Area, Channel, DifficultyClass, DiscoveryMethod, OutcomeKind, Willingness
from cases.models import Lead

COMPLETE = {
    "met_in_person": True, "situation_clear": True, "proposals": "申请临时救助，转介医疗救助",
    "health": "serious", "labour_capacity": "partial", "self_care": "full", "area": Area.RURAL,
    "household_size": 3, "income_12m": Decimal("18000"), "medical_expense_12m": Decimal("30000"),
    "education_expense_12m": Decimal("0"), "other_rigid_expense_12m": Decimal("0"),
    "difficulty_class": DifficultyClass.TEMPORARY, "situation": "户主重病住院，家庭收入骤减",
    "willing_to_apply": Willingness.YES,
}


def caseworker(world):
    return world.users[Role.TOWNSHIP_CASEWORKER]


REPORTER = {"a1": Role.VILLAGE_ASSISTANT, "a2": Role.TOWNSHIP_CASEWORKER, "b1": "assistant_b"}


def reported(world, person: str = "a1", *, urgent: bool = False) -> Lead:
    lead, _merged = services.lead_report(
        person=world.people[person], method=DiscoveryMethod.VISIT, channel=Channel.HOME_VISIT,
        discovered_on=timezone.localdate(), by=world.users[REPORTER[person]], description="家中有人重病",
        is_urgent=urgent)
    return lead


def accepted(world, person: str = "a1", **kw) -> Lead:
    lead = reported(world, person, **kw)
    user = caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    return services.lead_accept(lead=lead, user=user)


def investigating(world, person: str = "a1", **kw) -> Lead:
    lead = accepted(world, person, **kw)
    user = caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    services.lead_investigation_start(lead=lead, user=user)
    return Lead.objects.get(pk=lead.pk)


def investigated(world, person: str = "a1", data: dict | None = None, **kw) -> Lead:
    lead = investigating(world, person, **kw)
    user = caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    services.investigation_save(lead=lead, user=user,
                                data={"visited_on": timezone.localdate(), **COMPLETE, **(data or {})})
    return Lead.objects.get(pk=lead.pk)


def assessed(world, person: str = "a1", **kw) -> Lead:
    lead = investigated(world, person, **kw)
    user = caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    return services.lead_assess(lead=lead, user=user)


def in_progress(world, person: str = "a1", **kw) -> Lead:
    lead = assessed(world, person, **kw)
    user = caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    services.outcome_record(lead=lead, user=user, kind=OutcomeKind.TEMPORARY, amount=Decimal("2000"))
    return Lead.objects.get(pk=lead.pk)


def closed(world, person: str = "a1", **kw) -> Lead:
    lead = in_progress(world, person, **kw)
    user = caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    return services.lead_close(lead=lead, user=user)


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def restore_reference_data() -> None:
    """Reload the rows the cases data migrations load (tags, relief kinds, causes).

    A transactional test ends with a flush, which empties them; the tests after it expect them.
    """
    import importlib

    from django.apps import apps

    for module in ("cases.migrations.0002_vulnerability_tags", "cases.migrations.0005_relief_kinds_and_causes",
                   "cases.migrations.0013_dispersed_support_tag"):
        importlib.import_module(module).load(apps, None)
