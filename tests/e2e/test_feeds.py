"""Journey of department feeds: a liaison uploads a messy file, checks the mapping, commits, watches the
progress bar (a real Celery worker), downloads the rejected rows; the township sees the new leads."""
from __future__ import annotations

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from cases.models import Lead
from config.celery import app
from intake.feeds.deadlines import default_period
from tests.factories import PersonFactory
from tests.intake.feed_factories import bad_check_digit, install_feeds, xlsx_bytes

HEADER = ["序号", "参保人姓名", "公民身份号码", "结算日期", "医疗机构", "个人负担（元）"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.celery
def test_a_liaison_delivers_a_file_and_the_township_sees_the_new_leads(
        phone_page, desktop_page, live_server, world, login, screenshot, tmp_path):
    feeds = install_feeds(world)
    feed = feeds["medical_inpatient"]
    start, end = default_period(feed, timezone.localdate())
    day = start + dt.timedelta(days=2)
    people = [PersonFactory(village=world.village_a1) for _ in range(40)]
    rows = []
    for n in range(6000):
        p = people[n % len(people)]
        amount = "23,500.00元" if n < 3 else f"{10 + (n // 40) / 100:.2f}"
        rows.append([n + 1, p.name, p.id_number, f"{day:%Y/%m/%d}", "区人民医院", amount])
    rows.append([6001, "错号", bad_check_digit(people[0].id_number), f"{day:%Y-%m-%d}", "区人民医院", "500"])
    rows.append([6002, "李二", world.people["a2"].id_number, f"{day:%Y-%m-%d}", "区人民医院", "五百"])
    path = tmp_path / "医保住院明细.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, rows))

    page = desktop_page
    login(page, live_server, world.users[Role.DEPARTMENT_LIAISON])
    page.locator("#mainNav").get_by_role("link", name="部门数据").click()
    page.get_by_test_id("upload-medical_inpatient").click()
    expect(page.locator("h1")).to_contain_text("城乡居民医保住院个人负担")
    page.locator("input[name=file]").set_input_files(str(path))

    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        # The worker reads the file (issue 20: never the upload request); the page waits for it and refreshes.
        page.get_by_role("button", name="上传并预览").click()
        expect(page.locator("h1")).to_have_text("核对列对应关系", timeout=60_000)
        expect(page.get_by_test_id("preview-counts")).to_contain_text("6000 行通过校验，2 行将不予通过")
        expect(page.get_by_label("公民身份号码")).to_have_value("id_number")
        expect(page.get_by_label("个人负担（元）")).to_have_value("amount")
        screenshot(page, "preview")

        page.get_by_test_id("commit").click()
        expect(page.get_by_test_id("progress")).to_be_visible()
        screenshot(page, "progress")
        expect(page.get_by_test_id("status")).to_have_text("已导入", timeout=60_000)
    # The liaison sees its counts and its refused rows, not what the rows led to (issue 20: that is the centre's).
    expect(page.locator('[data-count="accepted"]')).to_have_text("6000")
    expect(page.locator('[data-count="leads_raised"]')).to_have_count(0)
    expect(page.locator('[data-count="rejected"]')).to_have_text("2")
    expect(page.get_by_test_id("rejected")).to_contain_text("“五百”不是数字")
    with page.expect_download() as download:
        page.get_by_test_id("rejected-xlsx").click()
    saved = tmp_path / "rejected.xlsx"
    download.value.save_as(saved)
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(str(saved)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in sheet[2:]] == [6005.0, 6006.0]
    screenshot(page, "result")

    # The township caseworker, on a phone, sees the three new leads from department data.
    phone = phone_page
    login(phone, live_server, world.users[Role.TOWNSHIP_CASEWORKER])
    phone.goto(f"{live_server.url}/registry/leads/?channel=department_data")
    numbers = list(Lead.objects.filter(channel="department_data").values_list("number", flat=True))
    assert len(numbers) == 3
    for number in numbers:
        expect(phone.locator("body")).to_contain_text(number)
    lead = Lead.objects.get(number=numbers[0])
    phone.goto(f"{live_server.url}{lead.get_absolute_url()}")
    expect(phone.get_by_test_id("lead-sources")).to_contain_text("单次住院个人负担2万元以上")
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, scroll_width
    screenshot(phone, "township-lead")


def test_the_feed_pages_fit_a_phone(phone_page, live_server, world, login):
    install_feeds(world)
    page = phone_page
    login(page, live_server, world.users[Role.DEPARTMENT_LIAISON])
    page.goto(f"{live_server.url}/intake/feeds/")
    expect(page.get_by_test_id("feeds")).to_contain_text("城乡居民医保住院个人负担")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("upload-medical_inpatient").click()
    expect(page.get_by_test_id("upload-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
