"""Every list's table is the table django-tables2 renders itself (issue 15, DECISIONS 1420).

``{% table_body %}`` (common/templatetags/common_tables.py) writes the rows in Python with per-column fast
paths (a str cell escaped directly, accessors resolved without an exception per step, render methods and links
called with the arguments they take worked out once). Two references:

* django-tables2's own ``bootstrap5-responsive.html``, which renders each cell through ``BoundRow.get_cell`` and
  the template engine: the same markup, but for the template's indentation between tags (DECISIONS 553), so
  compared with the whitespace between tags removed;
* the body as ``{% table_body %}`` wrote it before the fast paths — each cell ``row.get_cell()`` put through
  ``render_value_in_context``, in the tag's own layout — compared byte for byte: what users get is unchanged.

Each list page is requested as a district and as a township user; its table is rendered all three ways, in
Chinese and in English, with text that needs escaping in the cells.
"""
from __future__ import annotations

import itertools
import re

import pytest
from django.template import Context, Template
from django.template.base import render_value_in_context
from django.test import RequestFactory
from django.utils import translation

from accounts.choices import Role
from tests.cases.factories import closed, in_progress, reported
from tests.common.test_table_cells import list_paths

OURS = Template("{% load django_tables2 %}{% render_table table 'common/table.html' %}")
THEIRS = Template("{% load django_tables2 %}{% render_table table 'django_tables2/bootstrap5-responsive.html' %}")


def render_both(table, user):
    request = RequestFactory().get("/")
    request.user = user
    table._counter = itertools.count()  # rows are "even" and "odd" by a count kept on the table
    ours = OURS.render(Context({"table": table, "request": request}))
    table._counter = itertools.count()
    theirs = THEIRS.render(Context({"table": table, "request": request}))
    return ours, theirs


def between_tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def tbody(html: str) -> str:
    return html[html.index("<tbody"):html.index("</tbody>") + len("</tbody>")]


def reference_body(table) -> str:
    """The body as {% table_body %} wrote it before DECISIONS 1420: each cell django-tables2's get_cell."""
    from django.utils.html import conditional_escape
    from django.utils.formats import localize

    table._counter = itertools.count()
    context = Context({})
    tbody_attrs = table.attrs.get("tbody")
    parts = [f"<tbody {tbody_attrs.as_html() if tbody_attrs else ''}>"]
    columns = list(table.columns)
    for row in table.paginated_rows:
        parts.append(f"\n<tr {row.attrs.as_html()}>")
        for column in columns:
            value = row.get_cell(column.name)
            column.current_value, column.current_record = value, row.record
            td = column.attrs["td"].as_html()
            if column.localize is None:
                shown = render_value_in_context(value, context)
            else:
                shown = str(conditional_escape(localize(value, use_l10n=bool(column.localize))))
            parts.append(f"\n<td {td}>{shown}</td>")
        parts.append("\n</tr>")
    if not len(table.paginated_rows) and table.empty_text:
        parts.append(f'\n<tr><td colspan="{len(columns)}">{conditional_escape(table.empty_text)}</td></tr>')
    parts.append("\n</tbody>")
    return "".join(parts)


def assert_same(table, user, path):
    ours, theirs = render_both(table, user)
    assert between_tags(ours) == between_tags(theirs), path
    assert tbody(ours) == reference_body(table), path


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.TOWNSHIP_CASEWORKER])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_table_is_what_django_tables2_renders(client_for, world, role, language):
    person = world.people["a2"]
    person.name = '王<b>"小&二\''
    person.save()
    closed(world, "a1")
    in_progress(world, "a2")
    reported(world, "b1", urgent=True)
    user = world.users[role]
    client = client_for(user)
    tables = 0
    rows = 0
    with translation.override(language):
        for path in list_paths():
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code in (200, 403), path
            if response.status_code == 403:  # not this role's list
                continue
            table = response.context["table"]
            assert_same(table, user, path)
            tables += 1
            rows += len(table.paginated_rows)
    assert tables > 10
    assert rows >= 10


def test_an_empty_table_shows_its_empty_text_as_django_tables2_does(client_for, world):
    user = world.users[Role.DISTRICT_STAFF]
    response = client_for(user).get("/registry/leads/", {"number": "不存在"})
    table = response.context["table"]
    assert len(table.paginated_rows) == 0
    assert_same(table, user, "/registry/leads/")



def test_a_date_cell_is_what_the_date_filter_writes():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.template.defaultfilters import date as date_filter
    from django.utils.timezone import template_localtime

    from common.templatetags.common_tables import _fast_date

    values = [dt.date(2026, 1, 2), dt.date(999, 12, 31), dt.date(2026, 11, 30),
              dt.datetime(2026, 12, 31, 16, 30, 5, tzinfo=dt.timezone.utc),  # 1 January in Shanghai
              dt.datetime(2026, 3, 4, 5, 6, 7), dt.datetime(2026, 7, 8, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai"))]
    formats = ["Y-m-d", "Y-m", "Y-m-d H:i", "m-d H:i", "Y年n月j日", "y/n/j H:i:s", "Y-m-d D", r"Y\m"]
    fast = 0
    for value in values:
        for date_format in formats:
            ours = _fast_date(value, date_format)
            if ours is None:
                continue
            fast += 1
            assert ours == date_filter(template_localtime(value), date_format), (value, date_format)
    assert fast > 20
    assert _fast_date(dt.date(2026, 1, 2), "Y-m-d H:i") is None  # the filter decides what a date with hours gives
    assert _fast_date("2026-01-02", "Y-m-d") is None
