"""Filters of the list behind the dashboard's feed punctuality chart (scheduled department deliveries)."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from common.filters import BaseFilterSet, DueFilter
from intake.models import Feed, FeedDeadline

from ..punctuality import PUNCTUALITY, by_punctuality


class FeedDeadlineFilterSet(BaseFilterSet):
    department = django_filters.ModelChoiceFilter(label=_("Department"), field_name="feed__department",
                                                  queryset=Department.objects.all())
    feed = django_filters.ModelChoiceFilter(label=_("Data feed"), queryset=Feed.objects.all())
    due = DueFilter(label=_("Delivery due"))
    punctuality = django_filters.ChoiceFilter(label=_("Punctuality"), choices=PUNCTUALITY, method="filter_punctuality")
    due_after = django_filters.DateFilter(label=_("Delivery due from"), field_name="due_on", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    due_before = django_filters.DateFilter(label=_("Delivery due to"), field_name="due_on", lookup_expr="lte",
                                           widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = FeedDeadline
        fields = ["department", "feed", "punctuality"]

    def filter_punctuality(self, queryset, name, value):
        return by_punctuality(queryset, value)
