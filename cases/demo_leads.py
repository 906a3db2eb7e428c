"""Demo leads in every early state, for ``seed_demo`` (DESIGN §9: "leads in every state").

Leads are raised through the real services (numbering, merging, notifications, history), as
if reported over the last 90 days: most by the village assistants' channels, some by the
hotline and the public. The district centre's demo account then accepts, starts
investigating or rejects some of them, so the inbox, the lists and the transfer forms have
something to show. Deterministic for a given seed.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.choices import Role
from accounts.models import Region, User

from .choices import (
    Area, Channel, DifficultyClass, DiscoveryMethod, LeadStatus, OutcomeKind, SourceType, Willingness,
)
from .models import HardshipCause, Lead, Person, ReliefKind
from .services import (
    LeadError, investigation_save, lead_accept, lead_assess, lead_close, lead_investigation_start, lead_reject,
    lead_report, outcome_record,
)

SITUATIONS = [
    ("因病", "户主突发脑梗住院，自付医疗费用较高，家中无其他收入。", ["dibao", "medical"], ["illness"]),
    ("因残", "本人重度残疾，独居，靠亲戚接济，生活困难。", ["dibao", "tekun"], ["disability"]),
    ("因灾", "房屋因暴雨部分倒塌，暂住邻居家。", ["disaster", "temporary", "housing"], ["disaster"]),
    ("因意外", "家中主要劳动力交通事故受伤，无法务工。", ["temporary", "medical"], ["accident"]),
    ("因学", "两个孩子上学，父亲失业，学费难以负担。", ["education", "dibao"], ["schooling", "unemployment"]),
    ("失业", "夫妻二人均失业半年，家中有老人需赡养。", ["employment", "dibao"], ["unemployment"]),
    ("高龄独居", "八旬老人独居，子女在外，近期行动不便。", ["tekun", "temporary"], ["no_support"]),
]
REPORTERS = ["村协理员", "网格员", "包村干部", "志愿者", "驻村工作队"]


def demo_leads(*, district: Region, count: int, seed: int, today: dt.date) -> list[Lead]:
    rng = random.Random(seed)
    staff = User.objects.filter(role=Role.DISTRICT_STAFF, region=district, is_active=True).order_by("id").first()
    kinds = {k.code: k for k in ReliefKind.objects.all()}
    causes = {c.code: c for c in HardshipCause.objects.all()}
    ids = list(Person.objects.filter(village__code__startswith=district.scope_prefix, is_deceased=False)
               .order_by("id").values_list("id", flat=True))
    if not ids or staff is None:
        return []
    tz = ZoneInfo("Asia/Shanghai")
    ceiling = demo_ceiling(today=today, tz=tz)
    chosen = rng.sample(ids, min(count, len(ids)))
    plans = []
    for person_id in sorted(chosen):
        _label, text, relief, why = rng.choice(SITUATIONS)
        discovered = today - dt.timedelta(days=rng.randrange(0, 90))
        late = rng.random() < 0.1
        reported_day = min(discovered + dt.timedelta(days=1 if late else 0), today)
        reported_at = dt.datetime.combine(reported_day, dt.time(rng.randrange(8, 18), rng.randrange(60)), tzinfo=tz)
        # Never later than now: seeded at 09:00, a lead "reported at 17:00 today" would be in the future.
        reported_at = min(reported_at, ceiling - dt.timedelta(minutes=rng.randrange(1, 60)))
        if reported_at.astimezone(tz).date() < discovered:
            discovered = reported_at.astimezone(tz).date()
        method, channel, source = rng.choices(
            [(DiscoveryMethod.VISIT, Channel.HOME_VISIT, SourceType.MANUAL),
             (DiscoveryMethod.WORK, Channel.HOTLINE, SourceType.HOTLINE),
             (DiscoveryMethod.WORK, Channel.PETITION, SourceType.HOTLINE),
             (DiscoveryMethod.WORK, Channel.SERVICE_HALL, SourceType.MANUAL)],
            weights=(70, 15, 5, 10))[0]
        plans.append((reported_at, person_id, discovered, text, relief, why, method, channel, source,
                      rng.choice(REPORTERS), rng.random() < 0.08))
    leads = []
    # In the order they were reported, so lead numbers follow the calendar as in real life.
    for reported_at, person_id, discovered, text, relief, why, method, channel, source, reporter, urgent in sorted(plans):
        person = Person.objects.select_related("village").get(pk=person_id)
        lead, _merged = lead_report(
            person=person, method=method, channel=channel, discovered_on=discovered, source_type=source,
            by=None, reporter_name=reporter, description=text,
            suspected_relief=[kinds[k] for k in relief if k in kinds],
            causes=[causes[c] for c in why if c in causes], is_urgent=urgent, now=reported_at,
        )
        leads.append(lead)
    # Move some along: accepted, investigating, rejected; the newest stay reported (the inbox).
    for lead in sorted(leads, key=lambda x: x.reported_at)[: int(len(leads) * 0.75)]:
        roll = rng.random()
        try:
            if roll < 0.08:
                lead_reject(lead=lead, user=staff, reason="经核实，家庭收入高于当地低保标准，暂不符合救助条件。")
                _demo_backdate(lead.pk, rng=rng, today=today, tz=tz)
                continue
            lead_accept(lead=lead, user=staff)
            if roll > 0.55:
                lead_investigation_start(lead=Lead.objects.get(pk=lead.pk), user=staff)
                if (today - lead.discovered_on).days >= 14 and rng.random() < 0.6:
                    _demo_handle(Lead.objects.get(pk=lead.pk), staff=staff, rng=rng, today=today)
        except LeadError:
            continue
        _demo_backdate(lead.pk, rng=rng, today=today, tz=tz)
    return [Lead.objects.get(pk=lead.pk) for lead in leads]


def _demo_handle(lead: Lead, *, staff, rng: random.Random, today: dt.date) -> None:
    """Investigate, assess and record an outcome (temporary relief or not eligible); most are closed."""
    visited_on = min(lead.discovered_on + dt.timedelta(days=rng.randrange(2, 6)), today)
    eligible = rng.random() < 0.6
    investigation_save(lead=lead, user=staff, data={
        "visited_on": visited_on, "met_in_person": True, "situation_clear": True,
        "proposals": "申请临时救助" if eligible else "家庭收入高于当地低保标准，纳入救助观察",
        "health": "serious" if eligible else "chronic", "labour_capacity": "partial", "self_care": "full",
        "area": Area.RURAL, "household_size": rng.randrange(1, 5), "income_12m": Decimal(rng.randrange(6, 40) * 1000),
        "medical_expense_12m": Decimal(rng.randrange(0, 50) * 1000), "education_expense_12m": Decimal("0"),
        "other_rigid_expense_12m": Decimal("0"),
        "difficulty_class": DifficultyClass.TEMPORARY if eligible else DifficultyClass.GENERAL,
        "situation": lead.family_situation or "入户核实家庭经济状况", "willing_to_apply": Willingness.YES,
    })
    lead = lead_assess(lead=Lead.objects.get(pk=lead.pk), user=staff)
    if eligible:
        outcome_record(lead=lead, user=staff, kind=OutcomeKind.TEMPORARY, amount=Decimal(rng.randrange(5, 30) * 100),
                       included_on=min(visited_on + dt.timedelta(days=rng.randrange(1, 5)), today))
    else:
        outcome_record(lead=lead, user=staff, kind=OutcomeKind.NOT_ELIGIBLE,
                       reason="家庭人均收入高于当地低保标准，已告知可申请的其他帮扶政策。", policy_explained=True,
                       explained_on=visited_on, explained_how="on_site")
    if rng.random() < 0.8:
        lead_close(lead=Lead.objects.get(pk=lead.pk), user=staff)


def demo_ceiling(*, today: dt.date, tz) -> dt.datetime:
    """The latest moment a demo event may carry: the end of the working day, and never after now."""
    return min(dt.datetime.combine(today, dt.time(18), tzinfo=tz), timezone.now())


def _demo_backdate(pk: int, *, rng: random.Random, today: dt.date, tz) -> None:
    """The services stamp "now"; a demo spread over 90 days gets plausible working times instead."""
    lead = Lead.objects.get(pk=pk)
    now = demo_ceiling(today=today, tz=tz)
    step = lead.reported_at
    stamps = {}
    for field in ("accepted_at", "investigation_started_at", "assessed_at", "closed_at"):
        if getattr(lead, field) is not None:
            step = min(step + dt.timedelta(days=rng.randrange(1, 4), hours=rng.randrange(0, 6)), now)
            stamps[field] = step
    if stamps:
        Lead.objects.filter(pk=pk).update(**stamps)


__all__ = ["LeadStatus", "demo_leads"]
