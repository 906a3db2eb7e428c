"""``FastSelect`` writes what Django's ``forms.Select`` renders through its templates (DECISIONS 904, 1423)."""
from __future__ import annotations

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.models import Region
from common.filters import FastSelect

CHOICES = [
    [],
    [("", "---------"), ("a", "甲"), ("b", "乙 & <丙>"), (3, "三"), (None, "空")],
    [("x", "X"), ("组一", [("1", "一"), (2, "二")]), ("", [("3", "三")]), ("y", gettext_lazy("Overdue"))],
    [(True, "是"), (False, "否"), ("q\"'", mark_safe("<b>粗</b>"))],
    [("1", "一"), ("1", "重复的一")],  # only the first match is selected
]
VALUES = [None, "", "a", "b", 3, "3", 2, "2", ["a", "b"], True, "True", "q\"'", "1", "不在"]
ATTRS = [None, {"id": "id_f"}, {"id": "id_f", "required": True, "disabled": False, "data-x": "<&>"}]


@pytest.mark.parametrize("choices", CHOICES)
def test_the_same_markup_as_django(choices):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value in VALUES:
                for attrs in ATTRS:
                    widget_attrs = {"class": "form-select form-select-sm"}
                    ours = FastSelect(attrs=widget_attrs, choices=choices).render("f", value, attrs=attrs)
                    theirs = forms.Select(attrs=widget_attrs, choices=choices).render("f", value, attrs=attrs)
                    assert ours == theirs, (choices, value, attrs)


@pytest.mark.django_db
def test_model_choices_as_django(regions):
    field = forms.ModelChoiceField(queryset=Region.objects.order_by("code")[:30])
    chosen = Region.objects.order_by("code")[5]
    for value in (None, chosen.pk, str(chosen.pk)):
        ours = FastSelect(choices=field.choices).render("village", value, attrs={"id": "id_village"})
        theirs = forms.Select(choices=field.choices).render("village", value, attrs={"id": "id_village"})
        assert ours == theirs


@pytest.mark.django_db
def test_model_choices_read_with_one_plain_query_are_the_same_options(regions, django_assert_num_queries):
    from common.filters import PlainModelChoiceIterator

    field = forms.ModelChoiceField(queryset=Region.objects.order_by("code")[:30])
    plain = forms.ModelChoiceField(queryset=Region.objects.order_by("code")[:30])
    plain.iterator = PlainModelChoiceIterator
    chosen = Region.objects.order_by("code")[5]
    for value in (None, chosen.pk, str(chosen.pk)):
        theirs = forms.Select(choices=field.choices).render("village", value, attrs={"id": "id_village"})
        with django_assert_num_queries(1):
            ours = FastSelect(choices=plain.choices).render("village", value, attrs={"id": "id_village"})
        assert ours == theirs
    assert [(str(v), str(label)) for v, label in plain.choices] == [(str(v), str(label)) for v, label in field.choices]



@pytest.mark.django_db
def test_a_filter_s_null_choice_stays_with_the_plain_query(regions, django_assert_num_queries):
    import django_filters.fields

    from common.filters import PlainFilterChoiceIterator

    def field():
        return django_filters.fields.ModelChoiceField(queryset=Region.objects.order_by("code")[:10],
                                                      null_label="无", empty_label="全部")

    theirs, ours = field(), field()
    ours.iterator = PlainFilterChoiceIterator
    for value in (None, "null", str(Region.objects.order_by("code")[3].pk)):
        expected = forms.Select(choices=theirs.choices).render("r", value)
        with django_assert_num_queries(1):
            assert FastSelect(choices=ours.choices).render("r", value) == expected
    assert len(ours.choices) == len(theirs.choices)


def test_no_list_page_reads_its_filters_choices_through_a_server_side_cursor(client_for, world):
    """Every list's filter form reads its model choices with plain queries (DECISIONS 1523): no DECLARE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.choices import Role
    from common.filters import PlainModelChoiceIterator
    from tests.common.test_table_cells import list_paths

    client = client_for(world.users[Role.DISTRICT_STAFF])
    plain = 0
    for path in list_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        filterset = response.context.get("filter")
        if filterset is None:
            continue
        for bound in filterset.form:
            with CaptureQueriesContext(connection) as captured:
                str(bound)  # the field rendered as the page renders it
            assert not [q["sql"] for q in captured.captured_queries
                        if q["sql"].lstrip().upper().startswith("DECLARE")], (path, bound.name)
        plain += sum(isinstance(f.widget.choices, PlainModelChoiceIterator)
                     for f in filterset.form.fields.values() if hasattr(f.widget, "choices"))
    assert plain >= 5  # departments, kinds of transfer form, feeds, tags, assistants…
