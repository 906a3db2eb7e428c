"""The district dashboard's figures (DESIGN §7, §8): one SQL aggregation per chart, scoped to the user.

Every figure says which rows it counts as the list and filters that show exactly those rows
(:attr:`Series.queries`): the page turns them into the links behind bars and table cells, and the tests
follow them. Nothing here loops over rows in Python: each chart is one ``GROUP BY`` with conditional
counts, so the page costs the same number of queries over ten leads or a million.

What is counted (docs/DECISIONS.md, Dashboard):

* leads, outcomes, conversion and response times are the **leads discovered in the period**
  (``discovered_on``; merged duplicates never count), so each figure links to the lead list with the same
  date filter;
* overdue transfer forms are those overdue **today** (awaiting an answer past their due date);
* feed punctuality is the scheduled deliveries **due in the period and already due**.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.choices import DISTRICT_ROLES, TOWNSHIP_ROLES
from accounts.models import Region
from accounts.roles import has_role
from accounts.scoping import scope
from cases.choices import ASSISTED_OUTCOMES, DiscoveryMethod, LeadStatus, OutcomeKind, OutcomeStatus
from cases.models import Lead, Outcome
from intake.models import FeedDeadline
from referrals.choices import AWAITING_ANSWER
from referrals.models import TransferForm
from referrals.workdays import WorkCalendar

from ..punctuality import PUNCTUALITY, punctuality_by_department

# Who gets a dashboard: the district and the township offices (their township only, through scope()).
# Village assistants and department liaisons have none (docs/DECISIONS.md, Dashboard).
DASHBOARD_ROLES = DISTRICT_ROLES | TOWNSHIP_ROLES

# The lists a chart's figures open (url names of the list pages).
LEAD_LIST = "cases:lead_list"
TRANSFER_FORM_LIST = "referrals:transferform_list"
FEED_DEADLINE_LIST = "ledgers:feed_deadline_list"

LAST_12_MONTHS = "last12"
YEARS_OFFERED = 5


def can_see_dashboard(user) -> bool:
    return has_role(user, DASHBOARD_ROLES)


def is_district_wide(user) -> bool:
    """The district's dashboard (townships compared, department feeds) rather than a township's own."""
    return has_role(user, DISTRICT_ROLES)


# --- the period ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def months(self) -> list[dt.date]:
        """The first day of each month of the period, oldest first."""
        month, months = self.start.replace(day=1), []
        while month <= self.end:
            months.append(month)
            month += relativedelta(months=1)
        return months

    def lead_query(self) -> dict[str, str]:
        return {"discovered_after": self.start.isoformat(), "discovered_before": self.end.isoformat()}


def period_choices(*, today: dt.date) -> list[tuple[str, str]]:
    choices = [(LAST_12_MONTHS, str(gettext_lazy("The last 12 months")))]
    choices += [(str(year), str(year)) for year in range(today.year, today.year - YEARS_OFFERED, -1)]
    return choices


def period_parse(value: str | None, *, today: dt.date) -> Period:
    """``"2025"`` is that calendar year; anything else the last 12 months: from the day after the same date a
    year ago to today (in December, not 1 January to today)."""
    if value and value.isdigit() and today.year - YEARS_OFFERED < int(value) <= today.year:
        year = int(value)
        return Period(key=value, label=_("Year %(year)s") % {"year": year},
                      start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    start = today - relativedelta(years=1) + dt.timedelta(days=1)
    return Period(key=LAST_12_MONTHS, label=str(gettext_lazy("The last 12 months")), start=start, end=today)


# --- what a chart is -------------------------------------------------------------------------
@dataclass
class Series:
    name: str
    values: list[float | int | None]
    # Per value: the filters of the list that shows exactly the rows counted (None: no rows to show).
    queries: list[dict | None]


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # how static/js/dashboard.js draws it: stacked, bars, hbars, grouped
    categories: list[str]
    series: list[Series]
    list_name: str  # url name of the list behind it
    list_query: dict  # the whole chart's rows ("view list")
    unit: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)
    shown: bool = True  # False: its figures feed the headline only

    @property
    def is_empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)


# --- the querysets ---------------------------------------------------------------------------
def _period_leads(*, user, period: Period):
    """The leads of the user's scope discovered in the period, merged duplicates left out."""
    return scope(user, Lead.objects.exclude(status=LeadStatus.MERGED)
                 .filter(discovered_on__gte=period.start, discovered_on__lte=period.end))


def _assisted_outcome():
    return Outcome.objects.filter(lead=OuterRef("pk"), status=OutcomeStatus.DONE, kind__in=ASSISTED_OUTCOMES)


