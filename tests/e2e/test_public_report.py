"""Journey of a public report: a citizen on a phone reports, without an account, a person in hardship in
township A; A's caseworker finds it pending in their list; B's caseworker does not."""
from __future__ import annotations

import re
import uuid

import pytest
from captcha.models import CaptchaStore
from playwright.sync_api import expect

from accounts.choices import Role
from intake.models import PublicReport
from tests.e2e.conftest import sign_out


@pytest.fixture(autouse=True)
def fresh_rate_limit(settings):
    settings.RATELIMIT_CACHE_PREFIX = f"rl-e2e-{uuid.uuid4().hex}:"


def answer_captcha(page) -> None:
    hashkey = page.locator("input[name=captcha_0]").input_value()
    page.locator("input[name=captcha_1]").fill(CaptchaStore.objects.get(hashkey=hashkey).response)


def test_a_citizen_reports_on_a_phone_and_only_that_township_sees_it(
        phone_page, desktop_page, live_server, world, login, screenshot):
    page = phone_page
    township_a = world.township_a
    page.goto(f"{live_server.url}/intake/public/")
    expect(page.locator("h1")).to_contain_text("群众/志愿者求助")
    page.get_by_role("link", name=township_a.name).click()
    expect(page).to_have_url(re.compile(rf"/intake/public/{township_a.scope_prefix}/$"))
    expect(page.locator("nav.navbar")).to_have_count(0)  # nobody is logged in

    page.get_by_label("困难群众姓名").fill("吴九")
    page.get_by_label("村（社区）").select_option(label=world.village_a2.name)
    page.get_by_label("住址").fill("五组3号")
    page.get_by_label("困难情况").fill("老两口都患重病，儿子在外地打工，家里没人照顾。")
    page.get_by_label("是，情况紧急").check()
    page.get_by_label("您的电话").fill("139 0533 1234")
    page.locator("input[name=is_volunteer][value=yes]").check()

    # A wrong answer first: the form comes back in Chinese with everything typed still there.
    expect(page.locator("img[data-captcha-image]")).to_be_visible()
    page.locator("input[name=captcha_1]").fill("0000")
    page.get_by_role("button", name="提交求助").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("验证码不正确")
    expect(page.get_by_label("困难群众姓名")).to_have_value("吴九")
    expect(page.get_by_label("困难情况")).to_have_value("老两口都患重病，儿子在外地打工，家里没人照顾。")

    # A new picture on request, then the right answer.
    old_key = page.locator("input[name=captcha_0]").input_value()
    page.get_by_role("button", name="换一张").click()
    expect(page.locator("input[name=captcha_0]")).not_to_have_value(old_key)
    answer_captcha(page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the public form overflows a 360-px phone: {scroll_width}"
    page.get_by_role("button", name="提交求助").click()

    reference = page.get_by_test_id("reference")
    expect(reference).to_have_text(re.compile(rf"^QZ-{township_a.scope_prefix}-\d{{6}}-\d{{4}}$"))
    report = PublicReport.objects.get()
    assert report.reference == reference.inner_text()
    assert report.township == township_a and report.village == world.village_a2
    assert report.is_urgent and report.is_volunteer and report.reporter_phone == "13905331234"
    screenshot(page, "citizen-thanks")

    # Township A's caseworker sees it pending, urgent, in their list and opens it.
    desk = desktop_page
    login(desk, live_server, world.users[Role.TOWNSHIP_CASEWORKER])
    desk.goto(f"{live_server.url}/intake/public-reports/")
    table = desk.locator("main table")
    expect(table).to_contain_text("吴九")
    expect(table).to_contain_text("紧急")
    table.get_by_role("link", name=report.reference).click()
    expect(desk.get_by_test_id("status")).to_have_text("待处理")
    expect(desk.get_by_test_id("accept-form")).to_be_visible()
    screenshot(desk, "caseworker-detail")

    # Township B's caseworker does not see it, 
    other = world.users["caseworker_b"]
    sign_out(desk)
    login(desk, live_server, other)
    desk.goto(f"{live_server.url}/intake/public-reports/")
    expect(desk.locator("main h1")).to_contain_text("群众求助")
    expect(desk.locator("main")).not_to_contain_text("吴九")
