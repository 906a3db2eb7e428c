"""Transfer forms (线索转办单): issuing, who sees what, receiving, answering, closing, the answer link."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from common.models import AuditEvent
from referrals import selectors, services
from referrals.choices import TransferStatus
from referrals.links import AnswerLinkError, answer_link_token, form_for_answer_link
from referrals.models import Notification, TransferForm, TransferKind
from referrals.services import TransferFormError
from tests.factories import make_user

from .factories import at, issue, lead_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="调查报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- issuing ------------------------------------------------------------------------------
def test_district_issues_to_the_township_numbered_and_due_in_5_working_days(world):
    lead = lead_for(world)
    form = issue(world, lead=lead, now=at(dt.date(2025, 9, 26)))
    assert form.number == "ZB-370304-2025-0001"
    assert form.from_region == world.district and form.to_region == world.township_a
    assert form.due_on == dt.date(2025, 10, 10)          # across National Day, counting the make-up Sunday
    assert form.status == TransferStatus.ISSUED
    second = issue(world, lead=lead, to="department", now=at(dt.date(2025, 9, 26)))
    assert second.number == "ZB-370304-2025-0002"
    # The township office is told; the liaison of the department too.
    assert Notification.objects.filter(recipient=world.users[Role.TOWNSHIP_CASEWORKER],
                                       subject_id=str(form.pk)).exists()
    assert Notification.objects.filter(recipient=world.users[Role.DEPARTMENT_LIAISON],
                                       subject_id=str(second.pk)).exists()


def test_issuing_twice_returns_the_same_open_form(world):
    lead = lead_for(world)
    first = issue(world, lead=lead)
    assert issue(world, lead=lead) == first
    assert TransferForm.objects.count() == 1
    services.transfer_form_close(form=first, by=world.users[Role.DISTRICT_STAFF], note="撤回")
    assert issue(world, lead=lead) != first


def test_the_due_days_come_from_the_kind(world):
    TransferKind.objects.filter(code="investigate").update(due_working_days=2)
    form = issue(world, now=at(dt.date(2026, 2, 13)))
    assert form.due_on == dt.date(2026, 2, 24)            # make-up Saturday 02-14, then after the Spring Festival
    urgent = issue(world, kind="urgent", now=at(dt.date(2026, 3, 6)))
    assert urgent.due_on == dt.date(2026, 3, 9)


def test_a_township_issues_only_to_departments_for_its_own_leads(world):
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    lead = lead_for(world)
    form = services.transfer_form_issue(lead=lead, by=caseworker, to_department=world.health,
                                        kind="special_relief", request_text="请给予医疗救助。")
    assert form.from_region == world.township_a and form.scope_region == world.township_a
    with pytest.raises(TransferFormError, match="只能向部门"):
        services.transfer_form_issue(lead=lead, by=caseworker, to_region=world.township_a, kind="investigate",
                                     request_text="核实")
    other = lead_for(world, "b1")
    with pytest.raises(TransferFormError, match="不在您的辖区"):
        services.transfer_form_issue(lead=other, by=caseworker, to_department=world.health, kind="investigate",
                                     request_text="核实")


@pytest.mark.parametrize("role", [Role.VILLAGE_ASSISTANT, Role.DEPARTMENT_LIAISON, Role.DISTRICT_HEAD])
def test_other_roles_cannot_issue(world, role):
    with pytest.raises(TransferFormError):
        issue(world, by=world.users[role])


def test_district_transfers_to_the_leads_own_township_and_checks_the_request(world):
    lead = lead_for(world)
    staff = world.users[Role.DISTRICT_STAFF]
    with pytest.raises(TransferFormError, match="域城镇"):
        services.transfer_form_issue(lead=lead, by=staff, to_region=world.township_b, kind="investigate",
                                     request_text="核实")
    with pytest.raises(TransferFormError, match="转办事项"):
        services.transfer_form_issue(lead=lead, by=staff, to_region=world.township_a, kind="investigate",
                                     request_text="  ")
    with pytest.raises(TransferFormError):
        services.transfer_form_issue(lead=lead, by=staff, kind="investigate", request_text="核实")
    with pytest.raises(TransferFormError):
        services.transfer_form_issue(lead=lead, by=world.users["other_district_staff"],
                                     to_region=world.township_a, kind="investigate", request_text="核实")


# --- who sees what --------------------------------------------------------------------------
def test_scoping_matrix(world):
    to_township = issue(world)
    to_medical = issue(world, to="department")
    by_township = services.transfer_form_issue(
        lead=lead_for(world, "a2"), by=world.users[Role.TOWNSHIP_CASEWORKER], to_department=world.health,
        kind="special_relief", request_text="请给予医疗救助。")
    health_liaison = make_user("u_health", Role.DEPARTMENT_LIAISON, world.district, world.health)

    def visible(user):
        return set(selectors.transfer_forms(user=user).values_list("number", flat=True))

    everything = {to_township.number, to_medical.number, by_township.number}
    assert visible(world.users[Role.DISTRICT_STAFF]) == everything
    assert visible(world.users[Role.DISTRICT_HEAD]) == everything
    assert visible(world.users[Role.TOWNSHIP_CASEWORKER]) == {to_township.number, by_township.number}
    assert visible(world.users["caseworker_b"]) == set()
    assert visible(world.users[Role.DEPARTMENT_LIAISON]) == {to_medical.number}    # 医保 only
    assert visible(health_liaison) == {by_township.number}                         # 卫健 only
    assert visible(world.users[Role.VILLAGE_ASSISTANT]) == set()
    assert visible(world.users["other_district_staff"]) == set()
    # The explicit selectors: addressed to my office, issued by my office.
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    assert set(selectors.transfer_forms_received(user=caseworker)) == {to_township}
    assert set(selectors.transfer_forms_issued(user=caseworker)) == {by_township}


def test_a_township_sees_its_forms_by_their_key_whoever_issued_them(world):
    """A township's forms are ``scope_region = township`` (no join): a form issued from below a township — a
    superuser placed in a village — belongs to that village's township, as the code-prefix rule had it."""
    superuser = make_user("root_in_a_village", Role.VILLAGE_ASSISTANT, world.village_a2)
    superuser.is_superuser = True
    superuser.save()
    from_a_village = services.transfer_form_issue(
        lead=lead_for(world, "a2"), by=superuser, to_department=world.health, kind="special_relief",
        request_text="请给予医疗救助。")
    assert from_a_village.from_region == world.village_a2 and from_a_village.scope_region == world.township_a
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    mine = selectors.transfer_forms(user=caseworker)
    assert set(mine) == {from_a_village}
    assert set(selectors.transfer_forms(user=world.users["caseworker_b"])) == set()
    assert "accounts_region" not in str(mine.query)


