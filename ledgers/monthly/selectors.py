"""The figures of the monthly report (月报), computed in SQL for many townships at once (DESIGN §7, §10).

Every figure counts what *happened in the month* (events by their own date, in Asia/Shanghai), so twelve
monthly reports add up to the year:

* leads reported in the month (merged duplicates left out), by method, channel and suspected relief;
* leads accepted, rejected, assessed (the investigation's result) and closed in the month; the closed
  ones by archive class (新增救助群众 / 救助观察群众, seed 001);
* outcomes done in the month, by kind;
* the median number of working days from the lead's report to its investigation result, for the leads
  assessed in the month (``referrals.workdays``);
* transfer forms addressed to the township: issued, answered, answered after their due date in the month,
  and still unanswered and overdue at the end of the month; forms the township sent to departments;
  written reminders and escalations the township received in the month;
* the key roster: entries on the roster during the month (each owes at least one visit: seed 001
  "每月不少于1次"), entries visited at least once, visits logged.

Each figure is one ``GROUP BY township`` query with conditional counts over all the townships asked for,
never a loop over rows: a district's month is about ten queries whatever the number of leads. The
working-day median is computed from the distinct (reported, assessed) date pairs and their counts.

The snapshot a draft stores is ``{"schema": SCHEMA_VERSION, "figures": {key: number},
"workday_histogram": {days: count}, ...}``; :func:`figure_sections` says how to show it.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import RegionLevel
from accounts.models import Region
from cases.choices import ArchiveClass, Channel, DiscoveryMethod, LeadStatus, OutcomeKind, OutcomeStatus
from cases.models import FollowUp, Lead, Outcome, ReliefKind, UnreportedCheck
from intake.feeds.choices import BatchStatus, FeedCadence
from intake.models import FeedBatch, FeedDeadline, RosterEntry, Visit
from referrals.choices import ReminderLevel
from referrals.models import Reminder, TransferForm
from referrals.workdays import WorkCalendar

from ..punctuality import punctuality_by_department

SCHEMA_VERSION = 1


# --- months -----------------------------------------------------------------------------------
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return month_start(day) - relativedelta(months=1)


def month_last_day(month: dt.date) -> dt.date:
    return month + relativedelta(months=1) - dt.timedelta(days=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month as aware datetimes in the product's time zone."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    following = month + relativedelta(months=1)
    return start, dt.datetime(following.year, following.month, 1, tzinfo=tz)


def parse_month(text: str | None) -> dt.date | None:
    """``"2026-03"`` → 2026-03-01; None for anything else."""
    try:
        year, month = (int(p) for p in (text or "").strip().split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return None


def district_townships(district_code: str) -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=district_code)
                .order_by("code"))


# --- the figures ------------------------------------------------------------------------------
def _empty() -> dict:
    figures: dict[str, float | int | None] = {
        "leads": 0, "leads_urgent": 0, "leads_late": 0,
        "accepted": 0, "rejected": 0, "assessed": 0, "closed": 0, "median_workdays": None,
        "transfers_received": 0, "transfers_answered": 0, "transfers_answered_late": 0, "transfers_overdue": 0,
        "transfers_sent": 0, "transfers_sent_overdue": 0, "written_reminders": 0, "escalations": 0,
        "roster_due": 0, "roster_visited": 0, "visits": 0,
        # Issue 17: the notices' facts (seed 003 告知、回访测评; seed 002 备案、漏报).
        "told": 0, "assessed_by_person": 0, "dissatisfied": 0, "filings_owed": 0, "filings_received": 0,
        "missed_reports": 0,
    }
    figures.update({f"method.{v}": 0 for v in DiscoveryMethod.values})
    figures.update({f"channel.{v}": 0 for v in Channel.values})
    figures.update({f"outcome.{v}": 0 for v in OutcomeKind.values})
    figures.update({f"archive.{v}": 0 for v in ArchiveClass.values})
    return figures


def _count(column: str = "id", /, **filters) -> Count:
    """Rows matching ``filters``. The leads' counts name ``township_id`` (never null) instead of ``id``: the
    month's rows are then counted from covering indexes alone, index-only scans (DECISIONS 1101)."""
    return Count(column, filter=Q(**filters))


