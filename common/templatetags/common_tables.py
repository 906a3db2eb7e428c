"""The body of every list's table, rendered in Python (issue 15: a 25-row list page within 30 ms of Python).

django-tables2's template renders each cell through the template engine: a loop iteration, ``column.attrs``
computed again for every cell (a merge of the table's and the column's attributes, sorted classes), and the
value's rendering. ``{% table_body table %}`` writes the same markup as ``bootstrap5.html``'s ``table.tbody``
block (rows, cells, the empty text) from the same objects; a column's ``<td>`` attributes are computed once
per column when they cannot depend on the row (no callables), else per cell as before.

Each cell's value is what ``BoundRow.get_cell`` returns (django-tables2 3.0.1, ``rows.py``), computed by
:func:`cell` with what only depends on the column worked out once per table (docs/DECISIONS.md 900):
``get_cell`` finds the column by name with a scan of every column, builds two accessors, walks the model's
fields, and a choices field's ``get_FOO_display()`` hashes all its choices — forcing the translation of
every label — on every cell.
"""
from __future__ import annotations

import datetime
import html
import re
from functools import partialmethod

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils import formats
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2 import DateColumn, DateTimeColumn, TemplateColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.columns.base import LinkTransform
from django_tables2.utils import A, AttributeDict, call_with_appropriate, signature

from ..display import choices_dict, get_field_display
from ..planner import joins_as_written

register = template.Library()


def _static(attrs) -> bool:
    return not any(callable(v) for v in (attrs or {}).values())


def _td_is_static(table, column) -> bool:
    for source in (table.attrs, column.column.attrs):
        if not _static(source.get("td")) or not _static(source.get("cell")):
            return False
    return True


def _value(cell, column, context) -> str:
    if column.localize is None:
        if type(cell) is str and context.autoescape:
            # render_value_in_context: a str is neither localized nor made local time; escape() it (DECISIONS 1420)
            return html.escape(cell)
        if isinstance(cell, SafeString):
            return str(cell)  # conditional_escape gives it back as it is, whether autoescaping or not
        return render_value_in_context(cell, context)
    value = formats.localize(cell, use_l10n=bool(column.localize))
    return str(conditional_escape(value))


# --- resolving accessors (django-tables2 3.0.1's Accessor.resolve, without an exception per step) ----------------
_subscriptable: dict[type, bool] = {}


def _has_getitem(klass: type) -> bool:
    try:
        return _subscriptable[klass]
    except KeyError:
        found = _subscriptable[klass] = hasattr(klass, "__getitem__")
        return found


def _resolve(accessor, context, quiet: bool = False):
    """``accessor.resolve(context, quiet=quiet)`` for a model instance, the same result.

    ``Accessor.resolve`` tries ``current[bit]`` before ``getattr(current, bit)`` at every step; on a model
    instance (no ``__getitem__``) that raises and catches a ``TypeError`` for every step of every cell. An
    object without ``__getitem__`` goes straight to ``getattr``; any other goes through the steps as written."""
    try:
        current = context
        for bit in accessor.bits:
            if _has_getitem(type(current)):
                try:
                    current = current[bit]
                except (TypeError, AttributeError, KeyError):
                    try:
                        current = getattr(current, bit)
                    except (TypeError, AttributeError):
                        try:
                            current = current[int(bit)]
                        except (IndexError, ValueError, KeyError, TypeError):
                            raise ValueError(accessor.LOOKUP_ERROR_FMT.format(
                                key=bit, context=type(current) if isinstance(current, models.Model) else current,
                                accessor=accessor)) from None
            else:
                try:
                    current = getattr(current, bit)
                except (TypeError, AttributeError):
                    # current[int(bit)] fails too without __getitem__ (TypeError or ValueError): Accessor's error
                    raise ValueError(accessor.LOOKUP_ERROR_FMT.format(
                        key=bit, context=type(current) if isinstance(current, models.Model) else current,
                        accessor=accessor)) from None
            if callable(current):
                if getattr(current, "alters_data", False):
                    raise ValueError(accessor.ALTERS_DATA_ERROR_FMT.format(method=current.__name__))
                if not getattr(current, "do_not_call_in_templates", False):
                    current = current(*accessor.callable_args, **accessor.callable_kwargs)
            if current is None:
                break
        return current
    except Exception:
        if not quiet:
            raise


