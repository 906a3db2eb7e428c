"""Celery talks to the real Redis broker and a real worker runs the task."""
import pytest
from celery.contrib.testing.worker import start_worker

from common.tasks import ping
from config.celery import app


@pytest.mark.celery
def test_a_real_worker_runs_a_task_through_redis():
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
