"""Hostile uploads through the pages: type by content, size and unpacked-size caps, downloads never rendered."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from intake.feeds import parsing
from intake.models import FeedBatch
from referrals.models import TransferForm
from tests.intake.feed_factories import install_feeds
from tests.referrals.factories import issue

PERIOD = {"period_start": "2026-10-01", "period_end": "2026-10-31"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def upload(world, client_for):
    feed = install_feeds(world)["medical_inpatient"]
    client = client_for(world.users[Role.DEPARTMENT_LIAISON])

    def post(name: str, data: bytes):
        return client.post(reverse("intake:feed_upload", args=[feed.pk]),
                           {"file": SimpleUploadedFile(name, data), **PERIOD})
    return post


@pytest.mark.parametrize("name, data", [
    ("医保.xlsx", b"<html><script>alert(1)</script></html>"),  # a web page renamed
    ("医保.xlsx", b"MZ\x90\x00" + b"\x00" * 200),  # a program renamed
    ("医保.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # a picture renamed
    ("医保.exe", b"MZ\x90\x00"),
])
def test_a_file_that_is_not_a_spreadsheet_is_refused_whatever_its_name(upload, name, data):
    page = upload(name, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "alert(1)" not in html and not FeedBatch.objects.exists()
    assert "Excel" in html or "xlsx" in html  # a Chinese reason naming what is accepted


def test_a_zip_bomb_is_refused_before_it_is_unpacked(upload):
    """A workbook whose parts claim more than the unpacked cap (200 MB) is refused from its directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        chunk = b"\0" * (1024 * 1024)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(parsing.MAX_UNPACKED_BYTES // len(chunk) + 1):
                part.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2 * 1024 * 1024  # small on the wire
    page = upload("医保.xlsx", data)
    assert page.status_code == 200 and f"{parsing.MAX_UNPACKED_BYTES // 2**20} MB" in page.content.decode()
    assert not FeedBatch.objects.exists()


def test_an_oversized_file_is_refused_with_the_limit_named(upload, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 1024)  # the 50 MB cap, scaled down for the test
    page = upload("医保.csv", "身份证号,姓名\n".encode() * 200)
    assert page.status_code == 200 and not FeedBatch.objects.exists()
    assert "MB" in page.content.decode()


def test_request_bodies_are_capped_by_the_server(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


@pytest.mark.parametrize("name, data", [
    ("回函.pdf", b"<html><script>alert(1)</script>"),  # not a PDF inside
    ("回函.html", b"<html></html>"),
    ("回函.svg", b"<svg onload=alert(1)>"),
])
def test_transfer_form_attachments_are_checked_by_content(client_for, world, name, data):
    form = issue(world, to="department")
    liaison = client_for(world.users[Role.DEPARTMENT_LIAISON])
    liaison.post(form.get_absolute_url(), {"action": "receive"})
    page = liaison.post(form.get_absolute_url(), {"action": "answer", "result": "in_process", "answer_text": "已受理",
                                                  "attachments": [SimpleUploadedFile(name, data)]})
    assert page.status_code == 200
    form = TransferForm.objects.get(pk=form.pk)
    assert form.attachments.count() == 0 and "alert(1)" not in page.content.decode()


def test_an_attachment_is_downloaded_never_rendered(client_for, world):
    form = issue(world, to="department")
    liaison = client_for(world.users[Role.DEPARTMENT_LIAISON])
    liaison.post(form.get_absolute_url(), {"action": "receive"})
    liaison.post(form.get_absolute_url(), {"action": "answer", "result": "in_process", "answer_text": "已受理",
                                           "attachments": [SimpleUploadedFile("回函.pdf", b"%PDF-1.4 test")]})
    attachment = TransferForm.objects.get(pk=form.pk).attachments.get()
    download = liaison.get(reverse("referrals:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"


def _sheet_zip(sheet_xml_parts) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet_xml_parts:
                part.write(chunk)
    return buffer.getvalue()


def test_a_workbook_of_too_many_cells_is_refused_before_it_is_read(upload):
    """Under the unpacked cap but millions of cells (issue 20: 21 million cells took 17 s and 1.9 GB)."""
    row = b"".join(b'<c r="A1" t="n"><v>1</v></c>' for _ in range(1000))
    rows = (b"<row>" + row + b"</row>" for _ in range(parsing.MAX_CELLS // 1000 + 1))
    data = _sheet_zip([b'<worksheet><sheetData>', *rows, b"</sheetData></worksheet>"])
    assert len(data) < 2 * 1024 * 1024
    page = upload("医保.xlsx", data)
    assert page.status_code == 200 and "3,000,000" in page.content.decode() and "单元格" in page.content.decode()
    assert not FeedBatch.objects.exists()


def test_a_declared_dimension_past_the_cap_is_refused_at_once():
    data = _sheet_zip([b'<worksheet><dimension ref="A1:Z2000000"/><sheetData></sheetData></worksheet>'])
    with pytest.raises(parsing.ParseError, match="3,000,000"):
        parsing.read_table(data, "医保.xlsx")


def test_workbooks_are_read_in_a_child_process_with_a_memory_and_time_cap():
    import os
    import time

    from common.capped import CappedError, run_capped

    assert run_capped(os.getpid, memory_mb=64, seconds=30) != os.getpid()
    with pytest.raises(CappedError) as refused:
        run_capped(bytearray, 2 * 1024 ** 3, memory_mb=256, seconds=30)  # 2 GB under a 256 MB cap
    assert refused.value.reason == "memory"
    with pytest.raises(CappedError) as refused:
        run_capped(time.sleep, 30, memory_mb=64, seconds=1)
    assert refused.value.reason == "time"
    with pytest.raises(ValueError):
        run_capped(int, "not a number", memory_mb=64, seconds=30)  # its own errors come back as they are


def test_a_workbook_is_measured_while_the_child_reads_and_a_refusal_stops_the_child():
    """The measuring of a workbook (its unpacked size and cells) runs beside the capped read: its refusal is what the
    caller gets, at once, and the child reading is killed (issue 15)."""
    import time

    from common.capped import run_capped

    def refuse():
        raise parsing.ParseError("refused")

    started = time.monotonic()
    with pytest.raises(parsing.ParseError, match="refused"):
        run_capped(time.sleep, 30, memory_mb=64, seconds=60, meanwhile=refuse)
    assert time.monotonic() - started < 10  # the sleeping child was killed, not waited for
    assert run_capped(int, "42", memory_mb=64, seconds=30, meanwhile=lambda: None) == 42


def test_a_read_table_arrives_whole_while_it_is_sent_and_a_half_sent_one_is_refused():
    """The child's result is unpickled while the child still pickles it (issue 15, session 27): a large table
    arrives cell for cell; one that stops half sent (here a cycle, which the child's pickling without a memo refuses
    after the first frames) is reported as the reader stopping, not waited for and not half used."""
    from common.capped import CappedError, run_capped

    table = [[f"3703042014{i:08d}", "宋婕咏", float(i), ""] for i in range(50_000)]
    assert run_capped(lambda: table, memory_mb=512, seconds=60) == table
    cyclic: list = []
    cyclic.append(cyclic)
    with pytest.raises(CappedError) as stopped:
        run_capped(lambda: [*table, cyclic], memory_mb=512, seconds=60)
    assert stopped.value.reason == "died"


def test_a_workbook_read_in_the_child_is_the_sheet_as_read_here(monkeypatch):
    """The child converts a sheet's rows while it sends them (``_StreamedRows``, issue 15): what arrives is what
    ``to_python`` gives in this process — values of every kind, a sheet whose data starts below and right of A1,
    a first sheet with a single row passed over for the next; a row that fails to convert is refused as the
    whole read failing was, not half used."""
    import datetime as dt

    import xlsxwriter

    def workbook(*sheets) -> bytes:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer)
        for write in sheets:
            write(book, book.add_worksheet())
        book.close()
        return buffer.getvalue()

    def kinds(book, sheet):
        minutes = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_datetime(0, 0, dt.datetime(2026, 10, 3, 10, 30), minutes)
        sheet.write_datetime(1, 1, dt.datetime(2026, 10, 3), book.add_format({"num_format": "yyyy-mm-dd"}))
        sheet.write_boolean(2, 0, True)
        sheet.write_formula(3, 0, "=1+1", None, 2)
        sheet.merge_range(4, 0, 4, 3, "合并")
        for i in range(5, 3005):
            sheet.write_row(i, 0, [i, f"张{i}", float(i) / 3, ""])

    def offset(book, sheet):
        sheet.write(2, 2, "身份证号")
        sheet.write(3, 3, 1.5)
        sheet.write(6, 4, "x")

    def single(book, sheet):
        sheet.write(0, 0, "只有一行")

    for data in (workbook(kinds), workbook(offset), workbook(single, offset)):
        assert parsing.read_table(data, "医保.xlsx") == parsing._read_excel_here(data)

    class Broken:
        def iter_rows(self):
            yield ["1", "2"]
            raise ValueError("a cell calamine cannot convert")

    def broken(data, streamed=False):
        return parsing.Table(rows=parsing._StreamedRows(Broken(), 0), first_row_number=1)

    monkeypatch.setattr(parsing, "_read_excel_here", broken)
    with pytest.raises(parsing.ParseError, match="无法读取该 Excel 文件"):
        parsing.read_table(workbook(offset), "医保.xlsx")
