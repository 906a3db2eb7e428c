import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.links import reverse_pk
from common.tables import PHONE_HIDDEN, BaseTable, DueColumn, ManyNamesColumn, MaskedIDColumn

from .choices import OutcomeStatus
from .models import FollowUp, Lead, Outcome, Person, SpotCheck


class PersonTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("full name"))
    id_number = MaskedIDColumn(verbose_name=_("ID number"))
    sex = tables.Column(verbose_name=_("sex"), attrs=PHONE_HIDDEN)
    age = tables.Column(verbose_name=_("age"), accessor="birth_date", order_by=("-birth_date",))
    township = tables.Column(verbose_name=_("township"), attrs=PHONE_HIDDEN)
    village = tables.Column(verbose_name=_("village"))
    relation = tables.Column(verbose_name=_("relation to head"), attrs=PHONE_HIDDEN)
    assistance_status = tables.Column(verbose_name=_("assistance status"))
    tags = ManyNamesColumn(verbose_name=_("vulnerability tags"))

    page_fields = ("name", "id_number", "sex", "birth_date", "relation", "assistance_status", "township__name",
                   "village__name")  # DECISIONS 1540

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "id_number", "sex", "age", "township", "village", "relation",
                  "assistance_status", "tags")
        order_by = ("id",)

    def render_age(self, record):
        return record.age

    def value_age(self, record):
        return record.age


def _lead_link(record_lead):
    return record_lead.get_absolute_url()


class FollowUpTable(BaseTable):
    """The caseworker's due list: follow-up visits and observation reviews."""

    due_on = tables.DateColumn(verbose_name=_("due"), format="Y-m-d")
    lead__person__name = tables.Column(verbose_name=_("full name"),
                                       linkify=lambda record: reverse_pk("cases:follow_up_record", record.pk))
    kind = tables.Column(verbose_name=_("kind"))
    lead__village = tables.Column(verbose_name=_("village"), attrs=PHONE_HIDDEN)
    lead__number = tables.Column(verbose_name=_("lead number"), linkify=lambda record: _lead_link(record.lead),
                                 attrs={"th": PHONE_HIDDEN["th"],
                                        "td": {"class": "d-none d-md-table-cell font-monospace small"}})
    lead__archive_class = tables.Column(verbose_name=_("archive class"), attrs=PHONE_HIDDEN)
    status = tables.Column(verbose_name=_("status"))
    done_on = tables.DateColumn(verbose_name=_("date done"), format="Y-m-d", attrs=PHONE_HIDDEN)

    class Meta(BaseTable.Meta):
        model = FollowUp
        fields = ("due_on", "lead__person__name", "kind", "lead__village", "lead__number", "lead__archive_class",
                  "status", "done_on")
        order_by = ("due_on",)
        row_attrs = {"class": lambda record: "table-warning" if record.is_overdue else "",
                     "data-testid": "follow-up-row"}

    def render_status(self, record, value):
        if record.is_overdue:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', value, _("Overdue"))
        return value


class OutcomeTable(BaseTable):
    lead__number = tables.Column(verbose_name=_("lead number"), linkify=lambda record: _lead_link(record.lead),
                                 attrs={"td": {"class": "font-monospace small"}})
    lead__person__name = tables.Column(verbose_name=_("full name"))
    lead__person__id_number = MaskedIDColumn(verbose_name=_("ID number"), attrs={
        "th": PHONE_HIDDEN["th"], "td": {"class": "d-none d-md-table-cell font-monospace small"}})
    lead__township = tables.Column(verbose_name=_("township"), attrs=PHONE_HIDDEN)
    kind = tables.Column(verbose_name=_("outcome"))
    referral_kind = tables.Column(verbose_name=_("special relief"), attrs=PHONE_HIDDEN)
    amount = tables.Column(verbose_name=_("amount (yuan)"), attrs=PHONE_HIDDEN)
    status = tables.Column(verbose_name=_("status"))
    included_on = tables.DateColumn(verbose_name=_("date of inclusion"), format="Y-m-d")
    paperwork = tables.Column(verbose_name=_("papers"), attrs=PHONE_HIDDEN)
    paperwork_due_on = tables.DateColumn(verbose_name=_("papers due"), format="Y-m-d", attrs=PHONE_HIDDEN)
    decision_due_on = DueColumn(verbose_name=_("decision due"))

    page_fields = ("kind", "referral_kind", "amount", "status", "included_on", "paperwork", "paperwork_due_on",
                   "decision_due_on", "lead__number", "lead__person__name", "lead__person__id_number",
                   "lead__township__name")  # DECISIONS 1540

    class Meta(BaseTable.Meta):
        model = Outcome
        fields = ("lead__number", "lead__person__name", "lead__person__id_number", "lead__township", "kind",
                  "referral_kind", "amount", "status", "decision_due_on", "included_on", "paperwork",
                  "paperwork_due_on")
        order_by = ("-recorded_at",)

    def render_decision_due_on(self, value, record):
        """Only while the 低保 / 特困 decision is still owed."""
        return DueColumn().render(value) if record.status == OutcomeStatus.IN_PROGRESS else "—"

    def value_decision_due_on(self, value, record):
        return value if record.status == OutcomeStatus.IN_PROGRESS else None


class SpotCheckTable(BaseTable):
    month = tables.DateColumn(verbose_name=_("month sampled"), format="Y-m")
    township = tables.Column(verbose_name=_("township"), attrs=PHONE_HIDDEN)
    lead__person__name = tables.Column(verbose_name=_("full name"),
                                       linkify=lambda record: reverse_pk("cases:spot_check_record", record.pk))
    lead__number = tables.Column(verbose_name=_("lead number"), linkify=lambda record: _lead_link(record.lead),
                                 attrs={"th": PHONE_HIDDEN["th"],
                                        "td": {"class": "d-none d-md-table-cell font-monospace small"}})
    lead__archive_class = tables.Column(verbose_name=_("archive class"), attrs=PHONE_HIDDEN)
    finding = tables.Column(verbose_name=_("finding"))
    visited_on = tables.DateColumn(verbose_name=_("date of the visit"), format="Y-m-d",
                                   attrs=PHONE_HIDDEN)
    level = tables.Column(verbose_name=_("drawn by"), attrs=PHONE_HIDDEN)  # district, or the township's own

    class Meta(BaseTable.Meta):
        model = SpotCheck
        fields = ("month", "township", "lead__person__name", "lead__number", "lead__archive_class", "finding",
                  "visited_on", "level")
        order_by = ("-month", "township")


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

    # What the cells and the row's class read (DECISIONS 1540).
    page_fields = ("number", "method", "channel", "is_urgent", "status", "discovered_on", "due_on", "person__name",
                   "person__id_number", "township__name", "village__name")

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
