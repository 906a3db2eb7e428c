"""Excel exports of lists and ledgers: in the request when small, as an ExportJob when large (DESIGN §7).

A view that can be exported describes the export as an :class:`ExportSpec`
(title row, columns, a lazy row iterator, the number of rows). The same spec
is written either at once, into the response, or later by a Celery worker:

* up to ``settings.EXPORT_BACKGROUND_ROWS`` rows the user waits for the file;
* above it an :class:`~common.models.ExportJob` is queued (after the request's
  transaction commits) and the user watches its progress and downloads the
  file when it is done;
* above ``settings.LIST_EXPORT_MAX_ROWS`` (a safety limit near Excel's own
  1,048,576 rows per sheet) the user is asked to narrow the filters.

The worker rebuilds the spec from what the user asked for — the view's dotted
path, its URL arguments and the query string — as that user, so the rows go
through the same filters, the same scope and the same masking as in the
request. Files live in ``settings.EXPORT_ROOT`` (private, never served
statically) and are deleted when they expire.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .heartbeat import beating, stale_before
from .models import ExportJob, ExportStatus
from .xlsx import Column, SheetWriter, new_workbook

log = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How often (in rows) a running job writes its progress to the database.
PROGRESS_EVERY = 2000


@dataclass
class ExportSpec:
    """Everything needed to write one export, in the request or in a worker."""

    title: str                       # the title row: what, region, period
    sheet_name: str
    filename: str                    # without extension and timestamp
    columns: Sequence[Column | str]
    rows: Callable[[], Iterable[Sequence]]  # called once, when writing: rows stream from the database
    count: int                       # rows that will be written (for the threshold and the progress bar)
    model: type[models.Model]        # what the audit event names
    audit_detail: str = ""
    extra: dict = field(default_factory=dict)

    def download_name(self, at: dt.datetime | None = None) -> str:
        at = timezone.localtime(at)
        return f"{self.filename}-{at:%Y%m%d%H%M}.xlsx"


def spec_write(target, spec: ExportSpec, *, progress: Callable[[int], None] | None = None) -> int:
    """Write ``spec`` to ``target`` (a path or a binary file); returns the number of rows written."""
    wb = new_workbook(target)
    sheet = SheetWriter(wb, spec.sheet_name, title=spec.title, columns=spec.columns)
    n = sheet.write_rows(spec.rows(), progress=progress, every=PROGRESS_EVERY)
    wb.close()
    return n


def export_mode(count: int) -> str:
    """"refuse", "background" or "now" for an export of ``count`` rows."""
    if count > settings.LIST_EXPORT_MAX_ROWS:
        return "refuse"
    if count > settings.EXPORT_BACKGROUND_ROWS:
        return "background"
    return "now"


# --- jobs ------------------------------------------------------------------------------------
def export_root() -> Path:
    root = Path(settings.EXPORT_ROOT)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def job_queue(*, user, spec: ExportSpec, view: str, path: str, querystring: str,
              url_kwargs: dict | None = None) -> ExportJob:
    """Queue a background export of what ``view`` (a dotted path) exports for ``querystring``, as ``user``.

    The task is sent when the surrounding transaction commits, so the worker always finds the job.
    """
    job = ExportJob.objects.create(
        owner=user, kind=view.rsplit(".", 1)[-1], title=spec.filename, source_path=path[:500],
        parameters={"view": view, "querystring": querystring, "url_kwargs": url_kwargs or {}},
        rows_total=spec.count,
    )
    transaction.on_commit(lambda: job_start(job.pk))
    return job


def job_start(job_id: int):
    """Send the job to the Celery worker; in the embedded default (no Redis, tasks run eagerly, no worker) a
    thread of this process writes it instead, so the page answers at once and its progress is true: a large
    export would otherwise hold the request until the file is written, and then be called "being prepared"."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        thread = threading.Thread(target=_job_run_in_thread, args=(job_id,), daemon=True, name=f"export-{job_id}")
        thread.start()
        return thread
    return export_job_run.delay(job_id)


def _job_run_in_thread(job_id: int) -> None:
    from django.db import connection

    try:
        export_job_run(job_id)
    finally:
        connection.close()