# The keyword arguments django-tables2 offers a render method or a link's url callable.
_CELL_ARGS = ("value", "record", "column", "bound_column", "bound_row", "table")


class _Call:
    """``call_with_appropriate(fn, kwargs)`` with the arguments ``fn`` takes worked out once."""

    def __init__(self, fn):
        self.fn = fn
        args, catch_all = signature(fn)
        self.all = bool(catch_all)
        self.args = args
        self.never = not catch_all and any(a not in _CELL_ARGS for a in args)  # call_with_appropriate gives None

    def __call__(self, value, record, column, bound_column, bound_row, table):
        if self.never:
            return None
        given = {"value": value, "record": record, "column": column, "bound_column": bound_column,
                 "bound_row": bound_row, "table": table}
        if self.all:
            return self.fn(**given)
        return self.fn(**{name: given[name] for name in self.args})


class _Link:
    """A link of django-tables2's ``LinkTransform`` without ``<a>`` attributes of its own, the same markup:
    ``linkify=True`` (the value's or the record's ``get_absolute_url()``) or ``linkify=<callable>``."""

    def __init__(self, link: LinkTransform, bound_column):
        self.url = _Call(link.url) if link.url and callable(link.url) else None
        self.accessor = None
        if self.url is None:
            self.accessor = A(link.accessor if link.accessor is not None else bound_column.name)

    @staticmethod
    def applies(link) -> bool:
        return (type(link) is LinkTransform and not link.attrs and link.reverse_args.get("viewname") is None
                and (link.url is None or callable(link.url)))

    def __call__(self, content, value, record, column, bound_column, bound_row, table):
        if self.url is not None:
            href = self.url(value, record, column, bound_column, bound_row, table)
        else:
            context = _resolve(self.accessor, record)
            if not hasattr(context, "get_absolute_url"):
                if hasattr(record, "get_absolute_url"):
                    context = record
                else:
                    raise TypeError(f"for linkify=True, '{context}' must have a method get_absolute_url")
            href = context.get_absolute_url()
        if href is None:
            return content
        return SafeString(f'<a href="{conditional_escape(href)}">{conditional_escape(content)}</a>')


def _standard_display(model: type, name: str, field) -> bool:
    """Is ``model.get_<name>_display`` Django's own for ``field`` (not a method the model defines)?"""
    attr = f"get_{name}_display"
    for klass in model.__mro__:
        if attr in klass.__dict__:
            found = klass.__dict__[attr]
            return (isinstance(found, partialmethod) and found.keywords.get("field") is field
                    and found.func in (models.Model._get_FIELD_display, get_field_display))
    return False


# The one-line template of django-tables2's DateColumn and DateTimeColumn.
_DATE_TEMPLATE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')


def _date_format(bound_column) -> str | None:
    """The format of a date column rendered by its own template (not a ``render_FOO``), else None."""
    column = bound_column.column
    if type(column) not in (DateColumn, DateTimeColumn) or column.extra_context:
        return None
    if getattr(bound_column.render, "__func__", None) is not TemplateColumn.render:
        return None
    found = _DATE_TEMPLATE.fullmatch(column.template_code or "")
    return found.group(1) if found else None


def _date_cell(value, date_format: str, default) -> SafeString:
    """What ``{{ value|date:"<format>"|default:default }}`` renders (the date filter wants local time)."""
    shown = _fast_date(value, date_format)
    if shown is None:
        shown = date_filter(template_localtime(value), date_format) or default
    return SafeString(conditional_escape(shown if isinstance(shown, str) else str(shown)))