# --- the charts ------------------------------------------------------------------------------
def leads_by_month(*, user, period: Period) -> Chart:
    """Leads per month by discovery method (stacked bars). One query."""
    rows = (_period_leads(user=user, period=period).annotate(month=TruncMonth("discovered_on"))
            .values("month", "method").annotate(n=Count("id")).order_by())
    counts = {(row["month"], row["method"]): row["n"] for row in rows}
    months = period.months
    series = []
    for method, label in DiscoveryMethod.choices:
        values, queries = [], []
        for month in months:
            last = min(month + relativedelta(months=1) - dt.timedelta(days=1), period.end)
            value = counts.get((month, method), 0)
            values.append(value)
            queries.append({"stage": "counted", "method": method,
                            "discovered_after": max(month, period.start).isoformat(),
                            "discovered_before": last.isoformat()})
        series.append(Series(name=str(label), values=values, queries=queries))
    return Chart(key="leads_by_month", title=_("Leads per month by discovery method"), kind="stacked",
                 categories=[f"{m:%Y-%m}" for m in months], series=series, list_name=LEAD_LIST,
                 list_query={"stage": "counted", **period.lead_query()}, unit=pgettext("unit of count", "leads"))


def outcomes_by_kind(*, user, period: Period) -> Chart:
    """Leads with a handled outcome of each kind (a lead with two kinds counts under both). One query."""
    rows = (_period_leads(user=user, period=period).filter(outcomes__status=OutcomeStatus.DONE)
            .values("outcomes__kind").annotate(n=Count("id", distinct=True)).order_by())
    counts = {row["outcomes__kind"]: row["n"] for row in rows}
    kinds = OutcomeKind.choices
    series = Series(name=_("Leads"), values=[counts.get(kind, 0) for kind, _label in kinds],
                    queries=[{"outcome": kind, **period.lead_query()} for kind, _label in kinds])
    return Chart(key="outcomes", title=_("Outcomes by kind"), kind="hbars",
                 categories=[str(label) for _kind, label in kinds], series=[series], list_name=LEAD_LIST,
                 list_query={"stage": "counted", **period.lead_query()}, unit=pgettext("unit of count", "leads"),
                 note=_("Handled outcomes of the leads discovered in the period."))


def conversion(*, user, period: Period) -> Chart:
    """From lead to relief: found, accepted, investigation result, included in relief. One query."""
    figures = _period_leads(user=user, period=period).aggregate(
        counted=Count("id"),
        accepted=Count("id", filter=Q(accepted_at__isnull=False)),
        assessed=Count("id", filter=Q(assessed_at__isnull=False)),
        assisted=Count("id", filter=Q(Exists(_assisted_outcome()))),
    )
    stages = (("counted", _("Leads")), ("accepted", _("Accepted")), ("assessed", _("Investigation result recorded")),
              ("assisted", _("Included in relief")))
    total = figures["counted"] or 0
    series = Series(name=_("Leads"), values=[figures[key] for key, _label in stages],
                    queries=[{"stage": key, **period.lead_query()} for key, _label in stages])
    rates = [round(100 * figures[key] / total, 1) if total else None for key, _label in stages]
    return Chart(key="conversion", title=_("From lead to relief"), kind="funnel",
                 categories=[str(label) for _key, label in stages], series=[series], list_name=LEAD_LIST,
                 list_query={"stage": "counted", **period.lead_query()}, unit=pgettext("unit of count", "leads"),
                 note=_("Included in relief: 低保, 特困, temporary relief, a referral or low-income monitoring "
                        "handled. Urgent leads may get relief before their investigation is assessed."),
                 extra={"rates": rates})


def _overdue_forms(*, user, today: dt.date):
    return scope(user, TransferForm.objects.filter(status__in=AWAITING_ANSWER, due_on__lt=today))


def overdue_by_township(*, user, today: dt.date) -> Chart:
    """Transfer forms addressed to each township, awaiting an answer past their due date. One query."""
    rows = list(_overdue_forms(user=user, today=today).filter(to_region__isnull=False)
                .values("to_region", "to_region__name", "to_region__code").annotate(n=Count("id"))
                .order_by("to_region__code"))
    # A township office sees the forms addressed to it as "received" (its list has no township filter).
    township_user = user.role in TOWNSHIP_ROLES and not user.is_superuser

    def query(region_id):
        if township_user:
            return {"deadline": "overdue", "direction": "received"}
        return {"deadline": "overdue", "to_region": region_id}

    series = Series(name=_("Overdue transfer forms"), values=[row["n"] for row in rows],
                    queries=[query(row["to_region"]) for row in rows])
    return Chart(key="overdue_townships", title=_("Overdue transfer forms by township"), kind="bars",
                 categories=[row["to_region__name"] for row in rows], series=[series],
                 list_name=TRANSFER_FORM_LIST, list_query={"deadline": "overdue"}, unit=_("forms"),
                 note=_("Awaiting an answer past the due date, today."))


