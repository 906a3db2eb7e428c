"""The table of a screening's people."""
from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.links import reverse_pk
from common.tables import PHONE_HIDDEN, BaseTable, MaskedIDColumn
from intake.screenings.models import CampaignTarget


class CampaignTargetTable(BaseTable):
    township = tables.Column(verbose_name=gettext_lazy("township"), attrs=PHONE_HIDDEN)
    village = tables.Column(verbose_name=gettext_lazy("village"))
    person__name = tables.Column(verbose_name=gettext_lazy("full name"))
    person__id_number = MaskedIDColumn(verbose_name=gettext_lazy("ID number"))
    from_roster = tables.Column(verbose_name=gettext_lazy("why"), attrs=PHONE_HIDDEN)
    visited_on = tables.DateColumn(verbose_name=gettext_lazy("visited on"), format="Y-m-d", default="")
    action = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = CampaignTarget
        fields = ("township", "village", "person__name", "person__id_number", "from_roster", "visited_on")
        order_by = ("village", "person__name")

    def render_from_roster(self, value):
        return _("On the key roster") if value else _("Flagged household")

    def value_from_roster(self, value):
        return self.render_from_roster(value)

    def render_action(self, record, value):
        if record.visited_on is not None:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Visited"))
        if record.from_roster:
            return format_html('<span class="small text-muted">{}</span>', _("Visit from the roster"))
        return format_html('<a class="btn btn-sm btn-outline-primary py-0" href="{}">{}</a>',
                           reverse_pk("intake:campaign_target_visit", record.pk), _("Record the visit"))
