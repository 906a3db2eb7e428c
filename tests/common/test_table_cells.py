"""The lists' cells are what django-tables2 makes of them, and a choice shows its label (issue 15).

``{% table_body %}`` computes each cell without django-tables2's per-cell machinery (common/templatetags/
common_tables.py) and ``get_FOO_display()`` keeps each field's choices (common/display.py): both must show
exactly what django-tables2 and Django would, on every list page.
"""
from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from accounts.choices import Role
from common.templatetags.common_tables import ColumnPlan, cell
from common.views import ObjectListView
from tests.cases.factories import closed, in_progress, reported


def list_paths() -> list[str]:
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                view_class = getattr(p.callback, "view_class", None)
                if view_class and issubclass(view_class, ObjectListView) and not re.search(r"<[^>]+>", route):
                    found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return found


@pytest.mark.parametrize("role", [Role.DISTRICT_STAFF, Role.TOWNSHIP_CASEWORKER])
def test_every_list_cell_is_what_django_tables2_renders(client_for, world, role):
    closed(world, "a1")
    in_progress(world, "a2")
    reported(world, "b1", urgent=True)
    client = client_for(world.users[role])
    cells = 0
    for path in list_paths():
        response = client.get(path)
        assert response.status_code in (200, 403), path
        if response.status_code == 403:  # not this role's list
            continue
        table = response.context["table"]
        plans = [ColumnPlan(column) for column in table.columns]
        for row in table.paginated_rows:
            for plan in plans:
                ours, theirs = cell(row, plan), row.get_cell(plan.bound.name)
                assert (ours, type(ours)) == (theirs, type(theirs)), (path, plan.bound.name)
                cells += 1
    assert cells > 50


def test_a_choice_shows_its_label_as_django_would():
    fields = [(model, field) for model in apps.get_models() for field in model._meta.concrete_fields
              if field.choices and isinstance(field.choices, (list, tuple))]
    assert len(fields) > 20
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for model, field in fields:
                obj = model()
                for value in [value for value, _label in field.flatchoices] + ["不是选项", None]:
                    setattr(obj, field.attname, value)
                    ours = getattr(obj, f"get_{field.name}_display")()
                    assert ours == models.Model._get_FIELD_display(obj, field), (model, field.name, value)
                    assert type(ours) is type(models.Model._get_FIELD_display(obj, field))
