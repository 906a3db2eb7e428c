"""common/planner.py: the joins of the queries inside are planned in the order written, and every query after is
planned as before (issue 15, docs/DECISIONS.md 1325)."""
import pytest
from django.db import DatabaseError, connection, transaction

from common.planner import joins_as_written

pytestmark = pytest.mark.django_db


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def test_inside_the_order_is_kept_and_after_the_default_is_back():
    before = _limit()
    with joins_as_written():
        assert _limit() == "1"
    assert _limit() == before


def test_an_error_inside_is_the_one_raised_and_the_setting_does_not_stay():
    before = _limit()
    with pytest.raises(ZeroDivisionError):
        with joins_as_written():
            1 / 0
    assert _limit() == before
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            with joins_as_written():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1 / 0")  # the transaction fails: its rollback undoes the SET
    assert _limit() == before
