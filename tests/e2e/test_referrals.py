"""Journey through transfer forms: the district issues one to a department, the liaison answers it,
the district closes it; an overdue one shows in the district's list and the township's inbox."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from accounts.choices import Role
from referrals import services
from referrals.choices import DEFAULT_TRANSFER_KINDS, TransferStatus
from referrals.models import TransferForm
from tests.referrals.factories import at, issue, lead_for
from tests.e2e.conftest import sign_out


def _switch_user(page, live_server, login, user):
    sign_out(page)
    login(page, live_server, user)


def test_district_issues_liaison_answers_district_closes_and_overdue_is_chased(
        desktop_page, phone_page, live_server, world, login, screenshot):
    for code, _name, _days in DEFAULT_TRANSFER_KINDS:   # reference rows a transactional test flushed
        services.transfer_kind(code)
    lead = lead_for(world, "a1")
    staff, liaison = world.users[Role.DISTRICT_STAFF], world.users[Role.DEPARTMENT_LIAISON]
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]

    # 1. The district centre issues a transfer form from the lead to the medical-insurance department.
    page = desktop_page
    login(page, live_server, staff)
    page.goto(f"{live_server.url}/referrals/transfer-forms/new/?lead={lead.pk}")
    expect(page.locator("h1")).to_have_text("发出线索转办单")
    form = page.get_by_test_id("issue-form")
    form.get_by_label("接收单位").select_option(label=world.medical.name)
    form.get_by_label("转办事项").fill("请核实该户住院自付费用，符合条件的给予医疗救助。")
    with page.expect_navigation():
        form.get_by_role("button", name="发出").click()
    expect(page.locator(".alert-success")).to_contain_text("已转给" + world.medical.name)
    transfer = TransferForm.objects.get(lead=lead)
    expect(page.get_by_test_id("form-number")).to_have_text(transfer.number)
    expect(page.get_by_test_id("form-status")).to_have_text("已转办")
    screenshot(page, "issued")

    # 2. The liaison, on a phone, finds it in the menu, signs for it and answers.
    phone = phone_page
    login(phone, live_server, liaison)
    phone.locator("button.navbar-toggler").click()
    phone.locator("#mainNav").get_by_role("link", name="线索转办单").click()
    expect(phone).to_have_url(re.compile(r"/referrals/transfer-forms/$"))
    phone.get_by_role("link", name=transfer.number).click()
    phone.get_by_test_id("receive").click()
    expect(phone.get_by_test_id("form-status")).to_have_text("已签收")
    answer = phone.get_by_test_id("answer-form")
    answer.get_by_label("办理结果").select_option(label="已给予救助或纳入保障")
    answer.get_by_label("调查处理情况").fill("已核实：住院自付 2.3 万元，已按规定给予医疗救助 8000 元。")
    with phone.expect_navigation():
        answer.get_by_role("button", name="提交反馈").click()
    expect(phone.get_by_test_id("form-status")).to_have_text("已反馈")
    expect(phone.get_by_test_id("answer")).to_contain_text("医疗救助 8000 元")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the form page overflows a 360-px phone: scrollWidth={width}"
    screenshot(phone, "answered")

    # 3. The district sees the answer in its inbox and closes the form (销案).
    page.goto(f"{live_server.url}/referrals/notifications/")
    expect(page.locator("main table")).to_contain_text(f"线索转办单 {transfer.number} 已由")
    page.get_by_role("link", name=re.compile(f"{transfer.number} 已由")).click()
    expect(page).to_have_url(re.compile(rf"/referrals/transfer-forms/{transfer.pk}/$"))
    with page.expect_navigation():
        page.get_by_test_id("close-form").get_by_role("button", name="销案").click()
    expect(page.get_by_test_id("form-status")).to_have_text("已销案")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CLOSED

    # 4. An overdue form to the township: the chaser reminds the township, the district's list shows it.
    overdue = issue(world, lead=lead_for(world, "a2"), now=at(dt.date(2026, 3, 2)))     # due 2026-03-09
    services.transfer_forms_chase(today=dt.date(2026, 3, 10))
    page.goto(f"{live_server.url}/referrals/transfer-forms/tracking/?deadline=overdue")
    row = page.locator("main table tbody tr", has_text=overdue.number)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("overdue")).to_contain_text("逾期")
    expect(page.locator("main table")).not_to_contain_text(transfer.number)
    screenshot(page, "district-overdue")

    _switch_user(phone, live_server, login, caseworker)
    from referrals.models import Notification

    unread = Notification.objects.filter(recipient=caseworker, read_at__isnull=True).count()
    expect(phone.get_by_test_id("badge-count")).to_have_text(str(unread))   # in the navigation
    phone.goto(f"{live_server.url}/referrals/notifications/")
    reminder = phone.locator("main table tbody tr", has_text=f"{overdue.number} 逾期未反馈")
    expect(reminder).to_have_count(1)
    expect(reminder).to_contain_text("【提醒】")
    reminder.get_by_role("link").first.click()
    expect(phone).to_have_url(re.compile(rf"/referrals/transfer-forms/{overdue.pk}/$"))
    expect(phone.get_by_test_id("progress")).to_contain_text("提醒 · 2026-03-10")
    screenshot(phone, "township-inbox")
