"""Journeys through the foundation: logging in, the Chinese home page, the people registry."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.choices import Role
from tests.e2e.conftest import submit_login
from tests.factories import PASSWORD


def test_village_assistant_on_a_phone_sees_home_and_only_own_people(
        phone_page, live_server, world, login, screenshot):
    page = phone_page
    assistant = world.users[Role.VILLAGE_ASSISTANT]

    login(page, live_server, assistant)

    # The Chinese home page, made for a 360-px phone.
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    heading = page.locator("h1")
    expect(heading).to_contain_text("您好")
    expect(heading).to_contain_text(assistant.display_name)
    expect(page.locator("main .badge").first).to_have_text("村（社区）社会救助协理员")
    # The assistant's main task first, as a large button; today's work below it; the duties folded away.
    expect(page.get_by_test_id("report-lead-button")).to_be_visible()
    expect(page.get_by_test_id("report-lead-button")).to_contain_text("登记线索")
    expect(page.get_by_test_id("todays-work")).to_be_visible()
    duties = page.get_by_test_id("duties")
    expect(duties).to_be_visible()
    duties.locator("summary").click()
    expect(duties.locator("li").first).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the home page overflows a 360-px phone: scrollWidth={scroll_width}"

    # The menu sits behind the toggler on a phone.
    registry_link = page.locator("#mainNav").get_by_role("link", name="人员库")
    expect(registry_link).to_be_hidden()
    page.locator("button.navbar-toggler").click()
    expect(registry_link).to_be_visible()
    registry_link.click()

    expect(page).to_have_url(re.compile(r"/registry/people/"))
    expect(page.locator("h1")).to_contain_text("人员库")
    own, other = world.people["a1"], world.people["b1"]
    table = page.locator("main table")
    expect(table).to_contain_text(own.name)
    expect(table).not_to_contain_text(other.name)

    # Resident ID numbers are masked: first 6, eight stars, last 4; never the full number.
    masked = own.id_number[:6] + "********" + own.id_number[-4:]
    expect(table).to_contain_text(masked)
    assert own.id_number not in page.content(), "the full ID number of a1 is in the page HTML"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the registry overflows a 360-px phone: scrollWidth={scroll_width}"

    screenshot(page)


def test_township_caseworker_on_a_desktop_after_a_wrong_password(
        desktop_page, live_server, world, login, screenshot):
    page = desktop_page
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]

    submit_login(page, live_server, caseworker.username, PASSWORD + "-wrong")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("form .alert-danger")).to_contain_text("用户名或密码错误")
    expect(page.locator("nav.navbar")).to_have_count(0)

    login(page, live_server, caseworker)

    expect(page.locator("main .badge").first).to_have_text("乡镇（街道）社会救助经办人")
    expect(page.get_by_test_id("todays-work")).to_be_visible()
    # On a desktop the menu is open: no toggler, the registry link is right there.
    expect(page.locator("button.navbar-toggler")).to_be_hidden()
    expect(page.locator("#mainNav").get_by_role("link", name="人员库")).to_be_visible()

    screenshot(page)
