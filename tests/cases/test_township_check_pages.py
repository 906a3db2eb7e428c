"""Issue 17 rule 10 on the pages: the township draws its month's checks, records its spot check of an 急难 lead and the
visit to a never-reported household (漏报 raises a lead); the district sees every township's checks; other townships
and the village assistant do not."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.choices import AssistanceStatus
from cases.models import Lead, SpotCheck, UnreportedCheck
from tests.cases import factories as f
from tests.factories import PersonFactory
from tests.queries import assert_list_queries, list_page

LIST = reverse("cases:unreported_check_list")
DRAW = reverse("cases:township_checks_draw")


@pytest.mark.django_db
def test_the_township_draws_and_works_its_checks_from_the_pages(world, client_for):
    cw = f.caseworker(world)
    urgent = f.reported(world, urgent=True)
    poor = PersonFactory(village=world.village_a1, name="未报户")
    poor.assistance_status = AssistanceStatus.DIBAO_EDGE
    poor.save()
    client = client_for(cw)
    page = client.get(LIST).content.decode()
    assert 'data-testid="township-draw"' in page and "漏报" in page
    month = timezone.localdate().strftime("%Y-%m")
    response = client.post(DRAW, {"month": month, "township": world.township_a.pk})
    assert response.status_code == 302
    check = UnreportedCheck.objects.get()
    spot = SpotCheck.objects.get()
    assert check.person == poor and check.level == "township" and spot.lead == urgent and spot.level == "township"
    page = client.get(LIST, {"month": month}).content.decode()
    assert "未报户" in page and poor.id_number not in page  # masked

    # The township's own spot check of the 急难 lead: recorded by the township (the district's are the district's).
    url = reverse("cases:spot_check_record", args=[spot.pk])
    assert 'data-testid="spot-check-form"' in client.get(url).content.decode()
    response = client.post(url, {"visited_on": timezone.localdate().isoformat(), "finding": "confirmed"})
    assert response.status_code == 302
    spot.refresh_from_db()
    assert spot.finding == "confirmed" and spot.visited_by == cw
    listing = client.get(reverse("cases:spot_check_list"), {"level": "township"}).content.decode()
    assert urgent.person.name in listing

    # Hardship in the never-reported household: a note is needed; then a lead is raised (漏报).
    url = reverse("cases:unreported_check_record", args=[check.pk])
    response = client.post(url, {"visited_on": timezone.localdate().isoformat(), "finding": "missed", "note": ""})
    assert response.status_code == 200 and not Lead.objects.filter(person=poor).exists()
    response = client.post(url, {"visited_on": timezone.localdate().isoformat(), "finding": "missed",
                                 "note": "老人独居无收入，未纳入任何救助"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.finding == "missed" and check.lead.person == poor
    summary = client.get(LIST).content.decode()
    assert 'data-testid="unreported-summary"' in summary


@pytest.mark.django_db
def test_the_district_sees_all_townships_checks_and_other_townships_do_not(world, client_for):
    poor = PersonFactory(village=world.village_a1, name="未报户")
    poor.assistance_status = AssistanceStatus.DIBAO_EDGE
    poor.save()
    month = timezone.localdate().strftime("%Y-%m")
    client_for(f.caseworker(world)).post(DRAW, {"month": month, "township": world.township_a.pk})
    check = UnreportedCheck.objects.get()
    district = client_for(world.users[Role.DISTRICT_STAFF]).get(LIST).content.decode()
    assert "未报户" in district and world.township_b.name in district  # it can draw for any township
    other = client_for(world.users["caseworker_b"])
    assert "未报户" not in other.get(LIST).content.decode()
    assert other.get(reverse("cases:unreported_check_record", args=[check.pk])).status_code == 404
    assert other.post(DRAW, {"month": month, "township": world.township_a.pk}).status_code == 302
    assert UnreportedCheck.objects.filter(level="township").count() == 1  # the other township drew nothing here
    assistant = client_for(world.users[Role.VILLAGE_ASSISTANT])
    assert assistant.get(LIST).status_code == 403


@pytest.mark.django_db
def test_the_assessment_counts_missed_reports_not_the_townships_own_spot_check_findings(world, client_for):
    """A township that finds an error in its own 急难 check is not penalised for it; a 漏报 counts, and the
    assessment page says how many of the findings are missed reports."""
    from ledgers.assessment.selectors import assessment_table

    from cases.township_checks import township_checks_draw, township_spot_check_record, unreported_check_record

    cw, staff = f.caseworker(world), world.users[Role.DISTRICT_STAFF]
    f.reported(world, urgent=True)
    poor = PersonFactory(village=world.village_a1, name="未报户")
    poor.assistance_status = AssistanceStatus.DIBAO_EDGE
    poor.save()
    month = timezone.localdate().replace(day=1)
    spot, unreported = township_checks_draw(user=cw, township=world.township_a, month=month)
    township_spot_check_record(spot_check=spot[0], user=cw, visited_on=timezone.localdate(),
                               finding="wrongly_left_out", note="漏登记一名家庭成员")
    unreported_check_record(check=unreported[0], user=cw, visited_on=timezone.localdate(), finding="missed",
                            note="独居无收入")
    rows, _weights = assessment_table(user=staff, first=month, last=month)
    row = next(r for r in rows if r.township == world.township_a)
    assert (row.spot_checks, row.spot_check_findings, row.missed_reports) == (1, 1, 1)
    page = client_for(staff).get(reverse("ledgers:assessment"),
                                 {"first": f"{month:%Y-%m}", "last": f"{month:%Y-%m}"}).content.decode()
    assert 'data-testid="missed-reports"' in page


# The 漏报抽查 list (tests/queries.py): the same queries at 25 and 100 rows.
UNREPORTED_LIST_QUERIES = [
    *list_page("cases_unreportedcheck")[:4],
    ("SELECT accounts_region", "the draw form's townships of the user's area (the office may draw a month)"),
    ("SELECT cases_unreportedcheck", "this year's checks by township: drawn, visited, missed (the summary card)"),
    *list_page("cases_unreportedcheck")[4:],
    ("SELECT accounts_region", "the filter's choices of townships"),
    ("SELECT cases_unreportedcheck", "the page of checks with the township, person and village (select_related)"),
]


@pytest.mark.django_db
def test_the_never_reported_checks_list_runs_its_pinned_queries_at_25_and_100(world, client_for):
    month = timezone.localdate().replace(day=1)
    people = [PersonFactory(village=world.village_a1 if i % 2 else world.village_a2) for i in range(110)]
    UnreportedCheck.objects.bulk_create(UnreportedCheck(township=world.township_a, person=p, month=month)
                                        for p in people)
    assert_list_queries(client_for(world.users[Role.DISTRICT_STAFF]), LIST, UNREPORTED_LIST_QUERIES, min_rows=100)
