"""Security headers on every kind of page, and templates that need no inline script or style."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.choices import Role

STRICT_CSP = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "frame-ancestors": "'none'", "form-action": "'self'", "object-src": "'none'",
}


def csp_directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_secure_headers(response):
    directives = csp_directives(response)
    for name, value in STRICT_CSP.items():
        assert directives.get(name) == value, (name, directives.get(name))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_login_page_and_the_public_report_form_send_the_strict_policy(client, world):
    assert_secure_headers(client.get(reverse("accounts:login")))
    form = client.get(reverse("intake:public_report_form", args=[world.township_a.scope_prefix]))
    assert form.status_code == 200
    assert_secure_headers(form)


def test_signed_in_pages_lists_details_and_the_api_schema_send_it_too(client_for, world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    person = world.people["a1"]
    for url in (reverse("accounts:home"), reverse("cases:person_list"), person.get_absolute_url(),
                reverse("cases:lead_list"), "/api/schema/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secure_headers(response)


def test_errors_and_refusals_carry_the_headers(client_for, world):
    client = client_for(world.users[Role.DEPARTMENT_LIAISON])
    refused = client.get(reverse("cases:person_list"))
    assert refused.status_code == 403
    assert_secure_headers(refused)


TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_holds_inline_script_style_or_handlers():
    """The policy allows none of these; a template that adds one would break in the browser."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", path.read_text(encoding="utf-8"),
                      flags=re.S)
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                # json_script output (<script type="application/json">) is data, not code: allowed.
                if "application/json" in match.group(0):
                    continue
                found.append(f"{path.relative_to(TEMPLATES)}: {what}")
    assert not found, "\n".join(found)


def test_responses_carrying_personal_data_are_never_stored_by_a_browser_or_proxy(client_for, world):
    """Pages, exports, attachments and reveal answers: Cache-Control no-store (issue 20 item 12)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from referrals.models import TransferForm
    from tests.security.test_uploads import issue

    person = world.people["a1"]
    person.phone = "13912345678"
    person.save()
    staff = client_for(world.users[Role.DISTRICT_STAFF])
    answers = {
        "page": staff.get(reverse("cases:person_detail", args=[person.pk])),
        "list": staff.get(reverse("cases:person_list")),
        "export": staff.get(reverse("cases:person_list"), {"export": "xlsx"}),
        "reveal": staff.post(reverse("common:reveal", args=["cases.person", person.pk, "id_number"])),
    }
    form = issue(world, to="department")
    liaison = client_for(world.users[Role.DEPARTMENT_LIAISON])
    liaison.post(form.get_absolute_url(), {"action": "receive"})
    liaison.post(form.get_absolute_url(), {"action": "answer", "result": "in_process", "answer_text": "已受理",
                                           "attachments": [SimpleUploadedFile("回函.pdf", b"%PDF-1.4 test")]})
    attachment = TransferForm.objects.get(pk=form.pk).attachments.get()
    answers["attachment"] = liaison.get(reverse("referrals:attachment_download", args=[attachment.pk]))
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert "no-store" in response.get("Cache-Control", ""), name
    liaison.logout()
    assert "no-store" in liaison.get(reverse("accounts:login"))["Cache-Control"]  # dynamic pages by default
