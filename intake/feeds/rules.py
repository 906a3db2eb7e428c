"""Warning rules (预警规则) applied to the rows of one delivery; the rules and thresholds are data.

* ``every_row``: every matched row warns (event and weekly feeds: the department already chose them).
* ``row_amount``: one row's amount reaches the threshold (seed 003: one stay ≥ 20,000 yuan).
* ``yearly_sum``: the person's amounts of the year in this feed, summed as monthly deliveries arrive,
  cross the threshold — found in the delivery where they cross it (July, not December), and only then.
* ``rise`` / ``fall``: the person's amount in this delivery against their total in the feed's previous
  period (the latest earlier period delivered): at least ``ratio`` times it (rise, and at least
  ``min_amount``), or at most ``ratio`` times it (fall, from at least ``min_amount``).
* ``low_streak`` (income not sustainable, Tongling): the person's amount is below the threshold in this
  delivery and in each of the ``periods - 1`` latest earlier periods delivered — found in the period the run
  of low periods reaches ``periods``, and only then (the period before it was not low, or had no row).

Thresholds depend on the person's current assistance status (Tongling: 特困 1,000, 低保 5,000,
低保边缘 / 刚性支出困难 / 防返贫监测 10,000, everyone else 15,000 yuan): a ``WarningThreshold`` row per
status, the rule's ``default_threshold`` for everyone else. Every warning carries its figures as text,
shown on the lead.

The figures are computed here for the ORM path (SQLite, and PostgreSQL when the fast path is off) and in SQL
by :mod:`.fastpath`; both turn them into words with the ``*_text`` functions below, so a warning reads the
same whichever path raised it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from cases.choices import AssistanceStatus

from .choices import BatchStatus, RuleKind
from .validation import ParsedRow
from .words import gettext as _

# The relief a person of each status is already under: a warning suggesting only these is kept on file.
RELIEF_COVERED_BY_STATUS = {
    AssistanceStatus.DIBAO: {"dibao"},
    AssistanceStatus.TEKUN: {"tekun", "dibao"},
}


def money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)):,.2f}"


@dataclass
class Warning:
    rule: object  # WarningRule
    text: str


def status_label(status: str, by_status) -> str:
    if status in by_status:
        return str(AssistanceStatus(status).label)
    return _("everyone else")


def every_row_text(rule) -> str:
    return _("Warning rule “%(rule)s”.") % {"rule": rule.name}


def row_amount_text(rule, *, amount, who: str, limit) -> str:
    return _("Warning rule “%(rule)s”: this row %(amount)s yuan ≥ threshold for %(who)s %(limit)s "
             "yuan.") % {"rule": rule.name, "amount": money(amount), "who": who, "limit": money(limit)}


def yearly_sum_text(rule, *, year: int, after, before, amount, who: str, limit) -> str:
    return _("Warning rule “%(rule)s”: %(year)s total %(after)s yuan (before %(before)s, this row "
             "%(amount)s) ≥ threshold for %(who)s %(limit)s yuan.") % {
        "rule": rule.name, "year": year, "after": money(after), "before": money(before),
        "amount": money(amount), "who": who, "limit": money(limit)}


def rise_text(rule, *, after, previous, period) -> str:
    return _("Warning rule “%(rule)s”: %(after)s yuan this period against %(previous)s yuan in "
             "the previous period (%(start)s to %(end)s), %(times)s times (rule: at least %(ratio)s "
             "times).") % {
        "rule": rule.name, "after": money(after), "previous": money(previous),
        "start": period[0].isoformat(), "end": period[1].isoformat(),
        "times": f"{after / previous:.1f}", "ratio": f"{rule.ratio:g}"}


def fall_text(rule, *, amount, previous, period) -> str:
    return _("Warning rule “%(rule)s”: %(amount)s yuan this period against %(previous)s yuan in the "
             "previous period (%(start)s to %(end)s), down to %(percent)s%% (rule: at most "
             "%(limit)s%%).") % {
        "rule": rule.name, "amount": money(amount), "previous": money(previous),
        "start": period[0].isoformat(), "end": period[1].isoformat(),
        "percent": f"{amount / previous * 100:.0f}", "limit": f"{rule.ratio * 100:.0f}"}


def low_streak_text(rule, *, amount, earlier, who: str, limit) -> str:
    return _("Warning rule “%(rule)s”: %(amount)s yuan this period, below the threshold for %(who)s of "
             "%(limit)s yuan for %(periods)s periods in a row (earlier periods: %(earlier)s yuan).") % {
        "rule": rule.name, "amount": money(amount), "who": who, "limit": money(limit),
        "periods": rule.periods, "earlier": "、".join(money(e) for e in earlier)}


def periods_before(feed, period_start: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The latest ``count`` periods delivered (imported) before ``period_start``, newest first."""
    from intake.models import FeedBatch

    if count <= 0:
        return []
    return list(FeedBatch.objects.filter(feed=feed, status=BatchStatus.DONE, period_end__lt=period_start)
                .order_by("-period_end", "-period_start").values_list("period_start", "period_end")
                .distinct()[:count])


