"""The dashboard's figures against a hand-counted fixture, its scoping, the lists behind its charts, and its
fixed number of queries.

Today is Wednesday 17 June 2026; "the last 12 months" are 18 June 2025 to 17 June 2026. Working days follow
the product's calendar (2026: 清明 4–6 April, 劳动节 1–5 May, 端午 19–21 June; none falls between the dates
used below).

Township A (域城镇):
  L1 visit, found 2 Mar, accepted 4 Mar (2 wd), assessed 10 Mar (6 wd), 低保 handled, closed
  L2 visit, found 5 Mar, reported 00:30 and accepted 09:00 the same day (0 wd)
  L3 data, found 11 May, accepted 13 May (2 wd), assessed 20 May (7 wd), not eligible, closed
  L4 work, found 12 May, not accepted yet
  L5 visit, found 12 May, merged into another lead (never counted)
  L6 visit, found 10 June 2025 (before the period; counted in the year 2025)
  L7 visit, urgent, found 1 June, accepted the same day (0 wd), temporary relief paid (green channel)
  L8 visit, found 2 June, accepted 3 June (1 wd), assessed 5 June (3 wd), temporary relief still in progress
Township B (城东街道):
  B1 visit, found 13 Apr, accepted 15 Apr (2 wd), assessed 20 Apr (5 wd), 特困 and a referral handled
  B2 work, found 14 Apr, rejected
Another district: O1, accepted, with an overdue transfer form and a missing feed delivery.
"""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.choices import Role
from cases.choices import DiscoveryMethod, LeadStatus, OutcomeKind, OutcomeStatus
from intake.models import Feed, FeedDeadline
from ledgers.dashboard import selectors
from tests.ledgers.dashboard_factories import at, d, form, lead

TODAY = dt.date(2026, 6, 17)


@pytest.fixture
def today():
    with time_machine.travel(at(TODAY, 10), tick=False):
        yield TODAY


@pytest.fixture
def data(world, today):
    from intake.feeds.services import feeds_install_standard
    from accounts.models import Region

    done, in_progress = OutcomeStatus.DONE, OutcomeStatus.IN_PROGRESS
    a1, a2, b1 = world.village_a1, world.village_a2, world.village_b1
    leads = {
        "L1": lead(a1, found=d(3, 2), accepted=at(d(3, 4)), assessed=at(d(3, 10)), status=LeadStatus.CLOSED,
                   outcomes=[(OutcomeKind.DIBAO, done)]),
        "L2": lead(a2, found=d(3, 5), reported=at(d(3, 5), 0, 30), accepted=at(d(3, 5), 9)),
        "L3": lead(a1, method=DiscoveryMethod.DATA_PUSH, found=d(5, 11), accepted=at(d(5, 13)),
                   assessed=at(d(5, 20)), status=LeadStatus.CLOSED, outcomes=[(OutcomeKind.NOT_ELIGIBLE, done)]),
        "L4": lead(a1, method=DiscoveryMethod.WORK, found=d(5, 12)),
        "L5": lead(a1, found=d(5, 12), status=LeadStatus.MERGED),
        "L6": lead(a1, found=d(6, 10, 2025), accepted=at(d(6, 11, 2025))),
        "L7": lead(a2, found=d(6, 1), accepted=at(d(6, 1)), status=LeadStatus.IN_PROGRESS, urgent=True,
                   outcomes=[(OutcomeKind.TEMPORARY, done)]),
        "L8": lead(a1, found=d(6, 2), accepted=at(d(6, 3)), assessed=at(d(6, 5)), status=LeadStatus.IN_PROGRESS,
                   outcomes=[(OutcomeKind.TEMPORARY, in_progress)]),
        "B1": lead(b1, found=d(4, 13), accepted=at(d(4, 15)), assessed=at(d(4, 20)), status=LeadStatus.CLOSED,
                   outcomes=[(OutcomeKind.TEKUN, done), (OutcomeKind.REFERRAL, done)]),
        "B2": lead(b1, method=DiscoveryMethod.WORK, found=d(4, 14), status=LeadStatus.REJECTED),
        "O1": lead(world.other_district_village, found=d(4, 1), accepted=at(d(4, 2)), id_address="500114"),
    }
    district, ta, tb = world.district, world.township_a, world.township_b
    other_district = Region.objects.get(code="500114000000")
    from accounts.models import Department

    forms = [
        form(leads["L2"], from_region=district, to_region=ta, scope_region=ta, due=d(6, 10)),  # overdue
        form(leads["L4"], from_region=district, to_region=ta, scope_region=ta, due=d(6, 20)),  # not due yet
        form(leads["L8"], from_region=ta, to_department=world.medical, scope_region=ta, due=d(6, 1),
             status="received"),  # overdue, the township's form to a department
        form(leads["B1"], from_region=district, to_region=tb, scope_region=tb, due=d(6, 1),
             status="answered"),  # answered: not overdue
        form(leads["B2"], from_region=district, to_region=tb, scope_region=tb, due=d(6, 5)),  # overdue
        form(leads["L1"], from_region=district, to_department=world.health, scope_region=district,
             due=d(6, 1)),  # overdue, the district centre's form to a department
        form(leads["O1"], from_region=other_district,
             to_department=Department.objects.filter(district=other_district).first(),
             scope_region=other_district, due=d(6, 1)),  # another district's
    ]
    feeds_install_standard(district=district)
    feeds_install_standard(district=other_district)
    medical = Feed.objects.filter(district=district, department=world.medical, cadence="monthly").first()
    health = Feed.objects.filter(district=district, department=world.health, cadence="monthly").first()
    other = Feed.objects.filter(district=other_district, cadence="monthly").first()
    deadline = FeedDeadline.objects.create
    deadlines = [
        deadline(feed=medical, period_start=d(4, 1), period_end=d(4, 30), due_on=d(5, 5),
                 delivered_at=at(d(5, 4))),  # on time
        deadline(feed=medical, period_start=d(5, 1), period_end=d(5, 31), due_on=d(6, 5),
                 delivered_at=at(d(6, 8))),  # late
        deadline(feed=medical, period_start=d(3, 1), period_end=d(3, 31), due_on=d(4, 5)),  # missing
        deadline(feed=health, period_start=d(5, 1), period_end=d(5, 31), due_on=d(6, 5)),  # missing
        deadline(feed=health, period_start=d(6, 1), period_end=d(6, 30), due_on=d(7, 5)),  # not due yet
        deadline(feed=other, period_start=d(5, 1), period_end=d(5, 31), due_on=d(6, 5)),  # another district's
    ]
    return {"leads": leads, "forms": forms, "deadlines": deadlines}


