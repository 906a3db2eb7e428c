import django_tables2 as tables
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import Accessor

from common.links import reverse_pk
from common.tables import PHONE_HIDDEN, BaseTable, relation_paths

from . import subjects
from .choices import AWAITING_ANSWER, ReminderLevel, TransferStatus
from .deadlines import DueState, due_state, overdue_working_days
from .models import Notification, Reminder, TransferForm
from .workdays import WorkCalendar

STATUS_CLASSES = {
    TransferStatus.ISSUED: "text-bg-warning",
    TransferStatus.RECEIVED: "text-bg-info",
    TransferStatus.ANSWERED: "text-bg-primary",
    TransferStatus.CLOSED: "text-bg-secondary",
}
LEVEL_CLASSES = {
    ReminderLevel.REMINDER: "text-bg-warning",
    ReminderLevel.WRITTEN_REMINDER: "text-bg-danger",
    ReminderLevel.ESCALATION: "text-bg-dark",
}


class _CalendarMixin:
    @property
    def calendar(self) -> WorkCalendar:
        # One calendar per table: one query for the admin's holiday table whatever the page size.
        if not hasattr(self, "_calendar"):
            self._calendar = WorkCalendar.preloaded()
            self._today = timezone.localdate()
        return self._calendar


def due_html(record, table) -> str:
    if record.status not in AWAITING_ANSWER:
        return format_html("{}", f"{record.due_on:%Y-%m-%d}")
    calendar = table.calendar
    state = due_state(record.due_on, table._today, calendar=calendar)
    if state == DueState.OVERDUE:
        days = overdue_working_days(record.due_on, table._today, calendar=calendar)
        label = gettext("%(days)s working days overdue") % {"days": days} if days else gettext("Overdue")
        return format_html('{} <span class="badge text-bg-danger" data-testid="overdue">{}</span>',
                           f"{record.due_on:%Y-%m-%d}", label)
    if state == DueState.DUE_SOON:
        return format_html('{} <span class="badge text-bg-warning">{}</span>', f"{record.due_on:%Y-%m-%d}",
                           gettext("Due soon"))
    return format_html("{}", f"{record.due_on:%Y-%m-%d}")


