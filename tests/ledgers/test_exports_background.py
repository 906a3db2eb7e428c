"""Large exports run as background jobs: queued, written by a real worker, downloaded by their owner only."""
import datetime as dt
import io
import time

import openpyxl
import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from common.exports import jobs_delete_expired
from common.models import AuditEvent, ExportJob
from config.celery import app
from tests.cases.factories import closed
from tests.ledgers.test_ledgers_exports import NEWLY_ASSISTED


@pytest.fixture
def worker(transactional_db):
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30):
        yield


@pytest.fixture
def small_threshold(settings, tmp_path):
    settings.EXPORT_BACKGROUND_ROWS = 1
    settings.EXPORT_ROOT = str(tmp_path / "exports")
    return settings


def wait_for(job: ExportJob, timeout: float = 30) -> ExportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"export job {job.pk} still {job.status}")


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_ledger_export_runs_in_a_real_worker(world, worker, small_threshold, client):
    closed(world, "a1")
    closed(world, "a2")
    closed(world, "b1")
    caseworker = world.users[Role.TOWNSHIP_CASEWORKER]
    client.force_login(caseworker)
    response = client.get(reverse("ledgers:newly_assisted"), {"export": "xlsx", "q": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:job_detail", args=[job.pk])
    assert job.owner == caseworker and job.rows_total == 2
    page = client.get(response["Location"]).content.decode()
    assert "新增救助群众台账" in page and 'hx-get="' in page  # the progress fragment polls while running

    job = wait_for(job)
    assert job.status == "done", job.error
    assert job.rows_done == 2 and job.expires_at > timezone.now() and job.file_size > 0
    assert not job.file_path.startswith("/") and "media" not in job.file_path
    fragment = client.get(reverse("exports:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and reverse("exports:job_download", args=[job.pk]) in fragment

    download = client.get(reverse("exports:job_download", args=[job.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert "新增救助群众台账" in ws["A1"].value and [c.value for c in ws[2]] == NEWLY_ASSISTED
    names = sorted(r[3].value for r in ws.iter_rows(min_row=3))
    assert names == ["张一", "李二"]  # the worker kept the caseworker's scope: no 王三 of township B
    details = list(AuditEvent.objects.filter(action="export").values_list("detail", flat=True))
    assert any("后台导出任务" in d for d in details) and any("下载后台导出文件" in d for d in details)

    # "My exports" lists it; another user cannot see or download it.
    assert reverse("exports:job_download", args=[job.pk]) in client.get(reverse("exports:job_list")).content.decode()
    client.force_login(world.users["caseworker_b"])
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:job_detail", args=[job.pk])).status_code == 404


def test_without_a_broker_the_same_path_runs_in_process(world, small_threshold, client_for,
                                                        django_capture_on_commit_callbacks):
    closed(world, "a1")
    closed(world, "a2")
    client = client_for(world.users[Role.DISTRICT_STAFF])
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("ledgers:urgent"), {"export": "xlsx"})
            response = client.get(reverse("cases:lead_list"), {"export": "xlsx"})
    finally:
        app.conf.task_always_eager = previous
    jobs = list(ExportJob.objects.order_by("pk"))
    assert response.status_code == 302 and [j.status for j in jobs] == ["done"]  # no urgent leads: 0 rows, now
    ws = openpyxl.load_workbook(f"{small_threshold.EXPORT_ROOT}/{jobs[0].file_path}").active
    assert ws.max_row == 4  # title, header, two leads (a plain list export, also in the background)


def test_small_exports_stay_synchronous_and_huge_ones_are_refused(world, client_for, settings):
    closed(world, "a1")
    client = client_for(world.users[Role.DISTRICT_STAFF])
    response = client.get(reverse("ledgers:newly_assisted"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    settings.LIST_EXPORT_MAX_ROWS = 0
    response = client.get(reverse("ledgers:newly_assisted"), {"export": "xlsx"}, follow=True)
    assert "请缩小筛选范围" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_expired_files_are_deleted(world, small_threshold, tmp_path):
    from pathlib import Path

    owner = world.users[Role.DISTRICT_STAFF]
    root = Path(small_threshold.EXPORT_ROOT)
    (root / "1").mkdir(parents=True)
    (root / "1" / "old.xlsx").write_bytes(b"x")
    (root / "1" / "new.xlsx").write_bytes(b"x")
    now = timezone.now()
    old = ExportJob.objects.create(owner=owner, kind="k", title="t", status="done", file_path="1/old.xlsx",
                                   expires_at=now - dt.timedelta(minutes=1))
    new = ExportJob.objects.create(owner=owner, kind="k", title="t", status="done", file_path="1/new.xlsx",
                                   expires_at=now + dt.timedelta(hours=1))
    stuck = ExportJob.objects.create(owner=owner, kind="k", title="t", status="running")
    assert jobs_delete_expired(now=now) == 1
    assert not (root / "1" / "old.xlsx").exists() and (root / "1" / "new.xlsx").exists()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.file_path == "" and new.file_path == "1/new.xlsx"
    jobs_delete_expired(now=now + dt.timedelta(hours=25))
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "一天" in stuck.error


def test_the_beat_schedule_cleans_exports():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["common-delete-expired-exports"]
    assert entry["task"] == "common.exports.delete_expired_exports"
