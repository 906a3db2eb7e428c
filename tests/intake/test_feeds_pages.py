"""The feed pages: upload, mapping preview, commit, result, rejected-rows report; scoping; Chinese; query counts."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from cases.models import Lead
from config.celery import app
from intake.feeds.choices import BatchSource, BatchStatus
from intake.feeds.services import batch_import_now, batch_receive
from intake.models import FeedBatch
from tests.queries import assert_list_queries, list_page
from tests.test_pages_are_chinese import assert_chinese

from .feed_factories import bad_check_digit, both_paths, install_feeds, messy, xlsx_bytes  # noqa: F401

NOV_3 = "2026-11-03 10:00 +0800"
HEADER = ["序号", "姓名", "身份证号", "出院日期", "医疗机构", "个人自付合规费用"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def eager():
    """Run the import task in-process for page tests (tests/intake/test_feeds_tasks.py uses a real worker)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def feeds(world):
    return install_feeds(world)


def _file(world):
    a1, a2 = world.people["a1"], world.people["a2"]
    return xlsx_bytes(HEADER, [
        [1, "张一", messy(a1.id_number), "2026-10-03", "区人民医院", "21,350.00元"],
        [2, "李二", a2.id_number, "2026/10/5", "区中医院", "800"],
        [3, "错号", bad_check_digit(a1.id_number), "2026-10-06", "区中医院", "800"],
        [4, "李二", a2.id_number, "2026-10-07", "区中医院", "八百"],
    ])


@time_machine.travel(NOV_3, tick=False)
def test_a_liaison_uploads_previews_commits_and_reads_the_result(world, feeds, users, client_for, eager,
                                                                  django_capture_on_commit_callbacks, both_paths):
    client = client_for(users[Role.DEPARTMENT_LIAISON])
    feed = feeds["medical_inpatient"]
    assert_chinese(client.get(reverse("intake:feed_index")))
    page = client.get(reverse("intake:feed_upload", args=[feed.pk]))
    assert_chinese(page)
    # No period forced on the file: left empty, the file's own period is taken (and shown before confirming).
    assert 'value="2026-10-01"' not in page.content.decode() and "留空" in page.content.decode()

    upload = SimpleUploadedFile("医保10月.xlsx", _file(world))
    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the file (here in-process: eager)
        response = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                               {"file": upload, "period_start": "2026-10-01", "period_end": "2026-10-31"})
    batch = FeedBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("intake:feed_batch_preview", args=[batch.pk])
    assert batch.status == BatchStatus.PREVIEW and batch.created_by == users[Role.DEPARTMENT_LIAISON]

    preview = client.get(response.url)
    assert_chinese(preview)
    html = preview.content.decode()
    assert "表头位于第 4 行" in html and "2 行通过校验，2 行将不予通过" in html
    assert "“八百”不是数字" in html
    assert not Lead.objects.exists()  # nothing before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response.url, {"action": "commit", **{f"col_{i}": k for i, k in _mapping(batch).items()}})
    assert done.status_code == 302 and done.url == batch.get_absolute_url()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE, batch.error
    assert (batch.rows_total, batch.rows_accepted, batch.rows_rejected, batch.leads_raised) == (4, 2, 2, 1)

    result = client.get(batch.get_absolute_url())
    assert_chinese(result)
    html = result.content.decode()
    # The liaison sees its counts and its refused rows; what the rows led to is the district centre's (issue 20).
    assert 'data-count="accepted">2<' in html and 'data-count="rejected">2<' in html
    assert "第 7 行" in html and "校验" in html
    lead = Lead.objects.get(person=world.people["a1"])
    assert lead.number not in html and 'data-count="leads_raised"' not in html
    centre = client_for(users[Role.DISTRICT_STAFF]).get(batch.get_absolute_url()).content.decode()
    assert 'data-count="leads_raised">1<' in centre and lead.number in centre
    client = client_for(users[Role.DEPARTMENT_LIAISON])

    report = client.get(reverse("intake:feed_batch_rejected", args=[batch.pk]))
    assert report.status_code == 200
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["行号", "未通过原因", "序号"]
    assert [r[0] for r in rows[2:]] == [7.0, 8.0] and "八百" in rows[3][1]
    assert rows[2][4] == bad_check_digit(world.people["a1"].id_number)  # the ID stays text, whole

    # The township sees the new lead in its list, with the rule and its figures on the lead page.
    township = client_for(users[Role.TOWNSHIP_CASEWORKER])
    assert lead.number in township.get(reverse("cases:lead_list")).content.decode()
    lead_page = township.get(lead.get_absolute_url()).content.decode()
    assert "单次住院个人负担2万元以上" in lead_page and "21,350.00" in lead_page


