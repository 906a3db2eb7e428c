"""Issue 17 rule 11 (seed 002): "特殊气象条件恶劣情况下，对分散供养特困人员和困境儿童走访每周不少于1次 …
其照料义务人或帮扶人每天要进行走访或照料" — only 分散供养 特困 are visited weekly in severe weather, and a carer's
or helper's daily visit can be logged on the roster."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.choices import Role
from intake.roster import services as roster
from intake.choices import Cadence, RosterCategory, VisitMode, VisitorKind
from intake.models import Visit
from tests.factories import PersonFactory
from tests.intake.roster_factories import TODAY, add_entry, clock, tag  # noqa: F401 - clock is a fixture

D = dt.timedelta


def test_only_dispersed_support_tekun_get_weekly_visits_in_severe_weather(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    at_home = PersonFactory(village=world.village_a1, name="分散户")
    tag(at_home, "dispersed_support")
    in_care_home = PersonFactory(village=world.village_a1, name="集中户")
    dispersed = add_entry(assistant, at_home, category=RosterCategory.TEKUN, since=TODAY - D(days=20))
    centralised = add_entry(assistant, in_care_home, category=RosterCategory.TEKUN, since=TODAY - D(days=20))
    roster.severe_weather_declare(user=world.users[Role.TOWNSHIP_HEAD], starts_on=TODAY, ends_on=TODAY + D(days=7))
    dispersed.refresh_from_db()
    centralised.refresh_from_db()
    assert roster.effective_cadence(dispersed, severe_weather=True) == Cadence.WEEKLY
    assert roster.effective_cadence(centralised, severe_weather=True) == Cadence.MONTHLY
    assert dispersed.next_due_on == TODAY
    assert centralised.next_due_on == dt.date(2026, 3, 18)


def test_a_carers_daily_visit_is_logged_and_counts_for_the_cadence(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], category=RosterCategory.GRAVELY_ILL, since=TODAY - D(days=2))
    with pytest.raises(roster.RosterError, match="照料|帮扶"):
        roster.visit_log(user=assistant, entry=entry, visited_on=TODAY, mode=VisitMode.HOME, met_in_person=True,
                         visitor_kind=VisitorKind.CARER)
    visit = roster.visit_log(user=assistant, entry=entry, visited_on=TODAY, mode=VisitMode.HOME, met_in_person=True,
                             findings="喂饭、翻身", visitor_kind=VisitorKind.CARER, visitor_name="李大妈（女儿）")
    assert (visit.visitor_kind, visit.visitor_name, visit.visitor) == (VisitorKind.CARER, "李大妈（女儿）", assistant)
    entry.refresh_from_db()
    assert entry.last_visited_on == TODAY and entry.next_due_on == TODAY + D(days=1)


def test_the_visit_form_records_the_carer_and_the_entry_shows_it(world, clock, client_for):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], category=RosterCategory.GRAVELY_ILL, since=TODAY - D(days=2))
    client = client_for(assistant)
    url = reverse("intake:visit_create", args=[entry.pk])
    bad = client.post(url, {"visited_on": TODAY.isoformat(), "mode": "home", "met_in_person": "1",
                            "found_hardship": "0", "visitor_kind": "helper", "findings": "送药"})
    assert bad.status_code == 200 and "送药" in bad.content.decode() and not Visit.objects.exists()
    ok = client.post(url, {"visited_on": TODAY.isoformat(), "mode": "home", "met_in_person": "1",
                           "found_hardship": "0", "visitor_kind": "helper", "visitor_name": "王帮扶",
                           "findings": "送药"})
    assert ok.status_code == 302
    page = client.get(reverse("intake:roster_detail", args=[entry.pk])).content.decode()
    assert 'data-testid="carer-visit"' in page and "王帮扶" in page
