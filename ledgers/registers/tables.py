"""The ledger lists on screen (the Excel export is the official layout, from selectors)."""
import django_tables2 as tables
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from cases.models import Investigation, Lead, Outcome
from common.tables import PHONE_HIDDEN, BaseTable, MaskedIDColumn


class _OutcomeLedgerTable(BaseTable):
    lead = tables.Column(verbose_name=_("lead number"), accessor="lead__number", linkify=lambda record:
                         record.lead.get_absolute_url(), attrs={"td": {"class": "font-monospace text-nowrap"}})
    person = tables.Column(verbose_name=_("full name"), accessor="lead__person__name")
    id_number = MaskedIDColumn(verbose_name=_("ID number"), accessor="lead__person__id_number", attrs=PHONE_HIDDEN)
    township = tables.Column(verbose_name=_("township"), accessor="lead__township__name",
                             order_by="lead__township__code", attrs=PHONE_HIDDEN)
    village = tables.Column(verbose_name=_("village"), accessor="lead__village__name",
                            order_by="lead__village__code", attrs=PHONE_HIDDEN)
    kind = tables.Column(verbose_name=_("outcome"))
    included_on = tables.DateColumn(verbose_name=_("date of inclusion"), format="Y-m-d")

    # What the cells read (the kind's label reads the referral's kind too): DECISIONS 1540.
    page_fields = ("kind", "referral_kind", "included_on", "lead__number", "lead__person__name",
                   "lead__person__id_number", "lead__township__name", "lead__village__name")

    class Meta(BaseTable.Meta):
        model = Outcome
        fields = ()
        order_by = ("-included_on",)

    def render_kind(self, record):
        return str(record)


class NewlyAssistedTable(_OutcomeLedgerTable):
    amount = tables.Column(verbose_name=_("amount (yuan)"), attrs={"td": {"class": "text-end"}})

    page_fields = (*_OutcomeLedgerTable.page_fields, "amount")

    class Meta(_OutcomeLedgerTable.Meta):
        sequence = ("lead", "person", "id_number", "township", "village", "kind", "amount", "included_on")


class ObservationTable(_OutcomeLedgerTable):
    reason = tables.Column(verbose_name=_("reason"), attrs=PHONE_HIDDEN)

    page_fields = (*_OutcomeLedgerTable.page_fields, "reason")

    class Meta(_OutcomeLedgerTable.Meta):
        sequence = ("lead", "person", "id_number", "township", "village", "included_on", "reason")
        exclude = ("kind",)


# Where the urgent list's leads keep their home visits (Prefetch(to_attr=…): a list, no queryset per lead).
INVESTIGATIONS = "page_investigations"


class UrgentTable(BaseTable):
    number = tables.Column(verbose_name=_("lead number"), linkify=True,
                           attrs={"td": {"class": "font-monospace text-nowrap"}})
    person = tables.Column(verbose_name=_("full name"), accessor="person__name")
    id_number = MaskedIDColumn(verbose_name=_("ID number"), accessor="person__id_number", attrs=PHONE_HIDDEN)
    township = tables.Column(verbose_name=_("township"), accessor="township__name", order_by="township__code",
                             attrs=PHONE_HIDDEN)
    discovered_on = tables.DateColumn(verbose_name=_("date discovered"), format="Y-m-d", attrs=PHONE_HIDDEN)
    health = tables.Column(verbose_name=_("health"), empty_values=(), orderable=False)
    labour_capacity = tables.Column(verbose_name=_("labour capacity"), empty_values=(), orderable=False,
                                    attrs=PHONE_HIDDEN)
    difficulty = tables.Column(verbose_name=_("difficulty class"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("status"))

    # The home visits, as a list of the fields shown (DECISIONS 1543).
    extra_prefetch_related = (Prefetch("investigations", to_attr=INVESTIGATIONS, queryset=Investigation.objects.only(
        "lead", "started_at", "health", "labour_capacity", "difficulty_class")),)
    page_fields = ("number", "discovered_on", "status", "person__name", "person__id_number", "township__name")

    class Meta(BaseTable.Meta):
        model = Lead
        fields = ()
        order_by = ("-discovered_on",)

    @staticmethod
    def _investigation(record):
        investigations = getattr(record, INVESTIGATIONS, None)
        if investigations is None:
            investigations = record.investigations.all()
        investigations = sorted(investigations, key=lambda i: (i.started_at, i.id))
        return investigations[-1] if investigations else None

    def render_health(self, record):
        inv = self._investigation(record)
        return inv.get_health_display() if inv is not None and inv.health else "—"

    def render_labour_capacity(self, record):
        inv = self._investigation(record)
        return inv.get_labour_capacity_display() if inv is not None and inv.labour_capacity else "—"

    def render_difficulty(self, record):
        inv = self._investigation(record)
        return inv.get_difficulty_class_display() if inv is not None and inv.difficulty_class else "—"
