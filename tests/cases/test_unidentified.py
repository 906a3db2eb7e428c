"""Issue 17 rule 7: a lead for someone without a known ID (seed 003 lists 流浪乞讨人员; a public report about "刘大爷"),
completed with the ID during the investigation, and refused at closing until it is."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import Channel, DiscoveryMethod, LeadStatus
from cases.models import Lead
from cases.services import LeadError
from cases.unidentified import lead_identify, unidentified_person_create
from tests.cases import factories as f
from tests.factories import valid_id


def report_unidentified(world, *, urgent=True):
    person = unidentified_person_create(village=world.village_a1, name="刘大爷", description="约70岁，拄拐杖",
                                        found_at="镇汽车站候车室")
    lead, _ = services.lead_report(person=person, method=DiscoveryMethod.WORK, channel=Channel.PUBLIC_REPORT,
                                   discovered_on=timezone.localdate(), by=f.caseworker(world),
                                   description="群众反映老人夜宿车站", is_urgent=urgent)
    return lead


@pytest.mark.django_db
def test_a_lead_without_an_id_is_accepted_and_closing_waits_for_the_id(world, client_for):
    with pytest.raises(LeadError):
        unidentified_person_create(village=world.village_a1, found_at="车站")
    with pytest.raises(LeadError):
        unidentified_person_create(village=world.village_a1, name="刘大爷")
    lead = report_unidentified(world)
    assert lead.person.is_unidentified and lead.person.id_number.startswith("000000")
    cw = f.caseworker(world)
    lead = services.lead_accept(lead=lead, user=cw)
    page = client_for(cw).get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="unidentified"' in page and "镇汽车站候车室" in page

    services.lead_investigation_start(lead=lead, user=cw)
    lead.refresh_from_db()
    services.investigation_save(lead=lead, user=cw, data={"visited_on": timezone.localdate(), **f.COMPLETE})
    lead = services.lead_assess(lead=lead, user=cw)
    services.outcome_record(lead=lead, user=cw, kind="temporary", amount=800)
    with pytest.raises(LeadError, match="身份"):
        services.lead_close(lead=Lead.objects.get(pk=lead.pk), user=cw)

    real_id = valid_id(address="370304")
    response = client_for(cw).post(reverse("cases:lead_identify", args=[lead.pk]),
                                   {"id_number": real_id, "name": "刘德福"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.person.id_number == real_id and lead.person.name == "刘德福" and not lead.person.is_unidentified
    closed = services.lead_close(lead=lead, user=cw)
    assert closed.status == LeadStatus.CLOSED


@pytest.mark.django_db
def test_an_id_of_someone_with_an_open_lead_asks_for_a_merge(world):
    lead = report_unidentified(world)
    f.reported(world, "a1")
    with pytest.raises(LeadError, match="合并"):
        lead_identify(lead=lead, user=f.caseworker(world), id_number=world.people["a1"].id_number, name="")
    with pytest.raises(LeadError):
        lead_identify(lead=lead, user=world.users[Role.VILLAGE_ASSISTANT], id_number=valid_id(), name="x")
