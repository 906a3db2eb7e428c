"""The roster's rules: cadence defaults (seeds 001, 002), due dates, severe weather, visits raising leads,
one active entry per person, and scope — through the services, as the pages use them."""
import datetime as dt
import threading

import pytest
from django.db import connection

from accounts.choices import Role
from cases.choices import AssistanceStatus, Channel, DiscoveryMethod, LeadStatus, SourceType
from cases.models import Lead, LeadSource, ReliefKind
from cases.services import lead_report
from intake.roster import services as roster
from intake.roster import selectors as roster_selectors
from intake.choices import Cadence, RosterCategory, VisitMode
from intake.models import RosterEntry, SevereWeatherPeriod, Visit
from tests.factories import PersonFactory, make_user
from tests.intake.roster_factories import TODAY, add_entry, clock, tag  # noqa: F401 - clock is a fixture

D = dt.timedelta


def _visit(user, entry, **kw):
    args = dict(visited_on=TODAY, mode=VisitMode.HOME, met_in_person=True, findings="", found_hardship=False)
    args.update(kw)
    return roster.visit_log(user=user, entry=entry, **args)


# --- cadence defaults -----------------------------------------------------------------------------
@pytest.mark.parametrize("category, tags, expected", [
    (RosterCategory.TEKUN, [], Cadence.MONTHLY),
    (RosterCategory.CHILD_IN_DIFFICULTY, [], Cadence.MONTHLY),
    (RosterCategory.OTHER, [], Cadence.MONTHLY),
    (RosterCategory.GRAVELY_ILL, [], Cadence.DAILY),
    (RosterCategory.TEKUN, ["seriously_ill"], Cadence.DAILY),
    (RosterCategory.OTHER, ["unable_to_self_care"], Cadence.DAILY),
    (RosterCategory.CHILD_IN_DIFFICULTY, ["left_behind"], Cadence.MONTHLY),
])
def test_default_cadence_follows_the_seed_rules(world, clock, category, tags, expected):
    person = world.people["a1"]
    for code in tags:
        tag(person, code)
    entry = add_entry(world.users[Role.VILLAGE_ASSISTANT], person, category=category, since=TODAY)
    assert entry.cadence == expected
    step = {Cadence.DAILY: dt.date(2026, 3, 11), Cadence.MONTHLY: dt.date(2026, 4, 10)}[expected]
    assert entry.next_due_on == step


def test_a_chosen_cadence_is_kept_and_the_assistant_defaults_to_the_one_adding(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], category=RosterCategory.OTHER, cadence=Cadence.WEEKLY,
                      since=TODAY - D(days=2))
    assert entry.cadence == Cadence.WEEKLY and entry.next_due_on == TODAY + D(days=5)
    assert entry.assistant == assistant and entry.created_by == assistant
    assert entry.township == world.township_a and entry.village == world.village_a1


def test_a_caseworker_adding_gets_the_village_assistant_assigned(world, clock):
    entry = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a1"])
    assert entry.assistant == world.users[Role.VILLAGE_ASSISTANT]
    # Village A2 has no assistant: nobody is assigned, the entry still shows to the township.
    entry2 = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a2"])
    assert entry2.assistant is None


def test_an_assistant_of_another_village_cannot_be_assigned(world, clock):
    with pytest.raises(roster.RosterError, match="不负责"):
        add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a1"],
                  assistant=world.users["assistant_b"])


def test_month_end_due_dates(world, clock):
    clock.move_to(dt.date(2026, 1, 31))
    entry = add_entry(world.users[Role.VILLAGE_ASSISTANT], world.people["a1"], since=dt.date(2026, 1, 31))
    assert entry.next_due_on == dt.date(2026, 2, 28)


