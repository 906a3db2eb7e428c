"""The public report page (群众/志愿者求助): no login, captcha, rate limit per IP, reference numbers; the
township's list, detail (accept as a lead / reject) and QR-code poster — scoped, audited, Chinese."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.choices import Channel, DiscoveryMethod, LeadStatus, SourceType
from cases.models import Lead, LeadSource, Person
from cases.services import lead_report
from common import resident_id
from common.models import AuditEvent
from intake.choices import PublicReportStatus
from intake.models import PublicReport
from intake.public.services import (
    PublicReportError, phone_normalize, public_report_accept, public_report_reject, public_report_submit,
)
from referrals.models import Notification
from tests.queries import assert_list_queries, list_page
from tests.test_pages_are_chinese import assert_chinese, visible_words

REFERENCE = re.compile(r"^QZ-\d{9}-\d{6}-\d{4}$")


@pytest.fixture(autouse=True)
def fresh_rate_limit(settings):
    """Each test counts its own posts (the Redis cache outlives a test); a generous limit unless a test says."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"
    settings.PUBLIC_REPORT_RATE_LIMIT = "100/10m"


def form_url(township):
    return reverse("intake:public_report_form", args=[township.scope_prefix])


def captcha_answer(html: str) -> tuple[str, str]:
    """(hashkey, answer) of the captcha in a rendered form, read from its CaptchaStore row."""
    hashkey = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    return hashkey, CaptchaStore.objects.get(hashkey=hashkey).response


def report_data(html: str, **overrides) -> dict:
    hashkey, answer = captcha_answer(html)
    data = {
        "subject_name": "孙七", "subject_id_number": "", "village": "", "address": "三组12号",
        "description": "老人独居，摔伤后卧床，家中断粮。", "is_urgent": "yes", "reporter_name": "热心邻居",
        "reporter_phone": "138 1234 5678", "is_volunteer": "no", "captcha_0": hashkey, "captcha_1": answer.upper(),
    }
    data.update(overrides)
    return data


def submit(client, township, **overrides):
    page = client.get(form_url(township))
    assert page.status_code == 200
    return client.post(form_url(township), report_data(page.content.decode(), **overrides))


def make_report(world, township=None, **kwargs) -> PublicReport:
    township = township or world.township_a
    values = {"subject_name": "孙七", "description": "家中断粮。", "reporter_phone": "13812345678",
              "address": "三组12号"}
    values.update(kwargs)
    return public_report_submit(township=township, **values)


# --- the public form -----------------------------------------------------------------------------------
def test_a_citizen_reports_without_login_and_it_lands_in_that_township(client, world):
    response = submit(client, world.township_a, village=world.village_a2.pk)

    report = PublicReport.objects.get()
    assert response.status_code == 302 and "/thanks/" in response.url
    assert report.township == world.township_a and report.village == world.village_a2
    assert report.status == PublicReportStatus.PENDING and report.is_urgent and not report.is_volunteer
    assert report.reporter_phone == "13812345678" and report.ip_address == "127.0.0.1"
    assert REFERENCE.match(report.reference)
    assert report.reference == f"QZ-370304102-{timezone.localdate():%y%m%d}-0001"
    # The thank-you page gives the reference number.
    thanks = client.get(response.url)
    assert report.reference in thanks.content.decode()
    assert_chinese(thanks)
    # The township office is told (urgent); the other township is not.
    told = Notification.objects.filter(kind="public_report")
    assert {n.recipient for n in told} == {world.users[Role.TOWNSHIP_CASEWORKER], world.users[Role.TOWNSHIP_HEAD]}
    assert all(n.is_urgent and report.reference in n.title for n in told)
    assert told.first().url == reverse("intake:public_report_detail", args=[report.pk])


def test_the_report_is_pending_for_its_township_only(client, client_for, world):
    submit(client, world.township_b, subject_name="周八")
    report = PublicReport.objects.get()
    assert report.township == world.township_b
    own = client_for(world.users["caseworker_b"]).get(reverse("intake:public_report_list")).content.decode()
    assert "周八" in own and report.reference in own
    other = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("intake:public_report_list"))
    assert "周八" not in other.content.decode()