# What django.utils.dateformat writes for these codes (DateFormat / TimeFormat of Django 5.2).
_DATE_CODES = {
    "Y": lambda d: "%04d" % d.year, "y": lambda d: "%02d" % (d.year % 100), "m": lambda d: "%02d" % d.month,
    "n": lambda d: str(d.month), "d": lambda d: "%02d" % d.day, "j": lambda d: str(d.day),
}
_TIME_CODES = {"H": lambda d: "%02d" % d.hour, "i": lambda d: "%02d" % d.minute, "s": lambda d: "%02d" % d.second}
_FORMAT_CODE = re.compile(r"([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")  # dateformat.re_formatchars, no escapes
_date_plans: dict[str, tuple | None] = {}


def _date_plan(date_format: str):
    """(pieces, has time codes) when every code of the format is one of the above and nothing is escaped."""
    try:
        return _date_plans[date_format]
    except KeyError:
        pass
    plan = None
    if "\\" not in date_format:
        pieces, timed, known = [], False, True
        for i, piece in enumerate(_FORMAT_CODE.split(date_format)):
            if i % 2:
                code = _DATE_CODES.get(piece) or _TIME_CODES.get(piece)
                known = known and code is not None
                timed = timed or piece in _TIME_CODES
                pieces.append(code)
            elif piece:
                pieces.append(piece)
        plan = (tuple(pieces), timed) if known else None
    if len(_date_plans) < 256:
        _date_plans[date_format] = plan
    return plan


def _fast_date(value, date_format: str) -> str | None:
    """``date_filter(template_localtime(value), date_format)`` for a date or datetime and a format of plain codes
    (``Y-m-d``, ``Y-m-d H:i``, ``Y-m``…): the same string without the filter's and the formatter's layers.
    None when it does not apply (then the filter runs)."""
    kind = type(value)
    if kind is not datetime.date and kind is not datetime.datetime:
        return None
    plan = _date_plan(date_format)
    if plan is None:
        return None
    pieces, timed = plan
    if kind is datetime.date:
        if timed:  # dateformat refuses time codes for a date: the filter says what happens
            return None
    else:
        value = template_localtime(value)
    return "".join(p if type(p) is str else p(value) for p in pieces)


class ColumnPlan:
    """What ``BoundRow._get_and_render_with`` works out for a cell that only depends on the column."""

    def __init__(self, bound_column):
        self.bound = bound_column
        self.column = bound_column.column
        self.accessor = A(bound_column.accessor)
        path, _, self.remainder = self.accessor.rpartition(self.accessor.SEPARATOR)
        self.path = A(path) if path else None  # None: the penultimate object is the record itself
        self.default = bound_column.default
        self.link_text = isinstance(self.column, BaseLinkColumn) and self.column.text is not None
        self.many = isinstance(self.column, ManyToManyColumn)
        self.date_format = _date_format(bound_column)  # a date column: rendered without the template engine
        self.render = _Call(bound_column.render)
        link = bound_column.link
        self.link = None if link is None else (_Link(link, bound_column) if _Link.applies(link) else link)
        self._display: dict[type, tuple] = {}  # record's model → (field, penultimate model → choices or None)
        # (penultimate model, value's type, value) → the label shown, translated once per table: a plan lives for one table body,
        # rendered in one language, and a lazy label's translation is a gettext per cell (DECISIONS 1581)
        self._labels: dict[tuple, object] = {}

    def display(self, record, penultimate):
        """(True, label) when the cell shows ``get_FOO_display()``, else (False, None)."""
        try:
            field, by_model = self._display[type(record)]
        except KeyError:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            by_model = {}
            self._display[type(record)] = (field, by_model)
        if field is None or not getattr(field, "choices", ()):
            return False, None
        model = type(penultimate)
        if model not in by_model:
            standard = _standard_display(model, self.remainder, field)
            by_model[model] = choices_dict(field) if standard and isinstance(field.choices, (list, tuple)) else None
        choices = by_model[model]
        if choices is None:
            display_fn = getattr(penultimate, f"get_{self.remainder}_display", None)
            if display_fn is None:
                return False, None
            return True, display_fn()
        value = getattr(penultimate, field.attname)
        key = (model, type(value), value)  # the type too: 1 and True are one key to a dict, not one label
        try:
            return True, self._labels[key]
        except KeyError:
            label = self._labels[key] = force_str(choices.get(make_hashable(value), value), strings_only=True)
            return True, label
        except TypeError:  # a value that cannot be a key (none of ours): as get_FOO_display() gives it
            return True, force_str(choices.get(make_hashable(value), value), strings_only=True)


