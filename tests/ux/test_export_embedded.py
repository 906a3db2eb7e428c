"""Issue 16.11: in the embedded default (no Redis, tasks eager) a large export answers at once and its page says
truthfully when the file is ready."""
import threading
import time

import pytest
from django.urls import reverse

from accounts.choices import Role
from common import exports
from common.models import ExportJob, ExportStatus


@pytest.mark.django_db(transaction=True)
def test_a_large_export_answers_at_once_and_tells_when_it_is_ready(client_for, world, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EXPORT_BACKGROUND_ROWS = 0
    release = threading.Event()
    real_write = exports.spec_write

    def slow_write(*args, **kwargs):  # a large file: it takes until the test lets it finish
        release.wait(timeout=20)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(exports, "spec_write", slow_write)
    client = client_for(world.users[Role.DISTRICT_STAFF])
    response = client.get(reverse("cases:person_list"), {"export": "xlsx"})
    assert response.status_code == 302  # the page did not wait for the file
    job = ExportJob.objects.get()
    assert job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
    page = client.get(response.url).content.decode()
    assert "文件在后台生成" in page and 'hx-trigger="every 2s"' in page and "下载" not in page.split("job-progress")[1]
    release.set()
    for _ in range(100):
        job.refresh_from_db()
        if job.status == ExportStatus.DONE:
            break
        time.sleep(0.2)
    assert job.status == ExportStatus.DONE
    progress = client.get(reverse("exports:job_progress", args=[job.pk])).content.decode()
    assert 'data-testid="job-download"' in progress and "hx-trigger" not in progress
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 200
