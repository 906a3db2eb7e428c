"""The filter of the township's public-report list."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from common.filters import BaseFilterSet
from intake.choices import PublicReportStatus
from intake.models import PublicReport


class PublicReportFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name, reference or phone"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PublicReportStatus.choices,
                                         empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    is_urgent = django_filters.BooleanFilter(label=_("Urgent"), widget=forms.Select(choices=[
        ("", _("All")), ("true", _("Urgent only")), ("false", _("Not urgent"))]))
    received_from = django_filters.DateFilter(label=_("Received from"), field_name="created_at",
                                              lookup_expr="date__gte",
                                              widget=forms.DateInput(attrs={"type": "date"}))
    received_to = django_filters.DateFilter(label=_("Received to"), field_name="created_at",
                                            lookup_expr="date__lte",
                                            widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = PublicReport
        fields = ["q", "status", "township", "village", "is_urgent"]

    def __init__(self, data=None, *args, **kwargs):
        # The list opens on what is waiting: pending reports, unless another status is asked for.
        if data is None or "status" not in data:
            data = data.copy() if data is not None else {}
            data["status"] = PublicReportStatus.PENDING
        super().__init__(data, *args, **kwargs)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(subject_name__startswith=value) | Q(reference=value.upper())
                               | Q(reporter_phone__contains=value))
