"""Tables of the roster and visit lists (the base table fetches what the columns show)."""
from __future__ import annotations

import html

import django_tables2 as tables
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.links import reverse_pk
from common.tables import PHONE_HIDDEN, BaseTable, MaskedIDColumn
from intake.choices import Cadence
from intake.models import RosterEntry, SevereWeatherPeriod, Visit
from intake.roster import selectors as roster_selectors
from intake.roster import services as roster


def _yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


class RosterEntryTable(BaseTable):
    name = tables.Column(accessor="person__name", verbose_name=_("full name"), order_by=("person__name", "id"),
                         linkify=lambda record: reverse_pk("intake:roster_detail", record.pk))
    id_number = MaskedIDColumn(accessor="person__id_number", verbose_name=_("ID number"))
    township = tables.Column(verbose_name=_("township"), attrs=PHONE_HIDDEN, order_by=("township__code", "id"))
    village = tables.Column(verbose_name=_("village"), order_by=("village__code", "id"))
    category = tables.Column(verbose_name=_("category"))
    cadence = tables.Column(verbose_name=_("visit cadence"))
    assistant = tables.Column(verbose_name=_("assigned assistant"), attrs=PHONE_HIDDEN, order_by=("assistant__username",))
    last_visited_on = tables.DateColumn(format="Y-m-d", verbose_name=_("last visited"), order_by=("last_visited_on", "id"))
    next_due_on = tables.Column(verbose_name=_("next visit due"), empty_values=(), order_by=("next_due_on", "id"))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    # effective_cadence reads the person's tags (gravely ill) and status: fetched once for the page, the tags'
    # codes as a list on the person, read at the first row (``rows_tag_codes``, DECISIONS 1541, 1580).
    extra_select_related = ("person",)
    export_exclude = ("actions",)
    # The cadence reads the person's status (severe weather) and the township; the actions and the due date
    # whether the entry ended.
    page_fields = ("category", "cadence", "until", "last_visited_on", "next_due_on", "person__name",
                   "person__id_number", "person__assistance_status", "township__name", "village__name",
                   "assistant__full_name", "assistant__username")

    class Meta(BaseTable.Meta):
        model = RosterEntry
        # What an assistant needs on a phone first: who, when due, the button; the rest scrolls.
        fields = ("name", "next_due_on", "actions", "category", "cadence", "id_number", "village", "township",
                  "assistant", "last_visited_on")
        sequence = fields
        order_by = ("next_due_on",)

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def severe_townships(self) -> set[int]:
        request = getattr(self, "request", None)
        if request is not None:
            return roster_selectors.severe_weather_townships(user=request.user, day=self.today)
        # An export (no request): the townships of the rows being listed, which are already scoped. A
        # streamed export hands the table a chunk of rows (a list), a page a queryset.
        rows = self.data.data
        townships = ({row.township_id for row in rows} if isinstance(rows, list)
                     else rows.order_by().values("township_id"))
        return set(SevereWeatherPeriod.objects.filter(
            starts_on__lte=self.today, ends_on__gte=self.today,
            township_id__in=townships).values_list("township_id", flat=True))

    @cached_property
    def rows_tag_codes(self) -> bool:
        """Read the tag codes of the people of this table's rows, once (one query, where a prefetch of the tags ran
        before): the rows of the page, or the chunk of rows an export hands the table."""
        page = getattr(self, "page", None)  # its rows (a slice of the table's data) are read by now
        records = page.object_list.data if page is not None else self.data
        people = {id(record.person): record.person for record in records}.values()
        codes = roster_selectors.tag_codes_by_person({person.pk for person in people})
        for person in people:
            setattr(person, roster.PERSON_TAGS, codes[person.pk])
        return True

    def _cadence(self, record) -> tuple[str, bool]:
        self.rows_tag_codes  # noqa: B018 — the codes of every row of the page, read at the first
        if record.until is not None:
            return record.cadence, False
        # The townships under severe weather are read for a row it can change (特困, 困境儿童): a page of other
        # people asks nothing (DECISIONS 1545); effective_cadence asks severe_weather_applies itself too.
        severe = (roster.severe_weather_applies(category=record.category, person=record.person)
                  and record.township_id in self.severe_townships)
        cadence = roster.effective_cadence(record, severe_weather=severe)
        return cadence, cadence != record.cadence

    def render_cadence(self, record):
        cadence, changed = self._cadence(record)
        label = Cadence(cadence).label
        if changed and cadence == Cadence.WEEKLY:
            return format_html('{} <span class="badge text-bg-warning" title="{}">{}</span>', label,
                               gettext("Severe-weather period"), gettext("severe weather"))
        if changed:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', label, gettext("gravely ill"))
        return label

    def value_cadence(self, record):
        return str(Cadence(self._cadence(record)[0]).label)

    def render_assistant(self, value):
        return value.display_name

    def value_assistant(self, value):
        return value.display_name if value else ""

    @cached_property
    def _words(self) -> dict[str, str]:
        """The words the due date and the button repeat on every row, translated once for the table (one request,
        one language); the cells below are ``format_html`` written out: the same strings, each value escaped as
        ``conditional_escape`` escapes a ``str`` (DECISIONS 1582)."""
        return {"off": html.escape(gettext("Off the roster")), "overdue": gettext("%(days)d days overdue"),
                "today": html.escape(gettext("due today")), "visit": html.escape(gettext("Log a visit"))}

    def render_next_due_on(self, record, value):
        if record.until is not None or value is None:
            return SafeString(f'<span class="text-muted">{self._words["off"]}</span>')
        text = f"{value:%Y-%m-%d}"
        if value < self.today:
            overdue = html.escape(self._words["overdue"] % {"days": (self.today - value).days})
            return SafeString(f'{text} <span class="badge text-bg-danger">{overdue}</span>')
        if value == self.today:
            return SafeString(f'{text} <span class="badge text-bg-warning">{self._words["today"]}</span>')
        return text

    def value_next_due_on(self, record, value):
        return value if record.until is None else gettext("Off the roster")

    def render_actions(self, record):
        if record.until is not None:
            return ""
        href = html.escape(reverse_pk("intake:visit_create", record.pk))
        return SafeString(f'<a class="btn btn-sm btn-primary" href="{href}"><i class="bi bi-house-check"></i> '
                          f'{self._words["visit"]}</a>')


