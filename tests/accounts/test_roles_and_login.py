"""Roles, groups, account rules, the Chinese login page and the lockout."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.choices import Role
from accounts.services import user_create
from tests.factories import PASSWORD

ROLE_LABELS = {
    Role.VILLAGE_ASSISTANT: "村（社区）社会救助协理员",
    Role.TOWNSHIP_CASEWORKER: "乡镇（街道）社会救助经办人",
    Role.TOWNSHIP_HEAD: "乡镇（街道）分管领导",
    Role.DEPARTMENT_LIAISON: "部门联络员",
    Role.DISTRICT_STAFF: "区社会救助综合服务中心工作人员",
    Role.DISTRICT_HEAD: "区民政局分管领导",
    Role.ADMINISTRATOR: "系统管理员",
}


def test_login_page_is_chinese(client, db):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "社会救助主动发现平台" in html and "用户名" in html and "密码" in html


@pytest.mark.parametrize("role", list(Role))
def test_every_role_logs_in_and_reaches_its_home_page(client, world, role):
    user = world.users[role]
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD},
                           follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:home")
    assert ROLE_LABELS[role] in html
    assert user.region.name in html


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_in_its_group_with_its_permissions(world, role):
    user = world.users[role]
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_LABELS[role]]
    can_view_people = user.has_perm("cases.view_person")
    assert can_view_people == (role != Role.DEPARTMENT_LIAISON)


def test_liaison_is_not_offered_the_registry(client_for, world):
    client = client_for(world.users[Role.DEPARTMENT_LIAISON])
    home = client.get(reverse("accounts:home")).content.decode()
    assert reverse("cases:person_list") not in home
    assert client.get(reverse("cases:person_list")).status_code == 403


def test_role_and_region_level_must_match(world):
    with pytest.raises(ValidationError) as exc:
        user_create(username="bad", role=Role.VILLAGE_ASSISTANT, region=world.township_a, password=PASSWORD)
    assert "region" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        user_create(username="bad2", role=Role.DEPARTMENT_LIAISON, region=world.district, password=PASSWORD)
    assert "department" in exc.value.message_dict


def test_wrong_password_shows_a_chinese_error_and_locks_after_five(client, world):
    user = world.users[Role.TOWNSHIP_CASEWORKER]
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert "用户名或密码错误" in client.post(
        reverse("accounts:login"), {"username": "nobody", "password": "x"}).content.decode()
    locked = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_account_created_by_an_administrator_must_change_password_first(client, world):
    user = user_create(username="newbie", role=Role.TOWNSHIP_CASEWORKER, region=world.township_a,
                       password=PASSWORD, must_change_password=True)
    client.force_login(user)
    assert client.get(reverse("cases:person_list")).url == reverse("accounts:password_change")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "Xinmima#2026ab", "new_password2": "Xinmima#2026ab"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("cases:person_list")).status_code == 200


def test_weak_password_is_refused_in_chinese(client_for, world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "abcdefghijk", "new_password2": "abcdefghijk"}).content.decode()
    assert "密码须至少包含大写字母、小写字母、数字、符号中的三类" in html


def _change(client, old, new):
    return client.post(reverse("accounts:password_change"), {
        "old_password": old, "new_password1": new, "new_password2": new})


def test_common_passwords_dressed_up_and_short_ones_are_refused_in_chinese(client_for, world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = _change(client, PASSWORD, "Password123!").content.decode()
    assert "这个密码太常见了" in html
    html = _change(client, PASSWORD, "Ab#1").content.decode()
    assert "密码太短" in html and "至少需要 10 个字符" in html
    assert "too short" not in html


def test_the_same_password_or_an_earlier_one_is_refused(client_for, world):
    user = world.users[Role.TOWNSHIP_CASEWORKER]
    client = client_for(user)
    html = _change(client, PASSWORD, PASSWORD).content.decode()
    assert "这个密码以前用过" in html
    assert _change(client, PASSWORD, "Xinmima#2026ab").status_code == 302
    assert _change(client, "Xinmima#2026ab", "Dierge#2026cd").status_code == 302
    html = _change(client, "Dierge#2026cd", PASSWORD).content.decode()  # the first one, two changes ago
    assert "这个密码以前用过" in html
    user.refresh_from_db()
    assert user.check_password("Dierge#2026cd")
