"""Lists at district scale (issue 15): a lead's rows carry its region keys, counts stop at a cap, the ledgers open on
this year, a long village filter is a search box. Speed itself is measured in bench/, not here."""
import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.models import FollowUp, Investigation, Outcome
from tests.cases.factories import closed


def test_a_leads_rows_carry_its_township_and_village(world):
    lead = closed(world, "a1")
    rows = [*Investigation.objects.filter(lead=lead), *Outcome.objects.filter(lead=lead),
            *FollowUp.objects.filter(lead=lead)]
    assert len(rows) >= 3
    assert {(r.township_id, r.village_id) for r in rows} == {(lead.township_id, lead.village_id)}


def test_a_township_sees_its_own_outcomes_by_their_keys(client_for, world):
    own, other = closed(world, "a1"), closed(world, "b1")
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("cases:outcome_list")).content.decode()
    assert own.number in html and other.number not in html
    html = client_for(world.users[Role.VILLAGE_ASSISTANT]).get(reverse("cases:lead_list")).content.decode()
    assert own.number in html and other.number not in html


def test_counts_past_the_cap_say_more_than_and_count_exactly_when_asked(client_for, world, settings):
    settings.LIST_COUNT_CAP = 1
    closed(world, "a1")
    closed(world, "a2")
    client = client_for(world.users[Role.DISTRICT_STAFF])
    html = client.get(reverse("cases:lead_list")).content.decode()
    assert "1 条以上" in html and "共2条" not in html
    assert 'href="?count=exact"' in html
    html = client.get(reverse("cases:lead_list"), {"count": "exact"}).content.decode()
    assert "共2条" in html and "条以上" not in html


def test_the_newly_assisted_ledger_opens_on_this_year_and_says_so(client_for, world):
    old, new = closed(world, "a1"), closed(world, "a2")
    last_year = timezone.localdate().replace(month=1, day=1) - dt.timedelta(days=1)
    Outcome.objects.filter(lead=old).update(included_on=last_year)
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(reverse("ledgers:newly_assisted")).content.decode()
    assert new.number in html and old.number not in html
    assert "默认显示今年" in html
    html = client.get(reverse("ledgers:newly_assisted"), {"included_from": ""}).content.decode()
    assert new.number in html and old.number in html and "默认显示今年" not in html


def test_the_village_search_offers_only_the_users_villages(client_for, world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(reverse("accounts:village_options")).content.decode()
    assert f'value="{world.village_a1.pk}"' in html and f'value="{world.village_a2.pk}"' in html
    assert f'value="{world.village_b1.pk}"' not in html
    assert f'value="{world.other_district_village.pk}"' not in html
    html = client.get(reverse("accounts:village_options"), {"q": world.village_b1.name}).content.decode()
    assert f'value="{world.village_b1.pk}"' not in html


def test_a_long_village_filter_is_a_search_box_holding_only_the_choice(client_for, world, monkeypatch):
    monkeypatch.setattr("common.filters.SEARCH_FROM_OPTIONS", 1)
    a2 = closed(world, "a2")
    client = client_for(world.users[Role.DISTRICT_STAFF])
    html = client.get(reverse("cases:lead_list"), {"village": world.village_a2.pk}).content.decode()
    assert 'data-testid="region-search"' in html and a2.number in html
    select = re.search(r'<select name="village"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert set(re.findall(r'<option value="([^"]*)"', select)) == {"", str(world.village_a2.pk)}
