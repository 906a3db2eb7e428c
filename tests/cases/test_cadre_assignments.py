"""Issue 17 rule 3 (seed 003: "镇（街道）干部包村（社区）、村（社区）干部包户"): the township cadre of a village and the
village cadre of a household, shown on the lead and on the roster entry."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.assignments import responsible_for
from cases.models import CadreAssignment
from tests.cases import factories as f


def assign(world, person):
    CadreAssignment.objects.create(kind="village", village=person.village, cadre_name="镇干部周")
    CadreAssignment.objects.create(kind="household", village=person.village, household=person.household,
                                   cadre_name="村干部吴", phone="13800000000")
    CadreAssignment.objects.create(kind="household", village=person.village, household=person.household,
                                   cadre_name="已调走", until=timezone.localdate() - dt.timedelta(days=1))


@pytest.mark.django_db
def test_the_current_cadres_of_a_person(world):
    person = world.people["a1"]
    assign(world, person)
    cadres = responsible_for(person=person)
    assert [c.cadre_name for c in cadres["village"]] == ["镇干部周"]
    assert [c.cadre_name for c in cadres["household"]] == ["村干部吴"]
    assert responsible_for(person=world.people["b1"]) == {"village": [], "household": []}
    with pytest.raises(IntegrityError):
        CadreAssignment.objects.create(kind="household", village=person.village, cadre_name="无户")


@pytest.mark.django_db
def test_lead_and_roster_entry_show_who_is_responsible(world, client_for):
    from tests.intake.roster_factories import add_entry

    person = world.people["a1"]
    assign(world, person)
    lead = f.reported(world)
    client = client_for(f.caseworker(world))
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="responsible-cadres"' in page and "镇干部周" in page and "村干部吴" in page
    assert "已调走" not in page
    entry = add_entry(world.users[Role.VILLAGE_ASSISTANT], person)
    roster_page = client.get(reverse("intake:roster_detail", args=[entry.pk])).content.decode()
    assert "镇干部周" in roster_page and "村干部吴" in roster_page
