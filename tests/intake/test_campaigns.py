"""Issue 17 rule 6 (seed 000: "在辖区发生疫情灾情等突发事件期间开展集中排查"): the district declares an area, a reason and a
period; every roster person and every flagged household there is to be visited in the period; progress per village on
the district's home page; an unvisited target is a duty of the obligation engine."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.choices import Role
from intake.screenings import services as campaigns
from intake.screenings import selectors as campaigns_selectors
from intake.roster import services as roster
from intake.choices import VisitMode
from intake.models import CampaignTarget
from referrals.obligations import obligation_kinds
from tests.intake.roster_factories import TODAY, add_entry, clock  # noqa: F401 - clock is a fixture

D = dt.timedelta


def test_a_screening_covers_the_roster_and_flagged_households_and_counts_visits(world, clock, client_for):
    assistant, staff = world.users[Role.VILLAGE_ASSISTANT], world.users[Role.DISTRICT_STAFF]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=5))
    add_entry(world.users["caseworker_b"], world.people["b1"], since=TODAY - D(days=5))
    with pytest.raises(roster.RosterError):
        campaigns.campaign_declare(user=world.users[Role.TOWNSHIP_HEAD], area=world.township_a, reason="暴雨",
                                   starts_on=TODAY, ends_on=TODAY + D(days=6))
    campaign = campaigns.campaign_declare(user=staff, area=world.township_a, reason="暴雨洪涝",
                                          starts_on=TODAY, ends_on=TODAY + D(days=6))
    assert [t.person for t in campaign.targets.all()] == [world.people["a1"]]  # b1 is in another township
    flagged = campaigns.campaign_flag_household(user=world.users[Role.TOWNSHIP_CASEWORKER], campaign=campaign,
                                                household=world.people["a2"].household)
    assert not flagged.from_roster
    with pytest.raises(roster.RosterError):
        campaigns.campaign_flag_household(user=staff, campaign=campaign, household=world.people["b1"].household)

    roster.visit_log(user=assistant, entry=entry, visited_on=TODAY, mode=VisitMode.HOME, met_in_person=True)
    assert CampaignTarget.objects.get(person=world.people["a1"]).visited_on == TODAY
    rows = {r["village_id"]: r for r in campaigns_selectors.campaign_progress(user=staff)}
    assert rows[world.village_a1.pk] == {**rows[world.village_a1.pk], "targets": 1, "visited": 1}
    assert rows[world.village_a2.pk]["visited"] == 0

    home = client_for(staff).get("/").content.decode()
    assert 'data-testid="widget-campaign"' in home and "暴雨洪涝" in home
    page = client_for(staff).get(reverse("intake:campaign_list")).content.decode()
    assert 'data-testid="campaign-progress"' in page

    kind = obligation_kinds.get("campaign_visit")
    duties = list(kind.duties(today=TODAY + D(days=7), calendar=None, rule=None))
    assert [d.subject.person for d in duties] == [world.people["a2"]]
    campaigns.campaign_visit_log(user=world.users[Role.TOWNSHIP_CASEWORKER], target=flagged, visited_on=TODAY)
    assert list(kind.duties(today=TODAY + D(days=7), calendar=None, rule=None)) == []


def test_the_district_declares_on_the_page(world, clock, client_for):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    response = client.post(reverse("intake:campaign_list"), {
        "area": world.township_a.pk, "reason": "新冠疫情", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + D(days=3)).isoformat()})
    assert response.status_code == 302
    assert client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("intake:campaign_list")).status_code == 200


def test_the_district_declares_on_the_page_and_the_township_flags_and_visits_households(world, clock, client_for):
    """Rule 6 on the pages: declare (district), progress per village on the screening's page, a household flagged by
    the township (by a member's ID number) and its visit recorded; other townships see none of it."""
    assistant, staff = world.users[Role.VILLAGE_ASSISTANT], world.users[Role.DISTRICT_STAFF]
    add_entry(assistant, world.people["a1"], since=TODAY - D(days=5))
    district = client_for(staff)
    response = district.post(reverse("intake:campaign_list"), {
        "area": world.township_a.pk, "reason": "暴雨洪涝", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + D(days=6)).isoformat()})
    assert response.status_code == 302
    campaign = campaigns_selectors.current_campaigns(user=staff).get()
    listing = district.get(reverse("intake:campaign_list")).content.decode()
    assert reverse("intake:campaign_detail", args=[campaign.pk]) in listing
    # A township cannot declare: the page offers no form.
    township = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    assert 'data-testid="campaign-form"' not in township.get(reverse("intake:campaign_list")).content.decode()

    url = reverse("intake:campaign_detail", args=[campaign.pk])
    page = township.get(url).content.decode()
    assert 'data-testid="flag-form"' in page and 'data-testid="campaign-progress"' in page
    a2 = world.people["a2"]
    assert township.post(url, {"id_number": a2.id_number}).status_code == 302
    target = CampaignTarget.objects.get(campaign=campaign, from_roster=False)
    assert target.person == a2.household.head or target.person.household == a2.household
    # The other township's household: not found in this township's scope.
    township.post(url, {"id_number": world.people["b1"].id_number})
    assert CampaignTarget.objects.filter(campaign=campaign).count() == 2
    page = township.get(url, {"visited": "0"}).content.decode()
    assert a2.id_number not in page  # masked
    visit_url = reverse("intake:campaign_target_visit", args=[target.pk])
    assert visit_url in page
    response = township.post(visit_url, {"visited_on": TODAY.isoformat(), "mode": VisitMode.HOME,
                                         "findings": "房屋进水，已转移安置"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.visited_on == TODAY
    other = client_for(world.users["caseworker_b"])
    assert other.get(visit_url).status_code == 404
    assert a2.name not in other.get(url).content.decode()


def test_a_screenings_people_export_even_when_its_reason_holds_a_slash(world, clock, client_for):
    staff = world.users[Role.DISTRICT_STAFF]
    add_entry(world.users[Role.VILLAGE_ASSISTANT], world.people["a1"], since=TODAY - D(days=5))
    campaign = campaigns.campaign_declare(user=staff, area=world.township_a, reason="疫情/灾情: 排查",
                                          starts_on=TODAY, ends_on=TODAY + D(days=6))
    response = client_for(staff).get(reverse("intake:campaign_detail", args=[campaign.pk]), {"export": "xlsx"})
    assert response.status_code == 200
