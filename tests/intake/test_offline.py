"""The assistant's phone offline (issue 19): the pack the phone keeps and the sync endpoint that takes its queue —
idempotency, scoping, a lead opened meanwhile kept as evidence, the late flag by the discovery date, photos."""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.choices import Role
from cases.choices import Channel, DiscoveryMethod
from cases.models import Lead, LeadSource, Person, ReliefKind
from cases.services import lead_report
from common.models import AuditEvent
from intake.offline import services as offline
from intake.models import OfflineSubmission, Visit, VisitPhoto
from tests.factories import valid_id
from tests.intake.roster_factories import BEIJING, TODAY, add_entry, clock  # noqa: F401 - clock is a fixture

PACK = "/intake/offline/pack/"
SYNC = "/intake/offline/sync/"


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def assistant(world):
    return world.users[Role.VILLAGE_ASSISTANT]


@pytest.fixture
def phone(assistant, clock):
    """The assistant's phone: a logged-in browser that sends the CSRF token as the page script does."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(assistant)
    pack = client.get(PACK).json()
    client.stamp = pack["stamp"]
    client.csrf = pack["csrf"]

    def send(payload, **extra):
        return client.post(SYNC, data=json.dumps(payload), content_type="application/json",
                           HTTP_X_CSRFTOKEN=client.csrf, **extra)

    client.send = send
    return client


def lead_item(phone, *, id_number, name="钱婆婆", village, discovered_on=TODAY, recorded_at=None, key=None, **data):
    return {
        "key": key or str(uuid.uuid4()), "kind": "lead", "stamp": phone.stamp,
        "recorded_at": (recorded_at or at(discovered_on, 10)).isoformat(),
        "data": {"village": village.pk, "id_number": id_number, "name": name, "phone": "",
                 "method": DiscoveryMethod.VISIT, "channel": Channel.HOME_VISIT,
                 "discovered_on": discovered_on.isoformat(), "is_urgent": False, "suspected_relief": [],
                 "causes": [], "family_situation": "独居老人，房屋漏雨。", **data},
    }


def visit_item(phone, *, entry, visited_on=TODAY, found_hardship=True, photos=(), key=None, recorded_at=None):
    relief = ReliefKind.objects.order_by("pk").first()
    return {
        "key": key or str(uuid.uuid4()), "kind": "visit", "stamp": phone.stamp,
        "recorded_at": (recorded_at or at(visited_on, 11)).isoformat(), "photos": list(photos),
        "data": {"entry": entry.pk, "visited_on": visited_on.isoformat(), "mode": "home", "met_in_person": "1",
                 "findings": "卧床不起，无人照料。" if found_hardship else "", "found_hardship":
                 "1" if found_hardship else "0", "suspected_relief": [relief.pk] if found_hardship else [],
                 "is_urgent": False},
    }


def jpeg(size=(320, 240), *, with_gps=False, fmt="JPEG") -> str:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if with_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}  # GPS
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    mime = "jpeg" if fmt == "JPEG" else fmt.lower()
    return f"data:image/{mime};base64," + base64.b64encode(out.getvalue()).decode()


# --- the pack ---------------------------------------------------------------------------------------
def test_the_pack_holds_the_villages_roster_with_masked_ids_and_is_audited(world, assistant, clock):
    mine = add_entry(assistant, world.people["a1"])
    other_village = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a2"])
    client = Client()
    client.force_login(assistant)
    body = client.get(PACK).json()
    assert [e["id"] for e in body["roster"]] == [mine.pk]
    entry = body["roster"][0]
    person = world.people["a1"]
    assert entry["name"] == person.name and entry["id_masked"] == person.masked_id_number
    assert person.id_number not in json.dumps(body)
    assert set(entry) == {"id", "name", "id_masked", "category", "since", "next_due_on", "last_visited_on", "mine"}
    assert other_village.pk not in [e["id"] for e in body["roster"]]
    assert body["idle_seconds"] == 30 * 60
    assert AuditEvent.objects.filter(username=assistant.username, detail__startswith="offline pack").exists()


def test_only_a_logged_in_assistant_gets_the_pack_or_may_sync(world, client):
    assert client.get(PACK).status_code == 401
    assert client.post(SYNC, data="{}", content_type="application/json").status_code == 401
    client.force_login(world.users[Role.TOWNSHIP_CASEWORKER])
    assert client.get(PACK).status_code == 403
    assert client.post(SYNC, data="{}", content_type="application/json").status_code == 403
    assert client.get("/intake/offline/").status_code == 403


def test_sync_refuses_a_post_without_the_csrf_token(world, phone):
    item = lead_item(phone, id_number=valid_id(), village=world.village_a1)
    response = phone.post(SYNC, data=json.dumps(item), content_type="application/json")
    assert response.status_code == 403
    assert not OfflineSubmission.objects.exists()


# --- idempotency --------------------------------------------------------------------------------------
def test_the_same_record_sent_again_changes_nothing_and_gets_the_same_answer(world, phone, assistant, clock):
    new_id = valid_id()
    item = lead_item(phone, id_number=new_id, village=world.village_a1)
    first = phone.send(item)
    assert first.status_code == 200, first.content
    answer = first.json()
    assert answer["status"] == "created" and answer["repeat"] is False
    lead = Lead.objects.get(person__id_number=new_id)
    assert lead.discoverer == assistant and answer["lead_number"] == lead.number
    counts = (Lead.objects.count(), LeadSource.objects.count(), Person.objects.count(), AuditEvent.objects.count())

    again = phone.send(item)
    assert again.status_code == 200
    assert again.json() == {**answer, "repeat": True}
    assert (Lead.objects.count(), LeadSource.objects.count(), Person.objects.count(),
            AuditEvent.objects.count()) == counts
    assert OfflineSubmission.objects.filter(key=item["key"]).count() == 1


def test_a_lead_for_someone_whose_id_is_unknown_is_taken_from_the_phone_as_on_the_online_form(world, phone, clock):
    # Issue 17 rule 7: no ID, a description and where the person was found; the township identifies them later.
    item = lead_item(phone, id_number="", name="", village=world.village_a1, unidentified=True,
                     description="六十岁左右男性，灰色棉袄", found_at="村口公交站")
    answer = phone.send(item)
    assert answer.status_code == 200, answer.content
    lead = Lead.objects.get(number=answer.json()["lead_number"])
    assert lead.person.is_unidentified and lead.village == world.village_a1
    assert lead.person.found_at == "村口公交站" and lead.person.description == "六十岁左右男性，灰色棉袄"
    missing = phone.send(lead_item(phone, id_number="", name="", village=world.village_a1, unidentified=True,
                                   description="", found_at=""))
    assert missing.status_code == 400
    assert "请填写姓名或描述其特征" in missing.json()["message"] and "请填写发现地点" in missing.json()["message"]
    assert Lead.objects.count() == 1


def test_the_phones_lead_form_offers_the_unknown_id_option(world, client):
    client.force_login(world.users[Role.VILLAGE_ASSISTANT])
    page = client.get(reverse("intake:offline_lead")).content.decode()
    assert 'name="unidentified"' in page and 'name="found_at"' in page and 'name="description"' in page


def test_a_key_reused_for_other_content_is_refused(world, phone, clock):
    item = lead_item(phone, id_number=valid_id(), village=world.village_a1)
    assert phone.send(item).status_code == 200
    changed = {**item, "data": {**item["data"], "family_situation": "另一件事"}}
    response = phone.send(changed)
    assert response.status_code == 409
    assert "不同内容" in response.json()["message"]
    assert Lead.objects.count() == 1


def test_a_visit_sent_twice_is_one_visit_and_one_lead(world, phone, assistant, clock):
    entry = add_entry(assistant, world.people["a1"])
    item = visit_item(phone, entry=entry)
    assert phone.send(item).json()["status"] == "created"
    assert phone.send(item).json()["repeat"] is True
    assert Visit.objects.filter(roster_entry=entry).count() == 1
    assert Lead.objects.filter(person=entry.person).count() == 1


# --- scoping ------------------------------------------------------------------------------------------
def test_a_visit_to_another_villages_roster_is_refused_and_leaves_nothing(world, phone, clock):
    other = add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a2"])
    response = phone.send(visit_item(phone, entry=other))
    assert response.status_code == 400
    assert "不在本村" in response.json()["message"]
    assert not Visit.objects.exists() and not OfflineSubmission.objects.exists()


def test_a_lead_for_a_person_or_village_outside_the_assistants_village_is_refused(world, phone, clock):
    elsewhere = phone.send(lead_item(phone, id_number=world.people["b1"].id_number, village=world.village_a1))
    assert elsewhere.status_code == 400 and "无法在本辖区登记" in elsewhere.json()["message"]
    other_village = phone.send(lead_item(phone, id_number=valid_id(), village=world.village_a2))
    assert other_village.status_code == 400
    assert not Lead.objects.exists() and not OfflineSubmission.objects.exists()


def test_submissions_are_scoped_to_the_village(world, phone, clock):
    phone.send(lead_item(phone, id_number=valid_id(), village=world.village_a1))
    from accounts.scoping import scope

    assert scope(world.users[Role.TOWNSHIP_CASEWORKER], OfflineSubmission.objects.all()).count() == 1
    assert scope(world.users["assistant_b"], OfflineSubmission.objects.all()).count() == 0
    assert scope(world.users["caseworker_b"], OfflineSubmission.objects.all()).count() == 0


# --- a lead opened meanwhile by someone else ----------------------------------------------------------
def test_a_lead_opened_meanwhile_by_someone_else_gets_the_report_as_evidence_and_the_assistant_is_told(
        world, phone, assistant, clock):
    person = world.people["a1"]
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    opened, _ = lead_report(person=person, method=DiscoveryMethod.WORK, channel=Channel.HOTLINE,
                            discovered_on=TODAY, by=caseworker, description="热线来电")
    entry = add_entry(assistant, person)

    visit = phone.send(visit_item(phone, entry=entry)).json()
    assert visit["status"] == "merged" and visit["conflict"] is True
    assert caseworker.display_name in visit["message"] and opened.number in visit["message"]
    assert "证据" in visit["message"]
    lead_answer = phone.send(lead_item(phone, id_number=person.id_number, village=world.village_a1)).json()
    assert lead_answer["status"] == "merged", lead_answer
    assert lead_answer["status"] == "merged" and lead_answer["lead_number"] == opened.number
    assert Lead.objects.filter(person=person).count() == 1
    assert opened.sources.count() == 3  # the hotline call, the visit, the lead from the phone: all kept


def test_the_assistants_own_open_lead_is_merged_without_a_conflict(world, phone, assistant, clock):
    person = world.people["a1"]
    lead_report(person=person, method=DiscoveryMethod.VISIT, channel=Channel.HOME_VISIT, discovered_on=TODAY,
                by=assistant, description="上次走访")
    answer = phone.send(lead_item(phone, id_number=person.id_number, village=world.village_a1)).json()
    assert answer["status"] == "merged" and answer["conflict"] is False


# --- the late flag by the discovery date, not the sync date --------------------------------------------
def test_a_lead_recorded_offline_on_the_day_is_not_late_when_it_arrives_days_later(world, assistant, clock):
    phone_client = Client(enforce_csrf_checks=True)
    phone_client.force_login(assistant)
    pack = phone_client.get(PACK).json()  # synced on 2026-03-10 09:00
    phone_client.stamp, phone_client.csrf = pack["stamp"], pack["csrf"]
    item = lead_item(phone_client, id_number=valid_id(), village=world.village_a1, discovered_on=TODAY,
                     recorded_at=at(TODAY, 15))
    clock.move_to(TODAY + dt.timedelta(days=2))  # the signal comes back two days later
    phone_client.force_login(assistant)  # the session had ended: the assistant logs in again
    phone_client.csrf = phone_client.get(PACK).json()["csrf"]
    response = phone_client.post(SYNC, data=json.dumps(item), content_type="application/json",
                                 HTTP_X_CSRFTOKEN=phone_client.csrf)
    answer = response.json()
    lead = Lead.objects.get(number=answer["lead_number"])
    assert lead.discovered_on == TODAY and not lead.is_late_report and answer["late"] is False
    assert lead.reported_at == at(TODAY, 15)
    submission = OfflineSubmission.objects.get(key=item["key"])
    assert submission.received_at == at(TODAY + dt.timedelta(days=2))


def test_a_discovery_reported_days_later_on_the_phone_is_late(world, phone, clock):
    day = TODAY - dt.timedelta(days=3)
    item = lead_item(phone, id_number=valid_id(), village=world.village_a1, discovered_on=day,
                     recorded_at=at(TODAY, 9, 30) - dt.timedelta(minutes=20))
    answer = phone.send(item).json()
    lead = Lead.objects.get(number=answer["lead_number"])
    assert lead.discovered_on == day and lead.is_late_report and answer["late"] is True


def test_a_phone_clock_set_back_cannot_make_a_report_look_earlier_than_the_last_sync(world, assistant, clock):
    phone_client = Client(enforce_csrf_checks=True)
    phone_client.force_login(assistant)
    pack = phone_client.get(PACK).json()  # synced 2026-03-10 09:00
    phone_client.stamp, phone_client.csrf = pack["stamp"], pack["csrf"]
    day = TODAY - dt.timedelta(days=2)
    item = lead_item(phone_client, id_number=valid_id(), village=world.village_a1, discovered_on=day,
                     recorded_at=at(day, 10))  # the phone claims it was recorded two days ago
    answer = phone_client.post(SYNC, data=json.dumps(item), content_type="application/json",
                               HTTP_X_CSRFTOKEN=phone_client.csrf).json()
    lead = Lead.objects.get(number=answer["lead_number"])
    assert lead.is_late_report and lead.reported_at == at(TODAY, 9)


def test_without_a_valid_stamp_the_record_counts_as_reported_when_it_arrives(world, phone, clock):
    day = TODAY - dt.timedelta(days=1)
    item = lead_item(phone, id_number=valid_id(), village=world.village_a1, discovered_on=day, recorded_at=at(day, 10))
    item["stamp"] = "forged"
    answer = phone.send(item).json()
    assert Lead.objects.get(number=answer["lead_number"]).is_late_report


def test_a_late_visit_lead_is_flagged_by_the_visit_date(world, phone, assistant, clock):
    entry = add_entry(assistant, world.people["a1"], since=TODAY - dt.timedelta(days=40))
    on_time = phone.send(visit_item(phone, entry=entry, visited_on=TODAY, recorded_at=at(TODAY, 8))).json()
    assert on_time["late"] is False
    entry.refresh_from_db()
    two_days_ago = TODAY - dt.timedelta(days=2)
    Lead.objects.all().update(status="closed")
    late = phone.send(visit_item(phone, entry=entry, visited_on=two_days_ago, recorded_at=at(TODAY, 9))).json()
    assert late["late"] is True


# --- photos -------------------------------------------------------------------------------------------
def test_a_visit_photo_is_kept_as_a_fresh_jpeg_without_location_and_served_to_the_district(world, phone, assistant,
                                                                                            clock, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    entry = add_entry(assistant, world.people["a1"])
    photo = jpeg(with_gps=True)
    raw = base64.b64decode(photo.split(",", 1)[1])
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)  # the camera wrote a place
    answer = phone.send(visit_item(phone, entry=entry, found_hardship=False, photos=[photo])).json()
    assert answer["status"] == "created"
    kept = VisitPhoto.objects.get()
    with kept.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and not stored.getexif()
    assert (kept.width, kept.height) == (320, 240)

    district = Client()
    district.force_login(world.users[Role.DISTRICT_STAFF])
    url = f"/intake/visits/{kept.visit_id}/photos/{kept.pk}/"
    response = district.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(username=world.users[Role.DISTRICT_STAFF].username,
                                     object_type="intake.VisitPhoto").exists()
    other = Client()
    other.force_login(world.users["caseworker_b"])
    assert other.get(url).status_code == 404


def test_a_district_that_keeps_the_photos_location_keeps_the_gps_and_nothing_else(world, phone, assistant, clock,
                                                                                  settings, tmp_path):
    """Issue 19: "keep the photo's location" (district setting, off by default): the GPS tags stay, the camera's
    other tags (device, time) do not; the phone learns the setting from its pack to copy the EXIF block at all."""
    from PIL import ExifTags

    from cases.models import DistrictSettings

    settings.MEDIA_ROOT = str(tmp_path)
    assert phone.get(PACK).json()["keep_photo_location"] is False
    DistrictSettings.objects.update_or_create(district=world.district, defaults={"keep_photo_location": True})
    assert phone.get(PACK).json()["keep_photo_location"] is True
    entry = add_entry(assistant, world.people["a1"])
    answer = phone.send(visit_item(phone, entry=entry, found_hardship=False, photos=[jpeg(with_gps=True)])).json()
    assert answer["status"] == "created"
    with VisitPhoto.objects.get().image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read())).getexif()
    assert stored.get_ifd(ExifTags.IFD.GPSInfo)[2] == (39.0, 54.0, 0.0)
    assert 0x010F not in stored  # the maker is not kept


def test_the_offline_app_installs_from_the_assistants_home_page(world, client):
    """Issue 19: the manifest link is on the assistant's home page, not only on the offline pages."""
    client.force_login(world.users[Role.VILLAGE_ASSISTANT])
    home = client.get("/").content.decode()
    assert '<link rel="manifest" href="/intake/offline/manifest.webmanifest">' in home
    client.force_login(world.users[Role.TOWNSHIP_CASEWORKER])
    assert 'rel="manifest"' not in client.get("/").content.decode()


