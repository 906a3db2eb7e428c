"""Journey of the key-population roster: an assistant on a phone sees a visit due, logs a home visit that
finds new hardship, and the lead it raised shows the visit as its source."""
from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from cases.models import Lead
from intake.roster import services as roster
from intake.choices import RosterCategory
from intake.models import Visit


def _reference_data() -> None:
    """Live-server tests flush the database after each test: put the eight relief kinds back if needed."""
    from importlib import import_module

    from django.apps import apps

    import_module("cases.migrations.0005_relief_kinds_and_causes").load(apps, None)


def _fits_a_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} overflows a 360-px phone: scrollWidth={width}"


def test_assistant_logs_a_home_visit_that_finds_hardship_and_a_lead_appears(
        phone_page, live_server, world, login, screenshot):
    _reference_data()
    page = phone_page
    assistant = world.users[Role.VILLAGE_ASSISTANT]
    person = world.people["a1"]
    today = timezone.localdate()
    # On the roster for 40 days and never visited: the monthly visit is overdue.
    entry = roster.roster_entry_add(user=assistant, person=person, category=RosterCategory.TEKUN,
                                    reason="分散供养特困人员，独居", since=today - dt.timedelta(days=40))
    assert entry.next_due_on < today

    login(page, live_server, assistant)
    page.locator("button.navbar-toggler").click()
    page.locator("#mainNav").get_by_role("link", name="重点人群").click()
    expect(page.locator("h1")).to_contain_text("重点人群花名册")
    expect(page.locator("main table")).to_contain_text(person.name)
    page.get_by_role("link", name="待走访").click()

    # The visit is due: overdue, with a big button to log it.
    expect(page.locator("h1")).to_contain_text("待走访")
    overdue = page.get_by_test_id("overdue-list")
    card = overdue.get_by_test_id("due-entry").filter(has_text=person.name)
    expect(card).to_contain_text("逾期")
    _fits_a_phone(page, "the visits-due page")
    screenshot(page, "visits-due")
    card.get_by_test_id("visit-button").click()

    # A few taps: home visit, met in person, what was found, new hardship → suspected relief and 急难.
    expect(page.locator("h1")).to_contain_text(person.name)
    expect(page.get_by_test_id("hardship-details")).to_be_hidden()
    page.locator("label[for=id_mode_0]").click()
    page.locator("label[for=id_met_in_person_0]").click()
    page.locator("textarea[name=findings]").fill("老人在家摔伤，行动不便，无人照料，医药费无力负担。")
    page.locator("label[for=id_found_hardship_0]").click()
    details = page.get_by_test_id("hardship-details")
    expect(details).to_be_visible()
    details.locator("label", has_text="医疗救助").click()
    details.locator("label", has_text="临时救助").click()
    page.get_by_label("急难：需要当天救助").check()
    _fits_a_phone(page, "the visit form")
    screenshot(page, "visit-form")
    page.get_by_test_id("save-visit").click()

    # Back on the person's roster page: the visit is recorded and the lead reported to the township.
    expect(page.locator(".alert-success")).to_contain_text("线索")
    visit = Visit.objects.get(roster_entry=entry)
    lead = Lead.objects.get(person=person)
    assert visit.lead == lead and lead.is_urgent
    assert {k.code for k in lead.suspected_relief.all()} == {"medical", "temporary"}
    expect(page.locator(".alert-success")).to_contain_text(lead.number)
    expect(page.get_by_test_id("next-due")).not_to_have_text(str(entry.next_due_on))
    screenshot(page, "visit-recorded")
    _fits_a_phone(page, "the roster entry page")

    # The lead page shows the roster visit as its source.
    page.get_by_test_id("visit-lead").click()
    expect(page).to_have_url(re.compile(rf"/registry/leads/{lead.pk}/$"))
    sources = page.get_by_test_id("lead-sources")
    expect(sources).to_contain_text("花名册走访")
    expect(sources).to_contain_text("老人在家摔伤")
    screenshot(page, "lead-page")
