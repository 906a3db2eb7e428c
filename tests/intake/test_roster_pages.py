"""The roster pages: lists (scoped, masked, filtered, fixed query counts), the add and visit forms
(Chinese errors, input kept), the township's overdue-by-village page, severe weather and the widgets."""
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accounts.choices import Role
from cases.models import Lead, ReliefKind
from common.models import AuditEvent
from intake.roster import widgets as widgets_roster
from intake.choices import Cadence, RosterCategory
from intake.models import RosterEntry, SevereWeatherPeriod, Visit
from tests.factories import PersonFactory
from tests.intake.roster_factories import TODAY, add_entry, clock, make_due, tag  # noqa: F401 - clock is a fixture
from tests.queries import assert_list_queries, list_page
from tests.test_pages_are_chinese import assert_chinese

D = dt.timedelta
ROSTER = reverse("intake:roster_list")
VISITS = reverse("intake:visit_list")
ADD = reverse("intake:roster_add")
DUE = reverse("intake:visits_due")
OVERDUE = reverse("intake:roster_overdue")
WEATHER = reverse("intake:severe_weather")


@pytest.fixture
def entries(world, clock):
    """An overdue 特困 entry in A1, one due today in A1, one in A2 and one in township B."""
    assistant, caseworker = world.users[Role.VILLAGE_ASSISTANT], world.users[Role.TOWNSHIP_CASEWORKER]
    return {
        "a1": add_entry(assistant, world.people["a1"], since=TODAY - D(days=45)),
        "a1_today": make_due(add_entry(assistant, PersonFactory(village=world.village_a1, name="周七"),
                                       category=RosterCategory.CHILD_IN_DIFFICULTY, since=TODAY - D(days=3)), TODAY),
        "a2": add_entry(caseworker, world.people["a2"], category=RosterCategory.OTHER, since=TODAY - D(days=5)),
        "b1": add_entry(world.users["caseworker_b"], world.people["b1"], since=TODAY - D(days=60)),
    }


# --- lists ------------------------------------------------------------------------------------------
def test_the_roster_list_is_scoped_and_masks_id_numbers(client_for, world, entries):
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(ROSTER).content.decode()
    a1, b1 = world.people["a1"], world.people["b1"]
    assert a1.name in html and world.people["a2"].name in html and "周七" in html
    assert b1.name not in html
    assert a1.id_number not in html and a1.masked_id_number in html
    assert "逾期" in html and "今日到期" in html

    assistant_html = client_for(world.users[Role.VILLAGE_ASSISTANT]).get(ROSTER).content.decode()
    assert a1.name in assistant_html and world.people["a2"].name not in assistant_html


def test_a_caseworker_never_sees_another_townships_roster(client_for, world, entries):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    assert world.people["b1"].name not in client.get(ROSTER, {"village": world.village_b1.pk}).content.decode()
    assert client.get(reverse("intake:roster_detail", args=[entries["b1"].pk])).status_code == 404
    assert client.get(reverse("intake:visit_create", args=[entries["b1"].pk])).status_code == 404
    html = client.get(OVERDUE).content.decode()
    assert world.village_b1.name not in html and world.village_a1.name in html


@pytest.mark.parametrize("params, shown, hidden", [
    ({"due": "overdue"}, ["张一"], ["周七", "李二"]),
    ({"due": "today"}, ["周七"], ["张一", "李二"]),
    ({"due": "due"}, ["张一", "周七"], ["李二"]),
    ({"due": "later"}, ["李二"], ["张一", "周七"]),
    ({"category": RosterCategory.OTHER}, ["李二"], ["张一", "周七"]),
    ({"cadence": Cadence.MONTHLY, "village": "A2"}, ["李二"], ["张一", "周七"]),
    ({"q": "周"}, ["周七"], ["张一", "李二"]),
    ({"township": "A", "due_to": (TODAY - D(days=1)).isoformat()}, ["张一"], ["周七", "李二"]),
    ({"state": "ended"}, [], ["张一", "周七", "李二"]),
])
def test_roster_filters(client_for, world, entries, params, shown, hidden):
    params = dict(params)
    if params.get("village") == "A2":
        params["village"] = world.village_a2.pk
    if params.get("township") == "A":
        params["township"] = world.township_a.pk
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(ROSTER, params).content.decode()
    for name in shown:
        assert name in html, (params, name)
    for name in hidden:
        assert f">{name}<" not in html, (params, name)


