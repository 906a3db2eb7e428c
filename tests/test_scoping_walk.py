"""Scoping proven, not hoped: every URL of the product, for users of another area, shows none of it.

Objects of township B (a person, a lead with a visit, a roster entry, a public report, a transfer
form to a department the liaison does not belong to) carry marker text. Every URL pattern is
requested by users of township A, of another district and of another department, with every one
of those objects' ids in its int parameters. No response may contain a marker or the person's ID
number (masked or not). New URLs are walked automatically: a view that forgets scoping fails here.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.choices import Role
from cases.services import lead_report
from common import resident_id
from tests.factories import PersonFactory

# Portable: every URL is walked on SQLite too, the default of `make run` (JIUZHU_TEST_SQLITE=1, .ci/run).
pytestmark = pytest.mark.portable

MARKERS = ("隔壁秘密人", "隔壁线索秘密", "隔壁走访秘密", "隔壁求助秘密", "隔壁转办秘密")
SKIP_PREFIXES = ("admin/", "captcha/", "static/", "media/", "favicon", "accounts/logout", "__debug__")


def walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route


def fill(route: str, ids: list[int], codes: list[str]) -> list[str]:
    """Concrete paths for a route: each int parameter takes each id; code parameters take B's codes."""
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if any(conv not in ("int", "") and name != "code" for conv, name in params if conv != "int"):
        if not all(conv == "int" or name == "code" for conv, name in params):
            return []
    choices = []
    for conv, name in params:
        choices.append([str(i) for i in ids] if conv == "int" else codes)
    paths = []
    for combo in itertools.product(*choices) if choices else [()]:
        path = route
        for value in combo:
            path = re.sub(r"<(?:\w+:)?\w+>", value, path, count=1)
        if "^" in path or "(?P" in path:
            return []
        paths.append("/" + path)
    return paths[:40]


@pytest.fixture
def other_area(world):
    """Township B's data, every piece of it marked."""
    today = timezone.localdate()
    person = PersonFactory(village=world.village_b1, name="隔壁秘密人")
    lead, _ = lead_report(person=person, method="visit", channel="home_visit", discovered_on=today,
                          by=world.users["caseworker_b"], description="隔壁线索秘密")
    objects = {"person": person, "lead": lead}
    from intake.roster.services import roster_entry_add, visit_log

    entry = roster_entry_add(user=world.users["caseworker_b"], person=person, category="other", reason="隔壁走访秘密")
    objects["roster"] = entry
    objects["visit"] = visit_log(user=world.users["caseworker_b"], entry=entry, visited_on=today, mode="home",
                                 met_in_person=True, findings="隔壁走访秘密")
    from intake.public.services import public_report_submit

    objects["report"] = public_report_submit(township=world.township_b, subject_name="隔壁求助秘密",
                                             description="隔壁求助秘密", reporter_phone="13800138000")
    from referrals import services as referrals

    if hasattr(referrals, "transfer_form_issue"):
        objects["form"] = referrals.transfer_form_issue(
            lead=lead, by=world.users[Role.DISTRICT_STAFF], to_department=world.health, kind="investigate",
            request_text="隔壁转办秘密")
    return objects


VIEWERS = [Role.VILLAGE_ASSISTANT, Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_HEAD, Role.DEPARTMENT_LIAISON,
           "other_district_staff"]


@pytest.mark.parametrize("who", VIEWERS)
def test_no_url_shows_another_areas_data(client, world, other_area, who):
    client.force_login(world.users[who])
    person = other_area["person"]
    secrets = list(MARKERS) + [person.id_number, resident_id.mask(person.id_number)]
    ids = sorted({o.pk for o in other_area.values()})
    routes = list(walk(get_resolver().url_patterns))
    assert len(routes) > 20
    checked = 0
    for route in routes:
        if route.startswith(SKIP_PREFIXES):
            continue
        for path in fill(route, ids, [world.township_b.code, world.township_b.code[:9], world.village_b1.code]):
            response = client.get(path)
            assert response.status_code < 500, f"{path}: {response.status_code}"
            if response.status_code != 200 or response.get("Content-Type", "").startswith("application/vnd"):
                continue
            body = response.content.decode(errors="ignore")
            leaked = [s for s in secrets if s in body]
            # The public report form of township B is public: only its township name may show.
            assert not leaked, f"{who} sees {leaked} at {path}"
            checked += 1
    assert checked > 10


def test_the_walk_can_fail_the_owner_sees_the_markers(client, world, other_area):
    """The same objects are visible to township B's caseworker: the markers are real."""
    client.force_login(world.users["caseworker_b"])
    body = client.get(other_area["lead"].get_absolute_url()).content.decode()
    assert "隔壁秘密人" in body and "隔壁线索秘密" in body


def test_exports_leave_out_other_areas(client, world, other_area):
    from django.urls import reverse

    client.force_login(world.users[Role.TOWNSHIP_CASEWORKER])
    for name in ("cases:person_list", "cases:lead_list"):
        response = client.get(reverse(name), {"export": "xlsx"})
        assert response.status_code == 200
        import io

        import openpyxl

        ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
        assert "隔壁秘密人" not in text