def compute_figures(*, townships: Iterable[Region], month: dt.date,
                    calendar: WorkCalendar | None = None) -> dict[int, dict]:
    """The snapshot of ``month`` for each township, keyed by the township's id."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # JIT compilation costs more than it saves on these month-sized aggregates (≈ 100 ms a query).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _compute_figures(townships=townships, month=month, calendar=calendar)


def _compute_figures(*, townships: Iterable[Region], month: dt.date,
                     calendar: WorkCalendar | None = None) -> dict[int, dict]:
    townships = list(townships)
    ids = [t.pk for t in townships]
    start, end = month_bounds(month)
    first, last = month, month_last_day(month)
    in_month = {"gte": start, "lt": end}
    out = {pk: _empty() for pk in ids}
    code_of = dict(ReliefKind.objects.values_list("id", "code"))
    codes = list(code_of.values())
    relief = {pk: dict.fromkeys(codes, 0) for pk in ids}

    def add(rows, key_field: str, mapping):
        for row in rows:
            target = out.get(row.pop(key_field))
            if target is None:  # a township not asked for
                continue
            for name, value in row.items():
                target[mapping(name)] = value

    # 1. Leads reported in the month: totals, by method, by channel.
    # The leads queries are driven by their date range (an index) and grouped by township; the rows of other
    # townships are dropped here. A ``township_id IN (…)`` filter makes PostgreSQL walk the township index
    # over every lead of the year instead (docs/PERFORMANCE.md, bench/monthly_report.py).
    reported = Lead.objects.filter(reported_at__gte=start, reported_at__lt=end).exclude(status=LeadStatus.MERGED)
    aggregates = {"leads": Count("township_id"), "leads_urgent": _count("township_id", is_urgent=True),
                  "leads_late": _count("township_id", is_late_report=True)}
    aggregates.update({f"method__{v}": _count("township_id", method=v) for v in DiscoveryMethod.values})
    aggregates.update({f"channel__{v}": _count("township_id", channel=v) for v in Channel.values})
    add(reported.values("township_id").annotate(**aggregates).order_by(), "township_id",
        lambda name: name.replace("__", "."))

    # 2. By suspected relief (one row per lead and kind in the many-to-many table).
    # COUNT(*) by the kind's id, not its code: the month's leads then probe the (lead, kind) unique index with an
    # index-only scan instead of a hash join over every lead's kinds (0.3 s instead of 0.9 s a month, issue 15).
    through = Lead.suspected_relief.through
    for row in (through.objects.filter(lead__reported_at__gte=start, lead__reported_at__lt=end)
                .exclude(lead__status=LeadStatus.MERGED)
                .values("lead__township_id", "reliefkind_id").annotate(n=Count("*")).order_by()):
        if row["lead__township_id"] in relief:
            relief[row["lead__township_id"]][code_of[row["reliefkind_id"]]] = row["n"]

    # 3. What happened to leads in the month, whenever they were reported: one query per date, each counted
    # from its own covering index (one query over the three dates read 200,000 rows from the heap, issue 15).
    add(Lead.objects.filter(accepted_at__gte=start, accepted_at__lt=end).values("township_id")
        .annotate(accepted=Count("township_id")).order_by(), "township_id", str)
    closed_in_month = Lead.objects.filter(closed_at__gte=start, closed_at__lt=end)
    aggregates = {
        "rejected": _count("township_id", status=LeadStatus.REJECTED),
        "closed": _count("township_id", status=LeadStatus.CLOSED),
    }
    aggregates.update({f"archive__{v}": _count("township_id", status=LeadStatus.CLOSED, archive_class=v)
                       for v in ArchiveClass.values})
    add(closed_in_month.values("township_id").annotate(**aggregates).order_by(), "township_id",
        lambda name: name.replace("__", "."))

    # 4. Leads assessed in the month, and the working days from report to investigation result: distinct
    # date pairs, counted (their sum is the month's "assessed").
    tz = timezone.get_default_timezone()
    pairs = [p for p in (Lead.objects.filter(assessed_at__gte=start, assessed_at__lt=end)
                         .values("township_id", reported_on=TruncDate("reported_at", tzinfo=tz),
                                 assessed_on=TruncDate("assessed_at", tzinfo=tz))
                         .annotate(n=Count("township_id")).order_by())
             if p["township_id"] in out]
    for p in pairs:
        out[p["township_id"]]["assessed"] += p["n"]
    histograms = _workday_histograms(pairs, calendar=calendar)

    # 5. Outcomes done in the month, by kind.
    # Outcomes and follow-ups carry their lead's township (cases.models.LeadRegionKeys): no join to the leads.
    for row in (Outcome.objects.filter(status=OutcomeStatus.DONE, done_at__gte=start, done_at__lt=end)
                .values("township_id", "kind").annotate(n=Count("township_id")).order_by()):
        if row["township_id"] in out:
            out[row["township_id"]][f"outcome.{row['kind']}"] = row["n"]

    # 6. Transfer forms addressed to the township. "Overdue at the end of the month": issued before its end,
    # not answered or closed by then, due before its last day (a form is overdue the day after it is due).
    open_at_end = (Q(issued_at__lt=end) & (Q(answered_at__isnull=True) | Q(answered_at__gte=end))
                   & (Q(closed_at__isnull=True) | Q(closed_at__gte=end)) & Q(due_on__lt=last))
    received = TransferForm.objects.filter(to_region_id__in=ids).filter(
        Q(issued_at__gte=start, issued_at__lt=end) | Q(answered_at__gte=start, answered_at__lt=end) | open_at_end)
    add(received.values("to_region_id").annotate(
        transfers_received=_count(issued_at__gte=start, issued_at__lt=end),
        transfers_answered=_count(answered_at__gte=start, answered_at__lt=end),
        transfers_answered_late=Count("id", filter=Q(answered_at__gte=start, answered_at__lt=end,
                                                     answered_at__date__gt=F("due_on"))),
        transfers_overdue=Count("id", filter=open_at_end),
    ).order_by(), "to_region_id", str)

    # 7. Transfer forms the township sent to departments.
    sent = TransferForm.objects.filter(from_region_id__in=ids, to_department__isnull=False).filter(
        Q(issued_at__gte=start, issued_at__lt=end) | open_at_end)
    add(sent.values("from_region_id").annotate(
        transfers_sent=_count(issued_at__gte=start, issued_at__lt=end),
        transfers_sent_overdue=Count("id", filter=open_at_end),
    ).order_by(), "from_region_id", str)

    # 8. Reminders the township received in the month (any subject: forms, visits, reports…).
    for row in (Reminder.objects.filter(region_id__in=ids, sent_on__gte=first, sent_on__lte=last,
                                        level__in=[ReminderLevel.WRITTEN_REMINDER, ReminderLevel.ESCALATION])
                .values("region_id", "level").annotate(n=Count("id")).order_by()):
        key = "written_reminders" if row["level"] == ReminderLevel.WRITTEN_REMINDER else "escalations"
        out[row["region_id"]][key] = row["n"]

    # 9. The key roster: entries on it during the month, those visited, visits logged.
    add(RosterEntry.objects.filter(township_id__in=ids, since__lte=last)
        .filter(Q(until__isnull=True) | Q(until__gte=first))
        .values("township_id").annotate(roster_due=Count("id")).order_by(), "township_id", str)
    add(Visit.objects.filter(township_id__in=ids, visited_on__gte=first, visited_on__lte=last)
        .values("township_id").annotate(roster_visited=Count("roster_entry", distinct=True), visits=Count("id"))
        .order_by(), "township_id", str)

    # 10. The notices' facts (issue 17): results told, 回访测评, 备案 to the district, 漏报 found by random checks.
    add(Outcome.objects.filter(township_id__in=ids).filter(
        Q(notified_on__gte=first, notified_on__lte=last) | Q(filing_due_on__isnull=False, done_at__gte=start,
                                                             done_at__lt=end)
        | Q(filing_received_on__gte=first, filing_received_on__lte=last))
        .values("township_id").annotate(
            told=_count(notified_on__gte=first, notified_on__lte=last),
            filings_owed=_count(filing_due_on__isnull=False, done_at__gte=start, done_at__lt=end),
            filings_received=_count(filing_received_on__gte=first, filing_received_on__lte=last),
    ).order_by(), "township_id", str)
    add(FollowUp.objects.filter(township_id__in=ids, done_on__gte=first, done_on__lte=last)
        .exclude(satisfaction="").values("township_id").annotate(
            assessed_by_person=Count("id"), dissatisfied=_count(satisfaction="dissatisfied"))
        .order_by(), "township_id", str)
    add(UnreportedCheck.objects.filter(township_id__in=ids, visited_on__gte=first, visited_on__lte=last,
                                       finding=UnreportedCheck.Finding.MISSED)
        .values("township_id").annotate(missed_reports=Count("id")).order_by(), "township_id", str)

    snapshots = {}
    for pk in ids:
        histogram = histograms.get(pk, Counter())  # (other townships' pairs are ignored)
        out[pk]["median_workdays"] = histogram_median(histogram)
        out[pk].update({f"relief.{code}": n for code, n in relief[pk].items()})
        snapshots[pk] = {
            "schema": SCHEMA_VERSION,
            "month": f"{month:%Y-%m}",
            "figures": out[pk],
            "workday_histogram": {str(days): n for days, n in sorted(histogram.items())},
        }
    return snapshots


def _workday_histograms(pairs: list[dict], *, calendar: WorkCalendar | None) -> dict[int, Counter]:
    """{township id: Counter(working days → leads)} from (township, reported on, assessed on, n) rows."""
    if not pairs:
        return {}
    calendar = calendar or WorkCalendar()
    lo = min(p["reported_on"] for p in pairs)
    hi = max(p["assessed_on"] for p in pairs)
    # Working days counted once over the whole span (the calendar's ordinals): between(a, b) = index[b] - index[a].
    index = calendar.working_day_ordinals(lo, hi)
    histograms: dict[int, Counter] = defaultdict(Counter)
    for p in pairs:
        histograms[p["township_id"]][max(0, index[p["assessed_on"]] - index[p["reported_on"]])] += p["n"]
    return histograms


def histogram_median(histogram: dict) -> float | None:
    """The median of a {value: count} histogram (the mean of the two middle values for an even count)."""
    items = sorted((int(k), int(n)) for k, n in histogram.items() if int(n) > 0)
    total = sum(n for _k, n in items)
    if not total:
        return None

    def nth(i: int) -> int:  # 0-based
        for value, n in items:
            if i < n:
                return value
            i -= n
        raise IndexError(i)

    middle = [nth((total - 1) // 2), nth(total // 2)]
    value = statistics.mean(middle)
    return int(value) if float(value).is_integer() else float(value)


def total_of(snapshots: Iterable[dict]) -> dict:
    """The district's column: every count summed, the median over every township's leads."""
    snapshots = [s for s in snapshots if s]
    figures = _empty()
    histogram: Counter = Counter()
    for snap in snapshots:
        for key, value in snap.get("figures", {}).items():
            if key == "median_workdays" or value is None:
                continue
            figures[key] = figures.get(key, 0) + value
        histogram.update({int(k): int(n) for k, n in snap.get("workday_histogram", {}).items()})
    figures["median_workdays"] = histogram_median(histogram)
    return {"schema": SCHEMA_VERSION, "figures": figures,
            "workday_histogram": {str(k): n for k, n in sorted(histogram.items())}}


# --- feeds (the district's, not a township's) -----------------------------------------------------
def feed_punctuality(*, district: Region, month: dt.date) -> list[dict]:
    """Per department: scheduled deliveries due in the month (due, on time, late, still missing; seed 003's
    cadences), and the rows of event feeds delivered in the month, of which late (seed 003: 3个工作日内)."""
    first, last = month, month_last_day(month)
    rows = {}
    for r in punctuality_by_department(
            FeedDeadline.objects.filter(feed__district=district, due_on__gte=first, due_on__lte=last)):
        name = r["feed__department__name"]
        entry = rows.setdefault(name, {"feed__department__name": name, "due": 0, "on_time": 0, "late": 0,
                                       "missing": 0, "event_rows": 0, "event_rows_late": 0})
        for key in ("due", "on_time", "late", "missing"):
            entry[key] += r[key]
    events = (FeedBatch.objects.filter(feed__district=district, feed__cadence=FeedCadence.EVENT,
                                       status=BatchStatus.DONE, created_at__date__gte=first,
                                       created_at__date__lte=last)
              .values("feed__department__name")
              .annotate(event_rows=Sum("rows_accepted"), event_rows_late=Sum("rows_late")).order_by())
    for row in events:
        name = row["feed__department__name"]
        entry = rows.setdefault(name, {"feed__department__name": name, "due": 0, "on_time": 0, "late": 0,
                                       "missing": 0})
        entry.update(event_rows=row["event_rows"] or 0, event_rows_late=row["event_rows_late"] or 0)
    return [rows[name] for name in sorted(rows)]


# --- how to show a snapshot -------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    is_median: bool = False
    definition: str = ""  # what is counted and by which date (shown beside the figure)


@dataclass(frozen=True)
class FigureSection:
    title: str
    rows: list[FigureRow]

    @property
    def definition(self) -> str:
        """The definition all its rows share (shown once under the section's title), else ""."""
        definitions = {str(row.definition) for row in self.rows}
        return definitions.pop() if len(definitions) == 1 else ""


# By which date each kind of figure counts (the page shows it beside each figure).
D_REPORTED = _("Counted by the date the lead was reported (duplicates merged into another lead left out).")
D_ACCEPTED = _("Leads accepted in the month (by the date of acceptance), whenever they were reported.")
D_REJECTED = _("Leads rejected in the month (by the date of rejection).")
D_ASSESSED = _("Leads whose home investigation was completed and assessed in the month (by the date of the "
               "assessment).")
D_MEDIAN = _("For the leads assessed in the month: working days from the report to the assessment, the middle "
             "value.")
D_CLOSED = _("Leads closed (办结) in the month, by the closing date. Their outcomes may have been done in an "
             "earlier month, so this need not match the outcomes below.")
D_OUTCOME = _("Outcomes done in the month, by the date each was done (included, answered, decided), whenever the "
              "lead was reported or closed.")
D_ARCHIVE = _("Leads closed in the month (by the closing date), by the archive class set at closing.")
D_TRANSFER = {
    "transfers_received": _("Transfer forms addressed to the township and issued in the month (by the date of "
                            "issue)."),
    "transfers_answered": _("Transfer forms addressed to the township and answered in the month (by the date of "
                            "the answer)."),
    "transfers_answered_late": _("Of the forms answered in the month, those answered after their due date."),
    "transfers_overdue": _("Forms addressed to the township still without an answer at the end of the month and "
                           "past their due date."),
    "transfers_sent": _("Forms the township sent to departments in the month (by the date of issue)."),
    "transfers_sent_overdue": _("Forms the township sent to departments still without an answer at the end of "
                                "the month and past their due date."),
    "written_reminders": _("Written reminders the township received in the month (by the date sent)."),
    "escalations": _("Escalations to the district about the township in the month (by the date sent)."),
}
D_ROSTER = {
    "roster_due": _("People on the key roster at any time in the month: each is owed at least one visit."),
    "roster_visited": _("People on the roster with at least one visit dated in the month (by the visit date)."),
    "visits": _("Visits dated in the month (by the visit date, not the date they were logged)."),
}


def figure_sections() -> list[FigureSection]:
    """Sections and rows of the report, labelled in the user's language (the snapshot stores only keys)."""
    reliefs = list(ReliefKind.objects.order_by("order").values_list("code", "name"))

    def rows(pairs, definition):
        return [FigureRow(key, label, definition=definition) for key, label in pairs]

    return [
        FigureSection(_("Leads found in the month"), rows([
            ("leads", _("Leads reported")),
            ("leads_urgent", _("of which urgent (急难)")),
            ("leads_late", _("of which reported late")),
        ], D_REPORTED)),
        FigureSection(_("By discovery method"), rows([(f"method.{v}", label) for v, label in DiscoveryMethod.choices],
                                                     D_REPORTED)),
        FigureSection(_("By channel"), rows([(f"channel.{v}", label) for v, label in Channel.choices], D_REPORTED)),
        FigureSection(_("By suspected relief"), rows([(f"relief.{code}", name) for code, name in reliefs],
                                                     D_REPORTED)),
        FigureSection(_("Handling in the month"), [
            FigureRow("accepted", _("Leads accepted"), definition=D_ACCEPTED),
            FigureRow("rejected", _("Leads rejected"), definition=D_REJECTED),
            FigureRow("assessed", _("Investigations completed (assessed)"), definition=D_ASSESSED),
            FigureRow("median_workdays", _("Median working days from report to investigation result"),
                      is_median=True, definition=D_MEDIAN),
            FigureRow("closed", _("Leads handled and closed"), definition=D_CLOSED),
        ]),
        FigureSection(_("Outcomes done in the month"), rows([(f"outcome.{v}", label)
                                                             for v, label in OutcomeKind.choices], D_OUTCOME)),
        FigureSection(_("Closed leads by archive class"), rows([
            (f"archive.{ArchiveClass.NEWLY_ASSISTED}", _("Newly assisted (新增救助群众)")),
            (f"archive.{ArchiveClass.OBSERVATION}", _("Under observation (救助观察群众)")),
            (f"archive.{ArchiveClass.NOT_ASSISTED}", _("Not assisted")),
        ], D_ARCHIVE)),
        FigureSection(_("Transfer forms"), [FigureRow(key, label, definition=D_TRANSFER[key]) for key, label in [
            ("transfers_received", _("Received in the month")),
            ("transfers_answered", _("Answered in the month")),
            ("transfers_answered_late", _("of which answered after the due date")),
            ("transfers_overdue", _("Unanswered and overdue at the end of the month")),
            ("transfers_sent", _("Sent to departments in the month")),
            ("transfers_sent_overdue", _("Sent to departments, overdue at the end of the month")),
            ("written_reminders", _("Written reminders received")),
            ("escalations", _("Escalations to the district")),
        ]]),
        FigureSection(_("Key roster visits"), [FigureRow(key, label, definition=D_ROSTER[key]) for key, label in [
            ("roster_due", _("People on the roster (a visit due each month)")),
            ("roster_visited", _("People visited at least once")),
            ("visits", _("Visits logged")),
        ]]),
        FigureSection(_("Telling, follow-up assessment and filing"), [
            FigureRow("told", _("Results told to the person (告知)")),
            FigureRow("assessed_by_person", _("Follow-ups with the person's assessment (回访测评)")),
            FigureRow("dissatisfied", _("of which dissatisfied")),
            FigureRow("filings_owed", _("Temporary relief to be filed with the district (备案)")),
            FigureRow("filings_received", _("Filings received by the district")),
            FigureRow("missed_reports", _("Missed reports found by random checks (漏报)")),
        ]),
    ]


def figure_row(key: str) -> FigureRow | None:
    for section in figure_sections():
        for row in section.rows:
            if row.key == key:
                return row
    return None


def figure_records(key: str, *, township_ids: list[int], month: dt.date) -> QuerySet | None:
    """The records behind figure ``key`` of ``month`` for the townships (not scoped: the caller scopes).

    The same conditions as :func:`compute_figures`, as a queryset of leads, transfer forms, reminders, roster
    entries or visits; None for a key that has no records (unknown).
    """
    start, end = month_bounds(month)
    first, last = month, month_last_day(month)
    reported = Lead.objects.filter(township_id__in=township_ids, reported_at__gte=start, reported_at__lt=end) \
        .exclude(status=LeadStatus.MERGED)
    leads = Lead.objects.filter(township_id__in=township_ids)
    closed = leads.filter(status=LeadStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
    simple = {
        "leads": reported, "leads_urgent": reported.filter(is_urgent=True),
        "leads_late": reported.filter(is_late_report=True),
        "accepted": leads.filter(accepted_at__gte=start, accepted_at__lt=end),
        "rejected": leads.filter(status=LeadStatus.REJECTED, closed_at__gte=start, closed_at__lt=end),
        "assessed": leads.filter(assessed_at__gte=start, assessed_at__lt=end),
        "median_workdays": leads.filter(assessed_at__gte=start, assessed_at__lt=end),
        "closed": closed,
    }
    if key in simple:
        return simple[key]
    group, _dot, value = key.partition(".")
    if group == "method":
        return reported.filter(method=value)
    if group == "channel":
        return reported.filter(channel=value)
    if group == "relief":
        return reported.filter(suspected_relief__code=value)
    if group == "archive":
        return closed.filter(archive_class=value)
    if group == "outcome":
        return leads.filter(pk__in=Outcome.objects.filter(kind=value, status=OutcomeStatus.DONE, done_at__gte=start,
                                                          done_at__lt=end).values("lead_id"))
    open_at_end = (Q(issued_at__lt=end) & (Q(answered_at__isnull=True) | Q(answered_at__gte=end))
                   & (Q(closed_at__isnull=True) | Q(closed_at__gte=end)) & Q(due_on__lt=last))
    received = TransferForm.objects.filter(to_region_id__in=township_ids)
    sent = TransferForm.objects.filter(from_region_id__in=township_ids, to_department__isnull=False)
    transfers = {
        "transfers_received": received.filter(issued_at__gte=start, issued_at__lt=end),
        "transfers_answered": received.filter(answered_at__gte=start, answered_at__lt=end),
        "transfers_answered_late": received.filter(answered_at__gte=start, answered_at__lt=end,
                                                   answered_at__date__gt=F("due_on")),
        "transfers_overdue": received.filter(open_at_end),
        "transfers_sent": sent.filter(issued_at__gte=start, issued_at__lt=end),
        "transfers_sent_overdue": sent.filter(open_at_end),
    }
    if key in transfers:
        return transfers[key]
    if key in ("written_reminders", "escalations"):
        level = ReminderLevel.WRITTEN_REMINDER if key == "written_reminders" else ReminderLevel.ESCALATION
        return Reminder.objects.filter(region_id__in=township_ids, sent_on__gte=first, sent_on__lte=last, level=level)
    on_roster = RosterEntry.objects.filter(township_id__in=township_ids, since__lte=last) \
        .filter(Q(until__isnull=True) | Q(until__gte=first))
    visits = Visit.objects.filter(township_id__in=township_ids, visited_on__gte=first, visited_on__lte=last)
    if key == "roster_due":
        return on_roster
    if key == "roster_visited":
        return RosterEntry.objects.filter(pk__in=visits.values("roster_entry_id"))
    if key == "visits":
        return visits
    return None


def figure_value(snapshot: dict | None, key: str):
    if not snapshot:
        return None
    return snapshot.get("figures", {}).get(key, 0)


__all__ = [
    "SCHEMA_VERSION", "FigureRow", "FigureSection", "compute_figures", "district_townships", "feed_punctuality",
    "figure_records", "figure_row", "figure_sections", "figure_value", "histogram_median", "month_bounds",
    "month_last_day", "month_start", "parse_month", "previous_month", "total_of",
]


# --- what the pages read ---------------------------------------------------------------------------
def monthly_reports(*, user):
    """The reports the user may see (scoped), newest month first."""
    from accounts.scoping import scope

    from ..models import MonthlyReport

    return scope(user, MonthlyReport.objects.select_related("township", "submitted_by"))


def report_state(report, today: dt.date | None = None) -> str:
    """"submitted", "overdue", "draft" or "missing" (no report), for badges and the workbook."""
    if report is None:
        return "missing"
    if report.is_submitted:
        return "submitted"
    return "overdue" if report.is_overdue(today) else "draft"


@dataclass
class DistrictMonth:
    month: dt.date
    townships: list[Region]
    reports: dict[int, object]          # township id → MonthlyReport (or absent)
    states: dict[int, str]
    sections: list[FigureSection]
    table: list[tuple[FigureSection, list[tuple[FigureRow, list, object]]]]  # row, values per township, total
    feeds: list[dict]


def district_month(*, user, month: dt.date, today: dt.date | None = None) -> DistrictMonth:
    """Every township of the user's district side by side for ``month``, from the stored reports."""
    from accounts.scoping import scope

    townships = list(scope(user, Region.objects.filter(level=RegionLevel.TOWNSHIP)).order_by("code"))
    reports = {r.township_id: r for r in monthly_reports(user=user).filter(month=month)}
    states = {t.pk: report_state(reports.get(t.pk), today) for t in townships}
    snapshots = [reports[t.pk].figures if t.pk in reports else None for t in townships]
    total = total_of(snapshots)
    sections = figure_sections()
    table = []
    for section in sections:
        rows = []
        for row in section.rows:
            rows.append((row, [figure_value(s, row.key) for s in snapshots], figure_value(total, row.key)))
        table.append((section, rows))
    district = Region.objects.filter(code=f"{user.region.district_code}000000").first() if user.region_id else None
    feeds = feed_punctuality(district=district, month=month) if district is not None else []
    return DistrictMonth(month=month, townships=townships, reports=reports, states=states, sections=sections,
                         table=table, feeds=feeds)
