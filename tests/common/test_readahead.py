"""An export's rows read ahead in a thread: every row, in order, on the caller's connection; errors and early
stops behave as without the thread."""
import threading

import pytest
from django.db import connection

from common.readahead import read_ahead

pytestmark = pytest.mark.django_db


def _series(n: int):
    """``n`` numbered rows of a server-side cursor on this thread's connection (as Django's ``.iterator()``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the connection exists before the rows are read
    cursor = connection.chunked_cursor()
    try:
        cursor.execute("SELECT n, 'row ' || n FROM generate_series(1, %s) AS n ORDER BY n", [n])
        while chunk := cursor.fetchmany(700):
            yield from chunk
    finally:
        cursor.close()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_every_row_arrives_in_order_across_batches():
    rows = list(read_ahead(_series(5_003), batch=100, depth=3))
    assert [n for n, _text in rows] == list(range(1, 5_004))
    assert rows[-1] == (5_003, "row 5003")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_rows_see_the_callers_uncommitted_data():
    """The thread fetches from the caller's cursor: what the caller's transaction wrote is in the export."""
    from accounts.models import Region

    Region.objects.create(code="999999", name="未提交的区", level="district")

    def regions():
        yield from Region.objects.filter(code="999999").values_list("name", flat=True).iterator(chunk_size=10)

    assert list(read_ahead(regions())) == ["未提交的区"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_caller_stopping_early_leaves_no_thread_and_closes_the_rows():
    closed = threading.Event()

    def rows():
        try:
            yield from _series(10_000)
        finally:
            closed.set()

    it = read_ahead(rows(), batch=50, depth=2)
    assert next(it) == (1, "row 1")
    assert next(it) == (2, "row 2")
    it.close()
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
    with connection.cursor() as cursor:  # the connection is usable afterwards
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)


def test_an_error_while_reading_ahead_reaches_the_caller_after_the_rows_before_it():
    def rows():
        yield from range(1_200)
        raise ValueError("行 1201 读不出")

    seen = []
    with pytest.raises(ValueError, match="1201"):
        for row in read_ahead(rows(), batch=100):
            seen.append(row)
    assert seen == list(range(1_200))


def test_no_rows_no_thread():
    assert list(read_ahead(iter(()))) == []
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
