from celery import shared_task


@shared_task
def ping() -> str:
    """A no-op the health check and the worker test use to prove the queue works."""
    return "pong"


# Background Excel exports and the hourly clean-up of expired files live with the rest of the export code.
from .exports import delete_expired_exports, export_job_run, rescue_stuck_exports  # noqa: E402,F401


@shared_task(name="common.tasks.send_pending_tasks")
def send_pending_tasks() -> int:
    """Hand the broker the tasks an outage kept in the database (common/outbox.py); beat runs it every minute."""
    from celery import current_app

    from .outbox import pending_tasks_send

    return pending_tasks_send(app=current_app)


def _send_pending_on_worker_start(sender=None, **kwargs) -> None:
    send_pending_tasks.delay()


from celery.signals import worker_ready  # noqa: E402

worker_ready.connect(_send_pending_on_worker_start, dispatch_uid="common.send_pending_on_worker_start")
