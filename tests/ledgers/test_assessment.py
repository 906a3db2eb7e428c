"""The assessment (考核): each township's row over a period, counted by hand (tests/ledgers/monthly_world.py),
the score from the district's weights, the formula on the page, the Excel download."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from accounts.choices import Role
from cases.models import SpotCheck
from ledgers.assessment.selectors import assessment_table
from ledgers.models import AssessmentWeights, MonthlyReport
from ledgers.monthly.services import monthly_report_submit, monthly_reports_draft
from tests.referrals.factories import at

from .monthly_world import MARCH, build_march

D = dt.date


@pytest.fixture
def assessed_march(world):
    m = build_march(world)
    with time_machine.travel(at(D(2026, 4, 1), 1, 30), tick=False):
        monthly_reports_draft(townships=[world.township_a, world.township_b], month=MARCH)
    with time_machine.travel(at(D(2026, 4, 3), 10), tick=False):
        monthly_report_submit(report=MonthlyReport.objects.get(township=world.township_a, month=MARCH),
                              user=world.users[Role.TOWNSHIP_HEAD])
    SpotCheck.objects.create(lead=m.leads["L1"], township=world.township_a, month=MARCH, finding="wrongly_included")
    SpotCheck.objects.create(lead=m.leads["L2"], township=world.township_a, month=MARCH, finding="confirmed")
    return m


def row_of(rows, township):
    return next(r for r in rows if r.township == township)


def test_the_rows_are_the_hand_counted_ones(assessed_march):
    world = assessed_march.world
    rows, weights = assessment_table(user=world.users[Role.DISTRICT_STAFF], first=MARCH, last=MARCH,
                                     today=D(2026, 4, 10))
    assert len(rows) == 10  # every township of the district
    a = row_of(rows, world.township_a)
    assert (a.leads_found, a.transfers_due, a.answered_in_time, a.written_reminders, a.escalations,
            a.spot_checks, a.spot_check_findings, a.reports_due, a.reports_on_time) == (3, 2, 0, 2, 1, 2, 1, 1, 1)
    # Defaults: 40 × min(1, 3 ÷ 10) + 40 × 0 ÷ 2 + 20 × 1 ÷ 1 − 5 × 1 − 5 × 1 = 12 + 0 + 20 − 10 = 22.
    assert (a.discovery, a.timeliness, a.reporting, a.deductions, a.score) == (
        Decimal("12.00"), Decimal("0.00"), Decimal("20.00"), Decimal("10.00"), Decimal("22.0"))
    b = row_of(rows, world.township_b)
    # 1 lead (4 points), no form due (full 40), March's report never submitted (0 of 20).
    assert (b.leads_found, b.transfers_due, b.reports_due, b.reports_on_time, b.score) == (
        1, 0, 1, 0, Decimal("44.0"))
    assert weights.full_marks == Decimal("100")


def test_the_weights_from_the_admin_change_the_score(assessed_march):
    world = assessed_march.world
    weights = AssessmentWeights.for_district(world.district)
    weights.leads_expected_per_month = 3
    weights.escalation_penalty = Decimal("0")
    weights.save()
    rows, _w = assessment_table(user=world.users[Role.DISTRICT_STAFF], first=MARCH, last=MARCH, today=D(2026, 4, 10))
    assert row_of(rows, world.township_a).score == Decimal("55.0")   # 40 + 0 + 20 − 5
    assert weights.history.count() == 2


def test_a_township_sees_only_its_own_row(assessed_march, client_for):
    world = assessed_march.world
    rows, _w = assessment_table(user=world.users[Role.TOWNSHIP_HEAD], first=MARCH, last=MARCH)
    assert [r.township for r in rows] == [world.township_a]
    for who in (Role.VILLAGE_ASSISTANT, Role.DEPARTMENT_LIAISON):
        assert client_for(world.users[who]).get(reverse("ledgers:assessment")).status_code == 403


def test_the_page_shows_the_formula_and_the_download_reads_back(assessed_march, client_for):
    world = assessed_march.world
    staff = client_for(world.users[Role.DISTRICT_STAFF])
    with time_machine.travel(at(D(2026, 4, 10)), tick=False):
        page = staff.get(reverse("ledgers:assessment") + "?first=2026-03&last=2026-03")
        body = page.content.decode()
        assert page.status_code == 200
        assert "40 × min(1, 发现线索数 ÷ 10)" in body and "满分100" in body and "22.0" in body
        bad = staff.get(reverse("ledgers:assessment") + "?first=2026-05&last=2026-03")
        assert "起始月份不能晚于截止月份" in bad.content.decode()
        response = staff.get(reverse("ledgers:assessment_xlsx") + "?first=2026-03&last=2026-03")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    assert ws.freeze_panes == "A3"
    header = [c.value for c in ws[2]]
    assert header[:3] == ["乡镇（街道）", "发现线索数", "应反馈转办单"] and header[-1] == "得分"
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    a = rows[world.township_a.name]
    assert a[1] == 3 and a[6] == 1 and a[-1] == 22
    assert any(str(k).startswith("计分公式") for k in rows)


# --- from the obligation engine: months since going live, per-kind rates, the district's own notice ----------
def test_months_before_the_district_went_live_are_not_counted(world):
    from cases.models import DistrictSettings

    staff = world.users[Role.DISTRICT_STAFF]
    with time_machine.travel(at(D(2026, 11, 20), 10), tick=False):
        rows, _w = assessment_table(user=staff, first=D(2026, 1, 1), last=D(2026, 10, 1), today=D(2026, 11, 20))
        assert row_of(rows, world.township_a).reports_due == 10, "without a go-live date every month counts"
        DistrictSettings.objects.update_or_create(district=world.district,
                                                  defaults={"went_live_on": D(2026, 9, 14)})
        rows, _w = assessment_table(user=staff, first=D(2026, 1, 1), last=D(2026, 10, 1), today=D(2026, 11, 20))
    a = row_of(rows, world.township_a)
    assert a.reports_due == 2, "September and October only"
    assert a.reporting == Decimal("0.00")


def test_the_page_cites_the_districts_own_notice_and_the_on_time_rates_by_kind(world, client_for):
    from cases.models import DistrictSettings
    from referrals.obligations import chase_code
    from tests.cases import factories as f

    DistrictSettings.objects.update_or_create(
        district=world.district, defaults={"went_live_on": D(2025, 9, 1), "notice_reference": "博政办字〔2021〕27号"})
    with time_machine.travel(at(D(2025, 9, 29), 10), tick=False):
        late = f.reported(world, "a1")         # due 09-30, accepted only on 10-09
        on_time = f.reported(world, "a2")      # due 09-30, accepted the same day
        services_accept = __import__("cases.services", fromlist=["lead_accept"]).lead_accept
        services_accept(lead=on_time, user=f.caseworker(world))
    for day in (D(2025, 9, 30), D(2025, 10, 9)):
        with time_machine.travel(at(day, 8, 30), tick=False):
            chase_code("lead_acceptance", today=day)
    with time_machine.travel(at(D(2025, 10, 9), 11), tick=False):
        services_accept(lead=late, user=f.caseworker(world))
    with time_machine.travel(at(D(2025, 10, 10), 8, 30), tick=False):
        chase_code("lead_acceptance", today=D(2025, 10, 10))
    from referrals.models import Obligation

    met = dict(Obligation.objects.filter(kind="lead_acceptance").values_list("subject_id", "met_on"))
    assert met == {str(late.pk): D(2025, 10, 9), str(on_time.pk): D(2025, 9, 29)}

    with time_machine.travel(at(D(2025, 10, 20), 10), tick=False):
        page = client_for(world.users[Role.DISTRICT_STAFF]).get(
            reverse("ledgers:assessment") + "?first=2025-09&last=2025-10").content.decode()
    assert "博政办字〔2021〕27号" in page
    assert "忠民发" not in page and "黔江民政发" not in page
    assert "1/2" in page.split('data-testid="on-time-by-kind"')[1].split("</table>")[0]
