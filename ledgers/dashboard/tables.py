"""The table of scheduled department deliveries (the list behind the feed punctuality chart)."""
import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.tables import PHONE_HIDDEN, BaseTable
from intake.models import FeedDeadline


class FeedDeadlineTable(BaseTable):
    feed = tables.Column(verbose_name=_("Data feed"), accessor="feed__name")
    department = tables.Column(verbose_name=_("Department"), accessor="feed__department__short_name",
                               attrs=PHONE_HIDDEN)
    period = tables.Column(verbose_name=_("Period"), accessor="period_start", order_by=("period_start",))
    due_on = tables.DateColumn(verbose_name=_("Delivery due on"), format="Y-m-d")
    delivered_at = tables.DateTimeColumn(verbose_name=_("Delivered at"), format="Y-m-d H:i",
                                         default="—")
    state = tables.Column(verbose_name=_("Punctuality"), accessor="due_on", orderable=False)

    class Meta(BaseTable.Meta):
        model = FeedDeadline
        fields = ("feed", "department", "period", "due_on", "delivered_at", "state")
        order_by = ("-due_on",)

    def render_period(self, record):
        return f"{record.period_start:%Y-%m-%d}—{record.period_end:%Y-%m-%d}"

    def value_period(self, record):
        return self.render_period(record)

    @staticmethod
    def _state(record) -> tuple[str, str]:
        if record.delivered_at is None:
            if record.due_on >= timezone.localdate():
                return "secondary", str(_("Delivery not due yet"))
            return "danger", str(_("Not delivered"))
        if timezone.localdate(record.delivered_at) > record.due_on:
            return "warning", str(_("Delivered late"))
        return "success", str(_("Delivered on time"))

    def render_state(self, record):
        colour, label = self._state(record)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)

    def value_state(self, record):
        return self._state(record)[1]
