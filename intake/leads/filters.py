import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from cases.choices import ASSISTED_OUTCOMES, Channel, DiscoveryMethod, LeadStatus, OutcomeKind, OutcomeStatus
from cases.models import Lead, Outcome, ReliefKind
from common import resident_id
from common.filters import BaseFilterSet, DueFilter

# Stages of a lead's handling (the dashboard's conversion chart links here with ``stage``). Merged
# leads are duplicates of another lead and never counted; the stages are not nested: a 急难 lead gets
# relief through the green channel before its investigation is assessed.
STAGE_CHOICES = (
    ("counted", _("All but merged duplicates")),
    ("accepted", _("Accepted")),
    ("assessed", _("Investigation result recorded")),
    ("assisted", _("Included in relief")),
)


# What a lead owes now (cases/obligations.py): its acceptance, or its investigation result.
DUTY_CHOICES = (
    ("acceptance", _("Acceptance")),
    ("investigation", _("Investigation result")),
)


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
    # "全部" first, never Django's "未知" (unknown): an empty choice means the filter is not applied.
    is_urgent = django_filters.BooleanFilter(label=_("Urgent (急难)"), widget=django_filters.widgets.forms.Select(
        choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]))
    is_late_report = django_filters.BooleanFilter(label=_("Late report"), widget=django_filters.widgets.forms.Select(
        choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]))
    discovered_after = django_filters.DateFilter(label=_("Discovered from"), field_name="discovered_on",
                                                 lookup_expr="gte", widget=django_filters.widgets.forms.DateInput(
                                                     attrs={"type": "date"}))
    discovered_before = django_filters.DateFilter(label=_("Discovered to"), field_name="discovered_on",
                                                  lookup_expr="lte", widget=django_filters.widgets.forms.DateInput(
                                                      attrs={"type": "date"}))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=STAGE_CHOICES, method="filter_stage")
    outcome = django_filters.ChoiceFilter(label=_("Outcome handled"), choices=OutcomeKind.choices,
                                          method="filter_outcome")
    duty = django_filters.ChoiceFilter(label=_("Owed now"), choices=DUTY_CHOICES, method="filter_duty")
    due = DueFilter()

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

    def filter_duty(self, queryset, name, value):
        if value == "acceptance":
            return queryset.filter(status=LeadStatus.REPORTED)
        if value == "investigation":
            return queryset.filter(status__in=(LeadStatus.ACCEPTED, LeadStatus.INVESTIGATING))
        return queryset

    def filter_stage(self, queryset, name, value):
        queryset = queryset.exclude(status=LeadStatus.MERGED)
        if value == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        if value == "assessed":
            return queryset.filter(assessed_at__isnull=False)
        if value == "assisted":
            return queryset.filter(Exists(Outcome.objects.filter(
                lead=OuterRef("pk"), status=OutcomeStatus.DONE, kind__in=ASSISTED_OUTCOMES)))
        return queryset

    def filter_outcome(self, queryset, name, value):
        """Leads with a handled (done) outcome of this kind, each lead once."""
        return queryset.filter(Exists(Outcome.objects.filter(lead=OuterRef("pk"), status=OutcomeStatus.DONE,
                                                             kind=value)))