def test_detail_pages_are_404_outside_scope(client_for, world):
    to_medical = issue(world, to="department")
    url = reverse("referrals:transferform_detail", args=[to_medical.pk])
    assert client_for(world.users["caseworker_b"]).get(url).status_code == 404
    assert client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(url).status_code == 404
    assert client_for(world.users[Role.DEPARTMENT_LIAISON]).get(url).status_code == 200
    assert AuditEvent.objects.filter(action="detail", object_type="referrals.TransferForm",
                                     object_id=str(to_medical.pk)).count() == 1


# --- receive, answer, close -------------------------------------------------------------------
def test_the_whole_life_of_a_form(world):
    form = issue(world, to="department")
    liaison = world.users[Role.DEPARTMENT_LIAISON]
    staff = world.users[Role.DISTRICT_STAFF]
    with pytest.raises(TransferFormError):
        services.transfer_form_receive(form=form, by=world.users[Role.TOWNSHIP_CASEWORKER])
    received = services.transfer_form_receive(form=form, by=liaison)
    assert received.status == TransferStatus.RECEIVED and received.received_by == liaison
    assert services.transfer_form_receive(form=form, by=liaison).received_at == received.received_at
    answered = services.transfer_form_answer(form=form, by=liaison, answer_text="已入户核实，符合医疗救助条件。",
                                             result="relief_given", attachments=[pdf()])
    assert answered.status == TransferStatus.ANSWERED and answered.attachments.count() == 1
    # Answering again with the same answer changes nothing; a different answer is refused.
    services.transfer_form_answer(form=form, by=liaison, answer_text="已入户核实，符合医疗救助条件。",
                                  result="relief_given")
    with pytest.raises(TransferFormError, match="已经反馈"):
        services.transfer_form_answer(form=form, by=liaison, answer_text="另一个答复", result="other")
    assert Notification.objects.filter(recipient=staff, subject_id=str(form.pk), title__contains="已由").exists()
    with pytest.raises(TransferFormError, match="转办单位"):
        services.transfer_form_close(form=form, by=liaison)
    closed = services.transfer_form_close(form=form, by=staff)
    assert closed.status == TransferStatus.CLOSED and closed.closed_by == staff
    assert services.transfer_form_close(form=form, by=staff).closed_at == closed.closed_at
    with pytest.raises(TransferFormError, match="已销案"):
        services.transfer_form_answer(form=form, by=liaison, answer_text="x", result="other")


