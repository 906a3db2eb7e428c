"""The generic views every app's pages are configurations of (NetBox-style).

An app's list is four attributes::

    class PersonListView(ObjectListView):
        queryset = Person.objects.all()
        filterset_class = PersonFilterSet
        table_class = PersonTable
        permission_required = "cases.view_person"

The queryset always goes through :func:`accounts.scoping.scope` here, in the
base, so no list, detail or export can forget it.
"""
from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.scoping import scope

from .audit import AuditAction, audit_record, export_detail
from .exports import XLSX_CONTENT_TYPE, ExportSpec, export_mode, job_queue, spec_write
from .registry import extra_exports as registered_exports
from .pagination import EXACT_PARAM, EXACT_VALUE, CappedPaginator
from .tables import export_cell


class ScopedQuerysetMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Login, the model permission, and the user's scope on the queryset."""

    raise_exception = False

    def get_queryset(self):
        return scope(self.request.user, super().get_queryset())

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role cannot open this page."))
        return super().handle_no_permission()


class ObjectListView(ScopedQuerysetMixin, SingleTableMixin, FilterView):
    template_name = "generic/object_list.html"
    # Set by subclasses:
    title: str = ""
    export_title: str = ""  # the title row of the Excel export
    audit_personal_data = True  # lists of people are personal data (DESIGN §11)
    paginate_by = 25
    strict = False
    # Further exports of the same filters: (label, url name). Other apps offer theirs through
    # common.registry.extra_exports (ledgers' 明细表 on the lead list), shown after these.
    extra_exports: tuple = ()  # an invalid filter shows the form errors and an empty list

    def get_extra_exports(self) -> list[tuple[str, str]]:
        label = (self.queryset.model if self.queryset is not None else self.model)._meta.label
        offered = [(export.label, export.url_name) for export in registered_exports if export.model == label]
        return list(self.extra_exports) + offered

    # Plan the page query's joins in the order written (common/planner.py): for a list whose rows join eight
    # tables or more by key, where PostgreSQL spends 20–40 ms choosing an order (the transfer forms).
    joins_as_written = False

    def get_table_data(self):
        """The page's rows; only the fields the table's cells read when it names them (``BaseTable.page_fields``)."""
        data = super().get_table_data()
        page_only = getattr(self.get_table_class(), "page_only", None)
        fields = page_only() if page_only is not None else None
        if fields is not None and isinstance(data, QuerySet):
            data = data.only(*fields)
        return data

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.joins_as_written = self.joins_as_written  # read by {% table_body %}
        return table

    def get_paginate_by(self, table_data) -> int:
        try:
            per_page = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return per_page if per_page in settings.LIST_PAGE_SIZES else self.paginate_by

    def paginate_queryset(self, queryset, page_size):
        """The table paginates (django-tables2); ListView's own paginator would COUNT the rows a second time,
        which over a district's 1,000,000 leads costs 0.2–0.3 s a page (bench/list_pages.py)."""
        return None, None, queryset, False

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination is not False:
            pagination["per_page"] = self.get_paginate_by(None)
            # Counted exactly up to LIST_COUNT_CAP rows, "10,000 条以上" past it (common/pagination.py).
            pagination["paginator_class"] = CappedPaginator
            pagination["exact"] = self.request.GET.get(EXACT_PARAM) == EXACT_VALUE
        return pagination

    # The filter field of a period's first day that defaults to 1 January of this year when the request does
    # not name it (lists over large tables that are read by period: the ledgers). Emptied in the form, it is
    # not applied. The page says so (docs/DECISIONS.md 551).
    default_period_field: str = ""

    def period_default(self):
        """The default first day applied to this request, or None."""
        field = self.default_period_field
        if not field or field in self.request.GET:
            return None
        return timezone.localdate().replace(month=1, day=1)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        since = self.period_default()
        if since is not None:
            data = self.request.GET.copy()
            data[self.default_period_field] = since.isoformat()
            kwargs["data"] = data
        return kwargs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        response = super().get(request, *args, **kwargs)
        if self.audit_personal_data:
            # The model of the rows listed (FilterView.get set them from get_queryset()): building the scoped
            # queryset again only for its model cost a ledger page 0.2–0.8 ms (DECISIONS 1424).
            model = getattr(getattr(self, "object_list", None), "model", None) or self.get_queryset().model
            audit_record(request=request, action=AuditAction.LIST, model=model, detail=request.GET.urlencode())
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        from django.urls import reverse

        context.update(
            extra_exports=[(label, reverse(name)) for label, name in self.get_extra_exports()],
            title=self.title,
            page_sizes=settings.LIST_PAGE_SIZES,
            current_per_page=self.get_paginate_by(None),
            export_query=query.urlencode(),
            period_default=self.period_default(),
        )
        table = context.get("table")
        paginator = getattr(table, "paginator", None)
        context["total_count"] = paginator.count if paginator is not None else None
        if getattr(paginator, "capped", False):
            exact = self.request.GET.copy()
            exact[EXACT_PARAM] = EXACT_VALUE
            exact.pop("page", None)
            context.update(count_capped=True, count_cap=paginator.cap, count_exact_query=exact.urlencode())
        return context

    # --- export hook ---------------------------------------------------------
    def export_rows(self, table):
        """Header and rows of the current filters, in the table's visible columns."""
        values = table.as_values(exclude_columns=getattr(table, "export_exclude", ()))
        header = next(values)
        return header, ([export_cell(v) for v in row] for row in values)

    def export_queryset(self):
        filterset = self.get_filterset(self.get_filterset_class())
        return filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset.none()

    def export_spec(self) -> ExportSpec:
        """The list's current filters, in the table's visible columns (streamed in chunks of rows)."""
        queryset = self.export_queryset()
        table = self.table_class(queryset)
        header, _rows = self.export_rows(table)
        queryset = table.data.data  # with the relations the visible columns read

        def rows():
            chunk = []
            for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
                chunk.append(obj)
                if len(chunk) == EXPORT_CHUNK:
                    yield from self.export_rows(self.table_class(chunk))[1]
                    chunk = []
            if chunk:
                yield from self.export_rows(self.table_class(chunk))[1]

        name = str(self.export_title or self.title)
        now = timezone.localtime()
        return ExportSpec(title=f"{name}（{self.request.user.region.name}，{now:%Y-%m-%d %H:%M}）",
                          sheet_name=str(self.title), filename=name, columns=header, rows=rows,
                          count=queryset.count(), model=queryset.model, audit_detail=self.request.GET.urlencode())

    def export_xlsx(self):
        return export_response(self)


