"""A list table's head and pagination are django-tables2's own, byte for byte (issue 15, DECISIONS 1521).

``{% table_head %}`` and ``{% table_pagination %}`` (common/templatetags/common_tables.py) write the ``table.thead``
and ``pagination`` blocks of django-tables2's ``bootstrap5.html`` / ``bootstrap5-responsive.html`` in Python.
The reference is ``common/table.html`` as it was before them — django-tables2's template with only the body
replaced (``{% table_body %}``, compared on its own in ``test_table_body.py``) — rendered with the same table
and request: the whole table, head, body and pagination, must be the same bytes. Every list page, as a district
and as a township user, in Chinese and in English, plain, sorted, filtered with text that needs escaping and on
a later page; then tables made for the purpose: many pages (both ellipses), a prefix, no header, head and column
attributes, a header that needs escaping.
"""
from __future__ import annotations

import itertools

import django_tables2 as tables
import pytest
from django.template import Context, engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation

from accounts.choices import Role
from common.tables import BaseTable
from tests.cases.factories import closed, in_progress, reported
from tests.common.test_table_cells import list_paths

# common/table.html before DECISIONS 1521: django-tables2's head and pagination, the body in Python.
BEFORE_SOURCE = ('{% extends "django_tables2/bootstrap5-responsive.html" %}\n{% load common_tables %}\n'
                 "{% block table.tbody %}{% table_body table %}{% endblock table.tbody %}\n")


def _render(template, table, request) -> str:
    """What ``{% render_table table template %}`` does (django-tables2 3.0.1, ``RenderTableNode.render``)."""
    table._counter = itertools.count()  # rows are "even" and "odd" by a count kept on the table
    table.context = Context({"table": table, "request": request})
    try:
        table.before_render(request)
        return template.render(context={"table": table}, request=request)
    finally:
        del table.context


def render_both(table, request) -> tuple[str, str]:
    ours = _render(get_template("common/table.html"), table, request)
    before = _render(engines["django"].from_string(BEFORE_SOURCE), table, request)
    return ours, before


def _request(path: str, params: dict, user=None):
    request = RequestFactory().get(path, params)
    if user is not None:
        request.user = user
    return request


VARIANTS = (
    {},
    {"per_page": "1", "page": "2"},
    {"per_page": "1", "page": "3", "q": '王<b>"&\'', "extra": ["a&b", "c d"]},
)


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.TOWNSHIP_CASEWORKER])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_head_and_pagination_is_what_django_tables2_renders(client_for, world, role, language):
    closed(world, "a1")
    in_progress(world, "a2")
    reported(world, "b1", urgent=True)
    user = world.users[role]
    client = client_for(user)
    compared = paginated = sorted_ = 0
    with translation.override(language):
        for path in list_paths():
            for params in VARIANTS:
                response = client.get(path, params, HTTP_ACCEPT_LANGUAGE=language)
                assert response.status_code in (200, 403), path
                if response.status_code == 403:  # not this role's list
                    break
                table = response.context["table"]
                orderable = [c for c in table.columns if c.orderable]
                for extra in ([{}] + ([{"sort": orderable[0].order_by_alias.next}] if orderable else [])):
                    request = _request(path, {**params, **extra}, user)
                    ours, before = render_both(table, request)
                    assert ours == before, (path, params, extra)
                    compared += 1
                    sorted_ += bool(extra)
                paginated += table.paginator.num_pages > 1
    assert compared > 40 and sorted_ > 10
    assert paginated >= 4  # the pagination was compared where there is one


def _synthetic_table(rows: int, **kwargs):
    class Synthetic(BaseTable):
        number = tables.Column(verbose_name='No. <b>&"', attrs={"th": {"class": "text-end", "data-x": "1"}})
        name = tables.Column(orderable=False)
        when = tables.Column(verbose_name="时间")

        class Meta(BaseTable.Meta):
            attrs = {"class": "table", "thead": {"class": "table-light"}}  # noqa: RUF012

    return Synthetic([{"number": i, "name": f"名{i}<", "when": f"2026-{i % 12 + 1:02d}"} for i in range(rows)],
                     **kwargs)


@pytest.mark.parametrize("page", [1, 2, 5, 30, 55, 59, 60])
@pytest.mark.parametrize("prefix", ["", "t2-"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_many_pages_a_prefix_and_attributes_are_written_as_django_tables2_writes_them(db, page, prefix, language):
    with translation.override(language):
        table = _synthetic_table(300, prefix=prefix, order_by="-when")
        table.paginate(page=page, per_page=5)
        request = _request("/x/", {f"{prefix}page": str(page), "q": "<&>", f"{prefix}sort": "-when"})
        ours, before = render_both(table, request)
        assert ours == before
        assert "…" in ours or "..." in ours or page in (1, 2, 59, 60)


@pytest.mark.parametrize("rows", [0, 1, 7])
def test_no_header_one_page_and_an_empty_table_too(db, rows):
    for show_header in (True, False):
        table = _synthetic_table(rows, show_header=show_header)
        table.paginate(page=1, per_page=5)
        ours, before = render_both(table, _request("/x/", {}))
        assert ours == before
    table = _synthetic_table(rows)  # not paginated at all
    ours, before = render_both(table, _request("/x/", {}))
    assert ours == before