def test_ended_entries_leave_the_default_list(client_for, world, entries):
    from intake.roster import services as roster

    roster.roster_entry_end(user=world.users[Role.TOWNSHIP_CASEWORKER], entry=entries["a2"], until=TODAY, reason="已迁出")
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    assert ">李二<" not in client.get(ROSTER).content.decode()
    assert ">李二<" in client.get(ROSTER, {"state": "ended"}).content.decode()


# The roster's and the visits' queries (tests/queries.py), the same for a township and for the district.
ROSTER_LIST_QUERIES = [
    *list_page("intake_rosterentry"),
    ("SELECT accounts_user", "the filter's choices of responsible assistants"),
    ("SELECT intake_rosterentry", "the page of entries (one query whatever the page size)"),
    ("SELECT cases_person_tags", "the codes of the page's people's tags, one query (DECISIONS 1580)"),
    ("SELECT intake_severeweatherperiod", "the townships under a severe-weather period (daily visits due)"),
]
VISIT_LIST_QUERIES = [
    *list_page("intake_visit"),
    ("SELECT accounts_user", "the filter's choices of visitors"),
    ("SELECT intake_visit", "the page of visits (one query whatever the page size)"),
]


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CASEWORKER, Role.DISTRICT_STAFF])
def test_roster_list_runs_its_pinned_queries_at_25_and_100(client_for, world, clock, role):
    caseworker, head = world.users[Role.TOWNSHIP_CASEWORKER], world.users[Role.TOWNSHIP_HEAD]
    for i in range(110):
        person = PersonFactory(village=world.village_a1 if i % 2 else world.village_a2)
        tag(person, "elderly_alone")
        if i % 2 == 0:  # 分散供养 特困: severe weather makes them weekly, so the page reads the periods (1545)
            tag(person, "dispersed_support")
        add_entry(caseworker, person, category=[RosterCategory.TEKUN, RosterCategory.OTHER][i % 2],
                  since=TODAY - D(days=i))
    from intake.roster import services as roster

    roster.severe_weather_declare(user=head, starts_on=TODAY, ends_on=TODAY + D(days=3))
    assert_list_queries(client_for(world.users[role]), ROSTER, ROSTER_LIST_QUERIES, min_rows=100)


def test_a_roster_page_that_severe_weather_cannot_change_reads_no_periods(client_for, world, clock):
    """Severe weather changes the cadence of 特困 and 困境儿童 only: a page of other people asks for no period
    (DECISIONS 1545), and shows their usual cadence, with a period on."""
    from intake.roster import services as roster

    caseworker, head = world.users[Role.TOWNSHIP_CASEWORKER], world.users[Role.TOWNSHIP_HEAD]
    for i in range(110):
        add_entry(caseworker, PersonFactory(village=world.village_a1), category=RosterCategory.OTHER,
                  since=TODAY - D(days=i))
    roster.severe_weather_declare(user=head, starts_on=TODAY, ends_on=TODAY + D(days=3))
    client = client_for(caseworker)
    assert_list_queries(client, ROSTER, ROSTER_LIST_QUERIES[:-1], min_rows=100)
    html = client.get(ROSTER).content.decode()
    assert '<span class="badge text-bg-warning" title=' not in html  # the severe-weather badge of a cadence