def test_closing_without_an_answer_needs_a_reason(world):
    form = issue(world)
    with pytest.raises(TransferFormError, match="理由"):
        services.transfer_form_close(form=form, by=world.users[Role.DISTRICT_STAFF])
    assert services.transfer_form_close(form=form, by=world.users[Role.DISTRICT_STAFF],
                                        note="重复转办").status == TransferStatus.CLOSED


def test_attachments_are_checked_for_size_and_type(world, settings):
    form = issue(world)
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(TransferFormError, match="不是真正的 PDF"):
        services.transfer_form_answer(form=form, by=caseworker, answer_text="已核实", result="other",
                                      attachments=[fake])
    with pytest.raises(TransferFormError, match="只能上传"):
        services.transfer_form_answer(form=form, by=caseworker, answer_text="已核实", result="other",
                                      attachments=[SimpleUploadedFile("a.exe", b"MZ")])
    settings.REFERRALS_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(TransferFormError, match="超过"):
        services.transfer_form_answer(form=form, by=caseworker, answer_text="已核实", result="other",
                                      attachments=[pdf()])
    form.refresh_from_db()
    assert form.status == TransferStatus.ISSUED and form.attachments.count() == 0


# --- pages ------------------------------------------------------------------------------
def test_issue_from_a_lead_page(client_for, world):
    lead = lead_for(world)
    client = client_for(world.users[Role.DISTRICT_STAFF])
    url = reverse("referrals:transferform_create") + f"?lead={lead.pk}"
    page = client.get(url)
    assert page.status_code == 200 and lead.number in page.content.decode()
    response = client.post(url, {"lead": lead.pk, "kind": TransferKind.objects.get(code="investigate").pk,
                                 "recipient": f"d:{world.medical.pk}", "request_text": "请核实医保报销情况。"})
    form = TransferForm.objects.get()
    assert response.status_code == 302 and response["Location"] == form.get_absolute_url()
    assert form.to_department == world.medical
    # A village assistant cannot issue; a lead outside the township is 404.
    assert client_for(world.users[Role.VILLAGE_ASSISTANT]).get(url).status_code == 403
    other = lead_for(world, "b1")
    caseworker_url = reverse("referrals:transferform_create") + f"?lead={other.pk}"
    assert client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(caseworker_url).status_code == 404


def test_issue_page_keeps_the_input_on_a_service_error(client_for, world):
    lead = lead_for(world)
    client = client_for(world.users[Role.DISTRICT_STAFF])
    url = reverse("referrals:transferform_create") + f"?lead={lead.pk}"
    response = client.post(url, {"lead": lead.pk, "kind": TransferKind.objects.get(code="investigate").pk,
                                 "recipient": f"r:{world.township_b.pk}", "request_text": "我的输入保留"})
    html = response.content.decode()
    assert response.status_code == 200 and "我的输入保留" in html and "域城镇" in html
    assert not TransferForm.objects.exists()