# --- visits move the due date -----------------------------------------------------------------------
def test_a_visit_moves_the_next_due_date_one_step_after_it(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=40))
    assert entry.next_due_on == dt.date(2026, 2, 28)  # 2026-01-29 plus one month
    visit = _visit(assistant, entry, visited_on=TODAY - D(days=1), findings="生活正常")
    entry.refresh_from_db()
    assert visit.visitor == assistant and visit.lead is None
    assert entry.last_visited_on == TODAY - D(days=1)
    assert entry.next_due_on == dt.date(2026, 4, 9)
    # An older visit logged late does not move the last visit back.
    _visit(assistant, entry, visited_on=TODAY - D(days=20), findings="补录")
    entry.refresh_from_db()
    assert entry.last_visited_on == TODAY - D(days=1) and entry.next_due_on == dt.date(2026, 4, 9)


def test_gravely_ill_people_are_due_daily_even_when_tagged_after_being_added(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    person = world.people["a1"]
    entry = add_entry(assistant, person, category=RosterCategory.OTHER, since=TODAY - D(days=3))
    assert entry.cadence == Cadence.MONTHLY
    tag(person, "unable_to_self_care")
    _visit(assistant, entry)
    entry.refresh_from_db()
    assert entry.next_due_on == TODAY + D(days=1)
    assert roster.effective_cadence(entry, severe_weather=False) == Cadence.DAILY


def test_the_same_visit_submitted_twice_is_logged_once(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=3))
    first = _visit(assistant, entry, findings="一切正常")
    second = _visit(assistant, entry, findings="一切正常")
    assert first.pk == second.pk and Visit.objects.count() == 1


@pytest.mark.parametrize("kw, message", [
    ({"visited_on": TODAY + D(days=1)}, "不能晚于今天|不能是将来"),
    ({"visited_on": TODAY - D(days=30)}, "不能早于"),
    ({"found_hardship": True, "findings": "  "}, "请写明|请描述"),
])
def test_bad_visits_are_refused_in_chinese(world, clock, kw, message):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=3))
    with pytest.raises(roster.RosterError, match=message):
        _visit(assistant, entry, **kw)
    assert not Visit.objects.exists()


# --- a visit that finds hardship raises a lead ------------------------------------------------------
def test_a_home_visit_that_finds_hardship_raises_a_lead_with_the_visit_as_its_source(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    person = world.people["a1"]
    entry = add_entry(assistant, person, since=TODAY - D(days=35))
    dibao, medical = ReliefKind.objects.get(code="dibao"), ReliefKind.objects.get(code="medical")
    visit = _visit(assistant, entry, found_hardship=True, findings="老人摔伤住院，无人照料，医药费难以负担。",
                   suspected_relief=[dibao, medical], is_urgent=True)
    lead = visit.lead
    assert lead is not None and lead.person == person and lead.status == LeadStatus.REPORTED
    assert lead.method == DiscoveryMethod.VISIT and lead.channel == Channel.HOME_VISIT
    assert lead.is_urgent and set(lead.suspected_relief.all()) == {dibao, medical}
    assert lead.discovered_on == TODAY and not lead.is_late_report
    source = LeadSource.objects.get(lead=lead)
    assert source.source_type == SourceType.ROSTER_VISIT and source.reported_by == assistant
    assert (source.origin_type, source.origin_id) == ("intake.Visit", str(visit.pk))
    assert source.description == "老人摔伤住院，无人照料，医药费难以负担。"
    entry.refresh_from_db()
    assert entry.last_visited_on == TODAY


def test_a_phone_visit_raises_a_lead_on_the_other_channel_and_is_a_late_report_when_logged_later(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=35))
    visit = _visit(assistant, entry, mode=VisitMode.PHONE, met_in_person=False, visited_on=TODAY - D(days=2),
                   found_hardship=True, findings="电话中称已断粮两天")
    assert visit.lead.channel == Channel.OTHER and visit.lead.is_late_report
    assert visit.lead.discovered_on == TODAY - D(days=2)