def test_visit_list_is_scoped_masked_and_runs_its_pinned_queries(client_for, world, clock):
    from intake.roster import services as roster

    assistant, caseworker = world.users[Role.VILLAGE_ASSISTANT], world.users[Role.TOWNSHIP_CASEWORKER]
    for i in range(60):
        entry = add_entry(caseworker, PersonFactory(village=world.village_a1), since=TODAY - D(days=40))
        for days in (1, 2):
            roster.visit_log(user=assistant, entry=entry, visited_on=TODAY - D(days=days), mode="home",
                             met_in_person=True, findings=f"第{days}次", found_hardship=(i == 0 and days == 1))
    b_entry = add_entry(world.users["caseworker_b"], world.people["b1"], since=TODAY - D(days=40))
    roster.visit_log(user=world.users["assistant_b"], entry=b_entry, visited_on=TODAY, mode="phone",
                     met_in_person=False, findings="电话回访")

    client = client_for(caseworker)
    html = client.get(VISITS).content.decode()
    assert world.people["b1"].name not in html
    some = Visit.objects.filter(township=world.township_a).select_related("person").order_by("-visited_on", "-id")[0]
    assert some.person.id_number not in html and some.person.masked_id_number in html
    lead = Visit.objects.get(lead__isnull=False).lead
    assert client.get(VISITS, {"found_hardship": "1"}).content.decode().count(lead.number) == 1
    assert_list_queries(client, VISITS, VISIT_LIST_QUERIES, min_rows=100)
    # Filters by mode and date.
    assert client.get(VISITS, {"mode": "phone"}).context["table"].paginator.count == 0
    assert client.get(VISITS, {"mode": "home"}).context["table"].paginator.count == 120
    only_yesterday = client.get(VISITS, {"date_from": (TODAY - D(days=1)).isoformat(),
                                         "date_to": (TODAY - D(days=1)).isoformat(), "per_page": 100})
    assert "第2次" not in only_yesterday.content.decode()


def test_roster_export_is_scoped_masked_and_audited(client_for, world, entries):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    response = client_for(caseworker).get(ROSTER, {"export": "xlsx"})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "重点人群花名册" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[0] == "姓名" and "身份证号" in header and "下次走访期限" in header
    assert "" not in header and None not in header  # no button column
    rows = [dict(zip(header, [c.value for c in r])) for r in ws.iter_rows(min_row=3)]
    assert {r["姓名"] for r in rows} == {"张一", "周七", "李二"}
    assert world.people["a1"].masked_id_number in {r["身份证号"] for r in rows}
    assert world.people["a1"].id_number not in {r["身份证号"] for r in rows}
    assert AuditEvent.objects.filter(action="export", user=caseworker, detail__contains="共 3 行").exists()


# --- adding to the roster ---------------------------------------------------------------------------
def test_an_assistant_adds_a_person_found_by_search(client_for, world, clock):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    a1 = world.people["a1"]
    # The type-ahead offers only people of the assistant's village.
    choices = client.get(reverse("intake:roster_person_search"), {"q": a1.id_number[:10]}).content.decode()
    assert a1.name in choices and world.people["a2"].name not in choices
    assert client.get(reverse("intake:roster_person_search"), {"q": "李二"}).content.decode().count("李二") == 1
    response = client.post(ADD, {"person": a1.pk, "category": RosterCategory.TEKUN, "reason": "分散供养特困人员",
                                 "cadence": "", "assistant": "", "since": TODAY.isoformat(), "q": "张"})
    entry = RosterEntry.objects.get(person=a1)
    assert response.status_code == 302 and response.url == reverse("intake:roster_detail", args=[entry.pk])
    assert entry.cadence == Cadence.MONTHLY and entry.next_due_on == dt.date(2026, 4, 10)
    page = client.get(response.url)
    assert "已将 张一 列入重点人群花名册" in page.content.decode()
    assert_chinese(page)


