"""The four other ledgers: official columns, typed cells, masking by role, the formula guard, scope, filters,
audit, and the operator command."""
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases import services
from cases.choices import OutcomeKind, ReferralKind
from common.models import AuditEvent
from referrals.services import transfer_form_issue
from tests.cases.factories import assessed, caseworker, closed
from tests.queries import assert_list_queries, list_page

NEWLY_ASSISTED = ["序号", "所属乡镇（街道）", "村（社区）", "姓名", "身份证号码", "家庭人口", "救助类别",
                  "救助金额（元）", "纳入时间", "发现方式", "线索编号", "备注"]
OBSERVATION = ["序号", "所属乡镇（街道）", "村（社区）", "姓名", "身份证号码", "家庭人口", "困难类别", "致困原因",
               "实际困难情况", "不符合救助条件的理由", "列入观察时间", "最近复核情况", "下次复核时间", "线索编号", "备注"]
URGENT = ["序号", "线索编号", "所属乡镇（街道）", "村（社区）", "姓名", "身份证号码", "发现日期", "身体状况", "劳动能力",
          "致困原因", "困难程度", "救助措施", "办理状态", "回访情况", "备注"]
TRANSFER = ["序号", "转办单编号", "转办类别", "线索编号", "对象姓名", "转办单位", "接收单位", "转办事项", "转办时间",
            "办理期限", "签收时间", "反馈时间", "调查处理情况", "逾期工作日", "催办次数", "催办等级", "状态", "销案时间"]


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def rows_of(ws):
    return [[c.value for c in r] for r in ws.iter_rows(min_row=3)]


def col(name, headers):
    return headers.index(name)


@pytest.fixture
def ledgers_world(world):
    """Township A: 张一 (urgent, temporary relief, closed), 李二 (observation, with a formula-like note).
    Township B: 王三 (temporary relief, closed)."""
    a1 = closed(world, "a1", urgent=True)
    a2 = assessed(world, "a2")
    services.outcome_record(lead=a2, user=caseworker(world), kind=OutcomeKind.NOT_ELIGIBLE, reason="收入略高于标准",
                            policy_explained=True, explained_on=timezone.localdate(), explained_how="on_site")
    services.outcome_record(lead=a2, user=caseworker(world), kind=OutcomeKind.OBSERVATION,
                            note="=1+2 每季度复核")
    a2 = services.lead_close(lead=a2, user=caseworker(world))
    b1 = closed(world, "b1")
    return {"a1": a1, "a2": a2, "b1": b1}


def test_newly_assisted_ledger_columns_types_scope_and_audit(client_for, world, ledgers_world):
    response = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("ledgers:newly_assisted"),
                                                                     {"export": "xlsx"})
    ws = workbook(response)
    assert "新增救助群众台账" in ws["A1"].value and world.township_a.name in ws["A1"].value
    assert [c.value for c in ws[2]] == NEWLY_ASSISTED
    assert ws.freeze_panes == "A3"
    rows = rows_of(ws)
    assert [r[3] for r in rows] == ["张一"]  # 李二 is under observation; 王三 is township B's
    row = rows[0]
    assert row[0] == 1 and row[1] == world.township_a.name and row[2] == world.village_a1.name
    assert "临时救助" in row[6] and row[7] == 2000
    assert isinstance(row[8], dt.datetime) and row[8].date() == timezone.localdate()  # a real date
    assert ws.cell(3, 9).number_format == "yyyy-mm-dd"
    # The caseworker's duties need whole IDs: text, all 18 characters.
    assert row[4] == world.people["a1"].id_number and ws.cell(3, 5).data_type == "s"
    assert row[10] == ledgers_world["a1"].number and "急难" in row[11]
    event = AuditEvent.objects.get(action="export")
    assert "新增救助群众台账" in event.detail and event.object_type == "cases.Outcome"


def test_ids_are_masked_for_roles_that_do_not_need_them(client_for, world, ledgers_world):
    ws = workbook(client_for(world.users[Role.VILLAGE_ASSISTANT]).get(reverse("ledgers:newly_assisted"),
                                                                      {"export": "xlsx"}))
    number = world.people["a1"].id_number
    assert rows_of(ws)[0][4] == f"{number[:6]}********{number[-4:]}"
    ws = workbook(client_for(world.users[Role.DISTRICT_HEAD]).get(reverse("ledgers:urgent"), {"export": "xlsx"}))
    assert rows_of(ws)[0][5] == f"{number[:6]}********{number[-4:]}"