def charts_for(user, period_key=None):
    period = selectors.period_parse(period_key, today=TODAY)
    return {c.key: c for c in selectors.dashboard(user=user, period=period, today=TODAY)}


def values(chart, series=0):
    return dict(zip(chart.categories, chart.series[series].values, strict=True))


# --- the figures ------------------------------------------------------------------------------
def test_the_district_head_sees_the_hand_counted_figures(world, data):
    charts = charts_for(world.users[Role.DISTRICT_HEAD])

    months = charts["leads_by_month"]
    assert months.categories[0] == "2025-06" and months.categories[-1] == "2026-06"  # 18 June 2025 on
    by_method = {s.name: dict(zip(months.categories, s.values, strict=True)) for s in months.series}
    visit, data_push, work = (str(label) for _code, label in DiscoveryMethod.choices)
    assert {m: n for m, n in by_method[visit].items() if n} == {"2026-03": 2, "2026-04": 1, "2026-06": 2}
    assert {m: n for m, n in by_method[data_push].items() if n} == {"2026-05": 1}
    assert {m: n for m, n in by_method[work].items() if n} == {"2026-04": 1, "2026-05": 1}

    assert charts["conversion"].series[0].values == [8, 6, 4, 3]
    assert charts["conversion"].extra["rates"] == [100.0, 75.0, 50.0, 37.5]

    outcomes = dict(zip([k for k, _l in OutcomeKind.choices], charts["outcomes"].series[0].values, strict=True))
    assert outcomes == {"dibao": 1, "tekun": 1, "temporary": 1, "referral": 1, "monitoring": 0, "observation": 0,
                        "not_eligible": 1, "declined": 0}

    assert values(charts["overdue_townships"]) == {world.township_a.name: 1, world.township_b.name: 1}
    assert values(charts["overdue_departments"]) == {world.medical.short_name: 1, world.health.short_name: 1}

    feeds = charts["feed_punctuality"]
    assert {name: [s.values[i] for s in feeds.series] for i, name in enumerate(feeds.categories)} == {
        world.medical.short_name: [1, 1, 1], world.health.short_name: [0, 0, 1]}


