import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.tables import PHONE_HIDDEN, BaseTable
from intake.models import FeedBatch

from .choices import BatchStatus

STATUS_BADGE = {
    BatchStatus.DONE: "success", BatchStatus.FAILED: "danger", BatchStatus.PROCESSING: "primary",
    BatchStatus.QUEUED: "info", BatchStatus.PREVIEW: "warning", BatchStatus.CANCELLED: "secondary",
}


class FeedBatchTable(BaseTable):
    id = tables.Column(linkify=True, verbose_name=_("number"), attrs={"td": {"class": "font-monospace small"}})
    feed = tables.Column(verbose_name=_("data feed"))
    department = tables.Column(accessor="department__short_name", verbose_name=_("department"), attrs=PHONE_HIDDEN)
    source = tables.Column(verbose_name=_("source"), attrs=PHONE_HIDDEN)
    period_start = tables.DateColumn(verbose_name=_("period from"), format="Y-m-d", attrs=PHONE_HIDDEN)
    period_end = tables.DateColumn(verbose_name=_("period to"), format="Y-m-d", attrs=PHONE_HIDDEN)
    status = tables.Column(verbose_name=_("status"))
    rows_accepted = tables.Column(verbose_name=_("accepted"), attrs=PHONE_HIDDEN)
    rows_rejected = tables.Column(verbose_name=_("rejected"), attrs=PHONE_HIDDEN)
    leads_raised = tables.Column(verbose_name=_("leads raised"))
    created_at = tables.DateTimeColumn(verbose_name=_("received"), format="Y-m-d H:i", attrs=PHONE_HIDDEN)

    class Meta(BaseTable.Meta):
        model = FeedBatch
        fields = ("id", "feed", "department", "source", "period_start", "period_end", "status", "rows_accepted",
                  "rows_rejected", "leads_raised", "created_at")
        order_by = ("-created_at",)

    def render_status(self, record, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', STATUS_BADGE.get(record.status, "light"), value)

    def value_status(self, record, value):
        return record.get_status_display()