def test_village_choices_are_the_townships_only(client, world):
    html = client.get(form_url(world.township_a)).content.decode()
    assert world.village_a1.name in html and world.village_a2.name in html
    assert world.village_b1.name not in html
    response = submit(client, world.township_a, village=world.village_b1.pk)
    assert response.status_code == 200 and not PublicReport.objects.exists()


def test_unknown_township_is_404(client, world):
    assert client.get(reverse("intake:public_report_form", args=["999999999"])).status_code == 404
    assert client.get(reverse("intake:public_report_form", args=[world.village_a1.code])).status_code == 404


def test_the_form_opens_with_a_village_from_the_address(client, world):
    html = client.get(form_url(world.township_a), {"village": world.village_a2.code}).content.decode()
    assert f'value="{world.village_a2.pk}" selected' in html


_GOOD_ID = resident_id.build("370304", dt.date(1950, 1, 2), 11)
BAD_CHECK_DIGIT = _GOOD_ID[:17] + ("1" if _GOOD_ID[17] != "1" else "2")


@pytest.mark.parametrize(("overrides", "error"), [
    ({"subject_id_number": BAD_CHECK_DIGIT}, "校验"),
    ({"reporter_phone": ""}, None),
    ({"reporter_phone": "12345"}, "11位手机号"),
    ({"captcha_1": "WRONG"}, "验证码"),
    ({"subject_name": ""}, None),
])
def test_bad_input_re_renders_in_chinese_keeping_the_input(client, world, overrides, error):
    response = submit(client, world.township_a, **overrides)

    assert response.status_code == 200
    assert not PublicReport.objects.exists()
    html = response.content.decode()
    assert "请修改标红的项目" in html
    assert "invalid-feedback" in html
    if error:
        assert error in html
    # What was typed is still there (the captcha answer is not: a new picture is drawn).
    assert "老人独居，摔伤后卧床，家中断粮。" in html and "三组12号" in html and "热心邻居" in html
    for key in ("reporter_phone", "subject_id_number"):
        if overrides.get(key):
            assert overrides[key] in html
    assert_chinese(response)


def test_a_wrong_captcha_cannot_be_retried_with_the_same_picture(client, world):
    page = client.get(form_url(world.township_a)).content.decode()
    data = report_data(page)
    client.post(form_url(world.township_a), {**data, "captcha_1": "zzzz"})
    again = client.post(form_url(world.township_a), data)  # the right answer, but the picture was used up
    assert again.status_code == 200 and not PublicReport.objects.exists()


def test_id_number_is_normalised_and_kept(client, world):
    number = resident_id.build("370304", dt.date(1949, 12, 31), 2)
    number = number[:17] + "X" if number.endswith("X") else number
    submit(client, world.township_a, subject_id_number=f"{number[:6]} {number[6:]}".lower())
    assert PublicReport.objects.get().subject_id_number == number


