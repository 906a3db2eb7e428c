"""Masked numbers and the explicit, logged reveal (个人信息保护法 §28, §51)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.choices import Role
from cases.services import lead_report
from common import resident_id
from common.models import AuditEvent
from intake.public.services import public_report_submit


def reveal_url(obj, field):
    return reverse("common:reveal", args=[obj._meta.label_lower, obj.pk, field])


@pytest.fixture
def person(world):
    person = world.people["a1"]
    person.phone = "13912345678"
    person.save()
    return person


def test_the_person_page_shows_both_numbers_masked_with_a_show_button(client_for, world, person):
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(person.get_absolute_url()).content.decode()
    assert person.id_number not in html and "13912345678" not in html
    assert resident_id.mask(person.id_number) in html and "139****5678" in html
    assert html.count('data-testid="reveal"') == 2
    assert reveal_url(person, "id_number") in html


def test_revealing_returns_the_number_and_records_who_what_which_field_and_where(client_for, world, person):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    client = client_for(caseworker)
    response = client.post(reveal_url(person, "id_number"), HTTP_HX_REQUEST="true", REMOTE_ADDR="10.3.4.5")
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert (event.user, event.role, event.object_type, event.object_id) == (
        caseworker, Role.TOWNSHIP_CASEWORKER, "cases.Person", str(person.pk))
    assert "身份证号" in event.detail and event.ip_address == "10.3.4.5"
    phone = client.post(reveal_url(person, "phone"))
    assert "13912345678" in phone.content.decode()
    assert AuditEvent.objects.filter(action="reveal", detail__contains="联系电话").count() == 1


@pytest.mark.parametrize("role, field, allowed", [
    (Role.VILLAGE_ASSISTANT, "id_number", False),
    (Role.VILLAGE_ASSISTANT, "phone", True),  # they phone the households they visit
    (Role.TOWNSHIP_HEAD, "id_number", True),
    (Role.DISTRICT_STAFF, "id_number", True),
    (Role.DISTRICT_HEAD, "id_number", False),
    (Role.DISTRICT_HEAD, "phone", False),
    (Role.DEPARTMENT_LIAISON, "phone", False),
])
def test_only_roles_whose_work_needs_the_number_may_reveal_it(client_for, world, person, role, field, allowed):
    client = client_for(world.users[role])
    response = client.post(reveal_url(person, field))
    if allowed:
        assert response.status_code == 200
        assert AuditEvent.objects.filter(action="reveal").count() == 1
    else:
        assert response.status_code == 403
        assert not AuditEvent.objects.filter(action="reveal").exists()
        assert person.id_number not in response.content.decode() and "13912345678" not in response.content.decode()


def test_a_forbidden_role_sees_no_show_button(client_for, world, person):
    html = client_for(world.users[Role.DISTRICT_HEAD]).get(person.get_absolute_url()).content.decode()
    assert 'data-testid="reveal"' not in html and person.id_number not in html


def test_another_townships_person_cannot_be_revealed(client_for, world):
    other = world.people["b1"]
    response = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).post(reveal_url(other, "id_number"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_only_registered_fields_and_post_with_csrf(client, world, person):
    from django.test import Client

    client.force_login(world.users[Role.TOWNSHIP_CASEWORKER])
    assert client.post(reveal_url(person, "name")).status_code == 404
    assert client.post(reverse("common:reveal", args=["accounts.user", 1, "phone"])).status_code == 404
    assert client.get(reveal_url(person, "id_number")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users[Role.TOWNSHIP_CASEWORKER])
    assert strict.post(reveal_url(person, "id_number")).status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()
    anonymous = Client()
    assert anonymous.post(reveal_url(person, "id_number")).status_code in (302, 403)


def test_reporters_phones_are_masked_on_the_lead_and_the_public_report(client_for, world, person):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    lead, _ = lead_report(person=person, method="visit", channel="hotline", discovered_on=world_today(),
                          by=caseworker, reporter_name="热心人", reporter_phone="13700001111", description="困难")
    client = client_for(caseworker)
    html = client.get(lead.get_absolute_url()).content.decode()
    assert "13700001111" not in html and "137****1111" in html
    source = lead.sources.get()
    assert "13700001111" in client.post(reveal_url(source, "reporter_phone")).content.decode()

    report = public_report_submit(township=world.township_a, subject_name="孙七", description="断粮",
                                  reporter_phone="13600002222")
    page = client.get(reverse("intake:public_report_detail", args=[report.pk])).content.decode()
    assert "13600002222" not in page and "136****2222" in page
    assert client.post(reveal_url(report, "reporter_phone")).status_code == 200
    assert AuditEvent.objects.filter(action="reveal", object_type="intake.PublicReport").count() == 1


def test_lists_and_their_exports_never_carry_whole_numbers(client_for, world, person):
    import io

    import openpyxl

    client = client_for(world.users[Role.DISTRICT_STAFF])
    html = client.get(reverse("cases:person_list")).content.decode()
    assert person.id_number not in html and "13912345678" not in html
    response = client.get(reverse("cases:person_list"), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert person.id_number not in text and "13912345678" not in text
    assert resident_id.mask(person.id_number) in text


def world_today():
    from django.utils import timezone

    return timezone.localdate()