def test_hardship_found_for_a_person_with_an_open_lead_is_merged_into_it(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    person = world.people["a1"]
    existing, _ = lead_report(person=person, method=DiscoveryMethod.WORK, channel=Channel.SERVICE_HALL,
                              discovered_on=TODAY, by=world.users[Role.TOWNSHIP_CASEWORKER], description="窗口来访")
    entry = add_entry(assistant, person, since=TODAY - D(days=35))
    visit = _visit(assistant, entry, found_hardship=True, findings="入户核实：确实困难")
    assert visit.lead == existing
    assert Lead.objects.filter(person=person).count() == 1
    assert existing.sources.count() == 2


def test_a_visit_whose_lead_is_refused_leaves_nothing_behind(world, clock):
    # When the lead cannot be reported (here: the role lost the right to log leads), the visit is not kept either.
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=35))
    assistant.user_permissions.clear()
    from accounts.roles import group_for

    group = group_for(Role.VILLAGE_ASSISTANT)
    perm = group.permissions.get(codename="add_lead")
    group.permissions.remove(perm)
    try:
        fresh = type(assistant).objects.get(pk=assistant.pk)
        with pytest.raises(roster.RosterError):
            _visit(fresh, entry, found_hardship=True, findings="困难")
    finally:
        group.permissions.add(perm)
    assert not Visit.objects.exists() and not Lead.objects.exists()
    entry.refresh_from_db()
    assert entry.last_visited_on is None


# --- one active entry per person --------------------------------------------------------------------
def test_a_person_has_one_active_entry_and_can_come_back_after_it_ended(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    person = world.people["a1"]
    entry = add_entry(assistant, person, since=TODAY - D(days=10))
    with pytest.raises(roster.RosterError, match="已在重点人群花名册"):
        add_entry(world.users[Role.TOWNSHIP_CASEWORKER], person, category=RosterCategory.OTHER)
    ended = roster.roster_entry_end(user=assistant, entry=entry, until=TODAY, reason="已迁出")
    assert ended.until == TODAY and ended.next_due_on is None
    # Ending it again the same day is harmless; the person can be put back on the roster.
    assert roster.roster_entry_end(user=assistant, entry=entry, until=TODAY, reason="已迁出").until == TODAY
    again = add_entry(assistant, person, category=RosterCategory.OTHER)
    assert again.pk != entry.pk and RosterEntry.objects.filter(person=person).count() == 2


@pytest.mark.parametrize("until, message", [
    (TODAY + D(days=1), "不能是将来|不能晚于"),
    (TODAY - D(days=20), "不能早于"),
])
def test_bad_end_dates_are_refused(world, clock, until, message):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=10))
    with pytest.raises(roster.RosterError, match=message):
        roster.roster_entry_end(user=assistant, entry=entry, until=until, reason="已迁出")


def test_visits_to_an_ended_entry_are_refused(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=10))
    roster.roster_entry_end(user=assistant, entry=entry, until=TODAY, reason="已迁出")
    with pytest.raises(roster.RosterError, match="移出"):
        _visit(assistant, entry)


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_same_person_at_once_get_a_chinese_message(world):
    """The pre-check cannot see an uncommitted entry: the database constraint decides, and is translated."""
    person = world.people["a1"]
    assistant, caseworker = world.users[Role.VILLAGE_ASSISTANT], world.users[Role.TOWNSHIP_CASEWORKER]
    from django.db import transaction

    first_inserted, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def first():
        try:
            with transaction.atomic():
                add_entry(assistant, person)
                first_inserted.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        first_inserted.wait(10)
        try:
            add_entry(caseworker, person, category=RosterCategory.OTHER)
        except roster.RosterError as exc:
            errors.append(exc)
        finally:
            connection.close()

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    first_inserted.wait(10)
    import time

    time.sleep(0.5)  # the second insert is now waiting on the unique index
    release.set()
    t1.join(10)
    t2.join(10)
    assert len(errors) == 1 and "已在重点人群花名册" in str(errors[0])
    assert RosterEntry.objects.filter(person=person, until__isnull=True).count() == 1