class VisitTable(BaseTable):
    visited_on = tables.DateColumn(format="Y-m-d", verbose_name=_("date of visit"), order_by=("visited_on", "id"))
    name = tables.Column(accessor="person__name", verbose_name=_("full name"), order_by=("person__name", "id"),
                         linkify=lambda record: reverse_pk("intake:roster_detail", record.roster_entry_id)
                         if record.roster_entry_id else record.person.get_absolute_url())
    id_number = MaskedIDColumn(accessor="person__id_number", verbose_name=_("ID number"))
    township = tables.Column(verbose_name=_("township"), attrs=PHONE_HIDDEN, order_by=("township__code", "id"))
    village = tables.Column(verbose_name=_("village"), order_by=("village__code", "id"))
    mode = tables.Column(verbose_name=_("how"))
    met_in_person = tables.Column(verbose_name=_("met the person"))
    found_hardship = tables.Column(verbose_name=_("found new hardship"))
    lead = tables.Column(verbose_name=_("lead raised"), linkify=True, order_by=("lead__number",))
    visitor = tables.Column(verbose_name=_("visitor"), attrs=PHONE_HIDDEN, order_by=("visitor__username",))
    findings = tables.Column(verbose_name=_("findings"), orderable=False,
                             attrs={"td": {"class": "d-none d-md-table-cell text-wrap small"},
                                    "th": {"class": "d-none d-md-table-cell"}})

    class Meta(BaseTable.Meta):
        model = Visit
        fields = ("visited_on", "name", "id_number", "township", "village", "mode", "met_in_person",
                  "found_hardship", "lead", "visitor", "findings")
        order_by = ("-visited_on",)

    def render_met_in_person(self, value):
        return _yes_no(value)

    def value_met_in_person(self, value):
        return _yes_no(value)

    def render_found_hardship(self, value):
        if value:
            return format_html('<span class="badge text-bg-danger">{}</span>', gettext("Yes"))
        return gettext("No")

    def value_found_hardship(self, value):
        return _yes_no(value)

    def render_visitor(self, value):
        return value.display_name

    def value_visitor(self, value):
        return value.display_name if value else ""

    def render_findings(self, value):
        return value if len(value) <= 60 else value[:60] + "…"

    def value_findings(self, value):
        return value

