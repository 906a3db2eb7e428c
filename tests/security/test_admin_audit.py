"""The admin reads personal data as the product does: every list, search and change page audited; whole
numbers only for roles allowed them (issue 20 item 4)."""
from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.choices import Role
from common.models import AuditEvent


def _person(world):
    person = world.people["a1"]
    person.phone = "13912345678"
    person.save()
    return person


def test_an_admin_search_and_change_page_are_audited_and_show_whole_numbers_to_the_administrator(client_for,
                                                                                                  world):
    person = _person(world)
    admin_user = world.users[Role.ADMINISTRATOR]
    client = client_for(admin_user)
    listing = client.get(reverse("admin:cases_person_changelist"), {"q": person.id_number[:10]})
    assert listing.status_code == 200
    event = AuditEvent.objects.get(action="list", object_type="cases.Person")
    assert event.user == admin_user and f"q={person.id_number[:10]}" in event.detail and "admin" in event.detail

    page = client.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert page.status_code == 200
    assert person.id_number in page.content.decode()  # administrators may reveal IDs
    event = AuditEvent.objects.get(action="detail", object_type="cases.Person")
    assert event.object_id == str(person.pk) and event.user == admin_user

    client.get(reverse("admin:cases_person_history", args=[person.pk]))
    assert AuditEvent.objects.filter(action="detail", object_type="cases.Person", detail="admin history").exists()
    client.get(reverse("admin:accounts_user_change", args=[world.users[Role.TOWNSHIP_CASEWORKER].pk]))
    assert AuditEvent.objects.filter(action="detail", object_type="accounts.User").exists()


def test_a_staff_user_whose_role_may_not_see_ids_gets_them_masked_and_cannot_search_by_them(client_for, world):
    person = _person(world)
    head = world.users[Role.DISTRICT_HEAD]
    head.is_staff = True
    head.save()
    head.user_permissions.add(*Permission.objects.filter(codename__in=["view_person", "change_person"]))
    client = client_for(head)
    page = client.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert person.id_number not in html
    assert person.masked_id_number in html
    assert "13912345678" not in html and "139****5678" in html  # nor whole phones (reveal.REVEAL_ROLES)
    assert AuditEvent.objects.filter(action="detail", object_type="cases.Person", user=head).exists()
    found = client.get(reverse("admin:cases_person_changelist"), {"q": person.id_number}).content.decode()
    assert 'id="result_list"' not in found  # the ID is no search key for this role: nothing found
