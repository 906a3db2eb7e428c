"""Department systems read and answer the transfer forms addressed to them through the API (DESIGN §8)."""
import pytest

from accounts.models import Department
from common.models import AuditEvent
from intake.models import FeedToken
from referrals.choices import TransferStatus
from referrals.models import TransferForm

from .factories import issue, lead_for

pytestmark = pytest.mark.django_db


def token_for(department) -> str:
    t = FeedToken(department=department, name=f"{department.name}系统")
    key = t.set_new_key()
    t.save()
    return key


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


ANSWER = {"answerer_name": "区医保局 王某某", "answer_text": "已核实，医疗费用已按规定报销。", "result": "relief_given"}


@pytest.fixture
def medical_form(world):
    return issue(world, to="department")


def test_a_department_lists_only_its_own_open_forms_with_masked_id_numbers(world, medical_form, client):
    township_form = issue(world, lead=lead_for(world, "a2"), to="township")
    key = token_for(world.medical)

    response = client.get("/api/transfer-forms/", **auth(key))

    assert response.status_code == 200
    numbers = [f["number"] for f in response.json()["results"]]
    assert numbers == [medical_form.number]
    assert township_form.number not in numbers
    row = response.json()["results"][0]
    person = medical_form.lead.person
    assert row["person_name"] == person.name
    assert row["person_id_number"] != person.id_number
    assert row["person_id_number"][:6] == person.id_number[:6] and row["person_id_number"][-4:] == person.id_number[-4:]
    assert row["due_on"] == medical_form.due_on.isoformat()
    assert AuditEvent.objects.filter(action="list", object_type="referrals.TransferForm",
                                     username__startswith="api:").exists()


def test_another_department_neither_sees_nor_answers_the_form(world, medical_form, client):
    other = Department.objects.filter(district=world.medical.district).exclude(pk=world.medical.pk).first()
    key = token_for(other)

    assert client.get("/api/transfer-forms/", **auth(key)).json()["results"] == []
    assert client.get(f"/api/transfer-forms/{medical_form.number}/", **auth(key)).status_code == 404
    response = client.post(f"/api/transfer-forms/{medical_form.number}/answer/", ANSWER,
                           content_type="application/json", **auth(key))
    assert response.status_code == 404
    medical_form.refresh_from_db()
    assert medical_form.status == TransferStatus.ISSUED


def test_answering_records_the_answer_once_and_a_different_second_answer_is_refused(world, medical_form, client):
    key = token_for(world.medical)
    url = f"/api/transfer-forms/{medical_form.number}/answer/"

    first = client.post(url, ANSWER, content_type="application/json", **auth(key))
    assert first.status_code == 200, first.content
    assert first.json()["status"] == TransferStatus.ANSWERED
    form = TransferForm.objects.get(pk=medical_form.pk)
    assert form.answer_text == ANSWER["answer_text"] and form.result == "relief_given"
    assert form.answerer_name == "区医保局 王某某" and form.answered_by is None and not form.answered_via_link
    assert form.received_at is not None
    assert AuditEvent.objects.filter(action="change", object_id=str(form.pk)).count() == 1

    again = client.post(url, ANSWER, content_type="application/json", **auth(key))
    assert again.status_code == 200
    assert TransferForm.objects.get(pk=form.pk).answered_at == form.answered_at

    different = client.post(url, {**ANSWER, "result": "not_eligible"}, content_type="application/json", **auth(key))
    assert different.status_code == 409
    assert "已" in different.json()["error"]["message"]
    assert TransferForm.objects.get(pk=form.pk).result == "relief_given"


def test_errors_are_json_in_chinese(world, medical_form, client):
    key = token_for(world.medical)
    url = f"/api/transfer-forms/{medical_form.number}/answer/"

    unauthenticated = client.get("/api/transfer-forms/")
    assert unauthenticated.status_code in (401, 403)
    assert unauthenticated.json()["error"]["message"]

    missing = client.post(url, {"answerer_name": "王某某", "result": "maybe"}, content_type="application/json",
                          **auth(key))
    assert missing.status_code == 400
    body = missing.json()["error"]
    assert set(body["details"]) == {"answer_text", "result"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])

    unknown = client.get("/api/transfer-forms/370304-ZB-2026-999999/", **auth(key))
    assert unknown.status_code == 404
    assert "转办单" in unknown.json()["error"]["message"]


def test_a_person_logged_in_with_a_session_cannot_use_the_department_interface(world, medical_form, client_for):
    from accounts.choices import Role

    client = client_for(world.users[Role.DEPARTMENT_LIAISON])
    assert client.get("/api/transfer-forms/").status_code in (401, 403)


def test_the_interface_is_in_the_openapi_document(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/transfer-forms/{number}/answer/" in paths
    assert "/api/transfer-forms/" in paths
