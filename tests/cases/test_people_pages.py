"""The registry's list, detail and export: scoped, masked, audited, no N+1."""
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.choices import Role
from cases.models import VulnerabilityTag
from common.models import AuditEvent
from tests.factories import PersonFactory
from tests.queries import assert_list_queries, list_page

LIST = reverse("cases:person_list")


def test_list_shows_only_the_township_and_masks_ids(client_for, world):
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(LIST).content.decode()
    a1, b1 = world.people["a1"], world.people["b1"]
    assert a1.name in html and world.people["a2"].name in html
    assert b1.name not in html and world.people["other"].name not in html
    assert a1.id_number not in html
    assert a1.id_number[:6] + "********" + a1.id_number[-4:] in html


def test_filter_by_name_and_by_id_prefix(client_for, world):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    by_name = client.get(LIST, {"q": "李二"}).content.decode()
    assert "李二" in by_name and "张一" not in by_name
    a1 = world.people["a1"]
    by_id = client.get(LIST, {"q": a1.id_number[:14]}).content.decode()
    assert "张一" in by_id


def test_filter_by_tag_and_status(client_for, world):
    tag = VulnerabilityTag.objects.get(code="elderly_alone")
    world.people["a2"].tags.add(tag)
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(LIST, {"tags": tag.pk}).content.decode()
    assert "李二" in html and "张一" not in html


# The registry's queries (tests/queries.py), the same for a township and for the district.
PERSON_LIST_QUERIES = [
    *list_page("cases_person"),
    ("SELECT cases_vulnerabilitytag", "the filter's choices of tags"),
    ("SELECT cases_person", "the page of people (one query whatever the page size)"),
    ("SELECT cases_vulnerabilitytag", "the page's tags, prefetched in one query"),
]


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CASEWORKER, Role.DISTRICT_STAFF])
def test_person_list_runs_its_pinned_queries_at_25_and_100(client_for, world, role):
    tags = list(VulnerabilityTag.objects.all()[:2])
    for i in range(120):
        p = PersonFactory(village=world.village_a1 if i % 2 else world.village_a2)
        p.tags.set(tags)
    assert_list_queries(client_for(world.users[role]), LIST, PERSON_LIST_QUERIES, min_rows=100)


def test_detail_is_404_outside_scope_and_audited_inside(client_for, world):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    client = client_for(caseworker)
    outside = client.get(reverse("cases:person_detail", args=[world.people["b1"].pk]))
    assert outside.status_code == 404
    a1 = world.people["a1"]
    inside = client.get(reverse("cases:person_detail", args=[a1.pk]))
    assert inside.status_code == 200
    event = AuditEvent.objects.filter(action="detail", user=caseworker).get()
    assert event.object_id == str(a1.pk) and event.object_type == "cases.Person"


def test_village_assistant_sees_masked_id_on_detail(client_for, world):
    a1 = world.people["a1"]
    html = client_for(world.users[Role.VILLAGE_ASSISTANT]).get(
        reverse("cases:person_detail", args=[a1.pk])).content.decode()
    assert a1.id_number not in html and a1.masked_id_number in html


def test_export_is_scoped_masked_typed_and_audited(client_for, world):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    response = client_for(caseworker).get(LIST, {"export": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "人员库" in ws["A1"].value and world.township_a.name in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:2] == ["姓名", "身份证号"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    names = {r[0] for r in rows}
    assert names == {"张一", "李二"}
    a1 = world.people["a1"]
    assert a1.masked_id_number in {r[1] for r in rows}
    assert AuditEvent.objects.filter(action="export", user=caseworker, detail__contains="共 2 行").exists()


def test_list_views_are_audited(client_for, world):
    user = world.users[Role.DISTRICT_HEAD]
    client_for(user).get(LIST, {"q": "张"})
    event = AuditEvent.objects.get(action="list", user=user)
    assert event.detail == "q=%E5%BC%A0" and event.ip_address == "127.0.0.1"


def test_audit_events_cannot_be_changed_or_deleted(client_for, world):
    from common.models import AppendOnlyError

    client_for(world.users[Role.DISTRICT_HEAD]).get(LIST)
    event = AuditEvent.objects.get(action="list")
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(username="x")


def test_an_export_too_large_asks_for_narrower_filters_in_chinese(client_for, world, settings):
    settings.LIST_EXPORT_MAX_ROWS = 2
    client = client_for(world.users[Role.DISTRICT_STAFF])
    response = client.get(LIST, {"export": "xlsx", "q": ""}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain and "export=xlsx" not in response.redirect_chain[-1][0]
    assert "请缩小筛选范围" in html
    assert not AuditEvent.objects.filter(action="export").exists()
    # Narrowed to the township: two people, exported.
    narrowed = client.get(LIST, {"export": "xlsx", "township": world.township_a.pk})
    assert narrowed["Content-Type"].startswith("application/vnd.openxmlformats")