def test_rate_limit_answers_429_in_chinese(client, world, settings):
    settings.PUBLIC_REPORT_RATE_LIMIT = "2/10m"
    assert submit(client, world.township_a).status_code == 302
    assert submit(client, world.township_a, reporter_phone="").status_code == 200  # bad posts count too
    blocked = submit(client, world.township_a)
    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert "提交过于频繁" in html and "10分钟" in html
    assert not visible_words(html), visible_words(html)
    assert PublicReport.objects.count() == 1
    # Reading the form is not limited; another address is not limited.
    assert client.get(form_url(world.township_a)).status_code == 200
    page = client.get(form_url(world.township_a)).content.decode()
    other = client.post(form_url(world.township_a), report_data(page), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_rate_limit_counts_the_address_the_proxy_gives(client, world, settings):
    settings.PUBLIC_REPORT_RATE_LIMIT = "1/10m"
    settings.REAL_IP_HEADER = "HTTP_X_REAL_IP"  # behind the bureau's proxy, which overwrites it
    page = client.get(form_url(world.township_a)).content.decode()
    assert client.post(form_url(world.township_a), report_data(page), HTTP_X_REAL_IP="203.0.113.5").status_code == 302
    page = client.get(form_url(world.township_a)).content.decode()
    assert client.post(form_url(world.township_a), report_data(page),
                       HTTP_X_REAL_IP="203.0.113.5").status_code == 429
    page = client.get(form_url(world.township_a)).content.decode()
    assert client.post(form_url(world.township_a), report_data(page),
                       HTTP_X_REAL_IP="203.0.113.6").status_code == 302


def test_the_thanks_page_needs_the_signed_reference(client, world):
    report = make_report(world)
    url = reverse("intake:public_report_thanks", args=[world.township_a.scope_prefix])
    assert client.get(url, {"r": report.reference}).status_code == 302


# --- reference numbers and the service ---------------------------------------------------------------
def test_reference_numbers_count_per_township_and_local_day(world):
    with time_machine.travel(dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC), tick=False):  # 00:30 in China
        a1, a2 = make_report(world), make_report(world)
        b1 = make_report(world, township=world.township_b)
    assert [a1.reference, a2.reference] == ["QZ-370304102-261124-0001", "QZ-370304102-261124-0002"]
    assert b1.reference == "QZ-370304001-261124-0001"
    with time_machine.travel(dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.UTC), tick=False):
        assert make_report(world).reference == "QZ-370304102-261125-0001"


def test_submit_refuses_a_village_of_another_township(world):
    with pytest.raises(PublicReportError, match="不在"):
        make_report(world, village=world.village_b1)


@pytest.mark.parametrize(("raw", "normalised"), [
    ("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678"), ("１３８１２３４５６７８", "13812345678"),
    ("0533-4123456", "0533-4123456"), ("(0533) 41234567", "0533-41234567"), ("010 12345678", "010-12345678"),
])
def test_phone_numbers_are_normalised(raw, normalised):
    assert phone_normalize(raw) == normalised


@pytest.mark.parametrize("raw", ["", "12812345678", "1381234567", "4123456", "0533-12345", "电话13812345678"])
def test_bad_phone_numbers_are_refused(raw):
    with pytest.raises(PublicReportError):
        phone_normalize(raw)


# --- the township's handling --------------------------------------------------------------------------
DETAIL = "intake:public_report_detail"


def test_accept_registers_the_person_and_creates_the_lead_once_even_if_clicked_twice(client_for, world):
    report = make_report(world, is_urgent=True, reporter_name="")
    number = resident_id.build("370304", dt.date(1947, 3, 9), 135)
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    client = client_for(caseworker)
    url = reverse(DETAIL, args=[report.pk])
    data = {"action": "accept", "accept-id_number": number, "accept-name": "孙七",
            "accept-village": world.village_a1.pk}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302 and second.status_code == 302
    lead = Lead.objects.get()
    report.refresh_from_db()
    assert report.status == PublicReportStatus.ACCEPTED and report.lead == lead
    assert report.handled_by == caseworker and report.handled_at is not None
    person = Person.objects.get(id_number=number)
    assert lead.person == person and person.village == world.village_a1 and person.name == "孙七"
    assert lead.method == DiscoveryMethod.WORK and lead.channel == Channel.PUBLIC_REPORT
    # Accepting the report accepts the lead: it does not wait in the inbox a second time.
    assert lead.is_urgent and lead.status == LeadStatus.ACCEPTED
    assert lead.discovered_on == timezone.localdate(report.created_at)
    source = LeadSource.objects.get()
    assert source.source_type == SourceType.PUBLIC_REPORT and source.reporter_name == "群众"
    assert source.reporter_phone == "13812345678" and report.reference in source.description
    assert (source.origin_type, source.origin_id) == ("intake.PublicReport", str(report.pk))
    page = client.get(url).content.decode()
    assert lead.number in page and "已转为线索" in page


