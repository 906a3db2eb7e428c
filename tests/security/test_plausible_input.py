"""Forms refuse what cannot be true, in Chinese, and exports never cut silently what forms accepted
(issue 20 item 10)."""
from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.choices import Role
from cases.models import Lead
from common.xlsx import EXCEL_CELL_MAX, write_single_sheet
from tests.intake.test_leads import form_data

NEW = reverse("intake:lead_create")


@pytest.mark.parametrize("bad,message", [
    ({"discovered_on": "0001-01-01"}, "日期 0001-01-01 不合理"),
    ({"phone": "<script>"}, "电话号码只能包含数字和短横线"),
    ({"phone": "12345"}, "11位手机号码"),
    ({"family_situation": "困" * 100_000}, "不超过 5000 字符"),
])
def test_the_lead_form_refuses_implausible_input_in_chinese_and_keeps_the_rest(client_for, world, bad, message):
    client = client_for(world.users[Role.VILLAGE_ASSISTANT])
    data = form_data(person=world.people["a1"].pk, family_situation="保留我写的这段情况", name="张一")
    data.update(bad)
    response = client.post(NEW, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[html.find("invalid-feedback") - 200:html.find("invalid-feedback") + 400]
    assert Lead.objects.count() == 0


def test_a_good_phone_is_kept_normalised(client_for, world):
    client = client_for(world.users[Role.TOWNSHIP_CASEWORKER])
    response = client.post(reverse("intake:hotline_create"), form_data(
        person=world.people["a1"].pk, channel="hotline", reporter_name="王五", reporter_phone="+86 139 1234 5678"))
    assert response.status_code == 302
    assert Lead.objects.get().sources.get().reporter_phone == "13912345678"


def test_an_export_says_where_it_had_to_cut_a_cell():
    out = io.BytesIO()
    write_single_sheet(out, sheet_name="明细", title="明细表", columns=["家庭基本情况"], rows=[["困" * 100_000]])
    cell = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.cell(row=3, column=1).value
    assert len(cell) <= EXCEL_CELL_MAX
    assert "已截断" in cell and "100,000" in cell