def _mapping(batch):
    return {int(i): k for i, k in batch.mapping.items()}


@time_machine.travel(NOV_3, tick=False)
def test_the_mapping_can_be_corrected_before_committing(world, feeds, users, client_for, eager,
                                                       django_capture_on_commit_callbacks):
    client = client_for(users[Role.DISTRICT_STAFF])
    feed = feeds["medical_inpatient"]
    data = xlsx_bytes(["姓名", "证件", "费用", "日期"], [["张一", world.people["a1"].id_number, "21000", "2026-10-03"]],
                      title=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                               {"file": SimpleUploadedFile("a.xlsx", data), "period_start": "2026-10-01",
                                "period_end": "2026-10-31"})
    preview_url = response.url
    html = client.get(preview_url).content.decode()
    assert "必填列未对应" in html and "身份证号" in html
    with django_capture_on_commit_callbacks(execute=True):  # the rows are checked again by the worker
        client.post(preview_url, {"action": "remap", "col_0": "name", "col_1": "id_number", "col_2": "amount",
                                  "col_3": "date"})
    html = client.get(preview_url).content.decode()
    assert "必填列未对应" not in html and "1 行通过校验，0 行将不予通过" in html
    # Two file columns onto one feed column is refused with a message, the choice kept on the page.
    page = client.post(preview_url, {"action": "remap", "col_0": "name", "col_1": "name"}, follow=True)
    assert "文件中有两列都对应到了“姓名”" in page.content.decode()


@time_machine.travel(NOV_3, tick=False)
def test_cancelling_a_preview_imports_nothing(world, feeds, users, client_for):
    client = client_for(users[Role.DEPARTMENT_LIAISON])
    feed = feeds["medical_inpatient"]
    response = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                           {"file": SimpleUploadedFile("a.xlsx", _file(world)), "period_start": "2026-10-01",
                            "period_end": "2026-10-31"})
    client.post(response.url, {"action": "cancel"})
    assert FeedBatch.objects.get().status == BatchStatus.CANCELLED and not Lead.objects.exists()


@time_machine.travel(NOV_3, tick=False)
def test_a_wrong_file_is_refused_with_the_form_kept(world, feeds, users, client_for, eager,
                                                    django_capture_on_commit_callbacks):
    client = client_for(users[Role.DEPARTMENT_LIAISON])
    feed = feeds["medical_inpatient"]
    page = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                       {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "period_start": "2026-10-01",
                        "period_end": "2026-10-31"})
    assert page.status_code == 200 and "只能报送 Excel" in page.content.decode()
    # A workbook is read by the worker, never in the upload request (issue 20): its reason is on its page.
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                           {"file": SimpleUploadedFile("a.xlsx", xlsx_bytes(["甲", "乙"], [["1", "2"]], title=None)),
                            "period_start": "2026-10-01", "period_end": "2026-10-31"})
    page = client.get(page.url, follow=True)
    assert "未找到表头" in page.content.decode() and FeedBatch.objects.get().status == BatchStatus.FAILED


