"""Filters of the roster and visit lists (choices limited to the user's scope by the base filterset)."""
from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel, Role
from accounts.models import Region, User
from common import resident_id
from common.filters import BaseFilterSet
from intake.choices import Cadence, RosterCategory, VisitMode
from intake.models import RosterEntry, Visit

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PersonQueryMixin:
    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        normalized = resident_id.normalize(value)
        if normalized[:1].isdigit():
            return queryset.filter(person__id_number__startswith=normalized)
        return queryset.filter(person__name__startswith=value)


class RosterEntryFilterSet(_PersonQueryMixin, BaseFilterSet):
    DUE_CHOICES = (
        ("due", _("Due today or overdue")),
        ("overdue", _("Overdue")),
        ("today", _("Due today")),
        ("week", _("Due in the next 7 days")),
        ("later", _("Not yet due")),
    )
    STATE_CHOICES = (
        ("active", _("On the roster")),
        ("ended", _("Off the roster")),
        ("all", _("All")),
    )

    q = django_filters.CharFilter(label=_("Name or ID number"), method="filter_q")
    state = django_filters.ChoiceFilter(label=_("Roster status"), choices=STATE_CHOICES, empty_label=None,
                                        method="filter_state")
    due = django_filters.ChoiceFilter(label=_("Visit due"), choices=DUE_CHOICES, method="filter_due")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=RosterCategory.choices)
    cadence = django_filters.ChoiceFilter(label=_("Visit cadence"), choices=Cadence.choices)
    assistant = django_filters.ModelChoiceFilter(
        label=_("Assigned assistant"), queryset=User.objects.filter(role=Role.VILLAGE_ASSISTANT, is_active=True))
    due_from = django_filters.DateFilter(label=_("Due from"), field_name="next_due_on", lookup_expr="gte",
                                         widget=DATE_WIDGET)
    due_to = django_filters.DateFilter(label=_("Due until"), field_name="next_due_on", lookup_expr="lte",
                                       widget=DATE_WIDGET)

    class Meta:
        model = RosterEntry
        fields = ["q", "state", "due", "township", "village", "category", "cadence", "assistant"]

    def __init__(self, data=None, *args, **kwargs):
        # The roster shows the people on it unless asked otherwise.
        if data is None or not data.get("state"):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["state"] = "active"
        super().__init__(data, *args, **kwargs)
        self.form.fields["assistant"].label_from_instance = lambda u: u.display_name

    def filter_state(self, queryset, name, value):
        if value == "active":
            return queryset.filter(until__isnull=True)
        if value == "ended":
            return queryset.filter(until__isnull=False)
        return queryset

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        active = queryset.filter(until__isnull=True)
        return {
            "due": lambda: active.filter(next_due_on__lte=today),
            "overdue": lambda: active.filter(next_due_on__lt=today),
            "today": lambda: active.filter(next_due_on=today),
            "week": lambda: active.filter(next_due_on__gt=today, next_due_on__lte=today + dt.timedelta(days=7)),
            "later": lambda: active.filter(next_due_on__gt=today),
        }.get(value, lambda: queryset)()


class VisitFilterSet(_PersonQueryMixin, BaseFilterSet):
    YES_NO = (("1", _("Yes")), ("0", _("No")))

    q = django_filters.CharFilter(label=_("Name or ID number"), method="filter_q")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    mode = django_filters.ChoiceFilter(label=_("How"), choices=VisitMode.choices)
    found_hardship = django_filters.ChoiceFilter(label=_("Found new hardship"), choices=YES_NO,
                                                 method="filter_yes_no")
    met_in_person = django_filters.ChoiceFilter(label=_("Met the person"), choices=YES_NO, method="filter_yes_no")
    date_from = django_filters.DateFilter(label=_("Visited from"), field_name="visited_on", lookup_expr="gte",
                                          widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(label=_("Visited until"), field_name="visited_on", lookup_expr="lte",
                                        widget=DATE_WIDGET)
    visitor = django_filters.ModelChoiceFilter(label=_("Visitor"), queryset=User.objects.filter(is_active=True))

    class Meta:
        model = Visit
        fields = ["q", "township", "village", "mode", "found_hardship", "met_in_person", "visitor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["visitor"].label_from_instance = lambda u: u.display_name

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "1"})