@pytest.mark.parametrize("photos, reason", [
    ([jpeg(fmt="PNG")], "JPEG"),
    (["data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff" + b"not really").decode()], "有效的图片"),
    ([jpeg()] * 4, "最多"),
])
def test_photos_that_are_not_small_jpegs_are_refused_with_the_visit_kept_on_the_phone(
        world, phone, assistant, clock, photos, reason):
    entry = add_entry(assistant, world.people["a1"])
    response = phone.send(visit_item(phone, entry=entry, photos=photos))
    assert response.status_code == 400 and reason in response.json()["message"]
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_a_photo_over_the_size_limit_is_refused(world, phone, assistant, clock, settings):
    settings.OFFLINE_PHOTO_MAX_BYTES = 1000
    entry = add_entry(assistant, world.people["a1"])
    response = phone.send(visit_item(phone, entry=entry, photos=[jpeg(size=(800, 600))]))
    assert response.status_code == 400 and "KB" in response.json()["message"]


# --- the app's own files --------------------------------------------------------------------------------
def test_the_service_worker_may_control_the_site_and_the_manifest_opens_the_offline_home(client):
    worker = client.get("/intake/offline/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/"
    assert worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode()
    assert "http://" not in body and "https://" not in body  # nothing from outside
    manifest = client.get("/intake/offline/manifest.webmanifest").json()
    assert manifest["start_url"] == "/intake/offline/" and manifest["scope"] == "/"


def test_logging_out_tells_the_browser_to_wipe_the_sites_storage(world, client):
    client.force_login(world.users[Role.VILLAGE_ASSISTANT])
    response = client.post("/accounts/logout/")
    assert '"storage"' in response["Clear-Site-Data"]


def test_recorded_at_is_bounded_by_the_stamp_and_now(world, assistant, clock):
    now = at(TODAY, 12)
    stamp = offline._stamp(user=assistant, now=at(TODAY, 8))
    bounded = offline.recorded_at_for(payload={"stamp": stamp, "recorded_at": at(TODAY, 18).isoformat()},
                                      user=assistant, now=now)
    assert bounded == now
    assert offline.recorded_at_for(payload={"stamp": stamp, "recorded_at": at(TODAY, 10).isoformat()},
                                   user=assistant, now=now) == at(TODAY, 10)
    other = world.users["assistant_b"]
    assert offline.recorded_at_for(payload={"stamp": stamp, "recorded_at": at(TODAY, 10).isoformat()},
                                   user=other, now=now) == now