def cell(row, plan: ColumnPlan):
    """``row.get_cell(plan.bound.name)``, the same value."""
    record = row.record
    if not isinstance(record, models.Model):
        return row.get_cell(plan.bound.name)
    bound_column = plan.bound
    value = None
    remainder = plan.remainder
    penultimate = record if plan.path is None else _resolve(plan.path, record, quiet=True)
    if isinstance(penultimate, models.Model):
        shown, label = plan.display(record, penultimate)
        if shown:
            value, remainder = label, None
    if remainder:
        try:
            value = _resolve(plan.accessor, record)
        except Exception:
            if plan.link_text:
                return row._call_render(bound_column)
    if value in plan.column.empty_values or (plan.many and not value.exists()):
        return plan.default
    column, table = plan.column, row.table
    if plan.date_format is not None:
        content = _date_cell(value, plan.date_format, bound_column.default)
    else:
        content = plan.render(value, record, column, bound_column, row, table)
    link = plan.link
    if link is None:
        return content
    if type(link) is _Link:
        return link(content, value, record, column, bound_column, row, table)
    return link(content, value=value, record=record, column=column, bound_column=bound_column, bound_row=row,
                table=table)


def _escaped(value) -> str:
    """``conditional_escape(value)``: a plain ``str`` through ``html.escape`` as Django's ``escape`` does."""
    return html.escape(value) if type(value) is str else str(conditional_escape(value))


def _attrs_html(attrs) -> SafeString:
    """``attrs.as_html()`` of django-tables2 3.0.1's ``AttributeDict`` — ``format_html_join(" ", '{}="{}"',
    attrs._iteritems())`` — written out: the same pairs (callables called, None and the blacklisted keys left out),
    key and value escaped as ``format_html`` escapes them, without a ``format_html`` per pair (DECISIONS 1583). Any
    other mapping keeps its own ``as_html``."""
    if type(attrs) is not AttributeDict:
        return attrs.as_html()
    return SafeString(" ".join(f'{_escaped(key)}="{_escaped(value)}"' for key, value in attrs._iteritems()))


@register.simple_tag(takes_context=True)
def table_body(context, table):
    tbody = table.attrs.get("tbody")
    parts = [f"<tbody {AttributeDict(tbody).as_html() if tbody else ''}>"]
    columns = list(table.columns)
    plans = [ColumnPlan(c) for c in columns]
    td_html = {c.name: _attrs_html(c.attrs["td"]) for c in columns if _td_is_static(table, c)}
    page = getattr(table, "page", None)
    if getattr(table, "joins_as_written", False) and page is not None:
        with joins_as_written():  # the page's rows read here (ObjectListView.joins_as_written), then iterated
            len(page.object_list)
    any_row = False
    for row in table.paginated_rows:
        any_row = True
        parts.append(f"\n<tr {_attrs_html(row.attrs)}>")
        for plan in plans:
            column = plan.bound
            value = cell(row, plan)
            td = td_html.get(column.name)
            if td is None:
                # callable attrs read the cell (BoundRow.items() sets these two for them)
                column.current_value, column.current_record = value, row.record
                td = _attrs_html(column.attrs["td"])
            parts.append(f"\n<td {td}>{_value(value, column, context)}</td>")
        parts.append("\n</tr>")
    if not any_row and table.empty_text:
        parts.append(f'\n<tr><td colspan="{len(columns)}">{conditional_escape(table.empty_text)}</td></tr>')
    parts.append("\n</tbody>")
    return mark_safe("".join(parts))


