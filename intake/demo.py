"""Demo data of the intake app for ``seed_demo``: the key-population roster and the feed definitions.

Registered in ``cases.demo.demo_hooks`` from intake's ready() (cases' seed_demo cannot import this higher layer).
"""
from __future__ import annotations

import datetime as dt
import random

from accounts.choices import RegionLevel, Role
from accounts.models import Region, User
from cases.choices import AssistanceStatus
from cases.models import Person
from intake.choices import RosterCategory
from intake.models import RosterEntry
from intake.roster.services import default_cadence, roster_recompute_township

REASONS = {
    RosterCategory.TEKUN: "特困供养对象，按月走访。",
    RosterCategory.CHILD_IN_DIFFICULTY: "困境儿童，按月走访，关注监护和就学。",
    RosterCategory.GRAVELY_ILL: "重病或生活不能自理，每日走访或电话了解情况。",
    RosterCategory.OTHER: "低保边缘家庭，基本生活存在困难，列入重点关注。",
}


def demo_roster(*, district: Region, seed: int, today: dt.date) -> int:
    """Put the district's 特困, 困境儿童, gravely ill and some 低保边缘 people on the roster."""
    from intake.feeds.services import feeds_install_standard

    feeds_install_standard(district=district)
    rng = random.Random(seed + 1)
    people = (Person.objects.filter(village__code__startswith=district.scope_prefix, is_deceased=False)
              .prefetch_related("tags").select_related("village").order_by("id"))
    assistants = {u.region_id: u for u in User.objects.filter(role=Role.VILLAGE_ASSISTANT, is_active=True)}
    candidates = people.filter(assistance_status__in=[AssistanceStatus.TEKUN, AssistanceStatus.DIBAO_EDGE]) | \
        people.filter(tags__code__in=["child_in_difficulty", "seriously_ill", "unable_to_self_care"])
    entries = []
    for person in candidates.distinct():
        tags = {t.code for t in person.tags.all()}
        if person.assistance_status == AssistanceStatus.TEKUN:
            category = RosterCategory.TEKUN
        elif tags & {"seriously_ill", "unable_to_self_care"}:
            category = RosterCategory.GRAVELY_ILL
        elif "child_in_difficulty" in tags:
            category = RosterCategory.CHILD_IN_DIFFICULTY
        elif rng.random() < 0.3:
            category = RosterCategory.OTHER
        else:
            continue
        since = today - dt.timedelta(days=rng.randrange(20, 120))
        # Most were visited in the last month; some are overdue, a few never visited.
        cadence = default_cadence(category=category, person=person)
        recent = rng.randrange(0, 2) if cadence == "daily" else rng.randrange(0, 36)
        visited = max(since, today - dt.timedelta(days=recent)) if rng.random() < 0.93 else None
        entries.append(RosterEntry(
            person=person, township_id=person.township_id, village_id=person.village_id, category=category,
            reason=REASONS[category], cadence=cadence,
            assistant=assistants.get(person.village_id), since=since, last_visited_on=visited,
        ))
    RosterEntry.objects.bulk_create(entries, batch_size=2000)
    # Most 特困 on a village roster live at home (分散供养, seed 002); the others are in a care home.
    from cases.models import VulnerabilityTag

    dispersed = VulnerabilityTag.objects.filter(code="dispersed_support").first()
    if dispersed is not None:
        through = Person.tags.through  # bulk, as the demo's other rows (no per-person history)
        through.objects.bulk_create([through(person_id=e.person_id, vulnerabilitytag_id=dispersed.pk) for e in entries
                                     if e.category == RosterCategory.TEKUN and rng.random() < 0.85],
                                    ignore_conflicts=True)
    for township in Region.objects.filter(code__startswith=district.scope_prefix, level=RegionLevel.TOWNSHIP):
        roster_recompute_township(township=township)
    return len(entries)


def demo_assistants(*, district: Region, seed: int, today: dt.date) -> int:
    """Each village assistant's account is an appointment, trained once by the township (issue 17 rule 2)."""
    from intake.assistants.models import AssistantAppointment, AssistantTraining

    made = 0
    for user in User.objects.filter(role=Role.VILLAGE_ASSISTANT, is_active=True,
                                    region__code__startswith=district.scope_prefix).select_related("region"):
        appointment, created = AssistantAppointment.objects.get_or_create(
            village=user.region, user=user,
            defaults={"name": user.full_name or user.username, "appointed_on": today - dt.timedelta(days=400)})
        if created:
            AssistantTraining.objects.create(appointment=appointment, trained_on=today - dt.timedelta(days=90),
                                             topic="社会救助主动发现业务培训", hours=4, given_by="镇社会事务办")
            made += 1
    return made
