"""The push API: token per department, idempotency key, the same checks and matching, JSON errors in Chinese."""
from __future__ import annotations

import json

import pytest
import time_machine

from cases.models import Lead
from intake.models import FeedBatch, FeedRow, FeedToken
from tests.factories import valid_id

from .feed_factories import bad_check_digit, both_paths, install_feeds, messy  # noqa: F401 - a fixture

URL = "/api/feeds/{code}/deliveries/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def feeds(world, both_paths):
    return install_feeds(world)


@pytest.fixture
def token(world):
    t = FeedToken(department=world.medical, name="医保结算系统")
    key = t.set_new_key()
    t.save()
    return key


def post(client, code, body, *, key="k-1", token=None):
    headers = {}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Token {token}"
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL.format(code=code), data=json.dumps(body, ensure_ascii=False),
                       content_type="application/json", **headers)


OUTSIDER = valid_id(address="500114")


def body(world):
    a1, a2 = world.people["a1"], world.people["a2"]
    return {"period_start": "2026-10-01", "period_end": "2026-10-31", "rows": [
        {"身份证号": messy(a1.id_number), "姓名": "张一", "个人负担合规费用": "21,350.00元", "结算日期": "2026-10-03"},
        {"id_number": a2.id_number, "name": "李二", "amount": 300, "date": "2026/10/5"},
        {"id_number": bad_check_digit(a2.id_number), "name": "错号", "amount": 300, "date": "2026-10-05"},
        {"id_number": a2.id_number, "name": "李二", "amount": "abc", "date": "2026-10-06"},
        {"id_number": OUTSIDER, "name": "外地", "amount": 100, "date": "2026-10-07"},
    ]}