def test_response_times_are_medians_of_working_days_per_township_and_overall(world, data):
    chart = charts_for(world.users[Role.DISTRICT_HEAD])["response_times"]
    # A: to acceptance 2, 0, 2, 0, 1 → 1; to the result 6, 7, 3 → 6. B: 2 and 5.
    assert values(chart, 0) == {world.township_a.name: 1.0, world.township_b.name: 2.0}
    assert values(chart, 1) == {world.township_a.name: 6.0, world.township_b.name: 5.0}
    # Overall: 0, 0, 1, 2, 2, 2 → 1.5; 3, 5, 6, 7 → 5.5.
    assert chart.extra["overall"] == {"to_accept": 1.5, "to_assess": 5.5, "accepted": 6, "assessed": 4}


def test_a_calendar_year_counts_the_leads_found_in_it(world, data):
    charts = charts_for(world.users[Role.DISTRICT_HEAD], "2025")
    assert charts["conversion"].series[0].values == [1, 1, 0, 0]  # L6
    assert charts["leads_by_month"].categories == [f"2025-{m:02d}" for m in range(1, 13)]
    # Overdue forms are today's, whatever the period.
    assert sum(charts["overdue_townships"].series[0].values) == 2


# --- scoping ----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.TOWNSHIP_HEAD, Role.TOWNSHIP_CASEWORKER])
def test_a_township_office_sees_only_its_township(world, data, role):
    charts = charts_for(world.users[role])
    assert charts["conversion"].series[0].values == [6, 5, 3, 2]
    # Its response times by month of discovery: March 2 and 0 → 1; May 2; June 0 and 1 → 0.5.
    times = charts["response_times"]
    assert {m: v for m, v in values(times, 0).items() if v is not None} == {"2026-03": 1.0, "2026-05": 2.0,
                                                                            "2026-06": 0.5}
    assert {m: v for m, v in values(times, 1).items() if v is not None} == {"2026-03": 6.0, "2026-05": 7.0,
                                                                            "2026-06": 3.0}
    assert times.extra["overall"] == {"to_accept": 1.0, "to_assess": 6.0, "accepted": 5, "assessed": 3}
    # Forms addressed to it count in the headline; a chart of one township is not shown.
    assert values(charts["overdue_townships"]) == {world.township_a.name: 1}
    assert not charts["overdue_townships"].shown
    # Its own form to a department, not the district centre's.
    assert values(charts["overdue_departments"]) == {world.medical.short_name: 1}
    assert "feed_punctuality" not in charts  # the feeds are the district's


def test_another_district_is_never_counted(world, data):
    charts = charts_for(world.users["other_district_staff"])
    assert charts["conversion"].series[0].values == [1, 1, 0, 0]
    assert charts["overdue_townships"].categories == []
    assert sum(charts["overdue_departments"].series[0].values) == 1
    assert sum(sum(s.values) for s in charts["feed_punctuality"].series) == 1
    mine = charts_for(world.users[Role.DISTRICT_STAFF])
    assert mine["conversion"].series[0].values == [8, 6, 4, 3]


@pytest.mark.parametrize("role", [Role.VILLAGE_ASSISTANT, Role.DEPARTMENT_LIAISON])
def test_assistants_and_liaisons_have_no_dashboard(client_for, world, role):
    client = client_for(world.users[role])
    assert client.get(reverse("ledgers:dashboard")).status_code == 403
    assert reverse("ledgers:dashboard") not in client.get("/").content.decode()


def test_the_dashboard_is_in_the_menu_and_on_the_home_page_of_the_district(client_for, world):
    home = client_for(world.users[Role.DISTRICT_HEAD]).get("/").content.decode()
    assert home.count(reverse("ledgers:dashboard")) >= 2  # the menu and the home-page card


# --- the lists behind the charts ------------------------------------------------------------
def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["total_count"]