def test_observation_ledger_reason_review_and_formula_guard(client_for, world, ledgers_world):
    ws = workbook(client_for(world.users[Role.DISTRICT_STAFF]).get(reverse("ledgers:observation"),
                                                                   {"export": "xlsx"}))
    assert "救助观察群众台账" in ws["A1"].value
    assert [c.value for c in ws[2]] == OBSERVATION
    rows = rows_of(ws)
    assert [r[3] for r in rows] == ["李二"]
    row = rows[0]
    assert row[col("不符合救助条件的理由", OBSERVATION)] == "收入略高于标准"
    assert row[col("困难类别", OBSERVATION)] == "临时困难"
    assert isinstance(row[col("下次复核时间", OBSERVATION)], dt.datetime)  # the review scheduled on closing
    remark = col("备注", OBSERVATION)
    assert row[remark] == "=1+2 每季度复核" and ws.cell(3, remark + 1).data_type == "s"  # text, not a formula


def test_urgent_ledger_reads_the_investigation(client_for, world, ledgers_world):
    ws = workbook(client_for(world.users[Role.TOWNSHIP_HEAD]).get(reverse("ledgers:urgent"), {"export": "xlsx"}))
    assert "急难对象台账" in ws["A1"].value
    assert [c.value for c in ws[2]] == URGENT
    rows = rows_of(ws)
    assert [r[4] for r in rows] == ["张一"]
    row = dict(zip(URGENT, rows[0], strict=True))
    assert row["身体状况"] == "患重病" or "重" in row["身体状况"]
    assert row["劳动能力"] and row["困难程度"] == "临时困难"
    assert "临时救助" in row["救助措施"] and isinstance(row["发现日期"], dt.datetime)
    assert "应于" in row["回访情况"] or row["回访情况"]  # the follow-up scheduled on closing


def test_list_filters_are_honoured(client_for, world, ledgers_world):
    client = client_for(world.users[Role.DISTRICT_STAFF])
    url = reverse("ledgers:newly_assisted")
    both = rows_of(workbook(client.get(url, {"export": "xlsx"})))
    assert sorted(r[3] for r in both) == ["张一", "王三"]
    only_b = rows_of(workbook(client.get(url, {"export": "xlsx", "township": world.township_b.pk})))
    assert [r[3] for r in only_b] == ["王三"]
    ws = workbook(client.get(url, {"export": "xlsx", "q": "张"}))
    assert [r[3] for r in rows_of(ws)] == ["张一"]
    # The title row names the township and the period filtered on.
    today = timezone.localdate()
    ws = workbook(client.get(url, {"export": "xlsx", "township": world.township_b.pk,
                                   "included_from": today.isoformat(), "included_to": today.isoformat()}))
    assert world.township_b.name in ws["A1"].value and f"{today:%Y年%m月%d日}至" in ws["A1"].value


