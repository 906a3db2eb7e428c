from celery import shared_task


@shared_task
def ping() -> str:
    """A no-op the health check and the worker test use to prove the queue works."""
    return "pong"