@time_machine.travel(NOV_3, tick=False)
def test_who_sees_what(world, feeds, users, client_for):
    batch = batch_receive(feed=feeds["medical_inpatient"], user=None, filename="a.xlsx", data=_file(world),
                          source=BatchSource.COMMAND)
    batch = batch_import_now(batch=batch)
    url = batch.get_absolute_url()
    for role in (Role.DEPARTMENT_LIAISON, Role.DISTRICT_STAFF, Role.DISTRICT_HEAD):
        assert client_for(users[role]).get(url).status_code == 200, role
    assert client_for(users[Role.TOWNSHIP_CASEWORKER]).get(url).status_code == 404
    assert client_for(users[Role.VILLAGE_ASSISTANT]).get(url).status_code == 404
    assert client_for(users["other_district_staff"]).get(url).status_code == 404
    # A 卫健 liaison sees neither the 医保 delivery nor its upload page.
    from tests.factories import make_user

    health = make_user("u_health", Role.DEPARTMENT_LIAISON, world.district, world.health)
    client = client_for(health)
    assert client.get(url).status_code == 404
    assert client.get(reverse("intake:feed_upload", args=[feeds["medical_inpatient"].pk])).status_code == 404
    html = client.get(reverse("intake:feed_index")).content.decode()
    assert feeds["health_inpatient"].name in html and feeds["medical_inpatient"].name not in html
    # The district head reads but does not deliver.
    head = client_for(users[Role.DISTRICT_HEAD])
    assert head.get(reverse("intake:feed_upload", args=[feeds["medical_inpatient"].pk])).status_code == 403
    # The menu shows the page to liaisons and district staff only.
    assert "部门数据" in client_for(users[Role.DEPARTMENT_LIAISON]).get("/").content.decode()
    assert reverse("intake:feed_index") not in client_for(users[Role.TOWNSHIP_CASEWORKER]).get("/").content.decode()


# The deliveries list's queries (tests/queries.py): no personal data on it, so no audit record.
FEED_BATCH_LIST_QUERIES = [
    *list_page("intake_feedbatch", audited=False),
    ("SELECT intake_feed", "the filter's choices of feeds"),
    ("SELECT intake_feedbatch", "the page of deliveries (one query whatever the page size)"),
]


@time_machine.travel(NOV_3, tick=False)
def test_the_deliveries_list_runs_its_pinned_queries_at_any_page_size(world, feeds, users, client_for):
    for feed in list(feeds.values())[:6]:
        for _n in range(3):
            FeedBatch.objects.create(feed=feed, district=world.district, department=feed.department,
                                     source=BatchSource.UPLOAD, status=BatchStatus.DONE,
                                     period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31))
    client = client_for(users[Role.DISTRICT_STAFF])
    url = reverse("intake:feed_batch_list")
    assert_chinese(client.get(url))
    assert_list_queries(client, url, FEED_BATCH_LIST_QUERIES, min_rows=18)
    export = client.get(url, {"export": "xlsx"})
    assert export.status_code == 200


@time_machine.travel(NOV_3, tick=False)
def test_the_upload_request_stores_the_file_and_leaves_the_reading_to_the_worker(world, feeds, users, client_for,
                                                                               eager,
                                                                               django_capture_on_commit_callbacks):
    """Issue 20 item 6: a workbook is never read in the upload request; the preview page waits for the worker."""
    client = client_for(users[Role.DEPARTMENT_LIAISON])
    feed = feeds["medical_inpatient"]
    with django_capture_on_commit_callbacks(execute=False) as queued:  # no worker yet: the task waits in the queue
        response = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                               {"file": SimpleUploadedFile("医保10月.xlsx", _file(world)), "period_start": "2026-10-01",
                                "period_end": "2026-10-31"})
    batch = FeedBatch.objects.get()
    assert batch.status == BatchStatus.READING and batch.file and batch.file_size > 0
    assert (batch.mapping, batch.rows_total, batch.header_row) == ({}, 0, None)  # nothing read yet
    waiting = client.get(response.url)
    assert_chinese(waiting)
    assert 'data-testid="reading"' in waiting.content.decode() and '<meta http-equiv="refresh"' in waiting.content.decode()
    for callback in queued:  # the worker's turn (in-process here; tests/intake/test_feeds_tasks.py: a real one)
        callback()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEW and batch.mapping and batch.preview["accepted"] == 2
    html = client.get(response.url).content.decode()
    assert "表头位于第 4 行" in html and "2 行通过校验，2 行将不予通过" in html
