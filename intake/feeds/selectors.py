"""Reads of department feeds: the feeds a user sees, deliveries, their rows and progress."""
from __future__ import annotations

import time

from django.core.cache import cache
from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import scope
from intake.models import Feed, FeedBatch, FeedDeadline, FeedRejectedRow, FeedRow

from . import deadlines
from .choices import BatchStatus, RowOutcome
from .services import can_deliver, feeds_install_standard, progress_key

PHASES = {
    "queued": _("Waiting for the background worker"),
    "validating": _("Reading and checking rows"),
    "matching": _("Matching against the registry"),
    "raising leads": _("Raising leads"),
    "done": _("Done"),
    "failed": _("Failed"),
}


def feeds_for_user(*, user) -> list[Feed]:
    """The active feeds the user may see (installing the district's standard feeds the first time), each with
    ``can_deliver``, ``last_batch``, ``overdue`` (missing deliveries past due) and ``next_period``."""
    district = user.region if getattr(user, "region_id", None) else None
    if district is not None and not Feed.objects.filter(district__code=f"{district.district_code}000000").exists():
        from accounts.models import Region

        found = Region.objects.filter(code=f"{district.district_code}000000").first()
        if found is not None:
            feeds_install_standard(district=found)
    today = timezone.localdate()
    feeds = list(scope(user, Feed.objects.filter(is_active=True)).select_related("department")
                 .annotate(last_done=Max("batches__finished_at", filter=Q(batches__status=BatchStatus.DONE)))
                 .prefetch_related(Prefetch("deadlines", queryset=FeedDeadline.objects.filter(
                     delivered_at__isnull=True, due_on__lt=today).order_by("due_on"), to_attr="missing"))
                 .order_by("order", "id"))
    for feed in feeds:
        feed.can_deliver = can_deliver(user, feed)
        feed.default_period = deadlines.default_period(feed, today)
        recent = deadlines.recent_due_periods(feed, today)
        feed.latest_due = recent[0] if recent else None
    return feeds


def sees_outcomes(*, user) -> bool:
    """Whether the user may see what a delivery's rows led to (matched people, their township, leads, rules,
    relief kept on file, transfers). A department learns only what its duty needs — its counts of rows and its
    own refused rows — never who is registered or under which relief (issue 20); the district centre sees all."""
    from accounts.choices import Role

    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") != Role.DEPARTMENT_LIAISON


def batch_for_user(*, user, pk: int) -> FeedBatch | None:
    return scope(user, FeedBatch.objects.select_related("feed", "department", "created_by", "duplicate_of")) \
        .filter(pk=pk).first()


def batches_for_user(*, user, pks: list[int]) -> list[FeedBatch]:
    """The deliveries among ``pks`` the user may open (the earlier deliveries a result names)."""
    return list(scope(user, FeedBatch.objects.filter(pk__in=pks)).order_by("pk")) if pks else []


def batch_progress(*, batch: FeedBatch) -> dict:
    """Percent, rows per second and phase of an import (from the cache the import writes to)."""
    state = cache.get(progress_key(batch.pk)) or {}
    total = max(1, int(state.get("total") or batch.rows_total * 2 or 1))
    done = int(state.get("done") or 0)
    if batch.status == BatchStatus.DONE:
        done = total
    elapsed = max(0.001, float(state.get("at") or time.time()) - float(state.get("started") or time.time()))
    rows_done = done // 2  # every row is counted twice: once checked, once stored and acted on
    phase = state.get("phase") or ("done" if batch.status == BatchStatus.DONE else "queued")
    return {
        "percent": min(100, int(done * 100 / total)),
        "rows_per_second": int(rows_done / elapsed) if state.get("started") and done else 0,
        "phase": str(PHASES.get(phase, phase)),
        "finished": batch.is_finished,
    }


def batch_rows(*, user, batch: FeedBatch, outcomes=None, limit: int = 50):
    qs = scope(user, FeedRow.objects.filter(batch=batch)).select_related("person", "lead", "rule", "region")
    if outcomes:
        qs = qs.filter(outcome__in=outcomes)
    return qs.order_by("row_number")[:limit]


def batch_rejected(*, user, batch: FeedBatch):
    return scope(user, FeedRejectedRow.objects.filter(batch=batch)).order_by("row_number")


def lead_rows(*, batch: FeedBatch, user, limit: int = 50):
    return batch_rows(user=user, batch=batch, outcomes=[RowOutcome.LEAD_RAISED, RowOutcome.EVIDENCE_ADDED,
                                                         RowOutcome.KEPT_ON_FILE], limit=limit)
