"""The base filterset: Bootstrap widgets, and choices limited to the user's scope."""
from __future__ import annotations

import django_filters
from django import forms

from accounts.scoping import is_registered, scope


class BaseFilterSet(django_filters.FilterSet):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for field in self.form.fields.values():
            # Region and other related choices show only what the user may see.
            queryset = getattr(field, "queryset", None)
            if user is not None and queryset is not None and is_registered(queryset.model):
                field.queryset = scope(user, queryset)
            widget = field.widget
            if isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
                widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                widget.attrs.setdefault("class", "form-control form-control-sm")
