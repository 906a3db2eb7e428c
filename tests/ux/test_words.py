"""Issue 16.13: words that belong to other counties or mislead."""
import datetime as dt

from django.urls import reverse

from accounts.choices import Role
from cases import services
from cases.choices import OutcomeKind
from cases.models import Lead
from ledgers.dashboard import selectors as dashboard_selectors
from ledgers.registers.selectors import discovery_detail_rows
from tests.cases import factories as f


def test_the_ledger_index_names_this_district(client_for, world):
    html = client_for(world.users[Role.DISTRICT_STAFF]).get(reverse("ledgers:index")).content.decode()
    assert "黔江区" not in html
    assert "博山区社会救助主动发现救助对象明细表" in html  # the district's own name, not "全部…"
    assert "全部线索" not in html


def test_a_refusal_is_not_an_inclusion(client_for, world):
    lead = f.assessed(world)
    services.outcome_record(lead=lead, user=f.caseworker(world), kind=OutcomeKind.DECLINED, policy_explained=True,
                            explained_on=dt.date.today())
    line = next(discovery_detail_rows(leads=Lead.objects.filter(pk=lead.pk)))[8]
    assert "本人不愿申请" in line and "纳入时间" not in line and "解释政策" in line
    page = client_for(f.caseworker(world)).get(lead.get_absolute_url()).content.decode()
    outcome_block = page.split("本人不愿申请", 1)[1][:600]
    assert "纳入时间" not in outcome_block


def test_the_last_12_months_are_12_months():
    period = dashboard_selectors.period_parse(None, today=dt.date(2026, 12, 3))
    assert (period.start, period.end) == (dt.date(2025, 12, 4), dt.date(2026, 12, 3))


def test_yes_no_filters_default_to_all(client_for, world):
    html = client_for(world.users[Role.TOWNSHIP_CASEWORKER]).get(reverse("cases:lead_list")).content.decode()
    for name in ("is_urgent", "is_late_report"):
        select = html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        first = select.split("<option", 2)[1]
        assert "全部" in first and "未知" not in select
