"""The base filterset: Bootstrap widgets, and choices limited to the user's scope.

List pages render their filter form on every view, and a district's village filter alone has 296
options: the region choices are kept for a few minutes per scope (``common.cache.remember``) and the
selects are rendered in Python (``FastSelect``, the same markup as Django's templates) instead of one
template per ``<option>``. Validation still goes through the scoped queryset, never the kept choices.
"""
from __future__ import annotations

import html
import weakref

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from accounts.models import Region
from accounts.scoping import is_registered, scope, scope_key
from common.cache import remember

# How long a scope's region choices are kept (regions change when the tree is reloaded, rarely).
REGION_CHOICES_SECONDS = 300


class FastSelect(forms.Select):
    """``forms.Select`` with the markup of Django's ``select.html`` and ``select_option.html``, built in Python.

    Rendering each option through the template engine cost a list page ~20 ms of CPU for a district's
    360 options; this does the same in a fraction of that."""

    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected:  # not a case of ours (a Select, one value): Django's own templates
            return super().render(name, value, attrs, renderer)
        # Widget.get_context, then the options straight from the choices: what ChoiceWidget.optgroups and
        # create_option would give a Select (no option inherits the select's attrs; the first match is selected),
        # without a dict per option (DECISIONS 1423).
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = widget["value"]
        parts = [f'<select name="{_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, choices = option_value, option_label
            else:
                group_name, choices = None, ((option_value, option_label),)
            if group_name:
                parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
            for subvalue, sublabel in choices:
                selected = not has_selected and str(subvalue) in chosen
                has_selected |= selected
                parts.append(f'\n  <option value="{html.escape(str(subvalue))}"{" selected" if selected else ""}>'
                             f'{_escape(sublabel)}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class FastInput:
    """What Django's ``input.html`` (with ``attrs.html``) renders for a text, date or number input, built in Python;
    mixed into the widget's own class by :func:`_fast_input` (DECISIONS 1584).

    ``<input type="…" name="…"{% if widget.value != None %} value="{{ widget.value|stringformat:'s' }}"{% endif %}…>``:
    the context is the widget's own ``get_context`` (type, name, the formatted value, the built attributes); a value
    marked safe stays as it is (``stringformat`` keeps it safe), any other is written with ``"%s" %`` and escaped.
    The form renderer strips the template's output; this has no whitespace around it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        if shown is not None:
            shown = f' value="{shown.__html__() if hasattr(shown, "__html__") else html.escape("%s" % shown)}"'
        return mark_safe(f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{shown or ""}'
                         f'{_attrs_html(widget["attrs"])}>')


# The inputs a filter form renders in Python: the class Django gives each, and its template (one that a widget or a
# subclass changed keeps Django's rendering).
_INPUT_TEMPLATES = {forms.TextInput: "django/forms/widgets/text.html", forms.DateInput: "django/forms/widgets/date.html",
                    forms.NumberInput: "django/forms/widgets/number.html"}
_FAST_INPUTS: dict[type, type] = {}


def _fast_input(widget: forms.Input) -> forms.Input:
    """The same widget (this form's own copy) rendered by :class:`FastInput`."""
    klass = type(widget)
    if klass not in _FAST_INPUTS:
        _FAST_INPUTS[klass] = type(f"Fast{klass.__name__}", (FastInput, klass), {"__module__": __name__})
    widget.__class__ = _FAST_INPUTS[klass]
    return widget


def _escape(value) -> str:
    """``conditional_escape`` without its lazy-string machinery (a few µs an option add up)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs_html(attrs: dict) -> str:
    """What ``django/forms/widgets/attrs.html`` renders (``stringformat:'s'`` makes every value plain text)."""
    return "".join(f" {name}" if value is True else f' {name}="{html.escape(str(value))}"'
                   for name, value in attrs.items() if value is not False)


def _region_choices(field: forms.ModelChoiceField, key) -> list[tuple[str, str]] | None:
    """The field's (scoped) region options, kept per ``key``; None when the field's labels are its own.

    ``key`` says what the options depend on (:func:`_choices_key`); None keeps nothing (the options are read)."""
    if field.queryset.model is not Region or "label_from_instance" in vars(field):
        return None
    queryset = field.queryset

    def compute():
        return [(str(field.prepare_value(region)), str(field.label_from_instance(region))) for region in queryset]

    choices = compute() if key is None else remember(
        "region-choices", (type(field).__qualname__, field.to_field_name, *key), compute,
        seconds=REGION_CHOICES_SECONDS)
    head = []
    if field.empty_label is not None:
        head.append(("", field.empty_label))
    if getattr(field, "null_label", None) is not None:
        head.append((field.null_value, field.null_label))
    return head + choices


# The SQL of a filter's declared queryset (before scoping), compiled once per declared filter (DECISIONS 1520).
_DECLARED_SQL: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _choices_key(declared, field: forms.ModelChoiceField, user, scoped: bool) -> tuple | None:
    """What a region field's options depend on: the declared queryset and the user's scope (DECISIONS 1520).

    The declared queryset is the class-level filter's own (a queryset, not a callable of the request, read by
    django-filter's own ``get_queryset``): its SQL is compiled once and kept; the scope is
    ``accounts.scoping.scope_key`` — the user's role and region, not the scoped queryset's SQL, which cost
    ≈ 0.3 ms a field to compile on every page. Any other field: the scoped queryset's SQL, as before (None
    for an empty scope: nothing to keep)."""
    queryset = getattr(declared, "queryset", None)
    if (isinstance(queryset, QuerySet) and queryset.model is field.queryset.model
            and type(declared).get_queryset is QuerySetRequestMixin.get_queryset):
        sql = _DECLARED_SQL.get(declared)
        if sql is None:
            try:
                sql = str(queryset.query)
            except EmptyResultSet:
                sql = ""
            _DECLARED_SQL[declared] = sql
        if sql:
            return ("declared", sql, scope_key(user, queryset.model) if scoped else ("unscoped",))
    try:
        return ("scoped", str(field.queryset.query))  # the scope is in it
    except EmptyResultSet:
        return None


# A region filter with more options than this (a district's 296 villages) is a type-ahead: the select holds only
# the chosen option, and typing in the search box above it fills it from ``accounts:village_options`` (htmx).
SEARCH_FROM_OPTIONS = 40
SEARCH_PLACEHOLDER = _("Type a name to find it…")
SEARCH_LABEL = _("Find by name")


class RegionSearchSelect(FastSelect):
    """The select of a long region filter, with a search box that fills it (issue 15). Without JavaScript the
    chosen option still shows and submits; the options come from a scoped endpoint, 30 at a time."""

    def __init__(self, *args, options_url: str = "", all_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.options_url = options_url
        # Every option, kept as given: only the chosen ones become the select's choices when it renders (the
        # choices setter normalizes each of a district's 296 villages, ≈ 2 ms a page, for options never shown).
        self.all_choices = list(all_choices)

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v not in (None, "")}
        self.choices = [(v, label) for v, label in self.all_choices if v == "" or str(v) in chosen]
        try:
            select = super().render(name, value, attrs, renderer)
        finally:
            self.choices = []
        widget_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        search = (f'<input type="search" class="form-control form-control-sm mb-1" form="{_escape(widget_id)}-search" '
                  f'name="q" autocomplete="off" placeholder="{_escape(SEARCH_PLACEHOLDER)}" '
                  f'aria-label="{_escape(SEARCH_LABEL)}" hx-get="{_escape(self.options_url)}" '
                  f'hx-trigger="input changed delay:300ms, search" hx-target="#{_escape(widget_id)}" '
                  f'hx-swap="innerHTML" data-testid="region-search">')
        return mark_safe(search + select)


class BaseFilterSet(django_filters.FilterSet):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for name, field in self.form.fields.items():
            # Region and other related choices show only what the user may see.
            queryset = getattr(field, "queryset", None)
            scoped = user is not None and queryset is not None and is_registered(queryset.model)
            if scoped:
                field.queryset = scope(user, queryset)
            widget = field.widget
            if type(widget) is forms.Select:
                field.widget = widget = _fast(widget)
                if isinstance(field, forms.ModelChoiceField):
                    choices = None
                    if field.queryset.model is Region:
                        key = _choices_key(type(self).base_filters.get(name), field, user, scoped)
                        choices = _region_choices(field, key)
                    if choices is not None:
                        if name == "village" and len(choices) > SEARCH_FROM_OPTIONS:
                            field.widget = widget = _searchable(widget, choices)  # the choices set once
                        else:
                            widget.choices = choices
                    elif type(field.choices) in _PLAIN:  # other models: one plain query
                        field.iterator = _PLAIN[type(field.choices)]
                        widget.choices = field.choices
            elif _INPUT_TEMPLATES.get(type(widget)) == widget.template_name:
                field.widget = widget = _fast_input(widget)
            if isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
                widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                widget.attrs.setdefault("class", "form-control form-control-sm")


class PlainModelChoiceIterator(ModelChoiceIterator):
    """Django's ``ModelChoiceIterator`` reading its rows with one plain query (DECISIONS 1523).

    Django's reads them through ``queryset.iterator()``: on PostgreSQL a server-side cursor, three statements
    (``DECLARE``, ``FETCH``, ``CLOSE``) for a filter's dozen departments or kinds of transfer form. The options are
    the same, in the same order, from the same (scoped) queryset, read once when the form is rendered."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a copy: the field's own queryset is left unread, as before
            yield self.choice(obj)


class PlainFilterChoiceIterator(django_filters.fields.ModelChoiceIterator, PlainModelChoiceIterator):
    """django-filter's iterator (its ``null_label`` option after the empty one) over the plain query's rows."""


# The iterator of a filter form's model choice field → the same over one plain query (DECISIONS 1523).
_PLAIN = {ModelChoiceIterator: PlainModelChoiceIterator,
          django_filters.fields.ModelChoiceIterator: PlainFilterChoiceIterator}


def _searchable(widget: FastSelect, choices) -> RegionSearchSelect:
    from django.urls import reverse

    search = RegionSearchSelect(attrs=widget.attrs, all_choices=choices, options_url=reverse("accounts:village_options"))
    search.is_required = widget.is_required
    search.is_localized = widget.is_localized
    return search


def _fast(widget: forms.Select) -> FastSelect:
    fast = FastSelect(attrs=widget.attrs, choices=widget.choices)
    fast.is_required = widget.is_required
    fast.is_localized = widget.is_localized
    return fast


DUE_STATE_CHOICES = (
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("later", _("Due later")),
)


class DueFilter(django_filters.ChoiceFilter):
    """到期 / 逾期 on a due-date field: overdue (before today), due today, or later. The list's other filters
    say which things are still owed (the home page's figures link here with both)."""

    def __init__(self, *args, field_name: str = "due_on", **kwargs):
        kwargs.setdefault("label", _("Due state"))
        kwargs.setdefault("choices", DUE_STATE_CHOICES)
        super().__init__(*args, field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        today = timezone.localdate()
        lookup = {"overdue": "lt", "today": "exact", "later": "gt"}.get(value)
        return qs.filter(**{f"{self.field_name}__{lookup}": today}) if lookup else qs


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number between ``min_value`` and ``max_value`` (pass them): ``?max_age=1e20`` or ``-100000`` is a
    form error in Chinese and an empty list, never a date or integer overflow (a 500)."""

    field_class = forms.IntegerField
