"""A Redis outage breaks no page and loses no work (DESIGN §11, docs/DECISIONS.md "Nothing lost").

No mocks: the app runs in a subprocess whose REDIS_URL points at a closed port, against the test
database; the work it could not queue then runs through the real Redis and a real worker.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from accounts.choices import Role
from common.cache import ForgivingRedisCache
from common.outbox import PendingTask, pending_tasks_send
from config.celery import app
from intake.feeds.choices import BatchStatus
from intake.models import FeedBatch
from tests.intake.feed_factories import install_feeds, xlsx_bytes


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_the_cache_answers_misses_when_redis_is_down():
    cache = ForgivingRedisCache(f"redis://127.0.0.1:{closed_port()}/0",
                                {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("progress", "none") == "none"
    cache.set("progress", 1)  # dropped, no error
    assert cache.add("counter", 1) is False
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert cache.get_many(["a", "b"]) == {}


SCRIPT = r"""
import json, sys, time
import django
django.setup()
from django.test import Client
from accounts.models import User
from common.outbox import PendingTask
from intake.models import FeedBatch

user_pk, batch_pk, url, mapping = json.loads(sys.argv[1])
client = Client()
client.force_login(User.objects.get(pk=user_pk))
started = time.monotonic()
commit = client.post(url, {"action": "commit", **mapping})
seconds = time.monotonic() - started
result = client.get(FeedBatch.objects.get(pk=batch_pk).get_absolute_url())
progress = client.get(f"/intake/feeds/deliveries/{batch_pk}/progress/")
home = client.get("/")
print(json.dumps({
    "commit": commit.status_code, "location": commit.get("Location", ""), "seconds": seconds,
    "result": result.status_code, "progress": progress.status_code, "home": home.status_code,
    "status": FeedBatch.objects.get(pk=batch_pk).status,
    "pending": list(PendingTask.objects.values_list("name", "args")),
}))
"""


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_feed_committed_while_redis_is_down_is_kept_and_imported_when_it_is_back(world, users, client,
                                                                                    settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    feed = install_feeds(world)["medical_inpatient"]
    liaison = users[Role.DEPARTMENT_LIAISON]
    a1 = world.people["a1"]
    data = xlsx_bytes(["序号", "姓名", "身份证号", "出院日期", "医疗机构", "个人自付合规费用"],
                      [[1, a1.name, a1.id_number, "2026-10-03", "区人民医院", "21350"]])
    client.force_login(liaison)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the file is read as `make run`'s embedded default does: in-process
    try:
        with time_machine.travel("2026-11-03 10:00 +0800", tick=True):
            preview = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                                  {"file": SimpleUploadedFile("医保10月.xlsx", data), "period_start": "2026-10-01",
                                   "period_end": "2026-10-31"})
    finally:
        app.conf.task_always_eager = eager
    batch = FeedBatch.objects.get()
    assert batch.status == BatchStatus.PREVIEW
    mapping = {f"col_{i}": k for i, k in batch.mapping.items()}

    # 1. The same app, Redis unreachable: the liaison commits and every page still answers.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "MEDIA_ROOT": settings.MEDIA_ROOT,
           "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
           "DATABASE_URL": _database_url(connection.settings_dict)}
    run = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps([liaison.pk, batch.pk, preview.url, mapping])],
                         cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["commit"] == 302 and outcome["location"] == batch.get_absolute_url()
    assert (outcome["result"], outcome["progress"], outcome["home"]) == (200, 200, 200)
    assert outcome["seconds"] < 15  # a dead broker is given a short try, not minutes
    assert outcome["status"] == BatchStatus.QUEUED
    assert outcome["pending"] == [["intake.feeds.tasks.import_delivery", [batch.pk]]]

    # 2. Redis is back (the suite's own): the sweep sends the kept task and a real worker imports it.
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=60):
        assert pending_tasks_send(app=app) == 1
        deadline = time.time() + 60
        while time.time() < deadline:
            batch.refresh_from_db()
            if batch.status in (BatchStatus.DONE, BatchStatus.FAILED):
                break
            time.sleep(0.3)
    assert batch.status == BatchStatus.DONE, batch.error
    assert batch.leads_raised == 1
    kept = PendingTask.objects.get()
    assert kept.sent_at is not None and kept.attempts == 1
    assert pending_tasks_send(app=app) == 0  # sent once, never again


def test_a_sweep_while_redis_is_still_down_keeps_the_task_for_the_next_one(db):
    from celery import Celery

    down = Celery("down", broker=f"redis://127.0.0.1:{closed_port()}/0", set_as_current=False)
    down.conf.broker_connection_retry = False
    down.conf.broker_connection_max_retries = 0
    down.conf.broker_transport_options = {"socket_connect_timeout": 1, "max_retries": 0}
    PendingTask.objects.create(task_id="t-1", name="common.tasks.ping")
    assert pending_tasks_send(app=down) == 0
    kept = PendingTask.objects.get()
    assert kept.sent_at is None and kept.attempts == 1 and kept.error


def _database_url(db: dict) -> str:
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:" \
           f"{db.get('PORT') or 5432}/{db['NAME']}"