# --- severe weather ---------------------------------------------------------------------------------
def test_severe_weather_makes_tekun_and_children_weekly_and_ending_it_restores_monthly(world, clock):
    head, assistant = world.users[Role.TOWNSHIP_HEAD], world.users[Role.VILLAGE_ASSISTANT]
    tag(world.people["a1"], "dispersed_support")  # 分散供养 (seed 002)
    tekun = add_entry(assistant, world.people["a1"], category=RosterCategory.TEKUN, since=TODAY - D(days=20))
    other = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a2"], category=RosterCategory.OTHER,
                      since=TODAY - D(days=20))
    child_person = PersonFactory(village=world.village_a1, name="小明")
    tag(child_person, "child_in_difficulty")
    child = add_entry(assistant, child_person, category=RosterCategory.OTHER, since=TODAY - D(days=3))
    b_entry = add_entry(world.users["caseworker_b"], world.people["b1"], since=TODAY - D(days=20))
    assert tekun.next_due_on == dt.date(2026, 3, 18)

    period = roster.severe_weather_declare(user=head, starts_on=TODAY, ends_on=TODAY + D(days=14), note="暴雪")
    assert period.township == world.township_a and period.declared_by == head
    for e in (tekun, other, child, b_entry):
        e.refresh_from_db()
    assert tekun.next_due_on == TODAY  # last seen 20 days ago: due at once, not 13 days overdue
    assert child.next_due_on == TODAY + D(days=4)  # the 困境儿童 tag counts too
    assert other.next_due_on == dt.date(2026, 3, 18)  # other entries stay monthly (seed 001)
    assert b_entry.next_due_on == dt.date(2026, 3, 18)  # another township is not touched
    assert roster.effective_cadence(tekun, severe_weather=True) == Cadence.WEEKLY

    # During the period each visit puts the next one a week later.
    _visit(assistant, tekun)
    tekun.refresh_from_db()
    assert tekun.next_due_on == TODAY + D(days=7)

    # Declaring the same period again changes nothing; an overlapping one is refused.
    assert roster.severe_weather_declare(user=head, starts_on=TODAY, ends_on=TODAY + D(days=14)).pk == period.pk
    with pytest.raises(roster.RosterError, match="重叠"):
        roster.severe_weather_declare(user=head, starts_on=TODAY + D(days=10), ends_on=TODAY + D(days=20))

    # Ended today: from tomorrow, visits are monthly again.
    ended = roster.severe_weather_end(user=head, period=period)
    assert ended.ends_on == TODAY
    tekun.refresh_from_db()
    child.refresh_from_db()
    assert tekun.next_due_on == dt.date(2026, 4, 10)
    assert child.next_due_on == dt.date(2026, 4, 7)


def test_a_coming_period_shortens_visits_from_its_first_day_and_can_be_cancelled(world, clock):
    head, assistant = world.users[Role.TOWNSHIP_HEAD], world.users[Role.VILLAGE_ASSISTANT]
    tag(world.people["a1"], "dispersed_support")  # 分散供养 (seed 002)
    entry = add_entry(assistant, world.people["a1"], since=TODAY - D(days=1))
    period = roster.severe_weather_declare(user=head, starts_on=TODAY + D(days=10), ends_on=TODAY + D(days=12))
    entry.refresh_from_db()
    assert entry.next_due_on == TODAY + D(days=10)
    assert roster.severe_weather_end(user=head, period=period) is None
    assert not SevereWeatherPeriod.objects.exists()
    entry.refresh_from_db()
    assert entry.next_due_on == dt.date(2026, 4, 9)


def test_daily_visits_stay_daily_in_severe_weather(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], category=RosterCategory.GRAVELY_ILL, since=TODAY)
    roster.severe_weather_declare(user=world.users[Role.TOWNSHIP_HEAD], starts_on=TODAY, ends_on=TODAY + D(days=5))
    entry.refresh_from_db()
    assert entry.next_due_on == TODAY + D(days=1)
    assert roster.effective_cadence(entry, severe_weather=True) == Cadence.DAILY


