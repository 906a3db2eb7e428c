"""What users read is Chinese: no English words on the pages, the admin included.

The catalogue test (test_i18n.py) catches messages without a translation; this one
catches English that never went through gettext (a label derived from an attribute
name, a hard-coded string in a template).
"""
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.choices import Role

# Portable: every role's pages also render on SQLite, the default of `make run` (JIUZHU_TEST_SQLITE=1, .ci/run).
pytestmark = pytest.mark.portable

# Latin words users may legitimately see.
ALLOWED = {"Excel", "IP", "ID", "QR", "WPS", "Jiuzhu", "Control", "Command", "Mac"}  # keyboard names too
WORD = re.compile(r"[A-Za-z]{3,}")


def visible_words(html: str) -> set[str]:
    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def assert_chinese(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    from accounts.models import User

    for username in User.objects.values_list("username", flat=True):  # usernames are Latin by nature
        html = re.sub(re.escape(username), " ", html, flags=re.IGNORECASE)
    words = visible_words(html)
    assert not words, f"English on {response.request['PATH_INFO']}: {sorted(words)}"


def test_login_page(client, db):
    assert_chinese(client.get(reverse("accounts:login")))


@pytest.mark.parametrize("role", list(Role))
def test_home_pages(client_for, world, role):
    assert_chinese(client_for(world.users[role]).get(reverse("accounts:home")))


def test_registry_pages(client_for, world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    assert_chinese(client.get(reverse("cases:person_list")))
    assert_chinese(client.get(reverse("cases:person_list"), {"q": "无此人"}))
    assert_chinese(client.get(reverse("cases:person_detail", args=[world.people["a1"].pk])))
    assert_chinese(client.get(reverse("accounts:password_change")))


def test_admin_changelists_and_forms(client_for, world):
    client = client_for(world.users[Role.ADMINISTRATOR])
    assert_chinese(client.get(reverse("admin:index")))
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(type("R", (), {"user": world.users[Role.ADMINISTRATOR]})()):
            continue
        opts = model._meta
        assert_chinese(client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        if model_admin.has_add_permission(type("R", (), {"user": world.users[Role.ADMINISTRATOR]})()):
            assert_chinese(client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))
