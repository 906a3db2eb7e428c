"""Tasks a broker outage cannot lose (DESIGN §11; docs/DECISIONS.md, "Nothing lost").

Every task of the product is queued after commit and derives from :class:`OutboxTask` (the
Celery app's ``task_cls``). When Redis refuses the message, the task is written to
:class:`PendingTask` in PostgreSQL instead and the caller carries on as if it had been queued
(same task id). ``common.tasks.send_pending_tasks`` — run by beat every minute and when a
worker starts — sends what is pending once Redis answers again. Tasks are idempotent (they
claim their row with a conditional update), so a message sent twice does no harm.
"""
from __future__ import annotations

import logging

from celery import Task, uuid
from celery.backends.asynchronous import E_RETRY_LIMIT_EXCEEDED
from celery.result import AsyncResult
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .circuit import breaker_for

logger = logging.getLogger(__name__)

# What a publish raises when the broker (or the Redis result backend) cannot be reached.
BROKER_UNAVAILABLE = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
# Options of apply_async that survive a round trip through the database.
KEPT_OPTIONS = ("countdown", "queue", "priority", "expires")


class PendingTask(models.Model):
    """A task that could not be handed to the broker yet."""

    task_id = models.CharField(_("task ID"), max_length=64, unique=True)
    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    options = models.JSONField(_("options"), default=dict)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)

    class Meta:
        app_label = "common"
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.task_id}"


class OutboxTask(Task):
    """apply_async that writes the task to PendingTask when the broker is down."""

    def apply_async(self, args=None, kwargs=None, task_id=None, **options):
        task_id = task_id or uuid()
        breaker = breaker_for(str(self.app.conf.broker_url or ""))
        if not self.app.conf.task_always_eager and not breaker.allows():
            # Redis failed moments ago (refused or hung): keep the task without waiting on it again.
            pending_task_store(name=self.name, task_id=task_id, args=args, kwargs=kwargs,
                               options={k: options[k] for k in KEPT_OPTIONS if k in options},
                               error=RedisConnectionError("paused after a failure (common/circuit.py)"))
            return AsyncResult(task_id, app=self.app)
        try:
            return super().apply_async(args, kwargs, task_id=task_id, **options)
        except (*BROKER_UNAVAILABLE, RuntimeError) as exc:
            # The Redis result backend gives up with a RuntimeError of its own (a dead Redis, too).
            if self.app.conf.task_always_eager or (isinstance(exc, RuntimeError)
                                                   and str(exc) != E_RETRY_LIMIT_EXCEEDED):
                raise
            breaker.failed()
            pending_task_store(name=self.name, task_id=task_id, args=args, kwargs=kwargs,
                               options={k: options[k] for k in KEPT_OPTIONS if k in options}, error=exc)
            return AsyncResult(task_id, app=self.app)


def pending_task_store(*, name: str, task_id: str, args, kwargs, options: dict, error: Exception) -> PendingTask:
    logger.warning("broker unavailable, task %s[%s] kept for later: %s", name, task_id, error)
    pending, _created = PendingTask.objects.get_or_create(
        task_id=task_id,
        defaults={"name": name, "args": list(args or ()), "kwargs": dict(kwargs or {}), "options": options,
                  "error": str(error)[:2000]},
    )
    return pending


def pending_tasks_send(*, app, limit: int = 500) -> int:
    """Send what is pending, oldest first; rows stay (with ``sent_at``) as a record. Returns the count sent.

    Each row is claimed with SELECT … FOR UPDATE SKIP LOCKED, so two sweeps never send one twice.
    Stops at the first failure: the broker is still down, the rest waits for the next sweep.
    """
    sent = 0
    while sent < limit:
        with transaction.atomic():
            pending = (PendingTask.objects.select_for_update(skip_locked=True)
                       .filter(sent_at__isnull=True).order_by("created_at").first())
            if pending is None:
                return sent
            try:
                app.send_task(pending.name, args=pending.args, kwargs=pending.kwargs, task_id=pending.task_id,
                              **pending.options)
            except (*BROKER_UNAVAILABLE, RuntimeError) as exc:
                if isinstance(exc, RuntimeError) and str(exc) != E_RETRY_LIMIT_EXCEEDED:
                    raise
                PendingTask.objects.filter(pk=pending.pk).update(attempts=models.F("attempts") + 1,
                                                                 error=str(exc)[:2000])
                logger.warning("broker still unavailable, %s pending task(s) wait",
                               PendingTask.objects.filter(sent_at__isnull=True).count())
                return sent
            PendingTask.objects.filter(pk=pending.pk).update(sent_at=timezone.now(),
                                                             attempts=models.F("attempts") + 1)
            sent += 1
    return sent