def overdue_by_department(*, user, today: dt.date) -> Chart:
    """Transfer forms addressed to each department, awaiting an answer past their due date. One query."""
    rows = list(_overdue_forms(user=user, today=today).filter(to_department__isnull=False)
                .values("to_department", "to_department__short_name", "to_department__name")
                .annotate(n=Count("id")).order_by("-n", "to_department__code"))
    series = Series(name=_("Overdue transfer forms"), values=[row["n"] for row in rows],
                    queries=[{"deadline": "overdue", "to_department": row["to_department"]} for row in rows])
    return Chart(key="overdue_departments", title=_("Overdue transfer forms by department"), kind="hbars",
                 categories=[row["to_department__short_name"] or row["to_department__name"] for row in rows],
                 series=[series], list_name=TRANSFER_FORM_LIST, list_query={"deadline": "overdue"},
                 unit=_("forms"), note=_("Awaiting an answer past the due date, today."))


def feed_deadlines_due(*, user, period: Period, today: dt.date):
    """Scheduled deliveries due in the period and already due (the feed punctuality chart's rows)."""
    last = min(period.end, today - dt.timedelta(days=1))
    return scope(user, FeedDeadline.objects.filter(due_on__gte=period.start, due_on__lte=last))


def feed_punctuality(*, user, period: Period, today: dt.date) -> Chart:
    """Per department: scheduled deliveries on time, late and missing. One query."""
    rows = list(punctuality_by_department(feed_deadlines_due(user=user, period=period, today=today)))
    last = min(period.end, today - dt.timedelta(days=1))
    dates = {"due_after": period.start.isoformat(), "due_before": last.isoformat()}
    series = [Series(name=str(label), values=[row[key] for row in rows],
                     queries=[{"department": row["feed__department"], "punctuality": key, **dates} for row in rows])
              for key, label in PUNCTUALITY]
    return Chart(key="feed_punctuality", title=_("Department data: deliveries on time, late and missing"),
                 kind="stacked_h", categories=[row["feed__department__short_name"] or row["feed__department__name"]
                                               for row in rows],
                 series=series, list_name=FEED_DEADLINE_LIST, list_query=dates, unit=_("deliveries"),
                 note=_("Weekly, monthly and yearly deliveries due in the period (event feeds have no schedule)."))


def _workday_ordinals(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[int]]:
    """Each day from ``start`` to ``end`` with the number of working days up to it: the working days in
    (a, b] are ``ordinal(b) - ordinal(a)`` (referrals.workdays's convention; one query for the holidays)."""
    ordinals = WorkCalendar.preloaded().working_day_ordinals(start, end)
    return list(ordinals), list(ordinals.values())


def _response_rows_in_python(leads, ordinal: dict, *, by_month: bool) -> list[tuple]:
    """What the PostgreSQL query of :func:`response_times` returns, for databases without percentile_cont
    and GROUPING SETS (SQLite, the embedded default): one row per group and an overall row (key None)."""
    groups: dict = defaultdict(lambda: ([], []))
    for lead in leads:
        key = lead["group_key"]
        key = key.date() if isinstance(key, dt.datetime) else key
        reported = ordinal.get(lead["reported_day"])
        if reported is None or ordinal.get(lead["accepted_day"]) is None:
            continue
        for bucket in (groups[key], groups[None]):
            bucket[0].append(ordinal[lead["accepted_day"]] - reported)
            if lead["assessed_day"] in ordinal:
                bucket[1].append(ordinal[lead["assessed_day"]] - reported)
    names = {} if by_month else {r["id"]: (r["name"], r["code"]) for r in
                                 Region.objects.filter(pk__in=[k for k in groups if k]).values("id", "name", "code")}
    rows = []
    for key, (to_accept, to_assess) in groups.items():
        label = (key, key) if by_month or key is None else names.get(key, ("", ""))
        rows.append((key, *label, len(to_accept), len(to_assess),
                     statistics.median(to_accept) if to_accept else None,
                     statistics.median(to_assess) if to_assess else None))
    return sorted(rows, key=lambda row: (row[0] is not None, str(row[2])))


