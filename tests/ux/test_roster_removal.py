"""Issue 16.2: taking a person off the roster asks for confirmation and a reason, is a dated state, and can be undone."""
import pytest
from django.urls import reverse

from accounts.choices import Role
from intake.models import RosterEntry
from tests.intake.roster_factories import TODAY, add_entry, clock  # noqa: F401 - clock is a fixture
from tests.test_pages_are_chinese import assert_chinese


@pytest.fixture
def entry(world, clock):
    return add_entry(world.users[Role.TOWNSHIP_CASEWORKER], world.people["a1"], reason="重病，需每日走访")


def test_the_entry_page_has_no_one_tap_removal(client_for, world, entry):
    page = client_for(world.users[Role.VILLAGE_ASSISTANT]).get(reverse("intake:roster_detail", args=[entry.pk]))
    html = page.content.decode()
    assert f'action="{reverse("intake:roster_end", args=[entry.pk])}"' not in html  # no form posting from here
    assert reverse("intake:roster_end", args=[entry.pk]) in html  # a link to the confirmation page


def test_removal_needs_a_reason_and_keeps_the_entry(client_for, world, entry):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    url = reverse("intake:roster_end", args=[entry.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "确定将 张一 移出花名册" in confirm.content.decode()
    assert_chinese(confirm)
    missing = client.post(url, {"until": TODAY.isoformat(), "reason": " "})
    assert missing.status_code == 200
    assert "请填写移出花名册的原因" in missing.content.decode()
    entry.refresh_from_db()
    assert entry.until is None and entry.next_due_on is not None

    done = client.post(url, {"until": TODAY.isoformat(), "reason": "已迁往外地居住"}, follow=True)
    html = done.content.decode()
    assert "已迁往外地居住" in html and "撤销" in html
    entry.refresh_from_db()
    assert entry.until == TODAY and entry.end_reason == "已迁往外地居住"
    assert RosterEntry.objects.filter(pk=entry.pk).exists()  # a dated state, not a deletion


def test_undo_puts_the_person_back_with_visits_due(client_for, world, entry):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    client.post(reverse("intake:roster_end", args=[entry.pk]), {"until": TODAY.isoformat(), "reason": "误操作"})
    due_before = RosterEntry.objects.get(pk=entry.pk).next_due_on
    assert due_before is None
    page = client.post(reverse("intake:roster_restore", args=[entry.pk]), follow=True)
    assert "重新列入花名册" in page.content.decode()
    entry.refresh_from_db()
    assert entry.until is None and entry.end_reason == "" and entry.next_due_on is not None
    assert entry.history.first().history_change_reason == "restore"
