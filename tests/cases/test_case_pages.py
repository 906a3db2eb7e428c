"""The case page and the pages of the lead's life: actions by role and state, forms that keep the user's input,
the timeline in order, lists with fixed query counts, Chinese everywhere."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import FollowUpStatus, LeadStatus, OutcomeKind
from cases.models import FollowUp, Lead, Outcome, SpotCheck
from common.models import AuditEvent
from tests.cases import factories as f
from tests.queries import assert_list_queries, list_page
from tests.test_pages_are_chinese import assert_chinese


def page(client, lead):
    return client.get(reverse("cases:lead_detail", args=[lead.pk]))


def test_the_case_page_offers_what_the_role_may_do_in_the_lead_state(client_for, world):
    lead = f.accepted(world)
    html = page(client_for(f.caseworker(world)), lead).content.decode()
    assert reverse("cases:lead_action", args=[lead.pk, "start"]) in html
    html = page(client_for(world.users[Role.VILLAGE_ASSISTANT]), lead).content.decode()
    assert reverse("cases:lead_action", args=[lead.pk, "start"]) not in html
    assert 'data-testid="timeline"' in html


def test_another_townships_lead_is_not_found(client_for, world):
    lead = f.accepted(world, "b1")
    client = client_for(f.caseworker(world))
    assert page(client, lead).status_code == 404
    response = client.post(reverse("cases:lead_action", args=[lead.pk, "start"]), {"version": lead.version})
    assert response.status_code == 404
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.ACCEPTED


def test_the_case_page_is_audited(client_for, world):
    lead = f.reported(world)
    page(client_for(f.caseworker(world)), lead)
    assert AuditEvent.objects.filter(object_type="cases.Lead", object_id=str(lead.pk), action="detail").exists()


def test_a_button_posts_through_the_service_and_a_stale_one_says_so(client_for, world):
    lead = f.accepted(world)
    client = client_for(f.caseworker(world))
    url = reverse("cases:lead_action", args=[lead.pk, "start"])
    assert client.post(url, {"version": lead.version}).status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.INVESTIGATING
    # Someone else saved the investigation meanwhile: the assessment from the old page is refused, in Chinese.
    response = client.post(reverse("cases:lead_action", args=[lead.pk, "assess"]), {"version": lead.version - 1})
    assert response.status_code == 200
    assert "刷新" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.INVESTIGATING


def test_reject_without_reason_keeps_the_form_open(client_for, world):
    lead = f.reported(world)
    client = client_for(f.caseworker(world))
    response = client.post(reverse("cases:lead_action", args=[lead.pk, "reject"]), {"version": lead.version})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="reject-form"' in html
    assert re.search(r'class="collapse show[^"]*" id="reject-form"', html)
    response = client.post(reverse("cases:lead_action", args=[lead.pk, "reject"]),
                           {"version": lead.version, "reason": "重复登记"})
    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.REJECTED


def _investigation_post(lead, **changes):
    data = {"version": lead.version, "visited_on": timezone.localdate().isoformat(), "met_in_person": "True",
            "situation_clear": "on", "proposals": "申请临时救助", "health": "serious", "labour_capacity": "partial",
            "self_care": "full", "area": "rural", "household_size": "3", "income_12m": "18000",
            "medical_expense_12m": "30000", "education_expense_12m": "0", "other_rigid_expense_12m": "0",
            "difficulty_class": "temporary", "situation": "户主重病住院", "willing_to_apply": "yes",
            "causes": []}
    data.update(changes)
    return data


def test_the_investigation_form_saves_assesses_and_keeps_input_when_stale(client_for, world):
    lead = f.investigating(world)
    client = client_for(f.caseworker(world))
    url = reverse("cases:investigation_edit", args=[lead.pk])
    assert_chinese(client.get(url))
    stale = client.post(url, _investigation_post(lead, version=lead.version - 1, situation="我写的调查情况"))
    assert stale.status_code == 200
    html = stale.content.decode()
    assert "我写的调查情况" in html and "刷新" in html
    saved = client.post(url, _investigation_post(lead, then="assess"))
    assert saved.status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ASSESSED
    assert services.current_investigation(lead).income_12m == Decimal("18000")


def test_the_hint_shows_its_arithmetic_and_says_it_is_only_a_hint(client_for, world):
    lead = f.assessed(world)
    html = page(client_for(f.caseworker(world)), lead).content.decode()
    assert "18,000.00 ÷ 12" in html and "500.00" in html
    assert "第二十四条" in html


def test_the_outcome_form_records_a_referral_and_keeps_input_on_error(client_for, world):
    lead = f.assessed(world)
    client = client_for(f.caseworker(world))
    url = reverse("cases:outcome_create", args=[lead.pk])
    assert_chinese(client.get(url))
    bad = client.post(url, {"version": lead.version, "kind": "not_eligible", "note": "我的备注"})
    assert bad.status_code == 200 and "我的备注" in bad.content.decode()
    ok = client.post(url, {"version": lead.version, "kind": "referral", "referral_kind": "medical"})
    assert ok.status_code == 302
    outcome = Outcome.objects.get(lead=lead)
    assert outcome.kind == OutcomeKind.REFERRAL and outcome.department == world.medical


def test_the_district_head_approves_on_the_case_page(client_for, world):
    lead = f.assessed(world)
    outcome = services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.TEMPORARY,
                                      amount=Decimal("8000"), reason="大病")
    lead.refresh_from_db()
    head = client_for(world.users[Role.DISTRICT_HEAD])
    html = page(head, lead).content.decode()
    assert reverse("cases:outcome_action", args=[outcome.pk, "approve"]) in html
    response = head.post(reverse("cases:outcome_action", args=[outcome.pk, "approve"]),
                         {"version": lead.version, "note": "同意"})
    assert response.status_code == 302
    assert Outcome.objects.get(pk=outcome.pk).status == "done"


def test_the_timeline_shows_the_whole_history_in_order(client_for, world):
    lead = f.closed(world)
    client = client_for(f.caseworker(world))
    html = page(client, lead).content.decode()
    titles = re.findall(r'data-testid="timeline-event">.*?<strong>(.*?)</strong>', html, flags=re.S)
    titles = [re.sub(r"<[^>]+>", "", t).strip() for t in titles]
    order = ["报告", "已受理", "开始入户调查", "调查记录已保存", "完成调查评估", "登记办理结果", "已办结", "已安排回访"]
    positions = [next(i for i, t in enumerate(titles) if t.startswith(word)) for word in order]
    assert positions == sorted(positions), titles
    times = re.findall(r'data-testid="timeline-event">.*?text-nowrap">(.*?)</span>', html, flags=re.S)
    assert times == sorted(times)


def test_green_channel_page_pays_first(client_for, world):
    lead = f.accepted(world, urgent=True)
    client = client_for(f.caseworker(world))
    url = reverse("cases:green_channel", args=[lead.pk])
    assert_chinese(client.get(url))
    response = client.post(url, {"version": lead.version, "district_members": "区中心 王",
                                 "township_members": "镇 李", "village_members": "村 赵", "amount": "3000"})
    assert response.status_code == 302
    outcome = Outcome.objects.get(lead=lead)
    assert outcome.is_advance and outcome.paperwork == "owed"
    html = page(client, lead).content.decode()
    assert 'data-testid="paperwork-owed"' in html


def test_the_follow_up_form_records_and_can_reopen(client_for, world):
    lead = f.closed(world)
    follow_up = lead.follow_ups.get()
    client = client_for(f.caseworker(world))
    url = reverse("cases:follow_up_record", args=[follow_up.pk])
    assert_chinese(client.get(url))
    response = client.post(url, {"done_on": timezone.localdate().isoformat(), "mode": "home",
                                 "findings": "仍无收入", "still_in_hardship": "on"})
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.ACCEPTED


def test_the_spot_check_pages(client_for, world):
    from tests.cases.test_lead_life import drawn_spot_check

    check = drawn_spot_check(world)
    staff = client_for(world.users[Role.DISTRICT_STAFF])
    assert_chinese(staff.get(reverse("cases:spot_check_list")))
    url = reverse("cases:spot_check_record", args=[check.pk])
    assert_chinese(staff.get(url))
    response = staff.post(url, {"visited_on": timezone.localdate().isoformat(), "finding": "confirmed"})
    assert response.status_code == 302
    assert SpotCheck.objects.get(pk=check.pk).finding == "confirmed"


@pytest.mark.parametrize("state", ["reported", "accepted", "investigating", "assessed", "in_progress", "closed"])
def test_case_pages_are_chinese_in_every_state(client_for, world, state):
    lead = getattr(f, state)(world)
    for role in (Role.TOWNSHIP_CASEWORKER, Role.VILLAGE_ASSISTANT, Role.DISTRICT_HEAD):
        assert_chinese(page(client_for(world.users[role]), lead))


def test_lists_and_home_are_chinese(client_for, world):
    f.closed(world)
    for role in (Role.TOWNSHIP_CASEWORKER, Role.DISTRICT_STAFF, Role.DISTRICT_HEAD):
        client = client_for(world.users[role])
        for name in ("cases:follow_up_list", "cases:outcome_list", "cases:spot_check_list"):
            assert_chinese(client.get(reverse(name)))
        home = client.get(reverse("accounts:home"))
        assert_chinese(home)
        assert 'data-testid="due-work"' in home.content.decode()


# The district staff's lists of follow-ups, outcomes and spot checks (tests/queries.py).
LIST_QUERIES = {
    "cases:follow_up_list": [
        *list_page("cases_followup"),
        ("SELECT cases_followup", "the page of follow-ups (one query whatever the page size)"),
    ],
    "cases:outcome_list": [
        *list_page("cases_outcome"),
        ("SELECT cases_outcome", "the page of outcomes (one query whatever the page size)"),
    ],
    "cases:spot_check_list": [
        *list_page("cases_spotcheck")[:4],
        ("SELECT cases_spotcheck", "the summary above the list: checks and findings per township and month"),
        *list_page("cases_spotcheck")[4:],
        ("SELECT cases_spotcheck", "the page of spot checks (one query whatever the page size)"),
    ],
}


@pytest.mark.parametrize("name", LIST_QUERIES)
def test_each_list_runs_its_pinned_queries_at_25_and_100(client_for, world, name):
    from cases.models import FollowUp, Outcome
    from tests.factories import PersonFactory

    user = f.caseworker(world)
    staff = world.users[Role.DISTRICT_STAFF]
    for i in range(110):
        person = PersonFactory(village=world.village_a1 if i % 2 else world.village_a2)
        lead, _ = services.lead_report(person=person, method="visit", channel="home_visit",
                                       discovered_on=timezone.localdate(), by=user)
        Outcome.objects.create(lead=lead, kind=OutcomeKind.TEMPORARY, amount=Decimal("100"),
                               included_on=timezone.localdate(), recorded_by=user)
        FollowUp.objects.create(lead=lead, kind="after_outcome", due_on=timezone.localdate())
        SpotCheck.objects.create(lead=lead, township=world.township_a, month=timezone.localdate().replace(day=1))
    assert_list_queries(client_for(staff), reverse(name), LIST_QUERIES[name], min_rows=100)


# The case page's queries (issue 15, docs/DECISIONS.md 1321): a closed lead with an investigation, an outcome and a
# follow-up, as its township's caseworker. Each of the lead's rows is read once and passed on: the timeline takes
# the sources, outcomes, follow-ups, spot checks and transfer forms the page read; the notices panel takes its
# current investigation; the referrals block its transfer forms.
CASE_PAGE_QUERIES = [
    ("SELECT django_session", "the session"),
    ("SELECT accounts_user", "the logged-in user with their region, which scopes the lead (DECISIONS 1522)"),
    ("SELECT auth_permission", "the user's own and their groups' permissions, one UNION (permission_required)"),
    # The lead's nine joins planned in the order written: 8–17 ms of planning → 1–2 ms (common/planner.py).
    ("SET", "join_collapse_limit = 1, for the lead's query only"),
    ("SELECT cases_lead", "the lead with its person, household, township, village and the people who acted"),
    ("SET", "join_collapse_limit back to its default"),
    ("SELECT cases_outcome", "the lead's outcomes with department and who recorded and approved them"),
    ("SELECT cases_investigation", "the lead's investigations (the latest is the current one)"),
    ("SELECT accounts_user", "… their investigators (prefetch)"),
    ("SELECT cases_hardshipcause", "… their hardship causes (prefetch)"),
    ("SELECT cases_person", "the household's members in the user's scope"),
    ("SELECT cases_districtsettings", "the district's relief settings (the hint and the relief panel), read once"),
    ("SELECT accounts_region", "… none saved in this world: the district, for the default settings"),
    ("SELECT cases_person", "the household's living members' assistance statuses (the hint)"),
    ("SELECT cases_followup", "the lead's follow-ups with who did them"),
    ("SELECT cases_spotcheck", "the lead's spot checks with who drew and who visited"),
    ("SELECT cases_leadsource", "the lead's reports with their reporter"),
    ("SELECT cases_reliefkind", "… and their suspected relief (prefetch)"),
    ("SELECT referrals_transferform", "the lead's transfer forms in the user's scope (timeline and referrals block)"),
    ("SELECT cases_historicallead", "timeline: the lead's own changes"),
    ("SELECT cases_historicaloutcome", "timeline: the outcomes' changes"),
    ("SELECT cases_historicalfollowup", "timeline: follow-ups done"),
    ("SELECT cases_historicalspotcheck", "timeline: spot checks recorded"),
    ("SELECT cases_person", "timeline: the household's members (all of them: names of their leads and visits)"),
    ("SELECT intake_visit", "timeline: the household's visits (intake's timeline provider)"),
    ("SELECT cases_lead", "timeline: the household's other leads in the user's scope"),
    ("SELECT cases_historicalperson", "timeline: the members' assistance status changes"),
    ("INSERT common_auditevent", "the audit record of opening a case (DESIGN §11)"),
    ("COUNT referrals_notification", "the menu's badge: the user's unread notifications"),
    ("SELECT cases_reliefkind", "the lead's suspected relief"),
    ("SELECT cases_hardshipcause", "the lead's hardship causes"),
    ("SELECT cases_outcome", "notices: when the person last declined to apply (any of their leads)"),
    ("SELECT cases_applicationhelp", "notices: the 帮办代办 task"),
    ("SELECT cases_cadreassignment", "notices: the household's 包村 / 包户 cadres"),
]


def test_the_case_page_runs_its_pinned_queries(client_for, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.queries import query_key

    lead = f.closed(world)
    client = client_for(f.caseworker(world))
    assert page(client, lead).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert page(client, lead).status_code == 200
    keys = [query_key(q["sql"]) for q in ctx.captured_queries]
    assert keys == [what for what, _why in CASE_PAGE_QUERIES], "\n".join(keys)


def test_the_case_pages_timeline_is_the_one_read_afresh(world):
    """The rows the case page passes to the timeline give the same events as the timeline reading them itself."""
    from cases.selectors import lead_case, lead_timeline

    lead = f.closed(world)
    user = f.caseworker(world)
    fresh = Lead.objects.get(pk=lead.pk)
    assert lead_case(user=user, lead=fresh)["timeline"] == lead_timeline(user=user, lead=Lead.objects.get(pk=lead.pk))