# --- The table's head and pagination (DECISIONS 1521) ----------------------------------------------------------
# django-tables2 3.0.1's ``bootstrap5.html`` blocks ``table.thead`` and ``pagination`` (the latter inside
# ``bootstrap5-responsive.html``'s ``{{ block.super }}``), written in Python from the same objects, in the same
# order, with the template's text between the tags kept as it is — a ``{% querystring_replace %}`` per column and
# per page link, a template loop and a dozen lookups each cost ≈ 2–3 ms a list page. ``tests/common/
# test_table_head.py`` compares both blocks byte for byte with the template's (every list page, both users, both
# languages, sorted, filtered, on several pages).
def _querystring(request, key, value) -> str:
    """What ``{% querystring_replace key=value %}`` writes (django-tables2 3.0.1, ``QuerystringReplaceNode``)."""
    from django.utils.html import escape
    from django.utils.http import urlencode

    params = dict(request.GET)
    if key not in ("", None):
        params[key] = value
    return escape("?" + urlencode(params, doseq=True))


@register.simple_tag(takes_context=True)
def table_head(context, table):
    parts = ["\n            "]
    if table.show_header:
        from django.template.base import Variable, VariableDoesNotExist

        request = context["request"]
        try:  # "{{ table.attrs.thead.as_html }}" (django-tables2 makes every table's "thead" an AttributeDict)
            thead = render_value_in_context(Variable("table.attrs.thead.as_html").resolve(context), context)
        except VariableDoesNotExist:  # a failed lookup: what the template writes (no string_if_invalid is set)
            thead = ""
        parts.append(f"\n                <thead {thead}>\n                <tr>\n                ")
        order_field = None
        for column in table.columns:
            th = render_value_in_context(_attrs_html(column.attrs["th"]), context)
            parts.append(f'\n                    <th {th} scope="col">\n                        ')
            if column.orderable:
                if order_field is None:
                    order_field = table.prefixed_order_by_field
                href = _querystring(request, order_field, column.order_by_alias.next)
                header = render_value_in_context(column.header, context)
                parts.append(f'\n                            <a href="{href}">{header}</a>\n                        ')
            else:
                header = render_value_in_context(column.header, context)
                parts.append(f"\n                            {header}\n                        ")
            parts.append("\n                    </th>\n                ")
        parts.append("\n                </tr>\n                </thead>\n            ")
    parts.append("\n            ")
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def table_pagination(context, table):
    from django.utils.translation import gettext
    from django_tables2.templatetags.django_tables2 import table_page_range

    parts = ["\n        \n        "]  # bootstrap5-responsive.html's "{{ block.super }}", then bootstrap5.html's block
    page = getattr(table, "page", None)
    if page and table.paginator.num_pages > 1:
        request = context["request"]
        field = table.prefixed_page_field
        parts.append('\n        <nav aria-label="Table navigation">\n            '
                     '<ul class="pagination justify-content-center">\n            ')
        if page.has_previous():
            href = _querystring(request, field, page.previous_page_number())
            previous = render_value_in_context(gettext("previous"), context)
            parts.append(f'\n                \n                <li class="previous page-item">\n                    '
                         f'<a href="{href}" class="page-link">\n                        '
                         f'<span aria-hidden="true">&laquo;</span>\n                        {previous}\n'
                         f'                    </a>\n                </li>\n                \n            ')
        parts.append("\n            ")
        if page.has_previous() or page.has_next():
            parts.append("\n            \n            ")
            number = page.number
            for p in table_page_range(page, table.paginator):
                active = " active" if number == p else ""
                href = f'href="{_querystring(request, field, p)}"' if p != "..." else ""
                parts.append(f'\n                <li class="page-item{active}">\n                    '
                             f'<a class="page-link" {href}>\n                        '
                             f'{render_value_in_context(p, context)}\n                    </a>\n                </li>\n'
                             f'            ')
            parts.append("\n            \n            ")
        parts.append("\n            ")
        if page.has_next():
            href = _querystring(request, field, page.next_page_number())
            following = render_value_in_context(gettext("next"), context)
            parts.append(f'\n                \n                <li class="next page-item">\n                    '
                         f'<a href="{href}" class="page-link">\n                        {following}\n'
                         f'                        <span aria-hidden="true">&raquo;</span>\n'
                         f'                    </a>\n                </li>\n                \n            ')
        parts.append("\n            </ul>\n        </nav>\n        ")
    parts.append("\n    \n    ")
    return mark_safe("".join(parts))
