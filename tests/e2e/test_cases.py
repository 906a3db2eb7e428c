"""Journeys through the lead's life: a caseworker investigates an accepted lead on a phone, records temporary
relief paid first and a referral to medical relief, closes the lead, and finds the follow-up due."""
from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from cases import township_checks
from cases.choices import AssistanceStatus
from cases.models import Lead, Outcome
from tests.cases import factories as f
from tests.factories import PersonFactory


def no_overflow(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > 361)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= 360, f"{what} overflows a 360-px phone: scrollWidth={width}: {wide}"


def test_caseworker_investigates_records_outcomes_closes_and_sees_the_follow_up_due(
        phone_page, live_server, world, login, screenshot):
    # The rows of the data migrations (causes…) do not survive the flush of an earlier live-server test.
    f.restore_reference_data()
    page = phone_page
    lead = f.accepted(world)
    person = world.people["a1"]
    login(page, live_server, f.caseworker(world))

    page.goto(f"{live_server.url}/registry/leads/{lead.pk}/")
    expect(page.get_by_test_id("lead-status")).to_have_text("已受理")
    no_overflow(page, "the case page")
    page.get_by_role("button", name="开始入户调查").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("调查中")

    # 入户调查评估 on the phone.
    page.get_by_role("link", name="调查记录").first.click()
    expect(page.locator("h1")).to_contain_text("入户调查评估")
    no_overflow(page, "the investigation form")
    form = page.get_by_test_id("investigation-form")
    form.get_by_label("见到本人", exact=True).check()
    form.get_by_label("困难情况已调查清楚").check()
    form.get_by_label("对策建议", exact=True).fill("先行临时救助，转介医疗救助")
    form.get_by_label("重病", exact=True).check()
    form.get_by_label("部分丧失劳动能力").check()
    form.get_by_label("具备生活自理能力").check()
    form.get_by_label("家庭人口数").fill("3")
    form.get_by_label("近12个月家庭总收入（元）").fill("18000")
    form.get_by_label("近12个月医疗支出（元）").fill("30000")
    form.get_by_label("临时困难", exact=True).check()
    form.get_by_label("因病", exact=True).check()
    form.get_by_label("调查情况", exact=True).fill("户主突发重病住院，家庭收入中断")
    form.get_by_label("愿意申请", exact=True).check()
    page.get_by_role("button", name="保存并完成评估").click()
    if page.locator(".alert-danger").count():
        screenshot(page, "assess-error")
        raise AssertionError(page.locator(".alert-danger").all_inner_texts())
    expect(page.get_by_test_id("lead-status")).to_have_text("已评估")
    hint = page.get_by_test_id("eligibility-hint")
    expect(hint).to_contain_text("18,000.00 ÷ 12 个月 ÷ 3 人 = 500.00 元")
    expect(page.get_by_test_id("checks")).not_to_contain_text("未落实")

    # 临时救助, paid first (先行救助).
    page.get_by_role("link", name="登记办理结果").click()
    no_overflow(page, "the outcome form")
    outcome_form = page.get_by_test_id("outcome-form")
    outcome_form.get_by_label("临时救助", exact=True).check()
    expect(outcome_form.get_by_label("整户纳入低保")).to_be_hidden()
    outcome_form.get_by_label("金额（元）").fill("2000")
    outcome_form.get_by_label("先行救助，事后补齐手续").check()
    outcome_form.get_by_role("button", name="登记办理结果").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("办理中")
    expect(page.get_by_test_id("paperwork-owed")).to_be_visible()

    # 转介医疗救助.
    page.get_by_role("link", name="登记办理结果").click()
    outcome_form = page.get_by_test_id("outcome-form")
    outcome_form.get_by_label("转介专项救助").check()
    outcome_form.get_by_label("专项救助", exact=True).select_option("medical")
    outcome_form.get_by_role("button", name="登记办理结果").click()
    outcomes = page.get_by_test_id("outcomes")
    expect(outcomes.get_by_test_id("outcome")).to_have_count(2)
    expect(outcomes).to_contain_text("医疗救助")
    expect(outcomes).to_contain_text("区医疗保障分局")

    # While the medical insurance office has not answered the transfer form, 办结 is not offered, and the
    # page says why (issue 16.4).
    expect(page.get_by_role("button", name="办结")).to_have_count(0)
    expect(page.get_by_test_id("close-blockers")).to_contain_text("尚未答复")
    from referrals.models import TransferForm
    from referrals.services import transfer_form_answer

    form = TransferForm.objects.filter(to_department=world.medical).order_by("-pk").first()
    transfer_form_answer(form=form, by=world.users[Role.DEPARTMENT_LIAISON], answer_text="已纳入医疗救助",
                         result="relief_given")
    page.reload()

    page.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("已办结")
    expect(page.get_by_test_id("archive-class")).to_have_text("新增救助群众")
    expect(page.get_by_test_id("follow-ups")).to_contain_text("回访")

    # The case page tells the whole story, oldest first.
    events = page.get_by_test_id("timeline-event").locator("strong")
    titles = [t.strip() for t in events.all_inner_texts()]
    order = ["报告", "已受理", "开始入户调查", "完成调查评估", "登记办理结果：临时救助", "登记办理结果：转介专项救助",
             "已办结"]
    positions = [next(i for i, t in enumerate(titles) if t.startswith(word)) for word in order]
    assert positions == sorted(positions), titles
    no_overflow(page, "the closed case page")
    screenshot(page, "case")

    # The follow-up shows in the caseworker's due list.
    page.locator("button.navbar-toggler").click()
    page.locator("#mainNav").get_by_role("button", name="救助办理").click()
    page.locator("#mainNav").get_by_role("link", name="回访复核").click()
    expect(page).to_have_url(re.compile(r"/registry/follow-ups/"))
    row = page.get_by_test_id("follow-up-row").filter(has_text=person.name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("待办")
    no_overflow(page, "the due list")
    screenshot(page, "due")

    lead.refresh_from_db()
    assert lead.status == "closed"
    assert Outcome.objects.filter(lead=lead, is_advance=True, paperwork="owed").exists()
    assert Lead.objects.get(pk=lead.pk).follow_ups.filter(status="due").count() == 1


def test_district_head_approves_case_by_case_relief_on_a_desktop(desktop_page, live_server, world, login,
                                                                 screenshot):
    from decimal import Decimal

    from cases import services
    from cases.choices import OutcomeKind

    page = desktop_page
    lead = f.assessed(world)
    services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.TEMPORARY,
                            amount=Decimal("9000"), reason="重病手术")
    login(page, live_server, world.users[Role.DISTRICT_HEAD])
    page.get_by_test_id("due-work").get_by_role("link", name=re.compile("一事一议")).click()
    page.get_by_role("link", name=lead.number).click()
    page.get_by_role("button", name="审批").click()
    # The panel opens as the head sees it (Bootstrap's collapse ends with "show") before anything is typed into it.
    expect(page.locator("[id^=decide-]")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_label("审批意见").fill("同意，按一事一议办理")
    page.get_by_role("button", name="批准", exact=True).click()
    # The page says the decision was recorded; were it refused (a stale form, a lost permission) the failure
    # shows the page's own message instead of only the outcome still waiting.
    expect(page.locator("main .alert").first).to_contain_text("审批意见已登记")
    expect(page.get_by_test_id("outcomes")).to_contain_text("已办结")
    expect(page.get_by_test_id("outcomes")).to_contain_text("同意，按一事一议办理")
    screenshot(page)


def test_the_townships_never_reported_checks_read_on_a_phone_without_sideways_scrolling(
        phone_page, live_server, world, login):
    # 漏报抽查 on a 360-px phone: who, the masked ID and the finding, with no table to scroll sideways.
    caseworker = f.caseworker(world)
    for name in ("欧阳未报户", "司马未报户", "上官未报户"):
        person = PersonFactory(village=world.village_a1, name=name)
        person.assistance_status = AssistanceStatus.DIBAO_EDGE
        person.save()
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    township_checks.township_checks_draw(user=caseworker, township=world.township_a, month=month.replace(day=1))
    page = phone_page
    login(page, live_server, caseworker)
    page.goto(f"{live_server.url}/registry/township-checks/")
    expect(page.get_by_role("link", name="欧阳未报户")).to_be_visible()
    no_overflow(page, "the 漏报抽查 list")
    sideways = page.evaluate("""() => Array.from(document.querySelectorAll('.table-responsive'))
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.scrollWidth + ' > ' + e.clientWidth)""")
    assert sideways == [], f"a table of the 漏报抽查 page scrolls sideways: {sideways}"