def test_accept_with_a_person_found_by_id_and_listed_as_candidate(client_for, world):
    a1 = world.people["a1"]
    report = make_report(world, subject_name="张一（邻居说的）", subject_id_number=a1.id_number)
    client = client_for(world.users[Role.TOWNSHIP_HEAD])
    url = reverse(DETAIL, args=[report.pk])
    page = client.get(url).content.decode()
    assert f'value="{a1.pk}"' in page  # offered as the match
    assert client.post(url, {"action": "accept", "accept-person": a1.pk}).status_code == 302
    assert Lead.objects.get().person == a1


def test_accept_joins_an_open_lead_of_the_person(client_for, world):
    a1 = world.people["a1"]
    existing, _merged = lead_report(person=a1, method=DiscoveryMethod.VISIT, channel=Channel.HOME_VISIT,
                                    discovered_on=timezone.localdate(), by=world.users[Role.VILLAGE_ASSISTANT])
    report = make_report(world, subject_name=a1.name)
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    response = client.post(reverse(DETAIL, args=[report.pk]), {"action": "accept", "accept-person": a1.pk},
                           follow=True)
    assert "另一个来源" in response.content.decode()
    assert Lead.objects.count() == 1 and existing.sources.count() == 2
    report.refresh_from_db()
    assert report.lead == existing


