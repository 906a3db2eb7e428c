"""The base table every list uses: it fetches what its visible columns show.

Like NetBox's ``BaseTable``: for each visible column it follows the accessor
through the model's relations and adds ``select_related`` for forward
foreign keys and ``prefetch_related`` for many-to-many and reverse relations,
so a list page runs the same number of queries at any page size.
"""
from __future__ import annotations

import functools

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context, Template
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _
from django_tables2 import utils as tables_utils

from . import resident_id


def relation_paths(model: type[models.Model], accessor: str) -> tuple[str | None, str | None]:
    """(select_related path, prefetch_related path) needed to read ``accessor`` on ``model``."""
    bits = [b for b in accessor.replace(".", "__").split("__") if b]
    select: list[str] = []
    current = model
    for i, bit in enumerate(bits):
        try:
            field = current._meta.get_field(bit)
        except FieldDoesNotExist:
            break
        if not field.is_relation:
            break
        if field.many_to_many or field.one_to_many:
            return ("__".join(select) or None, "__".join(bits[: i + 1]))
        select.append(bit)
        current = field.related_model
    return ("__".join(select) or None, None)


# Column attrs for a column that a 360-px phone does not show.
PHONE_HIDDEN = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


def _raw_value(value):
    return value


def _bool_value(value):
    return None if value is None else bool(value)


def export_cell(value):
    """A cell of an export as a plain value: never markup (a render method's badge or link is reduced to its text)."""
    if isinstance(value, SafeData):
        from html import unescape

        from django.utils.html import strip_tags

        return " ".join(unescape(strip_tags(value)).split())
    return value


class BaseTable(tables.Table):
    # Extra relations a column's render method reads that its accessor does not name.
    extra_select_related: tuple[str, ...] = ()
    extra_prefetch_related: tuple[str | models.Prefetch, ...] = ()
    # The fields a list page's rows read, for ``.only()`` on the page's queryset (``common.views.ObjectListView``;
    # an export reads every field). None: every field of the row and of its joined relations. A table that names
    # them lists every field its columns' accessors, render methods and links read, with ``relation__field`` for
    # a joined row's: a field left out is read row by row, which the list's pinned queries at 100 rows catch
    # (DECISIONS 1540).
    page_fields: tuple[str, ...] | None = None

    @classmethod
    def page_only(cls) -> tuple[str, ...] | None:
        """What the list page passes to ``.only()``: ``page_fields`` (a table whose reads depend on another app's
        registration adds them here)."""
        return cls.page_fields

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle mb-0"}
        empty_text = _("Nothing matches these filters.")
        template_name = "common/table.html"  # the body in Python (common/templatetags/common_tables.py)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.columns.columns.values():
            dated = isinstance(bound.column, (tables.DateColumn, tables.DateTimeColumn))
            if isinstance(bound.column, tables.BooleanColumn) and bound.value == bound.column.value:
                # django-tables2 exports "True"/"False"; the Excel writer writes a bool as 是/否.
                bound.value = _bool_value
            elif dated and bound.value == bound.column.value:
                # django-tables2 exports these as ISO text (a datetime in UTC, "2026-11-23 01:54:00+00:00");
                # the Excel writer wants the date itself, to write a real date in Asia/Shanghai.
                bound.value = _raw_value
        qs = getattr(self.data, "data", None)
        if isinstance(qs, models.QuerySet):
            select, prefetch = self.relations_for(qs.model)
            if select:
                qs = qs.select_related(*select)
            if prefetch:
                qs = qs.prefetch_related(*prefetch)
            self.data.data = qs

    def paginate(self, *args, per_page=None, **kwargs):
        """At most ``settings.LIST_PAGE_MAX`` rows a page, whatever ``?per_page=`` asks: django-tables2's
        RequestConfig reads it from the request itself, past the view's choice (``?per_page=6000`` rendered
        5,015 people in 5 s)."""
        if per_page is not None:
            per_page = max(1, min(int(per_page), settings.LIST_PAGE_MAX))
        return super().paginate(*args, per_page=per_page, **kwargs)

    def relations_for(self, model) -> tuple[list[str], list[str | models.Prefetch]]:
        select, prefetch = set(self.extra_select_related), set(self.extra_prefetch_related)
        for column in self.columns:
            if not column.visible:
                continue
            sel, pre = relation_paths(model, str(column.accessor))
            if sel:
                select.add(sel)
            if pre:
                prefetch.add(pre)
        # A shorter path that a longer one contains is redundant.
        select = {s for s in select if not any(o != s and o.startswith(s + "__") for o in select)}
        return sorted(select), sorted(prefetch, key=lambda p: p if isinstance(p, str) else p.prefetch_to)


