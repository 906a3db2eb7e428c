"""Filters of the ledger lists; the ledger export follows them."""
import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from cases.choices import ASSISTED_OUTCOMES, DifficultyClass, LeadStatus, OutcomeKind
from cases.models import Investigation, Lead, Outcome
from common import resident_id
from common.filters import BaseFilterSet

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def _person_q(prefix: str, value: str) -> Q:
    """A lead number, an ID number (or its start) or the start of a name."""
    value = value.strip()
    if "-" in value and value[:1].isdigit():
        return Q(**{f"{prefix}number__startswith": value})
    normalized = resident_id.normalize(value)
    if normalized[:1].isdigit():
        return Q(**{f"{prefix}person__id_number__startswith": normalized})
    return Q(**{f"{prefix}person__name__startswith": value})


class _OutcomeLedgerFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Lead number, name or ID number"), method="filter_q")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), field_name="lead__township", queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), field_name="lead__village", queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    included_from = django_filters.DateFilter(label=_("Included from"), field_name="included_on",
                                              lookup_expr="gte", **DATE)
    included_to = django_filters.DateFilter(label=_("Included until"), field_name="included_on",
                                            lookup_expr="lte", **DATE)

    def filter_q(self, queryset, name, value):
        return queryset.filter(_person_q("lead__", value)) if value.strip() else queryset


class NewlyAssistedFilterSet(_OutcomeLedgerFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Assistance"), choices=[(k, label) for k, label in OutcomeKind.choices if k in ASSISTED_OUTCOMES])

    class Meta:
        model = Outcome
        fields = ["q", "township", "village", "kind", "included_from", "included_to"]


class ObservationFilterSet(_OutcomeLedgerFilterSet):
    class Meta:
        model = Outcome
        fields = ["q", "township", "village", "included_from", "included_to"]


class UrgentFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(label=_("Lead number, name or ID number"), method="filter_q")
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), queryset=Region.objects.filter(level=RegionLevel.VILLAGE))
    status = django_filters.ChoiceFilter(label=_("Status"),
                                         choices=[c for c in LeadStatus.choices if c[0] != LeadStatus.MERGED])
    difficulty = django_filters.ChoiceFilter(label=_("Difficulty class"), choices=DifficultyClass.choices,
                                             method="filter_difficulty")
    discovered_from = django_filters.DateFilter(label=_("Discovered from"), field_name="discovered_on",
                                                lookup_expr="gte", **DATE)
    discovered_to = django_filters.DateFilter(label=_("Discovered to"), field_name="discovered_on",
                                              lookup_expr="lte", **DATE)

    class Meta:
        model = Lead
        fields = ["q", "township", "village", "status", "difficulty", "discovered_from", "discovered_to"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(_person_q("", value)) if value.strip() else queryset

    def filter_difficulty(self, queryset, name, value):
        # Any investigation of the lead with that class (a lead has one investigation in practice).
        return queryset.filter(Exists(Investigation.objects.filter(lead=OuterRef("pk"), difficulty_class=value)))
