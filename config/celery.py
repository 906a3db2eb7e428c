"""The Celery application. Tasks are discovered in each app's ``tasks.py``.

With no ``REDIS_URL`` the settings make every task run eagerly in the calling
process (the embedded default of ``make run``); with it, a real worker and beat
consume from Redis.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task keeps its message in PostgreSQL when Redis refuses it (common/outbox.py).
app = Celery("jiuzhu", task_cls="common.outbox:OutboxTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
