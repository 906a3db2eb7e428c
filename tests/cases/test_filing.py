"""Issue 17 rule 8 (seed 002: "符合各类救助条件的按规定程序办理，后报县民政局备案"): a township's 临时救助 decision is
filed with the district, which records the day it received it; until then it is a duty of the obligation engine."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.choices import Role
from cases import services
from cases.choices import OutcomeKind
from cases.filing import filing_receive
from cases.services import LeadError
from referrals.choices import ReminderLevel
from referrals.obligations import obligation_kinds
from tests.cases import factories as f
from tests.test_obligations import on, walk

D = dt.date


@pytest.mark.django_db
def test_temporary_relief_is_owed_to_the_district_until_received(world, client_for):
    assert "filing_with_district" in obligation_kinds.codes()
    cw = f.caseworker(world)
    with on(D(2025, 9, 15)):
        lead = f.assessed(world)
        outcome = services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.TEMPORARY, amount=Decimal("1500"))
    outcome.refresh_from_db()
    assert outcome.filing_due_on == D(2025, 9, 28)  # 10 working days after (Sunday 09-28 is worked)
    steps = walk("filing_with_district", outcome, start=D(2025, 9, 28), until=D(2025, 10, 9))
    assert steps[ReminderLevel.REMINDER] == D(2025, 9, 29)

    with pytest.raises(LeadError):
        filing_receive(outcome=outcome, user=cw)
    staff = world.users[Role.DISTRICT_STAFF]
    client = client_for(staff)
    assert 'data-testid="filing-owed"' in client.get(lead.get_absolute_url()).content.decode()
    response = client.post(reverse("cases:filing_receive", args=[outcome.pk]), {"received_on": "2025-10-09"})
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.filing_received_on == D(2025, 10, 9) and outcome.filing_received_by == staff
    owed = client.get(reverse("cases:outcome_list"), {"filing": "owed"}).content.decode()
    assert lead.number not in owed


@pytest.mark.django_db
def test_a_dibao_in_review_is_not_filed(world):
    lead = f.assessed(world)
    outcome = services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.DIBAO)
    assert outcome.filing_due_on is None
