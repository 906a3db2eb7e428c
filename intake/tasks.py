"""Periodic housekeeping of intake (department-feed tasks live in intake/feeds/tasks.py)."""
from celery import shared_task
from django.utils import timezone


@shared_task
def clean_expired_captchas() -> int:
    """Every view of the public report form stores a captcha row; drop the expired ones nightly."""
    from captcha.models import CaptchaStore

    deleted, _ = CaptchaStore.objects.filter(expiration__lte=timezone.now()).delete()
    return deleted


@shared_task
def recompute_roster_due_dates() -> int:
    """Nightly: a person tagged gravely ill (or a 特困 status recorded) since their last visit is due sooner.

    Tags and assistance status change on the person's page, in imports and in the admin; rather than hook
    every one of those paths, each township's active roster is recomputed once a night (set-based per
    township, a few seconds for a whole district). Returns how many due dates moved.
    """
    from accounts.models import Region
    from intake.models import RosterEntry
    from intake.roster.services import roster_recompute_township

    townships = Region.objects.filter(
        pk__in=RosterEntry.objects.filter(until__isnull=True).values("township_id").distinct())
    return sum(roster_recompute_township(township=township) for township in townships)
