"""Pages of department feeds: the feeds, upload, mapping preview, progress and result, the rejected rows."""
from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.scoping import scope
from common.audit import AuditAction, audit_record
from common.views import ObjectListView
from common.xlsx import Column, write_single_sheet
from intake.models import Feed, FeedBatch, FeedRejectedRow

from . import selectors, services
from .choices import BatchStatus, RowOutcome
from .filters import FeedBatchFilterSet
from .forms import FeedUploadForm, MappingForm
from .rescue import is_stuck
from .services import FeedError
from .tables import FeedBatchTable


def _batch_or_404(request, pk: int) -> FeedBatch:
    batch = selectors.batch_for_user(user=request.user, pk=pk)
    if batch is None:
        raise Http404
    return batch


@login_required
@permission_required("intake.view_feedbatch", raise_exception=True)
def feed_index(request):
    feeds = selectors.feeds_for_user(user=request.user)
    recent = scope(request.user, FeedBatch.objects.select_related("feed")).order_by("-created_at")[:5]
    return render(request, "intake/feeds/index.html", {"feeds": feeds, "recent": recent,
                                                       "title": _("Department data")})


@login_required
@permission_required("intake.add_feedbatch", raise_exception=True)
def feed_upload(request, pk: int):
    feed = scope(request.user, Feed.objects.select_related("department")).filter(pk=pk, is_active=True).first()
    if feed is None:
        raise Http404
    if not services.can_deliver(request.user, feed):
        messages.error(request, _("You cannot deliver data for %(feed)s: only its department's liaisons and the "
                                  "district centre can.") % {"feed": feed.name})
        return redirect("intake:feed_index")
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Stored and measured here; read by a worker (issue 20 item 6), the preview page waits for it.
                batch = services.batch_upload(feed=feed, user=request.user, filename=upload.name, data=upload.read(),
                                              period_start=form.cleaned_data["period_start"],
                                              period_end=form.cleaned_data["period_end"])
            except FeedError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("intake:feed_batch_preview", pk=batch.pk)
        else:
            messages.error(request, _("Please correct the fields marked in red."))
    columns = feed.columns.order_by("order", "id")
    rules = feed.rules.filter(is_active=True).prefetch_related("thresholds", "suspected_relief")
    return render(request, "intake/feeds/upload.html", {"feed": feed, "form": form, "columns": columns,
                                                        "rules": rules, "title": _("Deliver data")})


@login_required
@permission_required("intake.add_feedbatch", raise_exception=True)
def batch_preview(request, pk: int):
    batch = _batch_or_404(request, pk)
    if batch.status == BatchStatus.READING:
        if request.method == "POST" and request.POST.get("action") == "cancel":
            services.batch_cancel(batch=batch, user=request.user)
            messages.info(request, _("The delivery was cancelled; nothing was imported."))
            return redirect("intake:feed_index")
        return render(request, "intake/feeds/reading.html", {"batch": batch, "title": _("Reading the file")})
    if batch.status != BatchStatus.PREVIEW:
        return redirect(batch)
    try:
        preview = services.preview_stored(batch=batch)
    except FeedError as exc:
        messages.error(request, str(exc))
        return redirect("intake:feed_index")
    form = MappingForm(request.POST or None, headers=preview.headers, columns=preview.columns,
                       mapping=preview.mapping)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "period":
                start, end = _dates(request.POST.get("period_start"), request.POST.get("period_end"))
                batch = services.batch_set_period(batch=batch, user=request.user, period_start=start, period_end=end)
                services.batch_reread(batch=batch)  # the rows are checked again, by the worker
                return redirect("intake:feed_batch_preview", pk=batch.pk)
            if action == "cancel":
                services.batch_cancel(batch=batch, user=request.user)
                messages.info(request, _("The delivery was cancelled; nothing was imported."))
                return redirect("intake:feed_index")
            if form.is_valid():
                services.batch_set_mapping(batch=batch, user=request.user, mapping=form.mapping())
                if action == "commit":
                    services.batch_commit(batch=batch, user=request.user)
                    messages.success(request, _("The delivery is being imported. You can leave this page: the "
                                                "result stays under “Deliveries”."))
                    return redirect(batch)
                services.batch_reread(batch=batch)
                return redirect("intake:feed_batch_preview", pk=batch.pk)
        except FeedError as exc:
            messages.error(request, str(exc))
            batch.refresh_from_db()
            preview = services.preview_stored(batch=batch)
    labels = {c.key: c.label for c in preview.columns}
    mapped = [(i, preview.headers[i] if i < len(preview.headers) else "", labels.get(k, k))
              for i, k in sorted(preview.mapping.items())]
    return render(request, "intake/feeds/preview.html", {
        "batch": batch, "preview": preview, "form": form, "mapped": mapped, "title": _("Check the column mapping"),
        "mapped_indexes": set(preview.mapping),
        # The period shown for correction: the file's own when most rows fall outside the chosen one.
        "period_start": preview.proposal.start if preview.period_problem else batch.period_start,
        "period_end": preview.proposal.end if preview.period_problem else batch.period_end})


def _dates(start: str | None, end: str | None):
    import datetime as dt

    try:
        return dt.date.fromisoformat(start or ""), dt.date.fromisoformat(end or "")
    except ValueError:
        raise FeedError(_("Please give the period as two dates, like 2026-10-01 and 2026-10-31.")) from None