class MaskedIDColumn(tables.Column):
    """A resident ID shown masked (first 6 + last 4), exported masked too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap font-monospace small"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return resident_id.mask(value)

    def value(self, value):
        return resident_id.mask(value)


class DueColumn(tables.Column):
    """到期: the due date of what is still owed, marked 逾期 (red) when past or 今日到期 (amber) today; empty
    when nothing is owed. Exported as the date itself."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("due"))
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap small"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        from django.utils import timezone
        from django.utils.html import format_html

        today = timezone.localdate()
        if value < today:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', f"{value:%Y-%m-%d}", _("overdue"))
        if value == today:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', f"{value:%Y-%m-%d}",
                               _("due today"))
        return f"{value:%Y-%m-%d}"

    def value(self, value):
        return value


class ManyNamesColumn(tables.ManyToManyColumn):
    """Several related names as small badges (tags, suspected relief…)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("orderable", False)
        super().__init__(*args, separator=" ", **kwargs)

    def render(self, value):
        # format_html_join(" ", '<span class="badge text-bg-light border">{}</span>', ((str(v),) for v in …)),
        # written out: the same string without a format_html per name (DECISIONS 1420)
        return mark_safe(" ".join(f'<span class="badge text-bg-light border">{conditional_escape(str(v))}</span>'
                                  for v in value.all()))

    def value(self, value):
        """In an export: the names joined with 、."""
        return "、".join(str(v) for v in value.all())


# --- django-tables2, per cell ----------------------------------------------------------------------
# django-tables2 3.0 does two things on every cell that only depend on the column: it asks
# ``inspect.signature`` which arguments a render method takes, and a date column (``DateColumn``,
# ``DateTimeColumn``: a ``TemplateColumn`` with ``template_code``) compiles its one-line template again.
# Both are kept here per function and per template text; what a cell renders is unchanged. On a 25-row
# lead list this was ~15 % of the page's CPU (bench: docs/PERFORMANCE.md, "Scale and load").
def _keep_per_function(signature):
    kept: dict = {}

    def kept_signature(fn):
        # A bound method's signature leaves out ``self`` whatever the instance: key on the function.
        key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
        try:
            return kept[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable
            return signature(fn)
        result = signature(fn)
        if len(kept) < 4096:  # functions made per request would otherwise pile up
            kept[key] = result
        return result

    return kept_signature


@functools.lru_cache(maxsize=256)
def _compiled(template_code: str) -> Template:
    return Template(template_code)


def _template_column_render(self, record, table, value, bound_column, **kwargs):
    """``TemplateColumn.render`` of django-tables2 3.0.1, with ``template_code`` compiled once."""
    parent_context = getattr(table, "context", Context())
    context = self.get_context_data(record=record, table=table, value=value, bound_column=bound_column, **kwargs)
    with parent_context.update(context):
        request = getattr(table, "request", None)
        if self.template_code:
            parent_context["request"] = request
            return _compiled(self.template_code).render(parent_context)
        return get_template(self.template_name).render(parent_context.flatten(), request=request)


if tables.__version__ == "3.0.1":  # the code above copies this version's; another one is left alone
    tables_utils.signature = _keep_per_function(tables_utils.signature)
    tables.TemplateColumn.render = _template_column_render
