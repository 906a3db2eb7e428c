"""Journeys of intake: an assistant logs a lead on a phone; the township accepts it in the inbox."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from accounts.choices import Role
from cases.models import Lead
from common import resident_id


def test_assistant_logs_a_lead_for_a_new_person_and_the_township_accepts_it(
        browser, phone_page, desktop_page, live_server, world, login, screenshot):
    page = phone_page
    login(page, live_server, world.users[Role.VILLAGE_ASSISTANT])
    page.locator("button.navbar-toggler").click()
    page.locator("#mainNav").get_by_role("link", name="登记线索").click()
    expect(page.locator("h1")).to_have_text("登记线索")

    # Searching finds nobody by that name: register the person.
    page.locator("#person-search").fill("周新")
    expect(page.get_by_test_id("person-results")).to_contain_text("辖区内没有匹配的人员")
    number = resident_id.build("370304", dt.date(1948, 2, 3), 517)
    page.locator("input[name=id_number]").fill(number[:10] + " " + number[10:].lower())
    page.locator("input[name=name]").fill("周新")
    page.get_by_label("急难对象：需要当天救助").check()
    page.get_by_label("城乡低保").check()
    page.get_by_label("因病").check()
    page.locator("textarea[name=family_situation]").fill("独居，突发脑梗住院，无人照料。")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the lead form overflows a 360-px phone: {scroll_width}"
    page.get_by_role("button", name="提交线索").click()

    expect(page.locator(".alert-success")).to_contain_text("已为周新登记线索")
    lead = Lead.objects.get(person__id_number=number)
    expect(page.get_by_test_id("lead-status")).to_have_text("已上报")
    screenshot(page, "assistant-lead-logged")

    # The township caseworker sees it first in the inbox, marked urgent, and accepts it.
    desk = desktop_page
    login(desk, live_server, world.users[Role.TOWNSHIP_CASEWORKER])
    desk.locator("#mainNav").get_by_role("link", name="待办收件箱").click()
    urgent = desk.get_by_test_id("inbox-urgent")
    expect(urgent).to_contain_text("急难线索待处理")
    card = urgent.locator(f"[data-lead-number='{lead.number}']")
    expect(card).to_contain_text("周新")
    card.get_by_test_id("accept").click()
    expect(desk.locator(".alert-success")).to_contain_text(lead.number)
    expect(desk.locator(".alert-success")).to_contain_text("已受理")
    expect(desk.locator(f"[data-lead-number='{lead.number}']")).to_have_count(0)
    lead.refresh_from_db()
    assert lead.status == "accepted"
    screenshot(desk, "caseworker-inbox-accepted")


def test_an_existing_person_is_found_by_type_ahead(phone_page, live_server, world, login):
    page = phone_page
    login(page, live_server, world.users[Role.VILLAGE_ASSISTANT])
    page.goto(f"{live_server.url}/intake/leads/new/")
    page.locator("#person-search").fill("张")
    result = page.get_by_test_id("person-results").locator("[data-person-id]").first
    expect(result).to_contain_text("张一")
    result.click()
    expect(page.locator("#person-picked")).to_contain_text("张一")
    page.locator("textarea[name=family_situation]").fill("走访发现老人卧床。")
    page.get_by_role("button", name="提交线索").click()
    expect(page).to_have_url(re.compile(r"/registry/leads/\d+/"))
    assert Lead.objects.get(person=world.people["a1"]).sources.count() == 1