def _request_for(job: ExportJob) -> HttpRequest:
    """The request the user made, rebuilt for the worker: their account, the path and the filters."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.source_path or "/"
    request.GET = QueryDict(job.parameters.get("querystring", ""))
    request.META = {"QUERY_STRING": job.parameters.get("querystring", ""), "REQUEST_METHOD": "GET"}
    request.user = job.owner
    return request


def spec_for_job(job: ExportJob) -> ExportSpec:
    """Ask the view again, as the job's owner, for the export spec (filters, scope and masking as in the request)."""
    from django.core.exceptions import PermissionDenied

    view_class = import_string(job.parameters["view"])
    request = _request_for(job)
    view = view_class()
    view.setup(request, **job.parameters.get("url_kwargs", {}))
    has_permission = getattr(view, "has_permission", None)
    if not job.owner.is_active or (has_permission is not None and not has_permission()):
        raise PermissionDenied(_("Your account can no longer export this list."))
    return view.export_spec()


def _job_file(job: ExportJob) -> Path:
    return export_root() / str(job.owner_id) / f"export-{job.pk}-{timezone.now():%Y%m%d%H%M%S}.xlsx"


def job_file_path(job: ExportJob) -> Path | None:
    """The job's file on disk, if it is still there (and inside EXPORT_ROOT)."""
    if not job.file_path:
        return None
    root = Path(settings.EXPORT_ROOT).resolve()
    path = (root / job.file_path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def _dead_job_q() -> Q:
    stale = stale_before()
    return Q(status=ExportStatus.RUNNING) & (Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True,
                                                                          started_at__lt=stale))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def export_job_run(job_id: int) -> str:
    """Write one queued export. Safe to run twice: a job running (its heartbeat fresh), done or failed is left
    alone; one whose worker died (heartbeat stale) is written anew."""
    claimed = ExportJob.objects.filter(pk=job_id).filter(Q(status=ExportStatus.QUEUED) | _dead_job_q()).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    if not claimed:
        return "skipped"
    with beating(ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING)):
        return _job_write(job_id)


@shared_task
def rescue_stuck_exports() -> list[int]:
    """Beat, every minute: exports whose worker died are queued again (their half-written file is replaced)."""
    rescued = []
    for job_id in ExportJob.objects.filter(_dead_job_q()).values_list("pk", flat=True):
        if ExportJob.objects.filter(pk=job_id).filter(_dead_job_q()).update(status=ExportStatus.QUEUED,
                                                                            heartbeat_at=None):
            log.warning("export job %s: its worker stopped; queued again", job_id)
            export_job_run.delay(job_id)
            rescued.append(job_id)
    return rescued


def _job_write(job_id: int) -> str:
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    path = _job_file(job)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        spec = spec_for_job(job)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=spec.count)

        def progress(n: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=n)

        count = spec_write(str(path), spec, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure is reported to the user, in Chinese
        log.exception("export job %s failed", job_id)
        path.unlink(missing_ok=True)
        from django.core.exceptions import PermissionDenied

        message = str(exc) if isinstance(exc, PermissionDenied) and str(exc) else _(
            "The export failed. Please try again; if it fails again, tell the system administrator.")
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=message,
                                                   finished_at=timezone.now())
        return "failed"
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE, rows_done=count, rows_total=count, finished_at=now,
        file_path=str(path.relative_to(export_root())), file_name=spec.download_name(now),
        file_size=path.stat().st_size, expires_at=now + dt.timedelta(hours=settings.EXPORT_KEEP_HOURS))
    return "done"


def jobs_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the files of expired jobs (the job rows stay, as the record of what was exported)."""
    now = now or timezone.now()
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file_path=""):
        path = job_file_path(job)
        if path is not None:
            os.unlink(path)
            deleted += 1
        ExportJob.objects.filter(pk=job.pk).update(file_path="", file_size=0)
    # Jobs stuck in the queue or running for a day (a lost worker) are marked failed, so the user sees it.
    stale = now - dt.timedelta(hours=24)
    ExportJob.objects.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=stale).update(
        status=ExportStatus.FAILED, finished_at=now,
        error=_("The export did not finish within a day. Please export again."))
    return deleted


@shared_task
def delete_expired_exports() -> int:
    return jobs_delete_expired()
