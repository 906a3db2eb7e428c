"""The embedded SQLite default (`make run`) reads the 明细表 and the dashboard's response times without
PostgreSQL's arrays, percentile_cont and GROUPING SETS; these tests prove, on PostgreSQL, that the portable
code gives exactly what the PostgreSQL queries give, and on SQLite (JIUZHU_TEST_SQLITE=1, .ci/run) that it
runs there for real on the same data."""
import pytest
from django.db import connection

from accounts.choices import Role
from cases.models import Lead
from ledgers.dashboard import selectors as dashboard_selectors
from ledgers.registers import detail as selectors
from tests.ledgers.test_dashboard import TODAY, data, today  # noqa: F401 - fixtures
from tests.ledgers.test_discovery_detail import make_leads

# Portable: on SQLite (JIUZHU_TEST_SQLITE=1, .ci/run) the portable code runs for real, without a PostgreSQL twin.
pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def test_the_detail_ledger_reads_the_same_values_without_postgresql_arrays(world):
    from tests.cases.factories import closed

    make_leads(world)
    closed(world, "b1", urgent=True)  # an investigation and outcomes with dates
    leads = selectors.discovery_detail_leads(user=world.users[Role.DISTRICT_STAFF], leads=Lead.objects.all())

    portable = list(selectors._discovery_detail_values_portable(leads))

    assert len(portable) == 3
    assert any(row[9] is not None and row[10] for row in portable)  # an investigation and outcomes compared
    if connection.vendor == "postgresql":  # on SQLite the portable code is all there is
        in_sql = list(selectors.discovery_detail_values(leads))
        assert portable == [tuple(row) for row in in_sql]


@pytest.mark.parametrize("by_month", [False, True])
def test_response_times_are_the_same_medians_without_percentile_cont(world, data, by_month, monkeypatch):  # noqa: F811
    user = world.users[Role.DISTRICT_HEAD]
    period = dashboard_selectors.period_parse(None, today=TODAY)
    on_postgresql = connection.vendor == "postgresql"
    in_sql = (dashboard_selectors.response_times(user=user, period=period, today=TODAY, by_month=by_month)
              if on_postgresql else None)

    taken = []
    real = dashboard_selectors._response_rows_in_python
    monkeypatch.setattr(dashboard_selectors, "_response_rows_in_python",
                        lambda *a, **kw: taken.append(True) or real(*a, **kw))
    if on_postgresql:
        # The proxy's class attribute shadows the real connection's vendor: the portable branch, same data.
        monkeypatch.setattr(type(dashboard_selectors.connection), "vendor", "sqlite", raising=False)
    portable = dashboard_selectors.response_times(user=user, period=period, today=TODAY, by_month=by_month)
    monkeypatch.undo()

    assert taken
    assert portable.extra["overall"]["accepted"] == 6
    assert portable.categories and all(s.values for s in portable.series)
    if on_postgresql:  # on SQLite the portable code is all there is
        assert portable.categories == in_sql.categories
        assert [s.values for s in portable.series] == [s.values for s in in_sql.series]
        assert portable.extra == in_sql.extra
