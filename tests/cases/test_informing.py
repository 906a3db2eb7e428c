"""Issue 17 rule 4 (seed 003: "向困难群众主动告知、回访测评办结情况"): 告知 — when and how the person was told
an outcome — and 测评 at the 回访, on the case page and in the 明细表's 办理结果."""
from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import FollowUpKind
from cases.informing import outcome_notify
from cases.models import FollowUp
from cases.services import LeadError
from tests.cases import factories as f


def detail_row(client):
    response = client.get(reverse("ledgers:discovery_detail"))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [c.value for c in next(ws.iter_rows(min_row=3))]


@pytest.mark.django_db
def test_the_person_is_told_the_result_and_assesses_the_handling_at_the_follow_up(world, client_for):
    cw = f.caseworker(world)
    lead = f.closed(world)
    outcome = lead.outcomes.get()
    with pytest.raises(LeadError):
        outcome_notify(outcome=outcome, user=cw, notified_on=None, notified_how="phone")
    with pytest.raises(LeadError):
        outcome_notify(outcome=outcome, user=world.users[Role.VILLAGE_ASSISTANT], notified_on=f.days_ago(0),
                       notified_how="phone")
    outcome = outcome_notify(outcome=outcome, user=cw, notified_on=f.days_ago(0), notified_how="phone")
    assert (outcome.notified_on, outcome.notified_how, outcome.notified_by) == (f.days_ago(0), "phone", cw)

    follow_up = FollowUp.objects.get(lead=lead, kind=FollowUpKind.AFTER_OUTCOME)
    services.follow_up_record(follow_up=follow_up, user=cw, done_on=timezone.localdate(), mode="home",
                              findings="生活已改善", still_in_hardship=False, satisfaction="satisfied",
                              satisfaction_note="感谢政府")
    follow_up.refresh_from_db()
    assert follow_up.satisfaction == "satisfied"

    client = client_for(world.users[Role.DISTRICT_STAFF])
    result = detail_row(client)[8]
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert f"{today}电话告知" in result
    assert "满意" in result and "回访" in result
    page = client_for(cw).get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="outcome-notified"' in page and 'data-testid="satisfaction"' in page


@pytest.mark.django_db
def test_an_undecided_outcome_is_not_told_and_the_case_page_offers_the_form(world, client_for):
    from tests.cases.test_lead_life import dibao_in_review

    in_review = dibao_in_review(world)
    with pytest.raises(LeadError):
        outcome_notify(outcome=in_review, user=f.caseworker(world), notified_on=f.days_ago(0), notified_how="phone")
    lead = f.closed(world, "a2")
    client = client_for(f.caseworker(world))
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="outcome-not-notified"' in page
    outcome = lead.outcomes.get()
    response = client.post(reverse("cases:outcome_notify", args=[outcome.pk]),
                           {"notified_on": timezone.localdate().isoformat(), "notified_how": "on_site"})
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.notified_how == "on_site"
