"""Deadlines that bite, as people see them: an assistant reports a 急难 lead on a phone; the township's home
page shows it in red with today's deadline; nobody accepts it; the next working day at 08:30 the township is
reminded; two working days later the district sees the escalation on its home page."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from accounts.choices import Role
from cases.models import Lead
from common import resident_id
from referrals.models import Reminder
from referrals.tasks import chase_obligations

BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


def run_the_0830_job(day: dt.date) -> dict:
    with time_machine.travel(at(day, 8, 30), tick=False):
        return chase_obligations.apply().get()


def test_an_urgent_lead_nobody_accepts_is_reminded_then_escalated(
        phone_page, desktop_page, live_server, world, login, screenshot):
    tuesday = dt.date(2026, 11, 10)
    with time_machine.travel(at(tuesday, 10), tick=True):
        # The assistant reports a 急难 lead from the home page's big button.
        phone = phone_page
        login(phone, live_server, world.users[Role.VILLAGE_ASSISTANT])
        phone.get_by_test_id("report-lead-button").click()
        expect(phone.locator("h1")).to_have_text("登记线索")
        number = resident_id.build("370304", dt.date(1950, 6, 1), 311)
        phone.locator("#person-search").fill("秦大爷")
        expect(phone.get_by_test_id("person-results")).to_contain_text("辖区内没有匹配的人员")
        phone.locator("input[name=id_number]").fill(number)
        phone.locator("input[name=name]").fill("秦大爷")
        phone.get_by_label("急难对象：需要当天救助").check()
        phone.get_by_label("临时救助").check()
        phone.locator("textarea[name=family_situation]").fill("房屋倒塌，老人无处居住。")
        phone.get_by_role("button", name="提交线索").click()
        expect(phone.locator(".alert-success")).to_contain_text("秦大爷")
        lead = Lead.objects.get(person__id_number=number)
        assert lead.due_on == tuesday
        expect(phone.get_by_test_id("lead-due")).to_contain_text("须当日受理并联合走访")
        expect(phone.get_by_test_id("lead-due")).to_contain_text("2026-11-10")
        screenshot(phone, "assistant-urgent-lead")

        # The township's home page shows it first, in red, with today's deadline.
        desk = desktop_page
        login(desk, live_server, world.users[Role.TOWNSHIP_CASEWORKER])
        alert = desk.get_by_test_id("urgent-alert")
        expect(alert).to_contain_text("1 条急难线索待受理")
        expect(alert).to_contain_text("请今日受理并联合走访")
        row = desk.get_by_test_id("work-table").locator("tr[data-kind='lead_acceptance_urgent']")
        expect(row).to_have_class(re.compile("table-danger"))
        expect(row.locator("[data-count='today']")).to_have_text("1")
        screenshot(desk, "township-home-urgent")
        alert.click()
        expect(desk.locator("main table")).to_contain_text("秦大爷")

    # Nobody accepts it. Wednesday 08:30: the township is reminded.
    run_the_0830_job(dt.date(2026, 11, 11))
    with time_machine.travel(at(dt.date(2026, 11, 11), 9), tick=True):
        login(desk, live_server, world.users[Role.TOWNSHIP_CASEWORKER])
        expect(desk.get_by_test_id("urgent-alert")).to_contain_text("1 条已超过当日受理时限")
        desk.goto(f"{live_server.url}/referrals/notifications/")
        expect(desk.locator("main")).to_contain_text(f"急难线索 {lead.number}（秦大爷")
        expect(desk.locator("main")).to_contain_text("【提醒】")
        screenshot(desk, "township-reminded")

    # Thursday: the written reminder; Friday: the escalation reaches the district's home page.
    run_the_0830_job(dt.date(2026, 11, 12))
    run_the_0830_job(dt.date(2026, 11, 13))
    steps = dict(Reminder.objects.filter(kind="lead_acceptance_urgent", subject_id=str(lead.pk))
                 .values_list("level", "sent_on"))
    assert steps == {"reminder": dt.date(2026, 11, 11), "written_reminder": dt.date(2026, 11, 12),
                     "escalation": dt.date(2026, 11, 13)}
    run_the_0830_job(dt.date(2026, 11, 13))  # run again: nothing twice
    assert Reminder.objects.filter(kind="lead_acceptance_urgent", subject_id=str(lead.pk)).count() == 3

    with time_machine.travel(at(dt.date(2026, 11, 13), 9), tick=True):
        for page in (desk, phone):  # 1366 px and 360 px
            login(page, live_server, world.users[Role.DISTRICT_STAFF])
            escalations = page.get_by_test_id("escalations")
            expect(escalations).to_contain_text(lead.number)
            expect(escalations).to_contain_text("秦大爷")
            expect(page.get_by_test_id("overdue-by-township")).to_contain_text(world.township_a.name)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= page.viewport_size["width"], f"the district home overflows: {width}"
        screenshot(desk, "district-escalation")
        screenshot(phone, "district-escalation-phone")
