"""主动发现救助对象明细表: seed 001's columns, scoped, filtered like the lead list, safe cells."""
import io

import openpyxl
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from cases.models import ReliefKind
from cases.services import lead_reject, lead_report
from common.models import AuditEvent

SEED_001_COLUMNS = ["序号", "发现方式", "发现人", "所属乡镇（街道）", "对象姓名", "家庭基本情况", "疑似符合救助",
                    "乡镇（街道）调查情况", "乡镇（街道）办理结果", "备注"]
URL = reverse("ledgers:discovery_detail")


def sheet(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def make_leads(world):
    today = timezone.localdate()
    dibao = ReliefKind.objects.get(code="dibao")
    a1, _ = lead_report(person=world.people["a1"], method="visit", channel="home_visit", discovered_on=today,
                        by=world.users[Role.VILLAGE_ASSISTANT], description="=HYPERLINK(\"x\")独居老人",
                        suspected_relief=[dibao], is_urgent=True)
    a2, _ = lead_report(person=world.people["a2"], method="work", channel="hotline", discovered_on=today,
                        by=world.users[Role.TOWNSHIP_CASEWORKER], description="失业")
    lead_reject(lead=a2, user=world.users[Role.TOWNSHIP_CASEWORKER], reason="收入高于低保标准")
    b1, _ = lead_report(person=world.people["b1"], method="visit", channel="home_visit", discovered_on=today,
                        by=world.users["assistant_b"], description="乙镇")
    return a1, a2, b1


def test_columns_rows_and_scope(client_for, world):
    a1, a2, b1 = make_leads(world)
    response = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(URL)
    ws = sheet(response)
    assert "社会救助主动发现救助对象明细表" in ws["A1"].value and world.township_a.name in ws["A1"].value
    assert [c.value for c in ws[2]] == SEED_001_COLUMNS
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert [r[4] for r in rows] == ["张一", "李二"]  # township B's 王三 is not there
    first, second = rows
    assert first[0] == 1 and first[1] == "走访发现" and first[3] == world.township_a.name
    assert first[5] == '=HYPERLINK("x")独居老人' and ws.cell(3, 6).data_type == "s"  # text, not a formula
    assert first[6] == "城乡低保" and first[7] == "尚未入户调查" and "急难" in first[9]
    assert second[8] == "不予受理：收入高于低保标准"
    assert AuditEvent.objects.filter(action="export", detail__contains="主动发现救助对象明细表").exists()


def test_follows_the_lead_list_filters(client_for, world):
    make_leads(world)
    ws = sheet(client_for(world.users[Role.DISTRICT_STAFF]).get(URL, {"is_urgent": "true"}))
    assert [r[4].value for r in ws.iter_rows(min_row=3)] == ["张一"]


def test_the_lead_list_offers_it(client_for, world):
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("cases:lead_list"), {"q": "张"}).content.decode()
    assert f"{URL}?q=%E5%BC%A0" in html and "导出明细表" in html


def test_operator_command(world, tmp_path):
    make_leads(world)
    out = tmp_path / "mingxi.xlsx"
    call_command("export_ledger", "discovery_detail", "--out", str(out), "--township", world.township_b.code)
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[2]] == SEED_001_COLUMNS
    assert [r[4].value for r in ws.iter_rows(min_row=3)] == ["王三"]


def test_investigation_and_result_columns(client_for, world):
    """调查情况 from the latest home visit, 办理结果 with 纳入时间, 备注 with the lead number and its flags."""
    from cases.choices import DifficultyClass, OutcomeKind
    from tests.cases.factories import closed

    lead = closed(world, "a1", urgent=True)
    today = f"{timezone.localdate():%Y-%m-%d}"
    ws = sheet(client_for(world.users[Role.DISTRICT_STAFF]).get(URL))
    row = [c.value for c in next(ws.iter_rows(min_row=3))]
    assert row[4] == "张一"
    assert row[7] == f"{today}入户调查，见到本人；{DifficultyClass.TEMPORARY.label}；申请临时救助，转介医疗救助"
    assert row[8] == f"{OutcomeKind.TEMPORARY.label}（纳入时间：{today}）"
    assert row[9] == f"{lead.number}；急难"


def test_a_large_export_reads_chunks_of_ids_in_the_ledgers_order(world, monkeypatch):
    """The ordered ids first, then the rows a few ids at a time (DECISIONS 1300): the same values in the same order
    as one query, and the same ledger through the thread that reads ahead."""
    import pytest
    from django.db import connection

    from cases.models import Lead
    from ledgers.registers import detail
    from tests.cases.factories import closed

    if connection.vendor != "postgresql":
        pytest.skip("the chunks of ids are PostgreSQL's path; SQLite reads portably")
    closed(world, "b1", urgent=True)  # township B's lead first: the lowest id, the ledger's last row
    make_leads(world)
    leads = detail.discovery_detail_leads(user=world.users[Role.DISTRICT_STAFF], leads=Lead.objects.all())
    order = list(leads.values_list("id", flat=True))
    assert len(order) >= 3 and order != sorted(order)  # the rows must be put back in the ledger's order
    one_query = [tuple(row) for row in detail.discovery_detail_values(leads)]
    whole = list(detail.discovery_detail_rows(leads=leads))

    monkeypatch.setattr(detail, "FIRST_CHUNK", 1)
    monkeypatch.setattr(detail, "DETAIL_CHUNK", 2)
    assert list(detail._discovery_detail_values_by_ids(leads)) == one_query
    assert list(detail.discovery_detail_rows(leads=leads)) == whole

    # Stopped after its first row, the ledger resets JIT on its cursor before closing it (DECISIONS 1460).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    rows = detail.discovery_detail_rows(leads=leads)
    assert next(rows) == whole[0]
    rows.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == jit