def test_accept_refuses_a_person_of_another_township_without_naming_them(client_for, world):
    b1 = world.people["b1"]
    report = make_report(world, subject_id_number=b1.id_number)
    response = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).post(
        reverse(DETAIL, args=[report.pk]), {"action": "accept", "accept-id_number": b1.id_number,
                                             "accept-village": world.village_a1.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "无法在本辖区登记" in html and "辖区以外" not in html and b1.name not in html  # no more than a miss
    assert not Lead.objects.exists()
    report.refresh_from_db()
    assert report.status == PublicReportStatus.PENDING


def test_accept_with_bad_input_re_renders_keeping_it(client_for, world):
    report = make_report(world)
    bad = BAD_CHECK_DIGIT
    response = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).post(
        reverse(DETAIL, args=[report.pk]), {"action": "accept", "accept-id_number": bad, "accept-name": "孙七改"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "校验" in html and bad in html and "孙七改" in html
    assert not Lead.objects.exists()
    assert_chinese(response)
    # Neither a person nor an ID number.
    response = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).post(
        reverse(DETAIL, args=[report.pk]), {"action": "accept", "accept-id_number": ""})
    assert "请从人员库中选择" in response.content.decode()


def test_reject_needs_a_reason_is_idempotent_and_blocks_accepting(client_for, world):
    report = make_report(world)
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    client = client_for(caseworker)
    url = reverse(DETAIL, args=[report.pk])
    empty = client.post(url, {"action": "reject", "reject-reason": "  "})
    assert empty.status_code == 200 and "请填写不予受理的理由" in empty.content.decode()
    assert client.post(url, {"action": "reject", "reject-reason": "经核实，该户已纳入低保。"}).status_code == 302
    public_report_reject(report=report, user=caseworker, reason="再点一次")
    report.refresh_from_db()
    assert report.status == PublicReportStatus.REJECTED and report.reject_reason == "经核实，该户已纳入低保。"
    with pytest.raises(PublicReportError):
        public_report_accept(report=report, user=caseworker, person=world.people["a1"])
    assert not Lead.objects.exists()


def test_only_the_township_office_and_district_centre_handle_reports(world):
    report = make_report(world)
    for role in (Role.VILLAGE_ASSISTANT, Role.DISTRICT_HEAD, Role.DEPARTMENT_LIAISON):
        with pytest.raises(PublicReportError):
            public_report_accept(report=report, user=world.users[role], person=world.people["a1"])
    with pytest.raises(PublicReportError, match="辖区"):
        public_report_reject(report=report, user=world.users["caseworker_b"], reason="不是我们的")
    report, _merged = public_report_accept(report=report, user=world.users[Role.DISTRICT_STAFF],
                                           person=world.people["a1"])
    assert report.status == PublicReportStatus.ACCEPTED


def test_a_caseworker_of_another_township_gets_404(client_for, world):
    report = make_report(world)
    client = client_for(world.users["caseworker_b"])
    url = reverse(DETAIL, args=[report.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "reject", "reject-reason": "越权"}).status_code == 404
    assert client_for(world.users["other_district_staff"]).get(url).status_code == 404
    report.refresh_from_db()
    assert report.status == PublicReportStatus.PENDING


def test_village_assistants_and_liaisons_cannot_open_the_pages(client_for, world):
    report = make_report(world)
    for who in (Role.VILLAGE_ASSISTANT, Role.DEPARTMENT_LIAISON):
        client = client_for(world.users[who])
        assert client.get(reverse("intake:public_report_list")).status_code == 403
        assert client.get(reverse(DETAIL, args=[report.pk])).status_code == 403
        assert client.get(reverse("intake:public_report_posters")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, world):
    report = make_report(world)
    for url in (reverse("intake:public_report_list"), reverse(DETAIL, args=[report.pk]),
                reverse("intake:public_report_poster", args=[world.township_a.scope_prefix])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_the_detail_is_audit_logged_and_the_district_head_reads_it_only(client_for, world):
    report = make_report(world, subject_id_number=world.people["a1"].id_number)
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    html = client_for(caseworker).get(reverse(DETAIL, args=[report.pk])).content.decode()
    assert world.people["a1"].id_number in html and 'data-testid="accept-form"' in html
    event = AuditEvent.objects.get(action="detail", user=caseworker)
    assert event.object_type == "intake.PublicReport" and event.object_id == str(report.pk)
    head = client_for(world.users[Role.DISTRICT_HEAD]).get(reverse(DETAIL, args=[report.pk])).content.decode()
    assert 'data-testid="accept-form"' not in head and world.people["a1"].id_number not in head


def test_the_list_masks_ids_and_phones_and_opens_on_pending(client_for, world):
    pending = make_report(world, subject_name="待办人", subject_id_number=world.people["a1"].id_number)
    done = make_report(world, subject_name="已办人")
    public_report_reject(report=done, user=world.users[Role.TOWNSHIP_CASEWORKER], reason="重复")
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(reverse("intake:public_report_list")).content.decode()
    assert "待办人" in html and "已办人" not in html
    assert pending.subject_id_number not in html and resident_id.mask(pending.subject_id_number) in html
    assert "13812345678" not in html and "138****5678" in html
    everything = client.get(reverse("intake:public_report_list"), {"status": ""}).content.decode()
    assert "待办人" in everything and "已办人" in everything


# The public reports' queries (tests/queries.py), the same for a township and for the district.
PUBLIC_REPORT_LIST_QUERIES = [
    *list_page("intake_publicreport"),
    ("SELECT intake_publicreport", "the page of reports (one query whatever the page size)"),
]


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CASEWORKER, Role.DISTRICT_STAFF])
def test_list_runs_its_pinned_queries_at_25_and_100(client_for, world, role):
    for i in range(110):
        make_report(world, subject_name=f"求助{i}", village=world.village_a1 if i % 2 else None)
    assert_list_queries(client_for(world.users[role]), reverse("intake:public_report_list"),
                        PUBLIC_REPORT_LIST_QUERIES, min_rows=100)


# --- the poster -----------------------------------------------------------------------------------------
def test_poster_has_the_qr_code_of_the_township_page(client_for, world, settings):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    # The township's own poster opens at once.
    response = client.get(reverse("intake:public_report_posters"))
    poster_url = reverse("intake:public_report_poster", args=[world.township_a.scope_prefix])
    assert response.status_code == 302 and response.url == poster_url
    html = client.get(poster_url).content.decode()
    assert "<svg" in html and "css/poster.css" in html and world.township_a.name in html
    assert f"http://testserver/intake/public/{world.township_a.scope_prefix}/" in html
    settings.PUBLIC_BASE_URL = "https://jiuzhu.example.gov.cn/"
    html = client.get(poster_url).content.decode()
    assert f"https://jiuzhu.example.gov.cn/intake/public/{world.township_a.scope_prefix}/" in html
    # Another township's poster is outside a caseworker's area.
    other = reverse("intake:public_report_poster", args=[world.township_b.scope_prefix])
    assert client.get(other).status_code == 404
    # The district centre chooses among its townships.
    district = client_for(world.users[Role.DISTRICT_STAFF])
    listing = district.get(reverse("intake:public_report_posters"))
    assert listing.status_code == 200 and world.township_b.name in listing.content.decode()
    assert district.get(other).status_code == 200


def test_the_qr_code_decodes_to_the_page_address(client_for, world):
    import segno

    url = f"http://testserver/intake/public/{world.township_a.scope_prefix}/"
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(
        reverse("intake:public_report_poster", args=[world.township_a.scope_prefix])).content.decode()
    expected = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)
    # Same modules as segno draws for the address (the title differs only).
    path = re.search(r'<path[^>]* d="([^"]+)"', html).group(1)
    assert path == re.search(r'<path[^>]* d="([^"]+)"', expected).group(1)


