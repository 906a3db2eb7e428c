"""``FastInput`` writes what Django's text, date and number inputs render through their templates (DECISIONS 1584)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe

from common.filters import _fast_input

WIDGETS = [
    lambda: forms.TextInput(),
    lambda: forms.TextInput(attrs={"placeholder": "姓名或身份证号 & <b>", "class": "form-control form-control-sm"}),
    lambda: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    lambda: forms.DateInput(),
    lambda: forms.NumberInput(attrs={"min": 0, "max": 120, "step": None}),
]
VALUES = [None, "", "张三", "a<b>&\"'c", mark_safe("<b>safe</b>"), 0, 12, 3.5, dt.date(2026, 12, 5), "2026-12-05",
          "not a date", dt.datetime(2026, 12, 5, 8, 30)]
ATTRS = [None, {"id": "id_f"}, {"id": "id_f", "required": True, "disabled": False, "data-x": "<&>", "data-n": None}]


@pytest.mark.parametrize("make", WIDGETS)
def test_the_same_markup_as_django(make):
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value in VALUES:
                for attrs in ATTRS:
                    theirs = make()
                    ours = _fast_input(copy.deepcopy(theirs))
                    assert type(ours) is not type(theirs) and isinstance(ours, type(theirs))
                    assert ours.render("f", value, attrs=attrs) == theirs.render("f", value, attrs=attrs), (
                        value, attrs)


def test_a_changed_template_keeps_djangos_rendering():
    from common.filters import BaseFilterSet
    import django_filters

    class Special(forms.TextInput):
        pass

    class Filters(BaseFilterSet):
        q = django_filters.CharFilter()
        day = django_filters.DateFilter(widget=forms.DateInput(attrs={"type": "date"}))
        own = django_filters.CharFilter(widget=Special())

    from accounts.models import Region

    form = Filters(data={"q": "x", "day": "2026-12-05"}, queryset=Region.objects.none()).form
    assert type(form.fields["q"].widget).__name__ == "FastTextInput"
    assert type(form.fields["day"].widget).__name__ == "FastDateInput"
    assert type(form.fields["own"].widget) is Special  # a subclass of its own: Django's rendering
    other = Filters(data={}, queryset=Region.objects.none()).form
    assert other.fields["q"].widget is not form.fields["q"].widget  # each form its own copy
