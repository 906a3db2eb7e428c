"""Issue 17 rule 12: a lead reopened from the observation list (a review found hardship) leaves the 救助观察群众台账
until it is closed again on the observation list — while reinvestigated it has no next review."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import FollowUpKind, LeadStatus, OutcomeKind
from ledgers.registers.selectors import observation_outcomes
from tests.cases import factories as f


def on_ledger(world) -> list[str]:
    return [o.lead.person.name for o in observation_outcomes(user=world.users[Role.DISTRICT_STAFF])]


@pytest.mark.django_db
def test_reopened_lead_leaves_the_observation_ledger_until_closed_again(world):
    user = f.caseworker(world)
    lead = f.assessed(world, data={"income_12m": Decimal("200000")})
    services.outcome_record(lead=lead, user=user, kind=OutcomeKind.OBSERVATION, reason="子女失业，支出大")
    lead = services.lead_close(lead=lead, user=user)
    assert on_ledger(world) == ["张一"]

    review = lead.follow_ups.get(kind=FollowUpKind.OBSERVATION_REVIEW)
    services.follow_up_record(follow_up=review, user=user, done_on=timezone.localdate(), mode="home",
                              findings="户主再次住院，无收入", still_in_hardship=True)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.ACCEPTED
    assert on_ledger(world) == []

    services.lead_investigation_start(lead=lead, user=user)
    lead.refresh_from_db()
    services.investigation_save(lead=lead, user=user, data={"visited_on": timezone.localdate(), **f.COMPLETE,
                                                           "income_12m": Decimal("200000")})
    lead = services.lead_assess(lead=lead, user=user)
    services.outcome_record(lead=lead, user=user, kind=OutcomeKind.OBSERVATION, reason="继续观察")
    services.lead_close(lead=lead, user=user)
    assert on_ledger(world) == ["张一"]