def test_the_tekun_status_counts_for_severe_weather(world, clock):
    person = world.people["a1"]
    person.assistance_status = AssistanceStatus.TEKUN
    person.save()
    tag(person, "dispersed_support")
    entry = add_entry(world.users[Role.VILLAGE_ASSISTANT], person, category=RosterCategory.OTHER,
                      since=TODAY - D(days=9))
    roster.severe_weather_declare(user=world.users[Role.TOWNSHIP_HEAD], starts_on=TODAY, ends_on=TODAY + D(days=5))
    entry.refresh_from_db()
    assert entry.next_due_on == TODAY


@pytest.mark.parametrize("who", [Role.TOWNSHIP_CASEWORKER, Role.VILLAGE_ASSISTANT, Role.DISTRICT_STAFF])
def test_only_the_township_head_declares_severe_weather(world, clock, who):
    with pytest.raises(roster.RosterError, match="乡镇.*分管领导|只有"):
        roster.severe_weather_declare(user=world.users[who], starts_on=TODAY, ends_on=TODAY + D(days=3))


@pytest.mark.parametrize("start, end, message", [
    (TODAY, TODAY - D(days=1), "不能早于"),
    (TODAY - D(days=10), TODAY - D(days=2), "已经结束|已结束"),
    (TODAY, TODAY + D(days=120), "最长"),
])
def test_bad_severe_weather_periods_are_refused(world, clock, start, end, message):
    with pytest.raises(roster.RosterError, match=message):
        roster.severe_weather_declare(user=world.users[Role.TOWNSHIP_HEAD], starts_on=start, ends_on=end)


def test_a_head_cannot_end_another_townships_period(world, clock):
    other_head = make_user("u_head_b", Role.TOWNSHIP_HEAD, world.township_b)
    period = roster.severe_weather_declare(user=other_head, starts_on=TODAY, ends_on=TODAY + D(days=3))
    with pytest.raises(roster.RosterError, match="其他乡镇|另一个乡镇"):
        roster.severe_weather_end(user=world.users[Role.TOWNSHIP_HEAD], period=period)


# --- scope ------------------------------------------------------------------------------------------
def test_an_assistant_cannot_put_on_the_roster_or_visit_outside_their_village(world, clock):
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    with pytest.raises(roster.RosterError, match="不在您的辖区"):
        add_entry(assistant, world.people["a2"])
    other_entry = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a2"], since=TODAY - D(days=3))
    with pytest.raises(roster.RosterError, match="不在您的辖区"):
        _visit(assistant, other_entry)
    with pytest.raises(roster.RosterError, match="不在您的辖区|辖区"):
        roster.roster_entry_end(user=assistant, entry=other_entry, until=TODAY, reason="已迁出")
    assert not Visit.objects.exists()


def test_a_caseworker_cannot_touch_another_townships_roster(world, clock):
    b_entry = add_entry(world.users["caseworker_b"], world.people["b1"], since=TODAY - D(days=3))
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    with pytest.raises(roster.RosterError):
        add_entry(caseworker, world.people["b1"])
    with pytest.raises(roster.RosterError):
        _visit(caseworker, b_entry)
    assert list(roster_selectors.roster_entries(user=caseworker)) == []
    assert roster_selectors.overdue_by_village(user=caseworker) == []


@pytest.mark.parametrize("role", [Role.DEPARTMENT_LIAISON, Role.DISTRICT_HEAD])
def test_readers_cannot_write_the_roster(world, clock, role):
    with pytest.raises(roster.RosterError):
        add_entry(world.users[role], world.people["a1"])


