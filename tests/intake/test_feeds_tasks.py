"""Large deliveries in the background (a real Celery worker through Redis), and missing deliveries chased."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from cases.models import Lead
from config.celery import app
from intake.feeds.choices import BatchSource, BatchStatus
from intake.feeds.deadlines import deliveries_chase
from intake.feeds.services import batch_import_now, batch_receive
from intake.models import FeedBatch, FeedDeadline
from referrals.choices import ReminderLevel
from referrals.models import Notification, Reminder
from tests.factories import PersonFactory

from .feed_factories import install_feeds, xlsx_bytes

HEADER = ["序号", "姓名", "身份证号", "结算日期", "个人负担"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_large_upload_is_imported_by_a_real_worker_with_progress(world, users, client):
    feeds = install_feeds(world)
    feed = feeds["medical_inpatient"]
    people = [PersonFactory(village=world.village_a1) for _ in range(30)]
    rows = []
    for n in range(3000):
        p = people[n % len(people)]
        rows.append([n + 1, p.name, p.id_number, f"2026-10-{n % 28 + 1:02d}", 21000 if n < 5 else 100 + n / 100])
    data = xlsx_bytes(HEADER, rows)
    client.force_login(users[Role.DEPARTMENT_LIAISON])
    with time_machine.travel("2026-11-03 10:00 +0800", tick=True):
        app.control.purge()
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            # The upload request stores and measures the file; the worker reads it (issue 20 item 6).
            response = client.post(reverse("intake:feed_upload", args=[feed.pk]),
                                   {"file": SimpleUploadedFile("大文件.xlsx", data), "period_start": "2026-10-01",
                                    "period_end": "2026-10-31"})
            batch = FeedBatch.objects.get()
            assert response.url == reverse("intake:feed_batch_preview", args=[batch.pk])
            deadline = time.time() + 60
            while batch.status == BatchStatus.READING and time.time() < deadline:
                html = client.get(response.url).content.decode()
                batch.refresh_from_db()
                if batch.status == BatchStatus.READING:  # still reading after the page was made: it said so
                    assert 'data-testid="reading"' in html
                time.sleep(0.2)
            assert batch.status == BatchStatus.PREVIEW, batch.error
            assert batch.preview["accepted"] == 3000 and batch.mapping
            preview = client.get(response.url).content.decode()
            assert "3000 行通过校验" in preview
            mapping = {f"col_{i}": k for i, k in batch.mapping.items()}
            client.post(response.url, {"action": "commit", **mapping})
            batch.refresh_from_db()
            assert batch.status in (BatchStatus.QUEUED, BatchStatus.PROCESSING, BatchStatus.DONE)
            seen = []
            deadline = time.time() + 60
            while time.time() < deadline:
                fragment = client.get(reverse("intake:feed_batch_progress", args=[batch.pk]),
                                      HTTP_HX_REQUEST="true")
                seen.append(fragment.content.decode())
                batch.refresh_from_db()
                if batch.is_finished:
                    break
                time.sleep(0.2)
        assert batch.status == BatchStatus.DONE, batch.error
        assert (batch.rows_total, batch.rows_accepted, batch.matched) == (3000, 3000, 3000)
        assert batch.leads_raised == 5 and Lead.objects.count() == 5
        final = client.get(reverse("intake:feed_batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
        assert final["HX-Refresh"] == "true" and "100%" in final.content.decode()
        assert any("%" in s for s in seen)
        page = client.get(batch.get_absolute_url()).content.decode()
        assert 'data-count="accepted">3000<' in page


@time_machine.travel("2026-11-09 10:00 +0800", tick=False)  # a Monday
def test_a_missing_monthly_delivery_is_chased_up_the_ladder_and_stops_once_delivered(world, users):
    feeds = install_feeds(world)
    feed = feeds["medical_inpatient"]
    from intake.models import Feed

    Feed.objects.update(created_at=dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc))
    liaison = users[Role.DEPARTMENT_LIAISON]
    # October's delivery was due on 5 November (Thursday): 2 working days overdue on Monday the 9th.
    counts = deliveries_chase(today=dt.date(2026, 11, 9))
    deadline = FeedDeadline.objects.get(feed=feed, period_start=dt.date(2026, 10, 1))
    assert deadline.due_on == dt.date(2026, 11, 5) and deadline.delivered_at is None
    reminder = Reminder.objects.get(subject_type="intake.FeedDeadline", subject_id=str(deadline.pk))
    assert reminder.level == ReminderLevel.REMINDER and reminder.department == feed.department
    notice = Notification.objects.get(recipient=liaison, subject_id=str(deadline.pk))
    assert "城乡居民医保住院个人负担" in notice.title and "2026-11-05" in notice.title
    assert counts.get(ReminderLevel.REMINDER, 0) >= 1
    # Running again the same day sends nothing twice.
    deliveries_chase(today=dt.date(2026, 11, 9))
    assert Reminder.objects.filter(subject_id=str(deadline.pk), subject_type="intake.FeedDeadline").count() == 1
    # Two working days later: the written reminder.
    deliveries_chase(today=dt.date(2026, 11, 11))
    assert set(Reminder.objects.filter(subject_id=str(deadline.pk), subject_type="intake.FeedDeadline")
               .values_list("level", flat=True)) == {ReminderLevel.REMINDER, ReminderLevel.WRITTEN_REMINDER}
    # The department delivers: the deadline is met (late) and the chasing stops.
    data = xlsx_bytes(HEADER, [[1, "张一", world.people["a1"].id_number, "2026-10-09", 300]])
    batch = batch_import_now(batch=batch_receive(feed=feed, user=None, filename="a.xlsx", data=data,
                                                 source=BatchSource.COMMAND,
                                                 period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31)))
    deadline.refresh_from_db()
    assert deadline.batch == batch and deadline.delivered_at is not None and deadline.is_late
    before = Reminder.objects.count()
    deliveries_chase(today=dt.date(2026, 11, 13))
    assert not Reminder.objects.filter(subject_id=str(deadline.pk), subject_type="intake.FeedDeadline",
                                       level=ReminderLevel.ESCALATION).exists()
    assert Reminder.objects.count() >= before  # other feeds may still be missing
    # Event feeds are never chased.
    assert not FeedDeadline.objects.filter(feed__cadence="event").exists()


def test_missing_deliveries_are_chased_by_the_one_obligation_job(world):
    install_feeds(world)
    from intake.models import Feed
    from referrals.models import ChaserRun

    Feed.objects.update(created_at=dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc))
    from referrals.tasks import chase_obligations

    result = chase_obligations.apply(kwargs={"today": "2026-11-09"}).get()
    run = ChaserRun.objects.get(pk=result["feed_delivery"]["run"])
    assert run.job == "feed_delivery" and run.status == "succeeded" and run.reminders >= 1
