"""People, leads, outcomes and transfer forms are never deleted, by any path (社会救助暂行办法 §66)."""
from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.models import Lead, Person
from cases.services import lead_report
from common.protect import HardDeleteRefused, hard_delete_allowed


@pytest.fixture
def lead(world):
    lead, _ = lead_report(person=world.people["a1"], method="visit", channel="home_visit",
                          discovered_on=timezone.localdate(), by=world.users[Role.TOWNSHIP_CASEWORKER],
                          description="困难")
    return lead


def test_the_orm_refuses_to_delete_a_person_or_a_lead(world, lead):
    for delete in (lead.delete, Lead.objects.all().delete, Person.objects.filter(pk=world.people["b1"].pk).delete):
        with pytest.raises(HardDeleteRefused), transaction.atomic():
            delete()
    assert Lead.objects.filter(pk=lead.pk).exists() and Person.objects.count() == 4


def test_outcomes_and_transfer_forms_are_guarded_too():
    from django.db.models.signals import pre_delete

    from cases.models import Outcome
    from referrals.models import TransferForm

    for model in (Person, Lead, Outcome, TransferForm):
        assert pre_delete.has_listeners(model), model


def test_an_erasure_ordered_by_the_bureau_can_be_run_deliberately(world):
    with hard_delete_allowed():
        world.people["b1"].delete()
    assert not Person.objects.filter(pk=world.people["b1"].pk).exists()


def test_the_admin_offers_no_delete_even_to_the_administrator(client_for, world):
    client = client_for(world.users[Role.ADMINISTRATOR])
    person = world.people["a1"]
    change = client.get(reverse("admin:cases_person_change", args=[person.pk])).content.decode()
    assert "deletelink" not in change
    response = client.post(reverse("admin:cases_person_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


def test_no_page_of_the_product_deletes():
    """No URL of ours is a delete view: records end by a state change with a reason."""
    from django.urls import get_resolver

    from tests.test_scoping_walk import walk

    deleting = [r for r in walk(get_resolver().url_patterns)
                if "delete" in r and not r.startswith(("admin/", "exports/"))]
    assert deleting == []