def test_answer_and_close_through_the_pages(client_for, world):
    form = issue(world, to="department")
    liaison = client_for(world.users[Role.DEPARTMENT_LIAISON])
    url = form.get_absolute_url()
    assert liaison.post(url, {"action": "receive"}).status_code == 302
    response = liaison.post(url, {"action": "answer", "result": "in_process", "answer_text": "已受理",
                                  "attachments": [pdf()]})
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.status == TransferStatus.ANSWERED
    attachment = form.attachments.get()
    download = liaison.get(reverse("referrals:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(world.users["caseworker_b"]).get(
        reverse("referrals:attachment_download", args=[attachment.pk])).status_code == 404
    district = client_for(world.users[Role.DISTRICT_STAFF])
    assert district.post(url, {"action": "close", "note": ""}).status_code == 302
    form.refresh_from_db()
    assert form.status == TransferStatus.CLOSED


def test_an_empty_answer_keeps_the_page_with_errors(client_for, world):
    form = issue(world)
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    response = client.post(form.get_absolute_url(), {"action": "answer", "result": "", "answer_text": "半句话"})
    assert response.status_code == 200 and "半句话" in response.content.decode()


# --- the answer link ----------------------------------------------------------------------
def test_the_answer_link_shows_one_form_and_takes_its_answer(client, world):
    form = issue(world, to="department")
    token = answer_link_token(form)
    url = reverse("referrals:answer_link", args=[token])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and form.number in html and "请入户核实" in html
    assert AuditEvent.objects.filter(action="detail", object_id=str(form.pk), user=None).exists()
    response = client.post(url, {"answerer_name": "区医保分局 王五", "result": "relief_given",
                                 "answer_text": "已纳入医疗救助。", "attachments": [pdf()]})
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.status == TransferStatus.ANSWERED and form.answered_via_link
    assert form.answerer_name == "区医保分局 王五" and form.answered_by is None
    event = AuditEvent.objects.get(action="change", object_id=str(form.pk))
    assert "王五" in event.detail
    # The page now shows the answer; the link opens nothing else.
    assert "已纳入医疗救助" in client.get(url).content.decode()
    attachment = form.attachments.get()
    assert client.get(reverse("referrals:answer_link_attachment", args=[token, attachment.pk])).status_code == 200
    assert client.get(form.get_absolute_url()).status_code == 302          # the login page
    assert client.get(reverse("referrals:transferform_list")).status_code == 302


def test_the_answer_link_is_signed_for_one_form_and_expires(client, world):
    form = issue(world, to="department")
    other = issue(world, lead=lead_for(world, "a2"), to="department")
    token = answer_link_token(form)
    from django.core import signing

    from referrals.links import SALT

    forged = signing.Signer(salt="another purpose").sign_object({"f": other.pk, "n": other.link_nonce})
    wrong_nonce = signing.Signer(salt=SALT).sign_object({"f": other.pk, "n": "guessed"})
    for bad in (forged, wrong_nonce, token[:-2] + "xx"):
        assert client.get(reverse("referrals:answer_link", args=[bad])).status_code == 410
    assert client.get(reverse("referrals:answer_link", args=["abc:def"])).status_code == 410
    with pytest.raises(AnswerLinkError):
        form_for_answer_link(token, now=form.link_expires_at + dt.timedelta(seconds=1))
    services.transfer_form_close(form=form, by=world.users[Role.DISTRICT_STAFF], note="撤回")
    response = client.get(reverse("referrals:answer_link", args=[token]))
    assert response.status_code == 410 and "已销案" in response.content.decode()


def test_print_page_has_the_qr_code_and_signing_lines(client_for, world):
    form = issue(world, to="department")
    html = client_for(world.users[Role.DISTRICT_STAFF]).get(
        reverse("referrals:transferform_print", args=[form.pk])).content.decode()
    assert "<svg" in html and form.number in html and "签收人" in html and "盖章" in html
    assert answer_link_token(form) in html


def test_the_lead_page_tag_lists_forms_and_offers_to_issue(rf, world):
    from django.template import Context, Template

    lead = lead_for(world)
    form = issue(world, lead=lead)
    template = Template("{% load referrals_tags %}{% lead_transfer_forms lead %}")
    request = rf.get("/")
    request.user = world.users[Role.DISTRICT_STAFF]
    html = template.render(Context({"request": request, "lead": lead}))
    assert form.number in html and f"?lead={lead.pk}" in html
    request.user = world.users[Role.DEPARTMENT_LIAISON]
    html = template.render(Context({"request": request, "lead": lead}))
    assert form.number not in html and "?lead=" not in html


def test_the_issuing_office_types_in_an_answer_that_came_back_on_paper(client_for, world):
    form = issue(world, to="department")
    district = client_for(world.users[Role.DISTRICT_STAFF])
    page = district.get(form.get_absolute_url()).content.decode()
    assert 'data-testid="paper-answer-form"' in page and 'data-testid="answer-form"' not in page
    response = district.post(form.get_absolute_url(), {
        "action": "answer", "answerer_name": "区医保分局 李四（纸质回执）", "result": "not_eligible",
        "answer_text": "经核实不符合医疗救助条件。"})
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.status == TransferStatus.ANSWERED and form.answerer_name.startswith("区医保分局")
    assert form.answered_by == world.users[Role.DISTRICT_STAFF]
