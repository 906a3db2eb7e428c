"""The lead's life as services: every transition for the allowed role, a forbidden role, a repeat call and a
lead in another region; optimistic locking; the history of who did what."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Region
from cases import services
from cases.choices import (
    ArchiveClass, FollowUpKind, FollowUpStatus, LeadStatus, OutcomeKind, OutcomeStatus, Paperwork, SpotCheckFinding,
)
from cases.models import FollowUp, Lead, Outcome, SpotCheck
from cases.services import LeadError
from tests.cases import factories as f
from tests.conftest import QIANJIANG
from tests.factories import make_user

# Portable: the lead's life also runs on SQLite, the default of `make run` (JIUZHU_TEST_SQLITE=1, .ci/run).
pytestmark = pytest.mark.portable


def other_district_head():
    qianjiang = Region.objects.get(code=f"{QIANJIANG}000000")
    return make_user("u_other_head", Role.DISTRICT_HEAD, qianjiang)


def pending_approval(world, person="a1") -> Outcome:
    lead = f.assessed(world, person)
    user = f.caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    return services.outcome_record(lead=lead, user=user, kind=OutcomeKind.TEMPORARY, amount=Decimal("9000"),
                                   reason="重病手术费用巨大")


def dibao_in_review(world, person="a1") -> Outcome:
    lead = f.assessed(world, person)
    user = f.caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    return services.outcome_record(lead=lead, user=user, kind=OutcomeKind.DIBAO)


def green(world, person="a1") -> Outcome:
    lead = f.accepted(world, person, urgent=True)
    user = f.caseworker(world) if person.startswith("a") else world.users["caseworker_b"]
    return services.lead_green_channel(lead=lead, user=user, district_members="区中心 王", township_members="镇 李",
                                       village_members="村 赵", amount=Decimal("3000"))


def closed_last_month(world, person="a1") -> Lead:
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        return f.closed(world, person)


def drawn_spot_check(world, person="a1") -> SpotCheck:
    closed_last_month(world, person)
    with time_machine.travel(dt.datetime(2026, 6, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False):
        services.spot_check_draw(user=world.users[Role.DISTRICT_STAFF])
    return SpotCheck.objects.get(lead__person=world.people[person])


@dataclass
class Transition:
    """How to prepare a subject, call the transition, and see that it happened."""

    prepare: Callable  # (world, person) -> subject
    call: Callable  # (subject, user) -> result
    done: Callable  # (subject) -> bool
    allowed: str = Role.TOWNSHIP_CASEWORKER
    forbidden: str = Role.VILLAGE_ASSISTANT
    other: str = "caseworker_b"  # a user of another region acting on township A's lead
    lead_of: Callable = lambda subject: subject if isinstance(subject, Lead) else subject.lead


def _inv_data():
    return {**f.COMPLETE, "visited_on": timezone.localdate()}


TRANSITIONS = {
    "accept": Transition(
        f.reported, lambda lead, u: services.lead_accept(lead=lead, user=u),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.ACCEPTED),
    "reject": Transition(
        f.reported, lambda lead, u: services.lead_reject(lead=lead, user=u, reason="查无此困难"),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.REJECTED),
    "merge": Transition(
        f.reported,
        lambda lead, u: services.lead_merge(lead=lead, into=Lead.objects.exclude(pk=lead.pk).get(
            person__name="李二"), user=u),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.MERGED),
    "start investigation": Transition(
        f.accepted, lambda lead, u: services.lead_investigation_start(lead=lead, user=u),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.INVESTIGATING),
    "save investigation": Transition(
        f.investigating, lambda lead, u: services.investigation_save(lead=lead, user=u, data=_inv_data()),
        lambda lead: services.current_investigation(lead).income_12m == Decimal("18000")),
    "assess": Transition(
        f.investigated, lambda lead, u: services.lead_assess(lead=lead, user=u),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.ASSESSED),
    "green channel": Transition(
        lambda w, p="a1": f.accepted(w, p, urgent=True),
        lambda lead, u: services.lead_green_channel(lead=lead, user=u, district_members="区中心 王",
                                                    township_members="镇 李", village_members="村 赵",
                                                    amount=Decimal("3000")),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.IN_PROGRESS),
    "record outcome": Transition(
        f.assessed, lambda lead, u: services.outcome_record(lead=lead, user=u, kind=OutcomeKind.TEMPORARY,
                                                            amount=Decimal("2000")),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.IN_PROGRESS),
    "complete outcome": Transition(
        dibao_in_review,
        lambda o, u: services.outcome_complete(outcome=o, user=u, included_on=timezone.localdate()),
        lambda o: Outcome.objects.get(pk=o.pk).status == OutcomeStatus.DONE),
    "approve case by case": Transition(
        pending_approval, lambda o, u: services.outcome_decide(outcome=o, user=u, approve=True, note="同意"),
        lambda o: Outcome.objects.get(pk=o.pk).status == OutcomeStatus.DONE,
        allowed=Role.DISTRICT_HEAD, forbidden=Role.TOWNSHIP_CASEWORKER, other="other_district_head"),
    "papers complete": Transition(
        green, lambda o, u: services.outcome_paperwork_complete(outcome=o, user=u),
        lambda o: Outcome.objects.get(pk=o.pk).paperwork == Paperwork.COMPLETE),
    "close": Transition(
        f.in_progress, lambda lead, u: services.lead_close(lead=lead, user=u),
        lambda lead: Lead.objects.get(pk=lead.pk).status == LeadStatus.CLOSED),
    "record follow-up": Transition(
        lambda w, p="a1": f.closed(w, p).follow_ups.get(),
        lambda fu, u: services.follow_up_record(follow_up=fu, user=u, done_on=timezone.localdate(), mode="home",
                                                findings="生活已好转", still_in_hardship=False),
        lambda fu: FollowUp.objects.get(pk=fu.pk).status == FollowUpStatus.DONE),
    "record spot check": Transition(
        drawn_spot_check,
        lambda s, u: services.spot_check_record(spot_check=s, user=u, visited_on=timezone.localdate(),
                                                finding=SpotCheckFinding.CONFIRMED),
        lambda s: SpotCheck.objects.get(pk=s.pk).finding == SpotCheckFinding.CONFIRMED,
        allowed=Role.DISTRICT_STAFF, forbidden=Role.TOWNSHIP_CASEWORKER, other="other_district_staff"),
}


@pytest.fixture
def prepared(world):
    # The merge transition merges into 李二's lead.
    def prepare(name):
        spec = TRANSITIONS[name]
        if name == "merge":
            f.reported(world, "a2")
        return spec, spec.prepare(world)

    return prepare


def _user(world, key):
    if key == "other_district_head":
        return other_district_head()
    return world.users[key]


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_the_allowed_role_does_it_and_history_names_them(world, prepared, name):
    spec, subject = prepared(name)
    user = world.users[spec.allowed]
    spec.call(subject, user)
    assert spec.done(subject)
    model = type(subject)
    latest = model.history.filter(id=subject.pk).order_by("-history_date").first()
    assert latest.history_user == user


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_a_forbidden_role_is_refused_and_nothing_changes(world, prepared, name):
    spec, subject = prepared(name)
    before = Lead.objects.get(pk=spec.lead_of(subject).pk).version
    with pytest.raises(LeadError):
        spec.call(subject, world.users[spec.forbidden])
    assert not spec.done(subject)
    assert Lead.objects.get(pk=spec.lead_of(subject).pk).version == before


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_a_repeat_call_changes_nothing_more(world, prepared, name):
    spec, subject = prepared(name)
    user = world.users[spec.allowed]
    first = spec.call(subject, user)
    lead = Lead.objects.get(pk=spec.lead_of(subject).pk)
    counts = (lead.version, lead.outcomes.count(), lead.follow_ups.count(), lead.investigations.count(),
              lead.history.count())
    second = spec.call(subject, user)
    assert getattr(first, "pk", first) == getattr(second, "pk", second)
    lead.refresh_from_db()
    assert (lead.version, lead.outcomes.count(), lead.follow_ups.count(), lead.investigations.count(),
            lead.history.count()) == counts
    assert spec.done(subject)


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_a_lead_in_another_region_is_refused(world, prepared, name):
    spec, subject = prepared(name)
    with pytest.raises(LeadError):
        spec.call(subject, _user(world, spec.other))
    assert not spec.done(subject)


# --- optimistic locking ---------------------------------------------------------------------------------
def test_a_stale_save_is_refused_with_a_chinese_message_not_overwritten(world):
    lead = f.investigating(world)
    started_from = lead.version
    services.investigation_save(lead=lead, user=world.users[Role.TOWNSHIP_HEAD],
                                data={"income_12m": Decimal("12000")}, expected_version=started_from)
    with pytest.raises(LeadError) as caught:
        services.investigation_save(lead=lead, user=f.caseworker(world), data={"income_12m": Decimal("99999")},
                                    expected_version=started_from)
    assert "有人" in str(caught.value) or "其他人" in str(caught.value) or "刷新" in str(caught.value)
    assert services.current_investigation(lead).income_12m == Decimal("12000")


def test_a_stale_close_is_refused(world):
    lead = f.in_progress(world)
    with pytest.raises(LeadError):
        services.lead_close(lead=lead, user=f.caseworker(world), expected_version=lead.version - 1)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.IN_PROGRESS


# --- investigation and assessment -----------------------------------------------------------------------
def test_an_open_check_of_the_three_without_reason_blocks_the_assessment(world):
    user = f.caseworker(world)
    lead = f.investigated(world, data={"met_in_person": False, "not_met_reason": ""})
    with pytest.raises(LeadError) as caught:
        services.lead_assess(lead=lead, user=user)
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.INVESTIGATING
    assert caught.value.args[0]
    services.investigation_save(lead=lead, user=user, data={"not_met_reason": "本人住院，已见其配偶"})
    services.lead_assess(lead=lead, user=user)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ASSESSED and lead.assessed_by == user
    snapshot = services.current_investigation(lead).hint_snapshot
    assert snapshot["complete"] and snapshot["lines"]


def test_an_incomplete_investigation_cannot_be_assessed(world):
    lead = f.investigating(world)
    with pytest.raises(LeadError):
        services.lead_assess(lead=lead, user=f.caseworker(world))


def test_the_investigation_cannot_change_after_the_assessment(world):
    lead = f.assessed(world)
    with pytest.raises(LeadError):
        services.investigation_save(lead=lead, user=f.caseworker(world), data={"income_12m": Decimal("1")})


# --- outcomes -------------------------------------------------------------------------------------------
def test_not_eligible_needs_a_reason_and_declined_needs_the_policy_explained(world):
    lead = f.assessed(world)
    user = f.caseworker(world)
    with pytest.raises(LeadError):
        services.outcome_record(lead=lead, user=user, kind=OutcomeKind.NOT_ELIGIBLE)
    with pytest.raises(LeadError):
        services.outcome_record(lead=lead, user=user, kind=OutcomeKind.DECLINED, explained_on=timezone.localdate())
    declined = services.outcome_record(lead=lead, user=user, kind=OutcomeKind.DECLINED, policy_explained=True,
                                       explained_on=f.days_ago(1))
    assert declined.included_on == f.days_ago(1) and declined.status == OutcomeStatus.DONE
    services.outcome_record(lead=lead, user=user, kind=OutcomeKind.NOT_ELIGIBLE, reason="人均收入高于低保标准",
                            policy_explained=True, explained_on=f.days_ago(1), explained_how="on_site")
    closed = services.lead_close(lead=lead, user=user)
    assert closed.archive_class == ArchiveClass.NOT_ASSISTED


def test_dibao_for_the_whole_household_changes_every_member_in_the_registry(world):
    from tests.factories import PersonFactory

    a1 = world.people["a1"]
    spouse = PersonFactory(village=world.village_a1, household=a1.household, relation="spouse",
                           assistance_status="dibao")
    child = PersonFactory(village=world.village_a1, household=a1.household, relation="child")
    lead = f.assessed(world)
    hint = services.lead_hint(lead)
    assert hint.whole_household, "seed 001: some members on 低保, still in hardship → whole household offered"
    user = f.caseworker(world)
    outcome = services.outcome_record(lead=lead, user=user, kind=OutcomeKind.DIBAO, whole_household=True)
    assert outcome.status == OutcomeStatus.IN_PROGRESS
    a1.refresh_from_db()
    assert a1.assistance_status == "none", "not before the date of inclusion"
    with pytest.raises(LeadError):
        services.lead_close(lead=lead, user=user)
    services.outcome_complete(outcome=outcome, user=user, included_on=f.days_ago(2))
    for person in (a1, spouse, child):
        person.refresh_from_db()
        assert person.assistance_status == "dibao"
    a1.refresh_from_db()
    assert a1.status_since == f.days_ago(2)
    assert a1.history.first().history_user == user
    lead = services.lead_close(lead=lead, user=user)
    assert lead.archive_class == ArchiveClass.NEWLY_ASSISTED


def test_monitoring_puts_the_household_in_its_low_income_group(world):
    lead = f.assessed(world, data={"income_12m": Decimal("36000")})
    hint = services.lead_hint(lead)
    assert hint.monitoring_group == "dibao_edge"
    services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.MONITORING,
                            monitoring_group=hint.monitoring_group)
    world.people["a1"].refresh_from_db()
    assert world.people["a1"].assistance_status == "dibao_edge"


def test_temporary_relief_above_the_cap_waits_for_the_district_head(world):
    from referrals.models import Notification

    outcome = pending_approval(world)
    lead = outcome.lead
    user = f.caseworker(world)
    assert outcome.status == OutcomeStatus.PENDING_APPROVAL and outcome.is_case_by_case
    assert Notification.objects.filter(recipient=world.users[Role.DISTRICT_HEAD], subject_id=str(outcome.pk)).exists()
    with pytest.raises(LeadError):
        services.lead_close(lead=lead, user=user)
    with pytest.raises(LeadError):
        services.outcome_record(lead=lead, user=user, kind=OutcomeKind.TEMPORARY, amount=Decimal("7000"),
                                is_advance=True, reason="急")
    services.outcome_decide(outcome=outcome, user=world.users[Role.DISTRICT_HEAD], approve=True)
    assert Notification.objects.filter(recipient=user, subject_id=str(outcome.pk)).exists()
    with pytest.raises(LeadError):
        services.outcome_decide(outcome=outcome, user=world.users[Role.DISTRICT_HEAD], approve=False, note="不同意")
    assert services.lead_close(lead=lead, user=user).status == LeadStatus.CLOSED


def test_above_the_cap_needs_a_reason(world):
    lead = f.assessed(world)
    with pytest.raises(LeadError):
        services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.TEMPORARY,
                                amount=Decimal("6000.01"))


def test_a_referral_records_the_department_and_raises_a_transfer_form_when_referrals_can(world):
    from referrals import services as referral_services

    lead = f.assessed(world)
    outcome = services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.REFERRAL,
                                      referral_kind="medical", note="住院费用高")
    assert outcome.department == world.medical
    if hasattr(referral_services, "transfer_form_issue"):
        # Done when the department answers the form (issue 16.4).
        assert outcome.status == OutcomeStatus.IN_PROGRESS
        form = lead.transfer_forms.get()
        assert form.to_department == world.medical
        assert outcome.transfer_form_id == form.pk and outcome.transfer_form_number == form.number
    else:
        assert outcome.transfer_form_id is None


def test_without_transfer_forms_the_referral_is_recorded(world, monkeypatch):
    from referrals import services as referral_services

    monkeypatch.delattr(referral_services, "transfer_form_issue", raising=False)
    lead = f.assessed(world)
    outcome = services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.REFERRAL,
                                      referral_kind="housing", department=world.health)
    assert outcome.department == world.health and outcome.transfer_form_id is None
    with pytest.raises(LeadError):
        services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.REFERRAL,
                                referral_kind="employment")


def test_outcomes_wait_for_the_assessment(world):
    lead = f.investigated(world)
    with pytest.raises(LeadError):
        services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.TEMPORARY,
                                amount=Decimal("500"))


# --- green channel and papers ---------------------------------------------------------------------------------
def test_green_channel_records_the_joint_team_and_pays_first_with_papers_owed(world):
    outcome = green(world)
    lead = Lead.objects.get(pk=outcome.lead_id)
    investigation = services.current_investigation(lead)
    assert investigation.is_joint and investigation.joint_village_members == "村 赵"
    assert outcome.is_advance and outcome.paperwork == Paperwork.OWED
    assert outcome.paperwork_due_on > timezone.localdate()
    user = f.caseworker(world)
    # Closing still needs the investigation completed and assessed afterwards.
    with pytest.raises(LeadError):
        services.lead_close(lead=lead, user=user)
    services.investigation_save(lead=lead, user=user, data=_inv_data())
    services.lead_assess(lead=lead, user=user)
    assert services.lead_close(lead=lead, user=user).status == LeadStatus.CLOSED


def test_green_channel_is_for_urgent_leads_only(world):
    lead = f.accepted(world)
    with pytest.raises(LeadError):
        services.lead_green_channel(lead=lead, user=f.caseworker(world), district_members="王",
                                    township_members="李", village_members="赵", amount=Decimal("1000"))
    urgent = f.accepted(world, "a2", urgent=True)
    with pytest.raises(LeadError):  # the whole joint team is recorded
        services.lead_green_channel(lead=urgent, user=f.caseworker(world), district_members="",
                                    township_members="李", village_members="赵", amount=Decimal("1000"))


# --- closing, follow-ups, reopening ---------------------------------------------------------------------------
def test_closing_sets_the_archive_class_and_schedules_the_follow_up(world):
    lead = f.closed(world)
    assert lead.archive_class == ArchiveClass.NEWLY_ASSISTED
    follow_up = lead.follow_ups.get()
    today = timezone.localdate()
    assert follow_up.kind == FollowUpKind.AFTER_OUTCOME and follow_up.status == FollowUpStatus.DUE
    assert follow_up.due_on == today + relativedelta(months=1), "one month after closing (the district's default)"


def test_the_observation_list_is_reviewed_every_three_months_and_hardship_reopens_the_lead(world):
    user = f.caseworker(world)
    lead = f.assessed(world, data={"income_12m": Decimal("200000")})
    services.outcome_record(lead=lead, user=user, kind=OutcomeKind.NOT_ELIGIBLE, reason="收入高于标准",
                            policy_explained=True, explained_on=timezone.localdate(), explained_how="phone")
    services.outcome_record(lead=lead, user=user, kind=OutcomeKind.OBSERVATION, reason="子女失业，支出大")
    lead = services.lead_close(lead=lead, user=user)
    assert lead.archive_class == ArchiveClass.OBSERVATION
    review = lead.follow_ups.get(kind=FollowUpKind.OBSERVATION_REVIEW)
    assert 89 <= (review.due_on - timezone.localdate()).days <= 92

    services.follow_up_record(follow_up=review, user=user, done_on=timezone.localdate(), mode="phone",
                              findings="情况稳定", still_in_hardship=False)
    following = lead.follow_ups.filter(kind=FollowUpKind.OBSERVATION_REVIEW, status=FollowUpStatus.DUE).get()
    assert following.due_on > review.due_on - dt.timedelta(days=1)

    services.follow_up_record(follow_up=following, user=user, done_on=timezone.localdate(), mode="home",
                              findings="户主再次住院，无收入", still_in_hardship=True)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ACCEPTED and lead.reopen_count == 1 and lead.archive_class == ""
    assert lead.history.filter(status=LeadStatus.CLOSED).exists(), "the history of the first round stays"
    assert lead.sources.filter(source_type="follow_up", description__contains="再次住院").exists()
    assert not lead.follow_ups.filter(status=FollowUpStatus.DUE).exists()
    # A new round: a new investigation.
    investigation = services.lead_investigation_start(lead=lead, user=user)
    assert lead.investigations.count() == 2 and services.current_investigation(lead) == investigation


# --- spot checks --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("closed", "expected"), [(0, 0), (2, 2), (10, 3), (60, 3), (61, 4), (100, 5), (1000, 50)])
def test_the_sample_is_five_percent_and_at_least_three(closed, expected):
    assert services.spot_check_sample_size(closed=closed, percent=5, minimum=3) == expected


def test_the_district_draws_last_months_closed_leads_per_township_once(world):
    tz = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=tz), tick=False):
        f.closed(world, "a1")
        f.closed(world, "a2")
        f.closed(world, "b1")
    with time_machine.travel(dt.datetime(2026, 6, 20, 10, tzinfo=tz), tick=False):
        staff = world.users[Role.DISTRICT_STAFF]
        drawn = services.spot_check_draw(user=staff)
        assert {s.lead.person.name for s in drawn} == {"张一", "李二", "王三"}
        assert {s.month for s in drawn} == {dt.date(2026, 5, 1)}
        again = services.spot_check_draw(user=staff)
        assert sorted(s.pk for s in again) == sorted(s.pk for s in drawn)
        with pytest.raises(LeadError):
            services.spot_check_draw(user=staff, month=dt.date(2026, 6, 1))
        # Another district draws only its own.
        assert services.spot_check_draw(user=world.users["other_district_staff"]) == []
        with pytest.raises(LeadError):
            services.spot_check_draw(user=f.caseworker(world))


def test_a_spot_check_finding_tells_the_township_and_feeds_the_summary(world):
    from cases import selectors
    from referrals.models import Notification

    check = drawn_spot_check(world)
    staff = world.users[Role.DISTRICT_STAFF]
    with pytest.raises(LeadError):
        services.spot_check_record(spot_check=check, user=staff, visited_on=timezone.localdate(),
                                   finding=SpotCheckFinding.WRONGLY_INCLUDED)  # needs a note
    services.spot_check_record(spot_check=check, user=staff, visited_on=timezone.localdate(),
                               finding=SpotCheckFinding.WRONGLY_INCLUDED, note="家庭有经营收入未申报")
    assert Notification.objects.filter(recipient=f.caseworker(world), subject_type="cases.SpotCheck").exists()
    rows = selectors.spot_check_summary(user=staff)
    assert rows == [{"township_id": world.township_a.pk, "township__name": world.township_a.name,
                     "township__code": world.township_a.code, "sampled": 1, "confirmed": 0,
                     "wrongly_included": 1, "wrongly_left_out": 0, "pending": 0}]
