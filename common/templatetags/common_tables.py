"""The body of every list's table, rendered in Python (issue 15: a 25-row list page within 30 ms of Python).

django-tables2's template renders each cell through the template engine: a loop iteration, ``column.attrs``
computed again for every cell (a merge of the table's and the column's attributes, sorted classes), and the
value's rendering. ``{% table_body table %}`` writes the same markup as ``bootstrap5.html``'s ``table.tbody``
block (rows, cells, the empty text) from the same objects; a column's ``<td>`` attributes are computed once
per column when they cannot depend on the row (no callables), else per cell as before.
"""
from __future__ import annotations

from django import template
from django.template.base import render_value_in_context
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django_tables2.utils import AttributeDict

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
        return render_value_in_context(cell, context)
    value = formats.localize(cell, use_l10n=bool(column.localize))
    return str(conditional_escape(value))


@register.simple_tag(takes_context=True)
def table_body(context, table):
    tbody = table.attrs.get("tbody")
    parts = [f"<tbody {AttributeDict(tbody).as_html() if tbody else ''}>"]
    columns = list(table.columns)
    td_html = {c.name: c.attrs["td"].as_html() for c in columns if _td_is_static(table, c)}
    any_row = False
    for row in table.paginated_rows:
        any_row = True
        parts.append(f"\n<tr {row.attrs.as_html()}>")
        for column, cell in row.items():
            td = td_html.get(column.name)
            if td is None:
                td = column.attrs["td"].as_html()
            parts.append(f"\n<td {td}>{_value(cell, column, context)}</td>")
        parts.append("\n</tr>")
    if not any_row and table.empty_text:
        parts.append(f'\n<tr><td colspan="{len(columns)}">{conditional_escape(table.empty_text)}</td></tr>')
    parts.append("\n</tbody>")
    return mark_safe("".join(parts))
