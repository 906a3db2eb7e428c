import django_filters
from django.utils.translation import gettext_lazy as _

from common.filters import BaseFilterSet
from intake.models import Feed, FeedBatch

from .choices import BatchSource, BatchStatus


class FeedBatchFilterSet(BaseFilterSet):
    feed = django_filters.ModelChoiceFilter(label=_("Data feed"), queryset=Feed.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BatchStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=BatchSource.choices)
    received_after = django_filters.DateFilter(label=_("Received from"), field_name="created_at", lookup_expr="date__gte",
                                               widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    received_before = django_filters.DateFilter(label=_("Received to"), field_name="created_at",
                                                lookup_expr="date__lte",
                                                widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = FeedBatch
        fields = ["feed", "status", "source"]