def lookback(rules) -> int:
    """How many earlier periods the rules read: one for rise and fall, ``periods`` for a low streak."""
    need = 0
    for rule in rules:
        if rule.kind in (RuleKind.RISE, RuleKind.FALL):
            need = max(need, 1)
        elif rule.kind == RuleKind.LOW_STREAK:
            need = max(need, max(1, rule.periods or 1))
    return need


def active_rules(feed) -> list:
    """The feed's active rules in order, each with ``by_status`` thresholds, ``relief_list`` and ``cause_list``."""
    rules = list(feed.rules.filter(is_active=True).prefetch_related("thresholds", "suspected_relief", "causes")
                 .order_by("order", "id"))
    for rule in rules:
        rule.by_status = {t.assistance_status: t.amount for t in rule.thresholds.all()}
        rule.relief_list = list(rule.suspected_relief.all())
        rule.cause_list = list(rule.causes.all())
    return rules


class RuleBook:
    """The active rules of a feed with the figures earlier deliveries left (yearly sums, previous period)."""

    def __init__(self, *, feed, batch, rows: Iterable[ParsedRow], chunk: int = 5000):
        from intake.models import FeedRow

        self.feed, self.batch = feed, batch
        self.rules = active_rules(feed)
        kinds = {r.kind for r in self.rules}
        rows = list(rows)
        ids = sorted({r.id_number for r in rows})
        self.year_sums: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        if RuleKind.YEARLY_SUM in kinds and ids:
            years = sorted({r.year for r in rows})
            for i in range(0, len(ids), chunk):
                for row in (FeedRow.objects.filter(feed=feed, id_number__in=ids[i:i + chunk], year__in=years)
                            .values("id_number", "year").annotate(total=Sum("amount"))):
                    self.year_sums[(row["id_number"], row["year"])] = row["total"] or Decimal(0)
        self.previous: dict[str, Decimal] = {}
        self.previous_period: tuple[dt.date, dt.date] | None = None
        self.period_totals: list[dict[str, Decimal]] = []  # newest first, one dict per earlier period
        self.periods = periods_before(feed, batch.period_start, lookback(self.rules)) if ids else []
        for start, end in self.periods:
            totals: dict[str, Decimal] = {}
            for i in range(0, len(ids), chunk):
                for row in (FeedRow.objects.filter(
                        feed=feed, id_number__in=ids[i:i + chunk], batch__status=BatchStatus.DONE,
                        batch__period_start=start, batch__period_end=end)
                        .values("id_number").annotate(total=Sum("amount"))):
                    totals[row["id_number"]] = row["total"] or Decimal(0)
            self.period_totals.append(totals)
        if self.periods:
            self.previous_period = self.periods[0]
            self.previous = self.period_totals[0]
        self.current: dict[str, Decimal] = defaultdict(Decimal)
        self.fall_checked: set[str] = set()

    @staticmethod
    def status_label(status: str, rule) -> str:
        return status_label(status, rule.by_status)

    @staticmethod
    def threshold(rule, status: str) -> Decimal | None:
        return rule.by_status.get(status, rule.default_threshold)

    def evaluate(self, row: ParsedRow, *, status: str) -> list[Warning]:
        """The warnings this row raises; call it once per new row, in row order (running sums move on)."""
        warnings: list[Warning] = []
        amount = row.amount or Decimal(0)
        key = (row.id_number, row.year)
        before_year = self.year_sums[key]
        before_current = self.current[row.id_number]
        for rule in self.rules:
            text = None
            if rule.kind == RuleKind.EVERY_ROW:
                text = every_row_text(rule)
            elif rule.kind == RuleKind.ROW_AMOUNT:
                limit = self.threshold(rule, status)
                if limit is not None and row.amount is not None and amount >= limit:
                    text = row_amount_text(rule, amount=amount, who=self.status_label(status, rule), limit=limit)
            elif rule.kind == RuleKind.YEARLY_SUM:
                limit = self.threshold(rule, status)
                after = before_year + amount
                if limit is not None and row.amount is not None and before_year < limit <= after:
                    text = yearly_sum_text(rule, year=row.year, after=after, before=before_year, amount=amount,
                                           who=self.status_label(status, rule), limit=limit)
            elif rule.kind == RuleKind.RISE:
                previous = self.previous.get(row.id_number)
                if previous and rule.ratio and row.amount is not None:
                    limit = max(previous * rule.ratio, rule.min_amount or Decimal(0))
                    after = before_current + amount
                    if before_current < limit <= after:
                        text = rise_text(rule, after=after, previous=previous, period=self.previous_period)
            elif rule.kind == RuleKind.FALL:
                previous = self.previous.get(row.id_number)
                if (previous and rule.ratio is not None and row.amount is not None
                        and row.id_number not in self.fall_checked
                        and previous >= (rule.min_amount or Decimal(0)) and amount <= previous * rule.ratio):
                    text = fall_text(rule, amount=amount, previous=previous, period=self.previous_period)
            elif rule.kind == RuleKind.LOW_STREAK:
                text = self._low_streak(rule, row, status)
            if text:
                warnings.append(Warning(rule=rule, text=text))
        if row.amount is not None:
            self.year_sums[key] = before_year + amount
            self.current[row.id_number] = before_current + amount
        self.fall_checked.add(row.id_number)
        return warnings


    def _low_streak(self, rule, row: ParsedRow, status: str) -> str | None:
        """Income not sustainable: below the threshold now and in the ``periods - 1`` periods before, not before that."""
        limit = self.threshold(rule, status)
        wanted = max(1, rule.periods or 1)
        if (limit is None or row.amount is None or row.id_number in self.fall_checked or row.amount >= limit
                or len(self.period_totals) < wanted - 1):
            return None
        earlier = [totals.get(row.id_number) for totals in self.period_totals[:wanted - 1]]
        if any(total is None or total >= limit for total in earlier):
            return None
        if len(self.period_totals) >= wanted:
            before = self.period_totals[wanted - 1].get(row.id_number)
            if before is not None and before < limit:
                return None  # the run started earlier: it warned then
        return low_streak_text(rule, amount=row.amount, earlier=earlier, who=self.status_label(status, rule),
                               limit=limit)


def relief_of(warnings: list[Warning]) -> list:
    seen: dict[int, object] = {}
    for w in warnings:
        for relief in w.rule.relief_list:
            seen.setdefault(relief.pk, relief)
    return list(seen.values())


def causes_of(warnings: list[Warning]) -> list:
    seen: dict[int, object] = {}
    for w in warnings:
        for cause in w.rule.cause_list:
            seen.setdefault(cause.pk, cause)
    return list(seen.values())


def already_covered(status: str, relief: list) -> bool:
    """Whether the person's current status already gives every relief the warnings suggest."""
    covered = RELIEF_COVERED_BY_STATUS.get(status, set())
    return bool(relief) and all(r.code in covered for r in relief)
