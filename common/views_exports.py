"""The user's background exports: "My exports", a job's progress (htmx polling) and its download."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from accounts.scoping import scope

from .audit import AuditAction, audit_record, export_detail
from .exports import XLSX_CONTENT_TYPE, job_file_path
from .models import ExportJob

RECENT_JOBS = 50


def _own_jobs(user):
    # Scoped like everything else, and then only the user's own: an export is personal.
    return scope(user, ExportJob.objects.all()).filter(owner=user)


@login_required
def job_list(request):
    jobs = _own_jobs(request.user).order_by("-created_at")[:RECENT_JOBS]
    return render(request, "exports/job_list.html",
                  {"jobs": jobs, "settings_keep_hours": settings.EXPORT_KEEP_HOURS})


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(_own_jobs(request.user), pk=pk)
    return render(request, "exports/job_detail.html", {"job": job})


@login_required
def job_progress(request, pk: int):
    """The progress fragment the job page polls; once finished it stops polling."""
    job = get_object_or_404(_own_jobs(request.user), pk=pk)
    return render(request, "exports/_job_progress.html", {"job": job})


@login_required
def job_download(request, pk: int):
    job = get_object_or_404(_own_jobs(request.user), pk=pk, status="done")
    path = job_file_path(job)
    if path is None:
        raise Http404("expired")
    audit_record(request=request, action=AuditAction.EXPORT, obj=job,
                 detail=_("Downloaded background export %(job)s") % {"job": job.pk} + "；" + export_detail(
                     filters=job.parameters.get("querystring", ""), rows=job.rows_done))
    return FileResponse(open(path, "rb"), as_attachment=True, filename=job.file_name,
                        content_type=XLSX_CONTENT_TYPE)