def test_bad_input_re_renders_the_add_form_in_chinese_with_the_input_kept(client_for, world, clock):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    a1 = world.people["a1"]
    # Nothing picked, no reason, a date in the future.
    response = client.post(ADD, {"person": "", "category": RosterCategory.OTHER, "reason": "",
                                 "since": (TODAY + D(days=3)).isoformat(), "q": "张一"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请先查找人员" in html and "列入日期不能晚于今天" in html and "这个字段是必须的" in html
    assert 'value="2026-03-13"' in html and 'value="张一"' in html
    assert a1.name in html  # the search is still there to pick from
    assert_chinese(response)
    # Someone outside the village cannot be picked, even by a forged form.
    forged = client.post(ADD, {"person": world.people["a2"].pk, "category": RosterCategory.OTHER,
                               "reason": "外村人员", "since": TODAY.isoformat()})
    assert "该人员不在您的辖区内" in forged.content.decode() and "外村人员" in forged.content.decode()
    assert not RosterEntry.objects.exists()


def test_adding_a_person_twice_says_so_in_chinese_and_keeps_the_input(client_for, world, entries):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    response = client.post(ADD, {"person": world.people["a1"].pk, "category": RosterCategory.OTHER,
                                 "reason": "重复添加试验", "since": TODAY.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "张一 已在重点人群花名册中" in html and "重复添加试验" in html
    assert_chinese(response)


def test_the_add_form_offers_only_assistants_in_scope(client_for, world, clock):
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(ADD).content.decode()
    assert world.users[Role.VILLAGE_ASSISTANT].display_name in html
    assert f'value="{world.users["assistant_b"].pk}"' not in html
    assert f'value="{world.users[Role.VILLAGE_ASSISTANT].pk}"' in html


# --- the visit form ---------------------------------------------------------------------------------
def test_a_visit_that_finds_hardship_raises_a_lead_from_the_same_screen(client_for, world, entries):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    entry = entries["a1"]
    url = reverse("intake:visit_create", args=[entry.pk])
    form = client.get(url)
    assert_chinese(form)
    dibao = ReliefKind.objects.get(code="dibao")
    response = client.post(url, {"visited_on": TODAY.isoformat(), "mode": "home", "met_in_person": "1",
                                 "findings": "老人摔伤，无人照料", "found_hardship": "1",
                                 "suspected_relief": [dibao.pk], "is_urgent": "on"}, follow=True)
    visit = Visit.objects.get(roster_entry=entry)
    lead = Lead.objects.get(person=entry.person)
    assert visit.lead == lead and lead.is_urgent
    html = response.content.decode()
    assert f"线索 {lead.number} 已上报" in html and lead.get_absolute_url() in html
    entry.refresh_from_db()
    assert entry.last_visited_on == TODAY and entry.next_due_on == dt.date(2026, 4, 10)
    assert_chinese(response)
    # The lead page shows the visit as its source.
    lead_page = client.get(lead.get_absolute_url()).content.decode()
    assert "花名册走访" in lead_page and "老人摔伤，无人照料" in lead_page


def test_a_quiet_visit_raises_no_lead(client_for, world, entries):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    entry = entries["a1_today"]
    response = client.post(reverse("intake:visit_create", args=[entry.pk]), {
        "visited_on": TODAY.isoformat(), "mode": "phone", "met_in_person": "0", "findings": "",
        "found_hardship": "0"})
    assert response.status_code == 302
    visit = Visit.objects.get(roster_entry=entry)
    assert visit.lead is None and not visit.met_in_person and visit.mode == "phone"
    assert not Lead.objects.exists()


@pytest.mark.parametrize("data, errors", [
    ({"visited_on": (TODAY + D(days=1)).isoformat()}, ["走访日期不能晚于今天"]),
    ({"visited_on": ""}, ["这个字段是必须的"]),
    ({"visited_on": "明天"}, ["请按 2026-03-01 的格式填写日期"]),
    ({"found_hardship": "1", "findings": ""}, ["请描述发现的新困难"]),
    ({"mode": ""}, ["请选择走访方式"]),
    ({"visited_on": (TODAY - D(days=100)).isoformat()}, ["走访日期不能早于列入花名册的日期"]),
])
def test_bad_visits_re_render_in_chinese_with_the_input_kept(client_for, world, entries, data, errors):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    url = reverse("intake:visit_create", args=[entries["a1"].pk])
    post = {"visited_on": TODAY.isoformat(), "mode": "phone", "met_in_person": "0",
            "findings": "门锁着，邻居说去女儿家了", "found_hardship": "0"}
    post.update(data)
    response = client.post(url, post)
    html = response.content.decode()
    assert response.status_code == 200
    for error in errors:
        assert error in html
    if post["findings"]:
        assert post["findings"] in html
    if post["visited_on"]:
        assert f'value="{post["visited_on"]}"' in html
    if post["mode"]:
        assert re.search(r'value="phone"[^>]*checked', html)
    assert_chinese(response)
    assert not Visit.objects.exists()


def test_an_assistant_cannot_open_or_post_a_visit_outside_their_village(client_for, world, entries):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    url = reverse("intake:visit_create", args=[entries["a2"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"visited_on": TODAY.isoformat(), "mode": "home", "met_in_person": "1",
                             "found_hardship": "0"}).status_code == 404
    assert not Visit.objects.exists()


def test_ending_an_entry_from_its_page(client_for, world, entries):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    entry = entries["a1"]
    bad = client.post(reverse("intake:roster_end", args=[entry.pk]), {"until": (TODAY + D(days=2)).isoformat(),
                                                                     "reason": "已迁出"}, follow=True)
    assert "移出日期不能晚于今天" in bad.content.decode()
    good = client.post(reverse("intake:roster_end", args=[entry.pk]), {"until": TODAY.isoformat(), "reason": "已迁出"},
                       follow=True)
    assert "已将 张一 移出花名册" in good.content.decode()
    assert_chinese(good)
    entry.refresh_from_db()
    assert entry.until == TODAY
    assert client.get(reverse("intake:visit_create", args=[entry.pk])).status_code == 302


# --- due lists, the township's overview, severe weather, widgets --------------------------------------
def test_the_assistants_due_list(client_for, world, entries):
    response = client_for(world.users[Role.VILLAGE_ASSISTANT]).get(DUE)
    html = response.content.decode()
    assert "张一" in html and "周七" in html and "李二" not in html and "王三" not in html
    assert "逾期 14 天" in html  # on the roster since 2026-01-24, due 2026-02-24
    assert_chinese(response)


def test_overdue_by_village_page_counts_and_links(client_for, world, entries):
    response = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(OVERDUE)
    html = response.content.decode()
    assert world.village_a1.name in html and world.village_a2.name in html
    assert f"?village={world.village_a1.pk}&amp;due=overdue" in html
    assert 'data-testid="total-overdue">1<' in html
    assert_chinese(response)
    district_html = client_for(world.users[Role.DISTRICT_STAFF]).get(OVERDUE).content.decode()
    assert world.village_b1.name in district_html and world.township_b.name in district_html


def test_the_township_head_declares_and_ends_severe_weather(client_for, world, entries):
    head_client = client_for(world.users[Role.TOWNSHIP_HEAD])
    page = head_client.get(WEATHER)
    assert_chinese(page)
    bad = head_client.post(WEATHER, {"starts_on": TODAY.isoformat(), "ends_on": (TODAY - D(days=1)).isoformat(),
                                     "note": "寒潮"})
    assert "结束日期不能早于开始日期" in bad.content.decode() and 'value="寒潮"' in bad.content.decode()
    response = head_client.post(WEATHER, {"starts_on": TODAY.isoformat(),
                                          "ends_on": (TODAY + D(days=6)).isoformat(), "note": "寒潮"}, follow=True)
    assert "已启动恶劣天气期" in response.content.decode()
    assert_chinese(response)
    period = SevereWeatherPeriod.objects.get()
    for entry in entries.values():
        entry.refresh_from_db()
    # The 困境儿童 put on the roster on 03-07 is due a week later; an overdue visit stays overdue.
    assert entries["a1_today"].next_due_on == dt.date(2026, 3, 14)
    assert entries["a1"].next_due_on == dt.date(2026, 2, 24)
    assert entries["a2"].next_due_on == dt.date(2026, 4, 5)
    # The roster list shows the weekly cadence with the severe-weather badge.
    assert "恶劣天气" in head_client.get(ROSTER).content.decode()
    ended = head_client.post(reverse("intake:severe_weather_end", args=[period.pk]), follow=True)
    assert "恶劣天气期于今天结束" in ended.content.decode()


def test_a_caseworker_sees_severe_weather_but_cannot_declare_it(client_for, world, entries):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(WEATHER).content.decode()
    assert 'name="starts_on"' not in html
    response = client.post(WEATHER, {"starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat()}, follow=True)
    assert "只有乡镇（街道）分管领导" in response.content.decode()
    assert not SevereWeatherPeriod.objects.exists()


def _widget(user, fn):
    request = RequestFactory().get("/")
    request.user = user
    return fn(request)


def test_widgets(world, entries):
    assistant, caseworker = world.users[Role.VILLAGE_ASSISTANT], world.users[Role.TOWNSHIP_CASEWORKER]
    due = _widget(assistant, widgets_roster.roster_visits_due)
    assert due["due"]["counts"] == {"overdue": 1, "due_today": 1}
    html = render_to_string(due["template"], {"widget": due})
    assert "张一" in html and "周七" in html and reverse("intake:visit_create", args=[entries["a1"].pk]) in html
    assert _widget(caseworker, widgets_roster.roster_visits_due) is None

    overview = _widget(caseworker, widgets_roster.roster_overdue_by_village)
    assert overview["total_overdue"] == 1 and overview["total_due_today"] == 1 and overview["total_active"] == 3
    html = render_to_string(overview["template"], {"widget": overview})
    assert world.village_a1.name in html and world.village_b1.name not in html
    assert _widget(world.users[Role.TOWNSHIP_HEAD], widgets_roster.roster_overdue_by_village) is not None
    for role in (Role.VILLAGE_ASSISTANT, Role.DEPARTMENT_LIAISON, Role.DISTRICT_STAFF):
        assert _widget(world.users[role], widgets_roster.roster_overdue_by_village) is None


@pytest.mark.parametrize("role", [Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD,
                                  Role.DISTRICT_STAFF, Role.DISTRICT_HEAD])
def test_roster_pages_are_chinese(client_for, world, entries, role):
    client = client_for(world.users[role])
    for url in (ROSTER, VISITS, DUE, OVERDUE, WEATHER, reverse("intake:roster_detail", args=[entries["a1"].pk])):
        assert_chinese(client.get(url))
    assert_chinese(client.get(ROSTER, {"due": "overdue", "category": "tekun"}))
    if role not in (Role.DISTRICT_HEAD,):
        assert_chinese(client.get(ADD))
        assert_chinese(client.get(ADD, {"q": "无此人"}))


def test_detail_pages_are_audited(client_for, world, entries):
    user = world.users[Role.TOWNSHIP_CASEWORKER]
    client_for(user).get(reverse("intake:roster_detail", args=[entries["a1"].pk]))
    event = AuditEvent.objects.get(action="detail", user=user)
    assert event.object_type == "intake.RosterEntry" and event.object_id == str(entries["a1"].pk)


def test_a_caseworker_corrects_an_entry_and_the_next_visit_follows_the_new_cadence(world, clock, client_for):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    entry = add_entry(world.users[Role.VILLAGE_ASSISTANT], world.people["a1"], category=RosterCategory.OTHER,
                      since=TODAY - D(days=3))
    assert entry.cadence == Cadence.MONTHLY
    client = client_for(caseworker)
    url = reverse("intake:roster_edit", args=[entry.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert_chinese(page)
    # Bad input re-renders with what was typed and a Chinese error; nothing changes.
    bad = client.post(url, {"category": RosterCategory.GRAVELY_ILL, "reason": "  ", "cadence": Cadence.WEEKLY})
    assert bad.status_code == 200
    assert "这个字段是必须的" in bad.content.decode()
    assert f'value="{Cadence.WEEKLY}" selected' in bad.content.decode()
    entry.refresh_from_db()
    assert entry.cadence == Cadence.MONTHLY

    done = client.post(url, {"category": RosterCategory.OTHER, "reason": "独居老人，近期行动不便",
                             "cadence": Cadence.WEEKLY})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.cadence == Cadence.WEEKLY and entry.reason == "独居老人，近期行动不便"
    assert entry.next_due_on == TODAY - D(days=3) + D(days=7)
    assert entry.history.filter(history_change_reason="change").count() == 1
    assert AuditEvent.objects.filter(action="change", object_id=str(entry.pk)).exists()
    # Saving the same again changes nothing (no second history row).
    client.post(url, {"category": RosterCategory.OTHER, "reason": "独居老人，近期行动不便", "cadence": Cadence.WEEKLY})
    assert entry.history.filter(history_change_reason="change").count() == 1


def test_another_township_cannot_correct_the_entry(world, clock, client_for):
    entry = add_entry(world.users[Role.VILLAGE_ASSISTANT], world.people["a1"], since=TODAY - D(days=3))
    response = client_for(world.users["caseworker_b"]).post(
        reverse("intake:roster_edit", args=[entry.pk]),
        {"category": RosterCategory.OTHER, "reason": "改动", "cadence": Cadence.DAILY})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.reason != "改动"
