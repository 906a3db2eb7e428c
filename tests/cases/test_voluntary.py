"""Issue 17 rule 1, the voluntary principle (seeds 000, 001): no relief outcome for a person recorded as
本人不愿申请 until a change of mind is recorded, dated and signed."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services, voluntary
from cases.choices import OutcomeKind, Willingness
from cases.models import Outcome
from cases.services import LeadError
from tests.cases import factories as f


@pytest.mark.django_db
def test_unwilling_person_gets_no_dibao_until_a_change_of_mind_is_recorded(world):
    lead = f.assessed(world, data={"willing_to_apply": Willingness.NO})
    cw = f.caseworker(world)
    with pytest.raises(LeadError, match="本人不愿申请"):
        services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.DIBAO, included_on=timezone.localdate())
    assert not Outcome.objects.filter(lead=lead).exists()
    world.people["a1"].refresh_from_db()
    assert world.people["a1"].assistance_status == "none"

    change = voluntary.change_of_mind_record(lead=lead, user=cw, stated_on=timezone.localdate(), note="本人来电要求申请")
    assert change.recorded_by == cw and change.stated_on == timezone.localdate()
    outcome = services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.DIBAO, included_on=timezone.localdate())
    assert outcome.status == "done"


@pytest.mark.django_db
def test_a_declined_outcome_of_an_earlier_lead_counts_and_non_relief_outcomes_stay_allowed(world):
    lead = f.assessed(world)
    cw = f.caseworker(world)
    services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.DECLINED, policy_explained=True,
                            explained_on=timezone.localdate())
    with pytest.raises(LeadError):
        services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.TEMPORARY, amount=500)
    # Watching over the family is not relief the person must ask for.
    services.outcome_record(lead=lead, user=cw, kind=OutcomeKind.OBSERVATION)


@pytest.mark.django_db
def test_change_of_mind_needs_a_date_and_the_township_office(world):
    lead = f.assessed(world, data={"willing_to_apply": Willingness.NO})
    with pytest.raises(LeadError):
        voluntary.change_of_mind_record(lead=lead, user=f.caseworker(world), stated_on=None)
    with pytest.raises(LeadError):
        voluntary.change_of_mind_record(lead=lead, user=world.users["village_assistant"],
                                        stated_on=timezone.localdate())


@pytest.mark.django_db
def test_case_page_shows_the_unwillingness_and_records_the_change_of_mind(world, client_for):
    lead = f.assessed(world, data={"willing_to_apply": Willingness.NO})
    client = client_for(f.caseworker(world))
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "本人不愿申请" in page and 'data-testid="voluntary"' in page
    response = client.post(reverse("cases:change_of_mind", args=[lead.pk]), {"stated_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert lead.person.changes_of_mind.count() == 1