@login_required
@permission_required("intake.view_feedbatch", raise_exception=True)
def batch_detail(request, pk: int):
    batch = _batch_or_404(request, pk)
    if batch.status in (BatchStatus.PREVIEW, BatchStatus.READING) and services.can_deliver(request.user, batch.feed):
        return redirect("intake:feed_batch_preview", pk=batch.pk)
    audit_record(request=request, action=AuditAction.DETAIL, obj=batch)
    context = {"batch": batch, "title": _("Delivery %(number)s") % {"number": batch.pk},
               "progress": selectors.batch_progress(batch=batch),
               "stuck": not batch.is_finished and is_stuck(batch),
               "can_cancel": services.can_deliver(request.user, batch.feed)}
    if batch.status == BatchStatus.DONE:
        context["summary"] = services.batch_summary(batch)
        context["earlier"] = selectors.batches_for_user(
            user=request.user, pks=[int(k) for k in batch.unchanged_from or {}])
        context["counts"] = [
            (_("Rows"), batch.rows_total, "rows"), (_("Rows accepted"), batch.rows_accepted, "accepted"),
            (_("Rows rejected"), batch.rows_rejected, "rejected"), (_("Unchanged (delivered before)"), batch.rows_unchanged,
                                                                "unchanged"),
        ]
        context["rejected"] = selectors.batch_rejected(user=request.user, batch=batch)[:50]
        if selectors.sees_outcomes(user=request.user):
            context["counts"] += [
                (_("Matched in the registry"), batch.matched, "matched"), (_("Leads raised"), batch.leads_raised,
                                                                          "leads_raised"),
                (_("Evidence added to open leads"), batch.evidence_added, "evidence_added"),
                (_("Kept on file (already under the relief)"), batch.kept_on_file, "kept_on_file"),
                (_("People registered"), batch.people_created, "people_registered"),
                (_("To transfer out"), batch.transfer_out, "transfer_out"),
                (_("Cannot be matched (to place)"), batch.unmatched, "unmatched"),
            ]
            context.update(
                lead_rows=selectors.lead_rows(user=request.user, batch=batch),
                transfer_rows=selectors.batch_rows(user=request.user, batch=batch,
                                                   outcomes=[RowOutcome.TRANSFER_OUT, RowOutcome.UNMATCHED]),
            )
    return render(request, "intake/feeds/detail.html", context)


@login_required
@permission_required("intake.view_feedbatch", raise_exception=True)
def batch_progress(request, pk: int):
    batch = _batch_or_404(request, pk)
    response = render(request, "intake/feeds/_progress.html",
                      {"batch": batch, "progress": selectors.batch_progress(batch=batch)})
    if batch.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@permission_required("intake.view_feedbatch", raise_exception=True)
def batch_rejected_xlsx(request, pk: int):
    batch = _batch_or_404(request, pk)
    rows = selectors.batch_rejected(user=request.user, batch=batch)
    headers = _file_headers(batch)
    width = max([len(headers), *(len(v) for v in rows.values_list("values", flat=True).iterator(chunk_size=2000))])
    headers += [""] * (width - len(headers))
    columns = [Column(_("Row"), 8), Column(_("Why it was rejected"), 60)] + [
        Column(h or _("Column %(n)s") % {"n": i + 1}, 16) for i, h in enumerate(headers[:width])]
    tmp = tempfile.TemporaryFile()
    title = _("%(feed)s, delivery %(number)s: rejected rows") % {"feed": batch.feed.name, "number": batch.pk}
    count = write_single_sheet(tmp, sheet_name=str(_("Rejected rows")), title=title, columns=columns,
                               rows=([r.row_number, r.reason, *r.values] for r in rows.iterator(chunk_size=2000)))
    tmp.seek(0)
    audit_record(request=request, action=AuditAction.EXPORT, model=FeedRejectedRow,
                 detail=f"batch={batch.pk} rows={count}")
    return FileResponse(tmp, as_attachment=True, filename=f"{batch.feed.name}-{batch.pk}-未通过校验的行.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _file_headers(batch: FeedBatch) -> list[str]:
    if (batch.preview or {}).get("headers"):
        return list(batch.preview["headers"])  # what the worker read: no workbook read in a request
    try:
        table = services._read_batch_table(batch)
        return services._header_of(batch, table).headers
    except (FeedError, FileNotFoundError, ValueError):
        return []


@login_required
@require_POST
@permission_required("intake.add_feedbatch", raise_exception=True)
def batch_cancel(request, pk: int):
    batch = _batch_or_404(request, pk)
    try:
        services.batch_cancel(batch=batch, user=request.user)
    except FeedError as exc:
        messages.error(request, str(exc))
        return redirect(batch.get_absolute_url())
    messages.info(request, _("The delivery was cancelled; nothing was imported."))
    return redirect("intake:feed_index")


class FeedBatchListView(ObjectListView):
    queryset = FeedBatch.objects.all()
    filterset_class = FeedBatchFilterSet
    table_class = FeedBatchTable
    permission_required = "intake.view_feedbatch"
    title = gettext_lazy("Deliveries")
    export_title = gettext_lazy("Department data deliveries")
    audit_personal_data = False  # counts only: the rows themselves are on the audited detail page