def response_times(*, user, period: Period, today: dt.date, by_month: bool = False) -> Chart:
    """Median working days from the lead's report to its acceptance and to its investigation result, per
    township (or per month of discovery, for a township's own dashboard) and overall.

    One query: the scoped leads joined twice to a table of each day's working-day ordinal, built from the
    product's calendar (referrals.workdays), so working days in (a, b] are ``ord(b) - ord(a)``.
    """
    leads = (_period_leads(user=user, period=period).filter(accepted_at__isnull=False)
             .annotate(reported_day=TruncDate("reported_at"), accepted_day=TruncDate("accepted_at"),
                       assessed_day=TruncDate("assessed_at"),
                       group_key=TruncMonth("discovered_on") if by_month else F("township_id"))
             .values("group_key", "reported_day", "accepted_day", "assessed_day"))
    inner_sql, inner_params = leads.query.sql_with_params()
    # A lead is reported on or after the day it is found, and accepted by today.
    days, ordinals = _workday_ordinals(period.start - dt.timedelta(days=31), max(today, period.end))
    label, join = ("l.group_key, l.group_key", "") if by_month else \
        ("r.name, r.code", "LEFT JOIN accounts_region r ON r.id = l.group_key")
    sql = f"""
        WITH cal(day, ord) AS (SELECT * FROM unnest(%s::date[], %s::int[])),
             l AS ({inner_sql})
        SELECT l.group_key, {label}, count(*) AS accepted, count(l.assessed_day) AS assessed,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY ca.ord - cr.ord) AS to_accept,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY cs.ord - cr.ord) AS to_assess
        FROM l
        JOIN cal cr ON cr.day = l.reported_day
        JOIN cal ca ON ca.day = l.accepted_day
        LEFT JOIN cal cs ON cs.day = l.assessed_day
        {join}
        GROUP BY GROUPING SETS ((l.group_key, {label}), ())
        ORDER BY 3 NULLS FIRST
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, [days, ordinals, *inner_params])
            rows = cursor.fetchall()
    else:  # the embedded SQLite default (make run): the same rows, computed in Python
        rows = _response_rows_in_python(leads, dict(zip(days, ordinals)), by_month=by_month)
    overall = next((row for row in rows if row[0] is None), None)
    # DATE_TRUNC gives a timestamp in raw SQL: months are keyed by their first day.
    groups = {row[0].date() if isinstance(row[0], dt.datetime) else row[0]: row for row in rows if row[0] is not None}

    def median(value):
        return None if value is None else round(float(value), 1)

    if by_month:
        keys = period.months
        categories = [f"{m:%Y-%m}" for m in keys]

        def query(stage, month):
            last = min(month + relativedelta(months=1) - dt.timedelta(days=1), period.end)
            return {"stage": stage, "discovered_after": max(month, period.start).isoformat(),
                    "discovered_before": last.isoformat()}
    else:
        keys = list(groups)
        categories = [groups[key][1] for key in keys]

        def query(stage, township_id):
            return {"stage": stage, "township": township_id, **period.lead_query()}

    def series(name, column, stage):
        found = [groups.get(key) for key in keys]
        return Series(name=name, values=[median(row[column]) if row else None for row in found],
                      queries=[query(stage, key) if row else None for key, row in zip(keys, found, strict=True)])

    return Chart(key="response_times", title=_("Response times (median working days)"), kind="grouped",
                 categories=categories,
                 series=[series(_("Report to acceptance"), 5, "accepted"),
                         series(_("Report to investigation result"), 6, "assessed")],
                 list_name=LEAD_LIST, list_query={"stage": "accepted", **period.lead_query()},
                 unit=_("working days"),
                 note=_("From the day a lead was reported; working days as the deadlines count them."),
                 extra={"overall": {"to_accept": median(overall[5]) if overall else None,
                                    "to_assess": median(overall[6]) if overall else None,
                                    "accepted": overall[3] if overall else 0,
                                    "assessed": overall[4] if overall else 0}})


def dashboard(*, user, period: Period, today: dt.date) -> list[Chart]:
    """Every chart of the user's dashboard, in page order (a fixed number of queries)."""
    district_wide = is_district_wide(user)
    charts = [
        leads_by_month(user=user, period=period),
        conversion(user=user, period=period),
        outcomes_by_kind(user=user, period=period),
        # The district compares its townships; a township follows its own months.
        response_times(user=user, period=period, today=today, by_month=not district_wide),
    ]
    by_township = overdue_by_township(user=user, today=today)
    # A township's own bar says no more than the headline figure: shown to the district only.
    by_township.shown = district_wide
    charts += [by_township, overdue_by_department(user=user, today=today)]
    if district_wide:  # the feeds are the district's (a township's scope holds none of them)
        charts.append(feed_punctuality(user=user, period=period, today=today))
    return charts


__all__ = [
    "DASHBOARD_ROLES", "Chart", "Period", "Series", "can_see_dashboard", "dashboard",
    "feed_deadlines_due", "period_choices", "period_parse",
]
