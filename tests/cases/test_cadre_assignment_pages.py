"""Issue 17 rule 3 from the pages (seed 003: "镇（街道）干部包村（社区）、村（社区）干部包户"): the township assigns a cadre to
a village on the 包村/包户 page and a village cadre to a household from the lead; the roster visit reminder names the
household's cadre and reaches their account when the assignment links one."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.models import CadreAssignment
from referrals.models import Notification, Reminder
from tests.cases import factories as f

LIST = reverse("cases:cadre_assignment_list")
ASSIGN = reverse("cases:cadre_assign")


@pytest.mark.django_db
def test_the_township_assigns_a_village_cadre_and_a_household_cadre_from_the_pages(world, client_for):
    cw = f.caseworker(world)
    client = client_for(cw)
    page = client.get(LIST).content.decode()
    assert 'data-testid="village-cadre-form"' in page and 'data-testid="villages-without-cadre"' in page
    response = client.post(ASSIGN, {"kind": "village", "village": world.village_a1.pk, "cadre_name": "镇干部周",
                                    "phone": "13800000001", "cadre_user": cw.pk,
                                    "since": timezone.localdate().isoformat()})
    assert response.status_code == 302
    village_cadre = CadreAssignment.objects.get(kind="village")
    assert (village_cadre.village, village_cadre.cadre_user) == (world.village_a1, cw)
    # Another township's village is not offered (the form refuses it).
    client.post(ASSIGN, {"kind": "village", "village": world.village_b1.pk, "cadre_name": "越权",
                         "since": timezone.localdate().isoformat()})
    assert not CadreAssignment.objects.filter(cadre_name="越权").exists()

    lead = f.reported(world)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-testid="household-cadre"' in page and "镇干部周" in page
    response = client.post(ASSIGN, {"kind": "household", "household": lead.person.household_id,
                                    "cadre_name": "村干部吴", "phone": "13800000002",
                                    "next": lead.get_absolute_url()})
    assert response.status_code == 302 and response.url == lead.get_absolute_url()
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "村干部吴" in page
    listing = client.get(LIST).content.decode()
    assert "镇干部周" in listing and "村干部吴" in listing

    # Ending an assignment: the household has no cadre any more.
    household_cadre = CadreAssignment.objects.get(kind="household")
    client.post(reverse("cases:cadre_assignment_end"), {"assignment": household_cadre.pk})
    household_cadre.refresh_from_db()
    assert household_cadre.until == timezone.localdate()
    # The other township cannot see or end it.
    other = client_for(world.users["caseworker_b"])
    assert other.post(reverse("cases:cadre_assignment_end"), {"assignment": village_cadre.pk}).status_code == 404


@pytest.mark.django_db
def test_the_village_assistant_assigns_household_cadres_of_their_village_only(world, client_for):
    assistant = client_for(world.users[Role.VILLAGE_ASSISTANT])
    person = world.people["a1"]
    assistant.post(ASSIGN, {"kind": "household", "household": person.household_id, "cadre_name": "村干部吴"})
    assert CadreAssignment.objects.filter(kind="household", household=person.household).exists()
    assistant.post(ASSIGN, {"kind": "village", "village": world.village_a1.pk, "cadre_name": "自封",
                            "since": timezone.localdate().isoformat()})
    assert not CadreAssignment.objects.filter(kind="village").exists()
    assert assistant.post(ASSIGN, {"kind": "household", "household": world.people["b1"].household_id,
                                   "cadre_name": "越权"}).status_code == 404


@pytest.mark.django_db
def test_the_roster_visit_reminder_names_the_household_cadre_and_tells_their_account(world):
    from tests.intake.roster_factories import add_entry, make_due
    from tests.test_obligations import on, walk

    assistant, cw = world.users[Role.VILLAGE_ASSISTANT], f.caseworker(world)
    person = world.people["a1"]
    with on(dt.date(2025, 8, 29)):
        entry = add_entry(cw, person, assistant=assistant, since=dt.date(2025, 8, 29))
    make_due(entry, dt.date(2025, 9, 30))
    CadreAssignment.objects.create(kind="household", village=person.village, household=person.household,
                                   cadre_name="村干部吴", phone="13800000002", since=dt.date(2025, 8, 1))
    other = world.users[Role.TOWNSHIP_HEAD]  # stands for a cadre with an account
    CadreAssignment.objects.create(kind="household", village=person.village, household=person.household,
                                   cadre_name="村干部郑", cadre_user=other, since=dt.date(2025, 8, 1))
    assert walk("roster_visit", entry)
    reminder = Reminder.objects.filter(kind="roster_visit", subject_id=str(entry.pk)).order_by("sent_on").first()
    assert reminder.recipient_name.startswith("村干部吴、村干部郑") and "包户" in reminder.recipient_name
    first = Notification.objects.filter(subject_type="intake.RosterEntry", subject_id=str(entry.pk),
                                        kind="reminder")
    assert set(first.values_list("recipient", flat=True)) == {assistant.pk, other.pk}
    assert "13800000002" in first.filter(recipient=assistant).get().body
