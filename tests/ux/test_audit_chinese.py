"""Issue 16.5: the audit log speaks Chinese (details, object types) and holds logins and failed logins."""
import re

from django.urls import reverse

from accounts.choices import Role
from common.models import AuditEvent
from referrals.services import transfer_form_issue
from tests.cases import factories as f
from tests.factories import PASSWORD

URL = "/security/audit/"
LATIN_WORD = re.compile(r"\b[a-z]{4,}\b")  # an English word such as "submitted", "answer", "receive"


def test_logins_and_failed_logins_are_found_with_action_login(client, world):
    user = world.users[Role.TOWNSHIP_CASEWORKER]
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    client.logout()
    client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong-password"})
    events = AuditEvent.objects.filter(action="login", username=user.username).order_by("at")
    assert [e.detail for e in events] == ["登录成功", "登录失败（用户名或密码错误，或账号已锁定）"]
    assert all(e.region_code == user.region.code for e in events)
    client.force_login(world.users[Role.DISTRICT_STAFF])
    html = client.get(URL, {"action": "login"}).content.decode()
    assert "登录失败" in html and "登录成功" in html


def test_details_and_object_types_are_in_chinese(client_for, world):
    lead = f.in_progress(world)
    form = transfer_form_issue(lead=lead, by=world.users[Role.DISTRICT_STAFF], to_department=world.medical,
                               kind="special_relief", request_text="请核查")
    liaison = client_for(world.users[Role.DEPARTMENT_LIAISON])
    liaison.post(form.get_absolute_url(), {"action": "receive"})
    liaison.post(form.get_absolute_url(), {"action": "answer", "answer_text": "已核查", "result": "relief_given"})
    staff = client_for(world.users[Role.DISTRICT_STAFF])
    staff.get(reverse("cases:lead_list"), {"export": "xlsx", "q": "张"})
    details = list(AuditEvent.objects.exclude(detail="").values_list("detail", flat=True))
    assert "签收转办单" in details and "答复转办单" in details
    for detail in details:
        assert not LATIN_WORD.search(re.sub(r"[a-z_]+=", "", detail)), detail  # filter names may stay
    html = staff.get(URL).content.decode()
    options = re.findall(r'<option value="([\w.]+)">([^<]*)</option>',
                         html.split('name="object_type"', 1)[1].split("</select>", 1)[0])
    assert options
    for value, label in options:
        assert "Historical" not in value and "_" not in value.split(".")[-1]
        assert not re.search(r"[A-Za-z]", label), label
