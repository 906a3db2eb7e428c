"""The district's audit log: searchable, scoped to the district, read-only, exportable, append-only."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.choices import Role
from common.models import AppendOnlyError, AuditEvent

URL = "/security/audit/"


@pytest.fixture
def trail(client_for, world):
    """A caseworker opens a person, another district's staff opens theirs."""
    client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(world.people["a1"].get_absolute_url(),
                                                          REMOTE_ADDR="10.3.4.5")
    client_for(world.users["other_district_staff"]).get(world.people["other"].get_absolute_url(),
                                                        REMOTE_ADDR="10.9.9.9")
    return AuditEvent.objects.all()


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.DISTRICT_HEAD, Role.ADMINISTRATOR])
def test_district_roles_read_their_districts_trail_only(client_for, world, trail, role):
    html = client_for(world.users[role]).get(URL).content.decode()
    assert "u_township_caseworker" in html and "10.3.4.5" in html
    assert "u_other_district" not in html and "赵四" not in html


@pytest.mark.parametrize("role", [Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD,
                                  Role.DEPARTMENT_LIAISON])
def test_other_roles_cannot_open_it(client_for, world, trail, role):
    assert client_for(world.users[role]).get(URL).status_code == 403


def test_it_is_searchable_by_user_action_object_type_dates_and_ip(client_for, world, trail):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    detail = {"action": "detail"}

    def rows(**query):
        html = client.get(URL, query).content.decode()
        return html.count("u_township_caseworker")

    assert rows(user="u_township", **detail) == 1
    assert rows(user="nobody", **detail) == 0
    assert rows(object_type="cases.Person", **detail) == 1
    assert rows(object_type="cases.Lead", **detail) == 0
    assert rows(ip_address="10.3.4.5") >= 1 and rows(ip_address="10.3.") >= 1 and rows(ip_address="10.4.") == 0
    today = dt.date.today()
    assert rows(date_from=today.isoformat(), date_to=(today + dt.timedelta(days=1)).isoformat(), **detail) == 1
    assert rows(date_from=(today + dt.timedelta(days=2)).isoformat(), **detail) == 0
    assert rows(q="张一", **detail) == 1


def test_it_exports_the_filtered_trail_and_the_export_is_itself_recorded(client_for, world, trail):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    response = client.get(URL, {"action": "detail", "export": "xlsx"})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "u_township_caseworker" in text and "10.3.4.5" in text and "u_other_district" not in text
    assert AuditEvent.objects.filter(action="export", object_type="common.AuditEvent").count() == 1


def test_the_log_page_offers_no_way_to_change_anything(client_for, world, trail):
    client = client_for(world.users[Role.ADMINISTRATOR])
    html = client.get(URL).content.decode()
    assert 'method="post"' not in html.split("<main", 1)[1]
    assert client.post(URL, {}).status_code == 405


def test_append_only_for_everyone_the_orm_and_the_admin(client_for, world, trail):
    event = AuditEvent.objects.get(action="detail", username="u_township_caseworker")
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="edited")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    event.detail = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()

    admin = client_for(world.users[Role.ADMINISTRATOR])
    change = reverse("admin:common_auditevent_change", args=[event.pk])
    page = admin.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin.post(change, {"detail": "edited"}).status_code == 403
    assert admin.post(reverse("admin:common_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert admin.post(reverse("admin:common_auditevent_changelist"),
                      {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}).status_code in (200, 302)
    assert admin.get(reverse("admin:common_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.detail != "edited" and AuditEvent.objects.filter(pk=event.pk).exists()
