"""Periodic housekeeping of intake (department-feed tasks live in intake/feeds/tasks.py)."""
from celery import shared_task
from django.utils import timezone


@shared_task
def clean_expired_captchas() -> int:
    """Every view of the public report form stores a captcha row; drop the expired ones nightly."""
    from captcha.models import CaptchaStore

    deleted, _ = CaptchaStore.objects.filter(expiration__lte=timezone.now()).delete()
    return deleted
