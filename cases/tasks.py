"""Periodic chasers of the lead's life (run by Celery beat; see docs for the schedule).

Each task takes no objects, calls one service and is safe to run twice: the
services claim each row for the day with a conditional update.
"""
from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def chase_owed_paperwork() -> int:
    """Remind the township (and, from the third reminder, the district) of papers owed for relief paid first."""
    from .services import paperwork_chase

    return paperwork_chase()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def announce_due_follow_ups() -> int:
    """Tell the township office when a follow-up or an observation review falls due."""
    from .services import follow_up_chase

    return follow_up_chase()