def test_the_list_pages_show_the_ledger_rows(client_for, world, ledgers_world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(reverse("ledgers:observation")).content.decode()
    assert "李二" in html and "张一" not in html and "王三" not in html
    html = client.get(reverse("ledgers:urgent")).content.decode()
    assert "张一" in html and "临时困难" in html
    html = client.get(reverse("ledgers:index")).content.decode()
    assert "新增救助群众台账" in html and "转办单跟踪台账" in html


# The ledgers' list pages (tests/queries.py), for the district: the same queries at 25 and at 100 rows.
# The page prefetches only what its own columns show (DECISIONS 1301): the leads' causes, the investigations'
# causes, the other outcomes and the follow-ups are the export's columns, read when the ledger is exported.
LEDGER_LIST_QUERIES = {
    # lead number, name, ID number, township, village, outcome, amount, date: all joined to the page's query
    "ledgers:newly_assisted": [
        *list_page("cases_outcome"),
        ("SELECT cases_outcome", "the page of outcomes with lead, person, township and village, joined"),
    ],
    # the same columns but the reason, the outcome's own
    "ledgers:observation": [
        *list_page("cases_outcome"),
        ("SELECT cases_outcome", "the page of outcomes with lead, person, township and village, joined"),
    ],
    "ledgers:urgent": [
        *list_page("cases_lead"),
        ("SELECT cases_lead", "the page of urgent leads with person and township, joined"),
        ("SELECT cases_investigation", "the leads' investigations (health, labour capacity, difficulty columns)"),
    ],
}


@pytest.mark.parametrize("name", LEDGER_LIST_QUERIES)
def test_each_ledger_list_runs_its_pinned_queries(client_for, world, ledgers_world, name):
    assert_list_queries(client_for(world.users[Role.DISTRICT_STAFF]), reverse(name), LEDGER_LIST_QUERIES[name],
                        min_rows=1)


def issue_forms(world, ledgers_world):
    staff = world.users[Role.DISTRICT_STAFF]
    to_a = transfer_form_issue(lead=ledgers_world["a2"], by=staff, to_region=world.township_a,
                               kind="investigate", request_text="@SUM(A1) 请核查")
    to_b = transfer_form_issue(lead=ledgers_world["b1"], by=staff, to_region=world.township_b,
                               kind="investigate", request_text="请核查")
    return to_a, to_b


def test_transfer_tracking_ledger_from_the_transfer_list(client_for, world, ledgers_world):
    to_a, _to_b = issue_forms(world, ledgers_world)
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    html = client.get(reverse("referrals:transferform_list"), {"status": "issued"}).content.decode()
    assert f'{reverse("ledgers:transfer_tracking")}?status=issued' in html
    ws = workbook(client.get(reverse("ledgers:transfer_tracking"), {"status": "issued"}))
    assert "转办单跟踪台账" in ws["A1"].value
    assert [c.value for c in ws[2]] == TRANSFER
    rows = rows_of(ws)
    assert [r[1] for r in rows] == [to_a.number]  # township B's form is not there
    row = dict(zip(TRANSFER, rows[0], strict=True))
    assert row["接收单位"] == world.township_a.name and row["对象姓名"] == "李二"
    assert isinstance(row["转办时间"], dt.datetime) and isinstance(row["办理期限"], dt.datetime)
    assert row["逾期工作日"] == 0 and row["催办次数"] == 0
    assert row["转办事项"] == "@SUM(A1) 请核查" and ws.cell(3, TRANSFER.index("转办事项") + 1).data_type == "s"
    assert AuditEvent.objects.filter(action="export", detail__contains="转办单跟踪台账").exists()


def test_overdue_working_days_count_until_the_answer(world, ledgers_world):
    from ledgers.registers.selectors import transfer_overdue_days
    from referrals.workdays import WorkCalendar

    to_a, _ = issue_forms(world, ledgers_world)
    calendar = WorkCalendar(overrides={})
    due = to_a.due_on
    assert transfer_overdue_days(to_a, today=due, calendar=calendar) == 0
    later = due + dt.timedelta(days=14)
    assert transfer_overdue_days(to_a, today=later, calendar=calendar) == calendar.working_days_between(due, later)


@pytest.mark.parametrize("kind, headers", [("newly_assisted", NEWLY_ASSISTED), ("observation", OBSERVATION),
                                           ("urgent", URGENT), ("transfer_tracking", TRANSFER)])
def test_operator_command_for_every_kind(world, ledgers_world, tmp_path, kind, headers):
    issue_forms(world, ledgers_world)
    out = tmp_path / f"{kind}.xlsx"
    call_command("export_ledger", kind, "--out", str(out), "--township", world.township_a.code,
                 "--month", f"{timezone.localdate():%Y-%m}")
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[2]] == headers
    assert world.township_a.name in ws["A1"].value and f"{timezone.localdate():%Y年%m月}" in ws["A1"].value
    text = " ".join(str(c.value) for r in ws.iter_rows(min_row=3) for c in r if c.value)
    assert "王三" not in text and rows_of(ws)
    if kind != "transfer_tracking":
        # Operators export whole IDs.
        assert world.people["a1"].id_number in text or world.people["a2"].id_number in text


def test_referral_outcome_is_a_newly_assisted_row_with_its_department(client_for, world):
    lead = assessed(world, "a1")
    outcome = services.outcome_record(lead=lead, user=caseworker(world), kind=OutcomeKind.REFERRAL,
                                      referral_kind=ReferralKind.MEDICAL, department=world.medical,
                                      amount=Decimal("0"))
    from referrals.models import TransferForm
    from referrals.services import transfer_form_answer

    transfer_form_answer(form=TransferForm.objects.get(pk=outcome.transfer_form_id),
                         by=world.users[Role.DEPARTMENT_LIAISON], answer_text="已纳入医疗救助", result="relief_given")
    ws = workbook(client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("ledgers:newly_assisted"),
                                                                        {"export": "xlsx"}))
    row = rows_of(ws)[0]
    assert "转介" in row[6] and world.medical.name in row[11]