# --- Chinese everywhere ----------------------------------------------------------------------------------
def test_public_pages_are_chinese(client, world):
    assert_chinese(client.get(reverse("intake:public_choose")))
    assert_chinese(client.get(form_url(world.township_a)))
    response = submit(client, world.township_a)
    assert_chinese(client.get(response.url))


def test_township_pages_are_chinese(client_for, world):
    report = make_report(world, subject_id_number=world.people["a1"].id_number, is_volunteer=True)
    rejected = make_report(world)
    public_report_reject(report=rejected, user=world.users[Role.TOWNSHIP_CASEWORKER], reason="重复")
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    assert_chinese(client.get(reverse("intake:public_report_list")))
    assert_chinese(client.get(reverse("intake:public_report_list"), {"status": "", "q": "孙"}))
    assert_chinese(client.get(reverse(DETAIL, args=[report.pk])))
    assert_chinese(client.get(reverse(DETAIL, args=[rejected.pk])))
    client.post(reverse(DETAIL, args=[report.pk]), {"action": "accept", "accept-person": world.people["a1"].pk})
    assert_chinese(client.get(reverse(DETAIL, args=[report.pk])))
    poster = client.get(reverse("intake:public_report_poster", args=[world.township_a.scope_prefix]))
    poster.content = poster.content.replace(
        f"http://testserver/intake/public/{world.township_a.scope_prefix}/".encode(), b"")
    assert_chinese(poster)
    district = client_for(world.users[Role.DISTRICT_STAFF])
    assert_chinese(district.get(reverse("intake:public_report_posters")))
    assert_chinese(district.get(reverse("intake:public_report_list")))


def test_without_a_trusted_proxy_a_forged_address_header_does_not_dodge_the_limit(client, world, settings):
    settings.PUBLIC_REPORT_RATE_LIMIT = "1/10m"
    settings.REAL_IP_HEADER = ""
    page = client.get(form_url(world.township_a)).content.decode()
    assert client.post(form_url(world.township_a), report_data(page), HTTP_X_REAL_IP="198.51.100.1").status_code == 302
    page = client.get(form_url(world.township_a)).content.decode()
    assert client.post(form_url(world.township_a), report_data(page),
                       HTTP_X_REAL_IP="198.51.100.2").status_code == 429


def test_expired_captchas_are_cleaned_nightly(db, settings):
    import datetime as dt

    from captcha.models import CaptchaStore
    from django.utils import timezone

    from intake.tasks import clean_expired_captchas

    old = CaptchaStore.objects.create(challenge="ABCD", response="abcd",
                                      expiration=timezone.now() - dt.timedelta(minutes=1))
    fresh = CaptchaStore.objects.create(challenge="EFGH", response="efgh",
                                        expiration=timezone.now() + dt.timedelta(minutes=5))
    assert clean_expired_captchas() == 1
    assert not CaptchaStore.objects.filter(pk=old.pk).exists()
    assert CaptchaStore.objects.filter(pk=fresh.pk).exists()
    assert "intake.tasks.clean_expired_captchas" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
