"""Issue 17 rule 2 (seed 001: "确保每个村（社区）至少有一名社会救助协理员。乡镇（街道）负责村（社区）社会救助协理员
管理和具体业务培训"): appointments and trainings per village, a coverage page for township and district, and the
villages without an assistant counted on the home page."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from intake.assistants import selectors as assistants_selectors
from intake.models import AssistantAppointment, AssistantTraining


def appoint(village, name, *, days_ago=100, ended=None):
    today = timezone.localdate()
    return AssistantAppointment.objects.create(village=village, name=name, appointed_on=today - dt.timedelta(days_ago),
                                               ended_on=ended)


def test_villages_without_a_current_assistant_are_counted_per_area(world):
    township_villages = Region.objects.filter(level=RegionLevel.VILLAGE, parent=world.township_a).count()
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    assert assistants_selectors.villages_without_assistant(user=caseworker) == township_villages
    appoint(world.village_a1, "陈协理")
    appoint(world.village_a2, "已离任", ended=timezone.localdate() - dt.timedelta(days=1))
    assert assistants_selectors.villages_without_assistant(user=caseworker) == township_villages - 1
    staff = world.users[Role.DISTRICT_STAFF]
    district_villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=world.district.code[:6]).count()
    assert assistants_selectors.villages_without_assistant(user=staff) == district_villages - 1
    rows = {r["parent_id"]: r for r in assistants_selectors.coverage_by_township(user=staff)}
    assert rows[world.township_a.pk]["covered"] == 1


def test_the_coverage_page_and_the_home_widget(world, client_for):
    appointment = appoint(world.village_a1, "陈协理")
    AssistantTraining.objects.create(appointment=appointment, trained_on=timezone.localdate(), topic="主动发现业务培训",
                                     hours=2)
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    page = client.get(reverse("intake:assistant_coverage")).content.decode()
    assert "陈协理" in page and f"{timezone.localdate():%Y-%m-%d}" in page and "无协理员" in page
    missing = client.get(reverse("intake:assistant_coverage"), {"missing": "1"}).content.decode()
    assert "陈协理" not in missing
    home = client.get("/").content.decode()
    assert 'data-testid="widget-assistants"' in home
    district = client_for(world.users[Role.DISTRICT_STAFF]).get(reverse("intake:assistant_coverage")).content.decode()
    assert 'data-testid="coverage-by-township"' in district
    # A village assistant sees no such page: the township manages assistants.
    assert client_for(world.users[Role.VILLAGE_ASSISTANT]).get("/").content.decode().count("widget-assistants") == 0


def test_the_township_appoints_ends_and_trains_from_the_pages(world, client_for):
    """Rule 2 without the admin: appointment, its end and a training recorded by the township on the village page;
    the district drills from its townships to their villages; villages without an assistant are highlighted."""
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    client = client_for(caseworker)
    url = reverse("intake:assistant_village", args=[world.village_a1.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="no-assistant"' in page and 'data-testid="appoint-form"' in page
    day = timezone.localdate() - dt.timedelta(days=30)
    response = client.post(url, {"action": "appoint", "appoint-name": "陈协理", "appoint-phone": "13812345678",
                                 "appoint-background": "public_post", "appoint-appointed_on": day.isoformat()})
    assert response.status_code == 302
    appointment = AssistantAppointment.objects.get(village=world.village_a1)
    assert (appointment.name, appointment.appointed_on, appointment.background) == ("陈协理", day, "public_post")
    response = client.post(url, {"action": "train", "train-appointment": appointment.pk,
                                 "train-trained_on": timezone.localdate().isoformat(), "train-topic": "主动发现业务培训",
                                 "train-hours": "2", "train-given_by": "镇民政办"})
    assert response.status_code == 302 and appointment.trainings.get().topic == "主动发现业务培训"
    coverage = client.get(reverse("intake:assistant_coverage")).content.decode()
    assert "陈协理" in coverage and f"{day:%Y-%m-%d}" in coverage and "table-danger" in coverage
    # A future date is refused; ending the appointment leaves the village without an assistant again.
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    client.post(url, {"action": "end", "end-appointment": appointment.pk, "end-ended_on": future})
    appointment.refresh_from_db()
    assert appointment.ended_on is None
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.post(url, {"action": "end", "end-appointment": appointment.pk, "end-ended_on": yesterday.isoformat()})
    appointment.refresh_from_db()
    assert appointment.ended_on == yesterday
    assert assistants_selectors.villages_without_assistant(user=caseworker) == Region.objects.filter(
        level=RegionLevel.VILLAGE, parent=world.township_a).count()

    # Another township's village is not found; the village assistant cannot appoint.
    assert client_for(world.users["caseworker_b"]).get(url).status_code == 404
    helper = client_for(world.users[Role.VILLAGE_ASSISTANT])
    assert helper.post(url, {"action": "appoint", "appoint-name": "自封", "appoint-background": "other",
                             "appoint-appointed_on": day.isoformat()}).status_code == 403

    # The district: townships first, then one township's villages.
    district = client_for(world.users[Role.DISTRICT_STAFF])
    top = district.get(reverse("intake:assistant_coverage")).content.decode()
    assert f"?township={world.township_a.pk}" in top and 'data-testid="coverage"' not in top
    drilled = district.get(reverse("intake:assistant_coverage"), {"township": world.township_a.pk}).content.decode()
    assert world.village_a1.name in drilled and world.village_b1.name not in drilled