class TransferFormTable(_CalendarMixin, BaseTable):
    number = tables.Column(linkify=True, verbose_name=_("form number"), attrs={"td": {"class": "font-monospace"}})
    # The name of the person the form is about, through the lookup the lead's app registered (subjects.py).
    person = tables.Column(verbose_name=_("person"), accessor=subjects.FIELD)
    # empty_values=(): render even when the township is empty (a form to a department).
    recipient = tables.Column(verbose_name=_("addressed to"), accessor="to_region__name", empty_values=(),
                              order_by=("to_region__code", "to_department__code"))
    from_region = tables.Column(verbose_name=_("issued by (office)"), attrs=PHONE_HIDDEN)
    kind = tables.Column(verbose_name=_("kind"), attrs=PHONE_HIDDEN)
    issued_at = tables.DateTimeColumn(verbose_name=_("issued"), format="Y-m-d", attrs=PHONE_HIDDEN)
    due_on = tables.Column(verbose_name=_("answer due"))
    status = tables.Column(verbose_name=_("status"))
    chase_level = tables.Column(verbose_name=_("chased"), attrs=PHONE_HIDDEN)
    lead = tables.Column(verbose_name=_("lead"), attrs=PHONE_HIDDEN, linkify=True)

    extra_select_related = ("to_department",)
    # What the cells read of the form and its joins (the tracking's two dates too); the subject's are added by
    # page_only from its registration (DECISIONS 1542).
    page_fields = ("number", "issued_at", "due_on", "status", "chase_level", "answered_at", "closed_at",
                   "to_region__name", "to_department__name", "from_region__name", "kind__name")

    class Meta(BaseTable.Meta):
        model = TransferForm
        fields = ("number", "person", "recipient", "from_region", "kind", "issued_at", "due_on", "status",
                  "chase_level", "lead")
        order_by = ("-issued_at",)

    def __init__(self, *args, lead_links: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not lead_links and "lead" in self.columns.names():
            # A liaison may not open the case page: the lead number is shown as text, not a link.
            self.columns["lead"].link = None
            self.columns["lead"].column.link = None

    def relations_for(self, model):
        select, prefetch = super().relations_for(model)
        if "person" in self.columns.names() and self.columns["person"].visible:
            path = relation_paths(model, self._person_lookup())[0]
            select = sorted({s for s in select if not path.startswith(s + "__")} | {path})
        return select, prefetch

    @classmethod
    def page_only(cls) -> tuple[str, ...]:
        return (*cls.page_fields, cls._person_lookup(), *(subjects.lookup(path) for path in subjects.kind().shown))

    @staticmethod
    def _person_lookup() -> str:
        return subjects.lookup(subjects.kind().name)

    def render_person(self, record):
        return Accessor(self._person_lookup()).resolve(record)

    def value_person(self, record):
        return self.render_person(record)

    def order_person(self, queryset, is_descending):
        name = F(self._person_lookup())
        return queryset.order_by(name.desc() if is_descending else name.asc()), True

    def render_recipient(self, record):
        return record.recipient_name

    def value_recipient(self, record):
        return record.recipient_name

    def render_due_on(self, record):
        return due_html(record, self)

    def value_due_on(self, record):
        return record.due_on

    def render_status(self, record):
        return format_html('<span class="badge {}" data-testid="status">{}</span>',
                           STATUS_CLASSES.get(record.status, "text-bg-light"), record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_chase_level(self, record):
        if not record.chase_level:
            return "—"
        return format_html('<span class="badge {}">{}</span>', LEVEL_CLASSES[record.chase_level],
                           record.get_chase_level_display())

    def value_chase_level(self, record):
        return record.get_chase_level_display() if record.chase_level else ""


# Where the tracking list's forms keep their reminders (Prefetch(to_attr=…): a list of the fields shown, no queryset
# per form; DECISIONS 1586).
REMINDERS = "page_reminders"


class TransferTrackingTable(TransferFormTable):
    """转办单跟踪: the district centre's view, with answers, every reminder step and closing."""

    answered_at = tables.DateTimeColumn(verbose_name=_("answered"), format="Y-m-d", attrs=PHONE_HIDDEN)
    reminders = tables.Column(verbose_name=_("reminders sent"), orderable=False, attrs=PHONE_HIDDEN)
    closed_at = tables.DateTimeColumn(verbose_name=_("closed"), format="Y-m-d", attrs=PHONE_HIDDEN)

    class Meta(TransferFormTable.Meta):
        fields = ("number", "person", "recipient", "kind", "issued_at", "due_on", "status", "answered_at",
                  "reminders", "closed_at", "lead")
        exclude = ("from_region", "chase_level")
        sequence = ("number", "person", "recipient", "kind", "issued_at", "due_on", "status", "answered_at",
                    "reminders", "closed_at", "lead")

    def relations_for(self, model):
        # The reminders column's own path ("reminders", every field, a queryset per form when read) becomes a list of
        # the fields its cells read, in the same one query (DECISIONS 1543, 1586).
        select, prefetch = super().relations_for(model)
        if "reminders" in prefetch:
            prefetch = [p for p in prefetch if p != "reminders"] + [Prefetch(
                "reminders", to_attr=REMINDERS, queryset=Reminder.objects.only("transfer_form", "level", "sent_on"))]
            prefetch.sort(key=lambda p: p if isinstance(p, str) else p.prefetch_to)
        return select, prefetch

    @staticmethod
    def _reminders(record) -> list:
        kept = getattr(record, REMINDERS, None)
        return list(record.reminders.all()) if kept is None else kept

    def render_reminders(self, record):
        rows = self._reminders(record)
        if not rows:
            return "—"
        return format_html_join(" ", '<span class="badge {}" title="{}">{} {}</span>', (
            (LEVEL_CLASSES[r.level], r.get_level_display(), r.get_level_display(), f"{r.sent_on:%m-%d}")
            for r in sorted(rows, key=lambda r: (r.sent_on, r.pk))))

    def value_reminders(self, record):
        return "；".join(f"{r.get_level_display()} {r.sent_on:%Y-%m-%d}"
                        for r in sorted(self._reminders(record), key=lambda r: (r.sent_on, r.pk)))


class ReminderTable(BaseTable):
    sent_on = tables.DateColumn(verbose_name=_("sent on"), format="Y-m-d")
    level = tables.Column(verbose_name=_("step"))
    recipient_name = tables.Column(verbose_name=_("addressed to"))
    title = tables.Column(verbose_name=_("about"), attrs={"td": {"class": "text-wrap"}})
    due_on = tables.DateColumn(verbose_name=_("was due"), format="Y-m-d", attrs=PHONE_HIDDEN)
    overdue_working_days = tables.Column(verbose_name=_("overdue working days"), attrs=PHONE_HIDDEN)
    notified_count = tables.Column(verbose_name=_("people notified"), attrs=PHONE_HIDDEN)
    letter = tables.Column(verbose_name=_("letter"), accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = Reminder
        fields = ("sent_on", "level", "recipient_name", "title", "due_on", "overdue_working_days",
                  "notified_count", "letter")
        order_by = ("-sent_on",)

    def render_level(self, record):
        return format_html('<span class="badge {}">{}</span>', LEVEL_CLASSES[record.level],
                           record.get_level_display())

    def value_level(self, record):
        return record.get_level_display()

    def render_title(self, record):
        if record.url:
            return format_html('<a href="{}">{}</a>', record.url, record.title)
        return record.title

    def value_title(self, record):
        return record.title

    def render_letter(self, record):
        return format_html('<a href="{}" target="_blank"><i class="bi bi-printer"></i> {}</a>',
                           reverse_pk("referrals:reminder_print", record.pk), gettext("Print"))


class NotificationTable(BaseTable):
    created_at = tables.DateTimeColumn(verbose_name=_("time"), format="Y-m-d H:i")
    kind = tables.Column(verbose_name=_("kind"), attrs=PHONE_HIDDEN)
    title = tables.Column(verbose_name=_("title"), attrs={"td": {"class": "text-wrap"}})

    class Meta(BaseTable.Meta):
        model = Notification
        fields = ("created_at", "kind", "title")
        order_by = ("-created_at",)
        row_attrs = {"class": lambda record: "" if record.read_at else "fw-semibold",
                     "data-testid": "notification"}

    def render_title(self, record):
        badge = ""
        if not record.read_at:
            badge = format_html(' <span class="badge text-bg-primary">{}</span>', gettext("New"))
        urgent = mark_safe('<i class="bi bi-exclamation-circle-fill text-danger"></i> ') if record.is_urgent else ""
        return format_html('{}<a href="{}">{}</a>{}{}', urgent,
                           reverse_pk("referrals:notification_open", record.pk), record.title, badge,
                           format_html('<div class="small text-muted fw-normal">{}</div>', record.body[:200])
                           if record.body else "")

    def value_title(self, record):
        return record.title
