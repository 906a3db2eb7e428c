"""The filter of a screening's people."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy

from accounts.choices import RegionLevel
from accounts.models import Region
from common.filters import BaseFilterSet
from intake.screenings.models import CampaignTarget


# --- one screening: progress per village, its people, flagging a household, a visit to a flagged one -----------
class CampaignTargetFilterSet(BaseFilterSet):
    village = django_filters.ModelChoiceFilter(label=gettext_lazy("Village"),
                                               queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    visited = django_filters.ChoiceFilter(label=gettext_lazy("Visited"), method="filter_visited",
                                          choices=[("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))])
    from_roster = django_filters.ChoiceFilter(label=gettext_lazy("Why"), method="filter_roster",
                                              choices=[("1", gettext_lazy("On the key roster")),
                                                       ("0", gettext_lazy("Flagged household"))])

    class Meta:
        model = CampaignTarget
        fields = ["village"]

    def filter_visited(self, queryset, name, value):
        return queryset.filter(visited_on__isnull=value != "1")

    def filter_roster(self, queryset, name, value):
        return queryset.filter(from_roster=value == "1")
