import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from common import resident_id
from common.filters import BaseFilterSet, DueFilter, WholeNumberFilter

from .choices import (
    ASSISTED_OUTCOMES, AssistanceStatus, Channel, DiscoveryMethod, FollowUpKind, FollowUpStatus, LeadStatus, OutcomeKind,
    OutcomeStatus, Paperwork, ReferralKind, Sex, SpotCheckFinding,
)
from .models import FollowUp, Lead, Outcome, Person, ReliefKind, SpotCheck, VulnerabilityTag


MAX_AGE = 150  # ages the filters accept (the registry's births start 1900: common.resident_id)


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
    min_age = WholeNumberFilter(label=_("Age from"), method="filter_min_age", min_value=0, max_value=MAX_AGE)
    max_age = WholeNumberFilter(label=_("Age to"), method="filter_max_age", min_value=0, max_value=MAX_AGE)

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


class FollowUpFilterSet(BaseFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FollowUpStatus.choices,
                                         empty_label=_("Due (not done)"), method="filter_status")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FollowUpKind.choices)
    due = DueFilter()
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), field_name="township", queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    due_before = django_filters.DateFilter(label=_("Due by"), field_name="due_on", lookup_expr="lte",
                                           widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = FollowUp
        fields = ["status", "kind", "township"]

    @property
    def qs(self):
        qs = super().qs
        if not (self.form.is_bound and self.data.get("status")):
            qs = qs.filter(status=FollowUpStatus.DUE)  # the due list shows what is still to do
        return qs

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value) if value else queryset


class OutcomeFilterSet(BaseFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Outcome"), choices=OutcomeKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OutcomeStatus.choices)
    paperwork = django_filters.ChoiceFilter(label=_("Papers"), choices=Paperwork.choices)
    due = DueFilter(label=_("Decision or papers due"), method="filter_due")
    referral_kind = django_filters.ChoiceFilter(label=_("Special relief"), choices=ReferralKind.choices)
    filing = django_filters.ChoiceFilter(label=_("Filing with the district (备案)"), method="filter_filing",
                                         choices=[("owed", _("Not received yet")), ("received", _("Received"))])
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), field_name="township", queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    included_after = django_filters.DateFilter(label=_("Included from"), field_name="included_on",
                                               lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"}))
    included_before = django_filters.DateFilter(label=_("Included to"), field_name="included_on",
                                                lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Outcome
        fields = ["kind", "status", "paperwork", "referral_kind", "township"]

    def filter_due(self, queryset, name, value):
        """Decisions owed (低保/特困 being processed) or papers owed, by their own due date."""
        from django.db.models import Q

        today = timezone.localdate()
        lookup = {"overdue": "lt", "today": "exact", "later": "gt"}.get(value)
        if not lookup:
            return queryset
        if self.data.get("filing") == "owed":  # 备案 owed: by its own due date (issue 17 rule 8)
            return queryset.filter(**{f"filing_due_on__{lookup}": today})
        return queryset.filter(Q(**{f"decision_due_on__{lookup}": today}, status=OutcomeStatus.IN_PROGRESS)
                               | Q(**{f"paperwork_due_on__{lookup}": today}, paperwork=Paperwork.OWED))

    def filter_filing(self, queryset, name, value):
        if value == "owed":
            return queryset.filter(filing_due_on__isnull=False, filing_received_on__isnull=True)
        if value == "received":
            return queryset.filter(filing_received_on__isnull=False)
        return queryset


class SpotCheckFilterSet(BaseFilterSet):
    finding = django_filters.ChoiceFilter(label=_("Finding"), choices=SpotCheckFinding.choices)
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP))
    month = django_filters.DateFilter(label=_("Month sampled"), field_name="month", input_formats=["%Y-%m"],
                                      widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                                      method="filter_month")

    level = django_filters.ChoiceFilter(label=_("Drawn by"), choices=[("district", _("District")),
                                                                      ("township", _("Township"))])

    class Meta:
        model = SpotCheck
        fields = ["finding", "township", "level"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(month=value.replace(day=1))


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
