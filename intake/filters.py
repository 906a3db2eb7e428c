import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from cases.choices import Channel, DiscoveryMethod, LeadStatus
from cases.models import Lead, ReliefKind
from common import resident_id
from common.filters import BaseFilterSet


class LeadFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Number, name or ID number"), method="filter_q")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LeadStatus.choices)
    method = django_filters.ChoiceFilter(label=_("Discovery method"), choices=DiscoveryMethod.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    suspected_relief = django_filters.ModelChoiceFilter(label=_("Suspected relief"),
                                                        queryset=ReliefKind.objects.all())
    is_urgent = django_filters.BooleanFilter(label=_("Urgent (急难)"))
    is_late_report = django_filters.BooleanFilter(label=_("Late report"))
    discovered_after = django_filters.DateFilter(label=_("Discovered from"), field_name="discovered_on",
                                                 lookup_expr="gte", widget=django_filters.widgets.forms.DateInput(
                                                     attrs={"type": "date"}))
    discovered_before = django_filters.DateFilter(label=_("Discovered to"), field_name="discovered_on",
                                                  lookup_expr="lte", widget=django_filters.widgets.forms.DateInput(
                                                      attrs={"type": "date"}))

    class Meta:
        model = Lead
        fields = ["q", "township", "village", "status", "method", "channel", "suspected_relief", "is_urgent",
                  "is_late_report"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if "-" in value and value[:1].isdigit():
            return queryset.filter(number__startswith=value)
        normalized = resident_id.normalize(value)
        if normalized[:1].isdigit():
            return queryset.filter(person__id_number__startswith=normalized)
        return queryset.filter(Q(person__name__startswith=value))
