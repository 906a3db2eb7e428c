"""Issue 17 rule 9 (seed 002: "对不符合条件的，现场给予政策解释"): 不符合救助条件 records that the policy was
explained — when and how — as 本人不愿申请 does, and the 明细表's 办理结果 says so."""
from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import OutcomeKind
from cases.services import LeadError
from tests.cases import factories as f


@pytest.mark.django_db
def test_not_eligible_needs_the_policy_explained_with_date_and_how(world):
    lead = f.assessed(world)
    cw = f.caseworker(world)
    with pytest.raises(LeadError, match="政策"):
        services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.NOT_ELIGIBLE, reason="收入高于标准")
    with pytest.raises(LeadError, match="政策"):
        services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.NOT_ELIGIBLE, reason="收入高于标准",
                                policy_explained=True, explained_on=f.days_ago(1))
    outcome = services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.NOT_ELIGIBLE, reason="收入高于标准",
                                      policy_explained=True, explained_on=f.days_ago(1), explained_how="on_site")
    assert (outcome.policy_explained, outcome.explained_on, outcome.explained_how) == (True, f.days_ago(1), "on_site")


@pytest.mark.django_db
def test_the_detail_ledger_says_when_and_how_the_policy_was_explained(world, client_for):
    lead = f.assessed(world)
    services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.NOT_ELIGIBLE, reason="收入高于标准",
                            policy_explained=True, explained_on=f.days_ago(1), explained_how="on_site")
    response = client_for(world.users[Role.DISTRICT_STAFF]).get(reverse("ledgers:discovery_detail"))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    row = [c.value for c in next(ws.iter_rows(min_row=3))]
    assert f"{f.days_ago(1):%Y-%m-%d}" in row[8] and "现场" in row[8] and "政策" in row[8]


@pytest.mark.django_db
def test_the_outcome_form_asks_how(world, client_for):
    lead = f.assessed(world)
    client = client_for(f.caseworker(world))
    url = reverse("cases:outcome_create", args=[lead.pk])
    assert 'name="explained_how"' in client.get(url).content.decode()
    ok = client.post(url, {"version": lead.version, "kind": "not_eligible", "reason": "收入高于标准",
                           "policy_explained": "on", "explained_on": timezone.localdate().isoformat(),
                           "explained_how": "phone"})
    assert ok.status_code == 302
    assert lead.outcomes.get().explained_how == "phone"