@pytest.mark.parametrize("role", [Role.DISTRICT_HEAD, Role.TOWNSHIP_HEAD])
def test_every_figure_links_to_a_list_of_exactly_the_rows_counted(client_for, world, data, role):
    client = client_for(world.users[role])
    response = client.get(reverse("ledgers:dashboard"))
    assert response.status_code == 200
    panels = {p["key"]: p for p in response.context["panels"]}
    checked = 0
    for key, panel in panels.items():
        if key == "response_times":
            continue  # medians, not counts: below
        assert _listed(client, panel["list_url"]) >= 0
        for series in panel["data"]["series"]:
            for value, url in zip(series["data"], series["urls"], strict=True):
                if url is None:
                    assert not value
                    continue
                assert _listed(client, url) == value, (key, series["name"], url)
                checked += 1
    assert checked >= (10 if role == Role.DISTRICT_HEAD else 7)
    # The medians' links list the leads they are taken over (accepted; with an investigation result).
    times = panels["response_times"]["data"]
    listed = [{name: _listed(client, url) for name, url in zip(times["categories"], s["urls"], strict=True) if url}
              for s in times["series"]]
    a, b = world.township_a.name, world.township_b.name
    if role == Role.DISTRICT_HEAD:
        assert listed == [{a: 5, b: 1}, {a: 3, b: 1}]
    else:
        assert listed == [{"2026-03": 2, "2026-05": 1, "2026-06": 2}, {"2026-03": 1, "2026-05": 1, "2026-06": 1}]
    assert response.context["kpis"]["overdue"] == (4 if role == Role.DISTRICT_HEAD else 2)


def test_the_funnel_list_shows_the_leads_themselves(client_for, world, data):
    client = client_for(world.users[Role.DISTRICT_HEAD])
    response = client.get(reverse("cases:lead_list"), {"stage": "assisted", "discovered_after": "2025-07-01",
                                                        "discovered_before": "2026-06-17"})
    numbers = {row.record.number for row in response.context["table"].page.object_list}
    assert numbers == {data["leads"][k].number for k in ("L1", "L7", "B1")}


def test_the_feed_delivery_list_filters_by_punctuality(client_for, world, data):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    url = reverse("ledgers:feed_deadline_list")
    assert _listed(client, f"{url}?department={world.medical.pk}&punctuality=late") == 1
    assert _listed(client, f"{url}?punctuality=missing&due_before=2026-06-16") == 2
    page = client.get(url).content.decode()
    assert "未报送" in page or "逾期报送" in page  # the states are shown in Chinese


# --- the page --------------------------------------------------------------------------------
def test_the_page_carries_its_figures_as_json_and_tables_without_inline_script(client_for, world, data):
    response = client_for(world.users[Role.DISTRICT_HEAD]).get(reverse("ledgers:dashboard"), {"period": "last12"})
    html = response.content.decode()
    assert 'id="dashboard-data" type="application/json"' in html
    assert "echarts.min.js" in html and "js/dashboard.js" in html
    assert html.count("<details") == len(response.context["panels"])
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in html and "onclick" not in html


def test_a_period_that_is_not_offered_falls_back_to_the_last_12_months(client_for, world, data):
    response = client_for(world.users[Role.DISTRICT_HEAD]).get(reverse("ledgers:dashboard"), {"period": "1999"})
    assert response.context["period"].key == "last12"


# --- cost ---------------------------------------------------------------------------------------
def _more_data(world, n: int) -> None:
    for i in range(n):
        village = (world.village_a1, world.village_a2, world.village_b1)[i % 3]
        made = lead(village, method=DiscoveryMethod.choices[i % 3][0], found=d(1 + i % 6, 1 + i % 27),
                    accepted=at(d(1 + i % 6, 28)), status=LeadStatus.ACCEPTED,
                    outcomes=[(OutcomeKind.choices[i % 8][0], OutcomeStatus.DONE)])
        form(made, from_region=world.district, to_region=village.parent, scope_region=village.parent, due=d(6, 1))


@pytest.mark.parametrize("role", [Role.DISTRICT_HEAD, Role.TOWNSHIP_HEAD])
def test_the_number_of_queries_does_not_grow_with_the_data(client_for, world, data, role,
                                                           django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.users[role])
    client.get(reverse("ledgers:dashboard"))  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("ledgers:dashboard"))
    _more_data(world, 60)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("ledgers:dashboard"))
    assert response.status_code == 200


@pytest.mark.parametrize(("role", "queries"), [(Role.DISTRICT_HEAD, 8), (Role.TOWNSHIP_HEAD, 7)])
def test_each_chart_is_one_query(world, data, role, queries, django_assert_num_queries):
    user = world.users[role]
    user.region  # noqa: B018 - the user's region is loaded with the session in a request
    # Leads per month, conversion, outcomes; the holiday table and the response times; overdue forms by
    # township and by department; feed punctuality (the district only).
    with django_assert_num_queries(queries):
        selectors.dashboard(user=user, period=selectors.period_parse(None, today=TODAY), today=TODAY)
    _more_data(world, 30)
    with django_assert_num_queries(queries):
        selectors.dashboard(user=user, period=selectors.period_parse(None, today=TODAY), today=TODAY)
