import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from common import resident_id
from common.filters import BaseFilterSet

from .choices import AssistanceStatus, Sex
from .models import Person, VulnerabilityTag


class PersonFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Name or ID number"), method="filter_q")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    assistance_status = django_filters.ChoiceFilter(
        label=_("Assistance status"), choices=AssistanceStatus.choices)
    tags = django_filters.ModelChoiceFilter(
        label=_("Vulnerability tag"), queryset=VulnerabilityTag.objects.all())
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    min_age = django_filters.NumberFilter(label=_("Age from"), method="filter_min_age")
    max_age = django_filters.NumberFilter(label=_("Age to"), method="filter_max_age")

    class Meta:
        model = Person
        fields = ["q", "township", "village", "assistance_status", "tags", "sex"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        normalized = resident_id.normalize(value)
        if normalized[:1].isdigit():
            # An ID number, whole or its beginning (typed at the counter).
            return queryset.filter(id_number__startswith=normalized)
        return queryset.filter(Q(name__startswith=value) | Q(name=value))

    def _birth_bound(self, years: int):
        from django.utils import timezone

        today = timezone.localdate()
        try:
            return today.replace(year=today.year - int(years))
        except ValueError:  # 29 February
            return today.replace(year=today.year - int(years), day=28)

    def filter_min_age(self, queryset, name, value):
        return queryset.filter(birth_date__lte=self._birth_bound(value))

    def filter_max_age(self, queryset, name, value):
        return queryset.filter(birth_date__gt=self._birth_bound(int(value) + 1))