# Rows a streamed list export turns into table rows at a time.
EXPORT_CHUNK = 2000


def export_response(view):
    """Write ``view.export_spec()`` now, queue it as a background job, or ask for narrower filters.

    ``view`` is a class-based view with ``request``, ``kwargs`` and ``export_spec()``; a job rebuilds the
    same view in the worker (common/exports.py). ``view.export_back_url()``, if any, is where a refused
    export returns to (default: the same page without ``export``).
    """
    from django.contrib import messages
    from django.shortcuts import redirect

    request = view.request
    spec = view.export_spec()
    mode = export_mode(spec.count)
    if mode == "refuse":
        messages.error(request, _("More than %(limit)s records match: please narrow the filters "
                                  "(township, village, dates…) and export again.")
                       % {"limit": f"{settings.LIST_EXPORT_MAX_ROWS:,}"})
        back = getattr(view, "export_back_url", None)
        if back is not None:
            return redirect(back())
        query = request.GET.copy()
        query.pop("export", None)
        return redirect(f"{request.path}?{query.urlencode()}")
    if mode == "background":
        cls = type(view)
        job = job_queue(user=request.user, spec=spec, view=f"{cls.__module__}.{cls.__qualname__}",
                        path=request.path, querystring=request.GET.urlencode(), url_kwargs=view.kwargs)
        audit_record(request=request, action=AuditAction.EXPORT, model=spec.model,
                     detail=export_detail(filters=spec.audit_detail, rows=spec.count, job=job.pk))
        messages.info(request, _("%(count)s records match: the file is written in the background and this page "
                                 "shows when it is ready. You can leave it; the file stays in “My exports”.")
                      % {"count": f"{spec.count:,}"})
        return redirect("exports:job_detail", pk=job.pk)
    tmp = tempfile.TemporaryFile()
    count = spec_write(tmp, spec)
    tmp.seek(0)
    audit_record(request=request, action=AuditAction.EXPORT, model=spec.model,
                 detail=export_detail(filters=spec.audit_detail, rows=count))
    return FileResponse(tmp, as_attachment=True, filename=spec.download_name(), content_type=XLSX_CONTENT_TYPE)


class ObjectDetailView(ScopedQuerysetMixin, DetailView):
    """A scoped detail page: out-of-scope objects are 404, every view is audit-logged."""

    audit_personal_data = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.audit_personal_data:
            audit_record(request=request, action=AuditAction.DETAIL, obj=self.object)
        return response