def test_visits_due_and_overdue_by_village(world, clock):
    assistant, caseworker = world.users[Role.VILLAGE_ASSISTANT], world.users[Role.TOWNSHIP_CASEWORKER]
    overdue = add_entry(assistant, world.people["a1"], since=TODAY - D(days=45))  # due 2026-02-22
    today_person = PersonFactory(village=world.village_a1, name="周七")
    due_today = add_entry(assistant, today_person, category=RosterCategory.OTHER, cadence=Cadence.WEEKLY,
                          since=TODAY - D(days=7))
    later = add_entry(assistant, PersonFactory(village=world.village_a1, name="吴八"), since=TODAY)
    a2 = add_entry(caseworker, world.people["a2"], since=TODAY - D(days=60))
    b1 = add_entry(world.users["caseworker_b"], world.people["b1"], since=TODAY - D(days=60))

    due = roster_selectors.visits_due(user=assistant)
    assert [e.pk for e in due["overdue"]] == [overdue.pk]
    assert [e.pk for e in due["due_today"]] == [due_today.pk]
    assert due["counts"] == {"overdue": 1, "due_today": 1}
    assert later.pk not in {e.pk for e in due["overdue"] + due["due_today"]}

    rows = {r["village_id"]: r for r in roster_selectors.overdue_by_village(user=caseworker)}
    assert set(rows) == {world.village_a1.pk, world.village_a2.pk}
    assert (rows[world.village_a1.pk]["overdue"], rows[world.village_a1.pk]["due_today"],
            rows[world.village_a1.pk]["active"]) == (1, 1, 3)
    assert rows[world.village_a1.pk]["days_overdue"] == (TODAY - overdue.next_due_on).days
    assert rows[world.village_a2.pk]["overdue"] == 1
    assert a2.pk and b1.pk
    district = {r["village_id"] for r in roster_selectors.overdue_by_village(user=world.users[Role.DISTRICT_STAFF])}
    assert world.village_b1.pk in district


def test_an_assistant_sees_their_own_townships_severe_weather_only(world, clock):
    roster.severe_weather_declare(user=world.users[Role.TOWNSHIP_HEAD], starts_on=TODAY, ends_on=TODAY + D(days=2))
    other_head = make_user("u_head_b2", Role.TOWNSHIP_HEAD, world.township_b)
    roster.severe_weather_declare(user=other_head, starts_on=TODAY, ends_on=TODAY + D(days=2))
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    assert roster_selectors.severe_weather_townships(user=assistant) == {world.township_a.pk}
    assert [p.township for p in roster_selectors.severe_weather_current(user=assistant)] == [world.township_a]
    assert roster_selectors.severe_weather_townships(user=world.users["assistant_b"]) == {world.township_b.pk}
    assert roster_selectors.severe_weather_townships(user=world.users[Role.TOWNSHIP_CASEWORKER]) == {world.township_a.pk}
    assert roster_selectors.severe_weather_townships(user=world.users[Role.DISTRICT_STAFF]) == {
        world.township_a.pk, world.township_b.pk}
    assert roster_selectors.severe_weather_townships(user=world.users[Role.DEPARTMENT_LIAISON]) == set()


def test_the_nightly_recompute_brings_forward_a_person_tagged_gravely_ill_elsewhere(world, clock):
    from intake.tasks import recompute_roster_due_dates

    assistant = world.users[Role.VILLAGE_ASSISTANT]
    entry = add_entry(assistant, world.people["a1"], category=RosterCategory.OTHER, since=TODAY - D(days=3))
    other = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a2"], category=RosterCategory.OTHER,
                      since=TODAY - D(days=3))
    monthly_due = entry.next_due_on
    assert monthly_due > TODAY + D(days=7)
    tag(world.people["a1"], "unable_to_self_care")  # recorded on the person's page, not through the roster

    assert recompute_roster_due_dates() == 1
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.next_due_on <= TODAY  # daily from the start: due now
    assert other.next_due_on == monthly_due
    assert recompute_roster_due_dates() == 0  # nothing more to move
