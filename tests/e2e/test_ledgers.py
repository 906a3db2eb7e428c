"""The district head's journey through the figures (issue 6): the dashboard, a click on a chart into the
filtered lead list, the 明细表 of that list, and the monthly workbook of every township."""
from __future__ import annotations

import datetime as dt
import re

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from accounts.choices import Role
from cases.choices import DiscoveryMethod, LeadStatus, OutcomeKind, OutcomeStatus
from tests.cases.factories import restore_reference_data
from tests.ledgers.dashboard_factories import at, form, lead

SEED_001_COLUMNS = ["序号", "发现方式", "发现人", "所属乡镇（街道）", "对象姓名", "家庭基本情况", "疑似符合救助",
                    "乡镇（街道）调查情况", "乡镇（街道）办理结果", "备注"]


def no_overflow(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} overflows a 360-px phone: scrollWidth={width}"


def _leads_this_month(world) -> dict:
    """Three leads found this month in township A (two accepted), one in township B, one rejected."""
    restore_reference_data()  # the rows of the data migrations do not survive an earlier live-server flush
    today = timezone.localdate()
    first = today.replace(day=1)
    accepted = at(today, 8)
    made = {
        "a_accepted": lead(world.village_a1, found=first, accepted=accepted, assessed=accepted,
                           status=LeadStatus.CLOSED, outcomes=[(OutcomeKind.DIBAO, OutcomeStatus.DONE)]),
        "a_accepted_2": lead(world.village_a2, found=first, accepted=accepted),
        "a_reported": lead(world.village_a1, method=DiscoveryMethod.WORK, found=first),
        "b_accepted": lead(world.village_b1, found=first, accepted=accepted),
        "b_rejected": lead(world.village_b1, found=first, status=LeadStatus.REJECTED),
    }
    form(made["a_accepted_2"], from_region=world.district, to_region=world.township_a, scope_region=world.township_a,
         due=today - dt.timedelta(days=3))
    return made


def _chart_point(page, key: str, series: int, category: int):
    """The page position of a bar of an ECharts chart (the middle of its length)."""
    chart = page.locator(f'[data-chart="{key}"]')
    expect(chart.locator("canvas")).to_be_visible()
    x, y = page.evaluate(
        """([key, series, category]) => {
            const el = document.querySelector(`[data-chart="${key}"]`);
            const chart = echarts.getInstanceByDom(el);
            const option = chart.getOption();
            const value = option.series[series].data[category];
            const horizontal = option.yAxis[0].type === "category";
            const point = horizontal ? [value / 2, category] : [category, value / 2];
            return chart.convertToPixel({seriesIndex: series}, point);
        }""", [key, series, category])
    box = chart.bounding_box()
    return box["x"] + x, box["y"] + y


def test_district_head_clicks_a_chart_into_the_lead_list_exports_the_ledger_and_the_monthly_workbook(
        desktop_page, live_server, world, login, screenshot, tmp_path):
    page = desktop_page
    made = _leads_this_month(world)
    login(page, live_server, world.users[Role.DISTRICT_HEAD])

    # From the home page into the dashboard.
    page.get_by_test_id("dashboard-widget").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("数据看板")
    expect(page.get_by_test_id("kpi-leads")).to_have_text("5")  # the rejected one counts: it was a lead
    expect(page.get_by_test_id("kpi-overdue")).to_have_text("1")

    # The conversion chart: click the "accepted" bar (3 leads accepted).
    x, y = _chart_point(page, "conversion", 0, 1)
    screenshot(page, "dashboard")
    with page.expect_navigation():
        page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"/registry/leads/\?.*stage=accepted"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    for key in ("a_accepted", "a_accepted_2", "b_accepted"):
        expect(page.locator("table")).to_contain_text(made[key].number)
    expect(page.locator("table")).not_to_contain_text(made["a_reported"].number)

    # The 明细表 of exactly these filters.
    with page.expect_download() as download_info:
        page.locator('a[href*="discovery-detail.xlsx"]').click()
    path = tmp_path / "detail.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row and row[0] == "序号")
    assert list(values[header_at][:10]) == SEED_001_COLUMNS
    names = {row[4] for row in values[header_at + 1:] if row and row[0] is not None}
    assert names == {made[key].person.name for key in ("a_accepted", "a_accepted_2", "b_accepted")}

    # Back on the dashboard, the plain link of a chart leads to the same kind of list.
    page.goto(f"{live_server.url}/ledgers/dashboard/")
    page.get_by_test_id("chart-overdue_townships").locator("details summary").click()
    with page.expect_navigation():
        page.get_by_test_id("table-overdue_townships").get_by_role("link", name="1").click()
    expect(page).to_have_url(re.compile(r"/referrals/transfer-forms/\?.*deadline=overdue"))
    expect(page.locator("table tbody tr")).to_have_count(1)

    # The monthly workbook: a summary sheet and one sheet per township.
    page.goto(f"{live_server.url}/ledgers/monthly/district/")
    with page.expect_download() as download_info:
        page.get_by_test_id("monthly-workbook").click()
    path = tmp_path / "monthly.xlsx"
    download_info.value.save_as(path)
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    with override("zh-hans"):
        assert names[0] == gettext("Summary")
    assert world.township_a.name in names and world.township_b.name in names


def test_the_dashboard_fits_a_phone_and_its_charts_follow_the_width(phone_page, live_server, world, login,
                                                                  screenshot):
    page = phone_page
    _leads_this_month(world)
    login(page, live_server, world.users[Role.TOWNSHIP_HEAD])
    page.goto(f"{live_server.url}/ledgers/dashboard/")
    expect(page.get_by_test_id("dashboard-region")).to_have_text(world.township_a.name)
    chart = page.locator('[data-chart="leads_by_month"]')
    expect(chart.locator("canvas")).to_be_visible()
    assert chart.locator("canvas").bounding_box()["width"] <= 340
    no_overflow(page, "the dashboard")
    # Township B's figures never reach a township A head's page.
    expect(page.locator("main")).not_to_contain_text("城东街道")
    # The table under a chart holds the same figures, linked.
    page.get_by_test_id("chart-conversion").locator("details summary").click()
    expect(page.get_by_test_id("table-conversion").get_by_role("link", name="2").first).to_be_visible()
    screenshot(page, "phone")
