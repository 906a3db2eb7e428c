import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.models import Lead
from common.tables import PHONE_HIDDEN, BaseTable, DueColumn, ManyNamesColumn, MaskedIDColumn


class LeadTable(BaseTable):
    number = tables.Column(linkify=True, verbose_name=_("lead number"), attrs={"td": {"class": "font-monospace small"}})
    person__name = tables.Column(verbose_name=_("full name"))
    person__id_number = MaskedIDColumn(verbose_name=_("ID number"), attrs={
        "th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell font-monospace small"}})
    township = tables.Column(verbose_name=_("township"), attrs=PHONE_HIDDEN)
    village = tables.Column(verbose_name=_("village"))
    method = tables.Column(verbose_name=_("discovery method"), attrs=PHONE_HIDDEN)
    channel = tables.Column(verbose_name=_("channel"), attrs=PHONE_HIDDEN)
    suspected_relief = ManyNamesColumn(verbose_name=_("suspected relief"), attrs=PHONE_HIDDEN)
    is_urgent = tables.BooleanColumn(verbose_name=_("urgent (急难)"), yesno="急难,—")
    status = tables.Column(verbose_name=_("status"))
    discovered_on = tables.DateColumn(verbose_name=_("date discovered"), format="Y-m-d")
    due_on = DueColumn(verbose_name=_("due (acceptance or investigation)"))

    class Meta(BaseTable.Meta):
        model = Lead
        # The name, status and urgency first: what a 360-px phone shows without scrolling.
        fields = ("person__name", "status", "is_urgent", "number", "person__id_number", "township", "village",
                  "method", "channel", "suspected_relief", "discovered_on", "due_on")
        order_by = ("-reported_at",)
        row_attrs = {"class": lambda record: "table-danger" if record.is_urgent and record.is_open else ""}

    def render_is_urgent(self, value):
        return format_html('<span class="badge text-bg-danger">{}</span>', "急难") if value else "—"

    def value_is_urgent(self, value):
        return bool(value)  # 是/否 in the export
