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
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.scoping import scope

from .audit import AuditAction, audit_record
from .xlsx import write_single_sheet


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
    # Further exports of the same filters: (label, url name), e.g. an official ledger.
    extra_exports: tuple = ()  # an invalid filter shows the form errors and an empty list

    def get_paginate_by(self, table_data) -> int:
        try:
            per_page = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return per_page if per_page in settings.LIST_PAGE_SIZES else self.paginate_by

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination is not False:
            pagination["per_page"] = self.get_paginate_by(None)
        return pagination

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        response = super().get(request, *args, **kwargs)
        if self.audit_personal_data:
            audit_record(request=request, action=AuditAction.LIST, model=self.get_queryset().model,
                         detail=request.GET.urlencode())
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        from django.urls import reverse

        context.update(
            extra_exports=[(label, reverse(name)) for label, name in self.extra_exports],
            title=self.title,
            page_sizes=settings.LIST_PAGE_SIZES,
            current_per_page=self.get_paginate_by(None),
            export_query=query.urlencode(),
        )
        table = context.get("table")
        paginator = getattr(table, "paginator", None)
        context["total_count"] = paginator.count if paginator is not None else None
        return context

    # --- export hook ---------------------------------------------------------
    def export_rows(self, table):
        """Header and rows of the current filters, in the table's visible columns."""
        values = table.as_values(exclude_columns=getattr(table, "export_exclude", ()))
        header = next(values)
        return header, values

    def export_xlsx(self):
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset.none()
        # A list export runs while the user waits and holds its rows in memory: past the cap, ask for
        # narrower filters instead of tying up a worker for minutes (large ledgers stream elsewhere).
        limit = settings.LIST_EXPORT_MAX_ROWS
        if queryset.count() > limit:
            from django.contrib import messages
            from django.shortcuts import redirect

            messages.error(self.request, _("More than %(limit)s records match: please narrow the filters "
                                           "(township, village, dates…) and export again.") % {"limit": f"{limit:,}"})
            query = self.request.GET.copy()
            query.pop("export", None)
            return redirect(f"{self.request.path}?{query.urlencode()}")
        table = self.table_class(queryset)
        header, rows = self.export_rows(table)
        now = timezone.localtime()
        title = f"{self.export_title or self.title}（{self.request.user.region.name}，{now:%Y-%m-%d %H:%M}）"
        tmp = tempfile.TemporaryFile()
        count = write_single_sheet(tmp, sheet_name=str(self.title), title=title, columns=header, rows=rows)
        tmp.seek(0)
        audit_record(request=self.request, action=AuditAction.EXPORT, model=queryset.model,
                     detail=f"{self.request.GET.urlencode()} rows={count}")
        filename = f"{self.export_title or self.title}-{now:%Y%m%d%H%M}.xlsx"
        return FileResponse(tmp, as_attachment=True, filename=filename,
                             content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class ObjectDetailView(ScopedQuerysetMixin, DetailView):
    """A scoped detail page: out-of-scope objects are 404, every view is audit-logged."""

    audit_personal_data = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.audit_personal_data:
            audit_record(request=request, action=AuditAction.DETAIL, obj=self.object)
        return response