@time_machine.travel("2026-11-03 10:00 +0800", tick=False)
def test_a_push_is_checked_matched_and_answered_with_counts_and_reasons(world, feeds, token, client):
    response = post(client, "medical_inpatient", body(world), token=token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "done" and data["feed"] == "medical_inpatient"
    # Counts a department may know (issue 20): not who matched, became a lead or is under a relief.
    assert data["counts"] == {"rows": 5, "accepted": 3, "rejected": 2, "unchanged": 0}
    assert [r["row"] for r in data["rejected"]] == [3, 4]
    assert "校验" in data["rejected"][0]["reason"] and "“abc”不是数字" in data["rejected"][1]["reason"]
    lead = Lead.objects.get()
    assert lead.person == world.people["a1"] and lead.sources.get().reporter_name == world.medical.name
    batch = FeedBatch.objects.get()
    assert batch.source == "api" and batch.idempotency_key == "k-1"
    assert FeedToken.objects.get().last_used_at is not None

    # The same request again (a retry after a timeout): the first answer, nothing changes.
    again = post(client, "medical_inpatient", body(world), token=token)
    assert again.status_code == 200 and again.json()["delivery"] == data["delivery"]
    assert FeedBatch.objects.count() == 1 and Lead.objects.count() == 1
    # The same key with other rows: refused.
    other = body(world)
    other["rows"] = other["rows"][:1]
    conflict = post(client, "medical_inpatient", other, token=token)
    assert conflict.status_code == 409 and "Idempotency-Key" in conflict.json()["error"]["message"]
    # The same rows under a new key: a new delivery in which every row is unchanged.
    repeat = post(client, "medical_inpatient", body(world), token=token, key="k-2")
    assert repeat.status_code == 201 and repeat.json()["duplicate_of"] == data["delivery"]
    assert repeat.json()["counts"]["unchanged"] == 3 and Lead.objects.count() == 1
    assert FeedRow.objects.count() == 3
    # The result can be read back.
    detail = client.get(f"/api/feeds/deliveries/{data['delivery']}/", HTTP_AUTHORIZATION=f"Token {token}")
    assert detail.status_code == 200 and detail.json()["counts"] == data["counts"]


@time_machine.travel("2026-11-03 10:00 +0800", tick=False)
def test_errors_are_json_with_chinese_messages(world, feeds, token, client):
    def error(response, status):
        assert response.status_code == status, response.content
        payload = response.json()["error"]
        assert payload["message"] and any("\u4e00" <= ch <= "\u9fff" for ch in payload["message"]), payload
        return payload

    error(post(client, "medical_inpatient", body(world)), 401)
    error(post(client, "medical_inpatient", body(world), token="wrong"), 401)
    error(post(client, "medical_inpatient", body(world), token=token, key=None), 400)
    error(post(client, "no_such_feed", body(world), token=token), 404)
    error(post(client, "health_inpatient", body(world), token=token), 404)  # another department's feed
    payload = error(post(client, "medical_inpatient", {"rows": []}, token=token, key="k-3"), 400)
    assert "rows" in payload["details"]
    too_many = {"rows": [{"id_number": "1"}] * 10001}
    error(post(client, "medical_inpatient", too_many, token=token, key="k-4"), 413)
    error(post(client, "medical_inpatient", {"rows": [{"甲": 1}, {"乙": 2}]}, token=token, key="k-5"), 422)
    error(post(client, "medical_inpatient", {**body(world), "period_start": "2027-01-01", "period_end": "2027-01-31"},
               token=token, key="k-6"), 422)
    revoked = FeedToken.objects.get()
    revoked.is_active = False
    revoked.save()
    error(post(client, "medical_inpatient", body(world), token=token, key="k-7"), 401)
    assert not FeedBatch.objects.exists() and not Lead.objects.exists()


def test_the_openapi_document_is_at_a_stable_url(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert "/api/feeds/{feed_code}/deliveries/" in schema["paths"]
    post_op = schema["paths"]["/api/feeds/{feed_code}/deliveries/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post_op["parameters"])
    assert "departmentToken" in schema["components"]["securitySchemes"]
    assert {"201", "409", "422"} <= set(post_op["responses"])


def test_the_token_is_stored_only_as_a_hash(world):
    t = FeedToken(department=world.medical, name="系统")
    key = t.set_new_key()
    t.save()
    assert key not in json.dumps(list(FeedToken.objects.values()), default=str)
    assert FeedToken.objects.get().key_hash == FeedToken.hash_key(key) and t.prefix == key[:8]


@time_machine.travel("2026-11-03 10:00 +0800", tick=False)
def test_the_same_key_with_another_period_end_is_a_conflict(world, feeds, token, client):
    assert post(client, "medical_inpatient", body(world), token=token, key="k-p").status_code == 201
    other = {**body(world), "period_end": "2026-10-30"}
    conflict = post(client, "medical_inpatient", other, token=token, key="k-p")
    assert conflict.status_code == 409, conflict.content
    assert "Idempotency-Key" in conflict.json()["error"]["message"]
    assert FeedBatch.objects.count() == 1


def _raw(client, token, data: str, *, key="k-raw"):
    return client.post(URL.format(code="medical_inpatient"), data=data, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Token {token}", HTTP_IDEMPOTENCY_KEY=key)


def _chinese_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    message = response.json()["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message


@time_machine.travel("2026-11-03 10:00 +0800", tick=False)
def test_malformed_nested_and_oversized_bodies_get_json_errors_in_chinese(world, feeds, token, client):
    assert "第 1 行" in _chinese_error(_raw(client, token, "{bad json"), 400)
    _chinese_error(_raw(client, token, "[" * 100000 + "]" * 100000), 400)  # was an HTML 500 (RecursionError)
    _chinese_error(_raw(client, token, '{"rows": [{"a": NaN}]}'), 400)
    big = json.dumps({"rows": [{"id_number": "x" * 1000}] * 11000})  # 11 MB
    assert "MB" in _chinese_error(_raw(client, token, big), 413)
    assert not FeedBatch.objects.exists()
