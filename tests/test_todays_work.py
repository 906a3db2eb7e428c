"""Today's work on the home pages: each figure is the count of the list it links to, in the user's scope."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
import time_machine

from accounts.choices import Role
from tests.cases import factories as f
from tests.referrals.factories import at, issue

# Portable: each role's home page and its figures on SQLite too (JIUZHU_TEST_SQLITE=1, .ci/run).
pytestmark = pytest.mark.portable

D = dt.date


def figures(html: str) -> dict[tuple[str, str], tuple[int, str]]:
    """{(kind, count name): (figure, link)} from the work table."""
    found = {}
    for kind, row in re.findall(r'<tr data-kind="([a-z_]+)"[^>]*>(.*?)</tr>', html, re.S):
        for cell in re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-count="(\w+)">(\d+)<', row):
            found[(kind, cell[1])] = (int(cell[2]), html_lib.unescape(cell[0]))
        for cell in re.findall(r'<a class="[^"]*" href="([^"]+)" data-count="(\w+)">(\d+)<', row):
            found[(kind, cell[1])] = (int(cell[2]), html_lib.unescape(cell[0]))
    return found


def rows_listed(client, url: str) -> int:
    page = client.get(url).content.decode()
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", page, re.S)
    return 0 if body is None or "没有符合" in body.group(1) else len(re.findall(r"<tr\b", body.group(1)))


def test_the_township_sees_its_own_work_and_each_figure_opens_its_list(world, client_for):
    with time_machine.travel(at(D(2026, 11, 9), 10), tick=False):   # Monday
        old = f.reported(world, "a1")                                   # due Tuesday
        f.reported(world, "b1")                                         # another township's
    with time_machine.travel(at(D(2026, 11, 11), 10), tick=False):  # Wednesday
        urgent = f.reported(world, "a2", urgent=True)                   # due today
        issue(world, now=at(D(2026, 11, 2)))                            # a form to township A, overdue
        client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
        page = client.get("/").content.decode()
        seen = figures(page)
        assert seen[("lead_acceptance_urgent", "open")][0] == 1
        assert seen[("lead_acceptance_urgent", "today")][0] == 1
        assert seen[("lead_acceptance", "overdue")][0] == 1
        assert ("transfer_form", "overdue") in seen
        assert 'data-testid="urgent-alert"' in page
        for (_kind, _name), (figure, link) in seen.items():
            assert rows_listed(client, link) == figure, link
        assert old.number in client.get(seen[("lead_acceptance", "overdue")][1]).content.decode()
    assert urgent.due_on == D(2026, 11, 11)


def test_the_district_sees_overdue_work_by_township_and_department(world, client_for):
    with time_machine.travel(at(D(2026, 11, 9), 10), tick=False):
        f.reported(world, "a1")
        f.reported(world, "b1")
    issue(world, to="department", lead=f.accepted(world, "a2"), now=at(D(2026, 11, 2)))
    with time_machine.travel(at(D(2026, 11, 12), 10), tick=False):
        page = client_for(world.users[Role.DISTRICT_STAFF]).get("/").content.decode()
    by_department = page.split('data-testid="overdue-by-department"')[1].split("</ul>")[0]
    assert world.medical.name in by_department
    block = page.split('data-testid="overdue-by-township"')[1].split("</ul>")[0]
    assert world.township_a.name in block and world.township_b.name in block


def test_a_liaison_sees_the_forms_addressed_to_the_department(world, client_for):
    with time_machine.travel(at(D(2026, 11, 11), 10), tick=False):
        issue(world, to="department", now=at(D(2026, 11, 2)))
        issue(world, now=at(D(2026, 11, 2)))  # to a township: not the liaison's
        page = client_for(world.users[Role.DEPARTMENT_LIAISON]).get("/").content.decode()
    seen = figures(page)
    assert seen[("transfer_form", "open")][0] == 1
    assert not any(kind.startswith("lead_") for kind, _n in seen)


def test_the_inbox_in_the_menu_carries_a_count_badge(world, client_for):
    f.reported(world, "a1", urgent=True)
    f.reported(world, "a2")
    f.reported(world, "b1")  # township B's
    caseworker = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    page = caseworker.get("/").content.decode()
    assert 'hx-get="/intake/inbox/count/"' in page
    badge = caseworker.get("/intake/inbox/count/").content.decode()
    assert 'data-testid="inbox-count"' in badge and ">2<" in badge and "text-bg-danger" in badge
    assistant = client_for(world.users[Role.VILLAGE_ASSISTANT])
    assert assistant.get("/intake/inbox/count/").content.decode().strip() == ""
