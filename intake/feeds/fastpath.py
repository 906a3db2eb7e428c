"""The PostgreSQL import of a delivery: staged, matched and stored while it is checked, then set-based SQL
(DESIGN §10).

:func:`apply` does what the ORM path of :mod:`.services` does row by row, with the same results (the tests
run every feed test through both and compare). While the rows are checked, :class:`Staging` sends each chunk of
accepted rows to PostgreSQL in one statement (psycopg's pipeline: the server works while Python checks the next
chunk): rows an earlier delivery already brought are left out by a probe of ``feed_row_once``, people are matched
by ID through the registry's unique index, and the new rows are stored with what matching tells. Then unknown
people of the district are registered in bulk (households, people and their history rows); the warning rules are
evaluated in SQL — yearly sums and rises/falls from earlier deliveries' rows with window functions — and only the
rows that warn come back to Python to be put into words; leads are raised set-based by :mod:`cases.bulk_leads`
(beside :func:`cases.services.lead_report`, the rule it mirrors: people locked, numbers from one block of the
district's counter, relief, causes, sources and history rows); the few stored rows whose outcome that changed are
updated last, with their lead and rule. It runs inside the caller's transaction: all or nothing.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Self

from django.db import connection

from accounts.models import Region
from cases import bulk_leads
from cases.choices import Channel, DiscoveryMethod, SourceType
from cases.models import Household, Lead, Person
from intake.models import FeedRow

from .choices import BatchStatus, RowOutcome, RuleKind
from .counts import Counts
from .definitions import FeedError
from .rules import (
    Warning,
    every_row_text,
    fall_text,
    lookback,
    low_streak_text,
    periods_before,
    rise_text,
    row_amount_text,
    status_label,
    yearly_sum_text,
)
from .validation import ParsedRow
from .words import remembered

log = logging.getLogger(__name__)

ROWS = "feed_rows"
WARN = "feed_warn"
LEADROWS = bulk_leads.LEADROWS


def _q(value: str) -> str:
    """A value for COPY's text format. ``str.replace`` per character escaped, not ``str.translate``: translate
    goes character by character through a mapping, ≈ 15 µs for a warning's description in Chinese (issue 15)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\t" in value:
        value = value.replace("\t", "\\t")
    if "\n" in value:
        value = value.replace("\n", "\\n")
    if "\r" in value:
        value = value.replace("\r", "\\r")
    return value


@dataclass
class Decision:
    """What one warning row leads to, decided in Python from its warnings (shared with the ORM path)."""

    warnings: list[Warning]
    relief: list
    causes: list
    is_urgent: bool
    covered: bool
    description: str  # the report: feed, row, figures and the rules that fired (the lead's sources, 备注)
    situation: str = ""  # the new lead's 家庭基本情况, as a caseworker writes it


@dataclass
class Result(Counts):
    """What the import did (the counts a delivery keeps), and per township what to tell it."""
    townships: dict[int, list] = field(default_factory=dict)  # township id → [new leads, evidence, urgent]


def district_townships(feed) -> list[int]:
    """The townships of the feed's district: a delivery matches only people registered there (issue 20)."""
    from accounts.choices import RegionLevel

    return list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=feed.district.code[:6])
                .values_list("pk", flat=True))


_defaults = bulk_leads.insert_defaults
_history = bulk_leads.history_rows


# --- staging, matching and storing while the rows are checked ---------------------------------------------
_SEP = "\x1f"


def _joined(values: list[str], *, nulls: bool, cast: str = "") -> tuple[str, object]:
    """One column of a chunk as one parameter: its values joined by U+001F and split again by PostgreSQL
    (``string_to_array``; with ``nulls`` an empty value is NULL) — one string to quote instead of a value per cell
    (COPY is not allowed in a pipeline). A value holding the separator itself goes as an array of values."""
    text = _SEP.join(values)
    if text.count(_SEP) == len(values) - 1:
        sql = "string_to_array(%s, chr(31), '')" if nulls else "string_to_array(%s, chr(31))"
        return (f"{sql}::{cast}[]" if cast else sql), text
    return f"%s::{cast or 'text'}[]", [v if v or not nulls else None for v in values]


class Staging:
    """The validated rows on their way into PostgreSQL while the next ones are still being checked (issue 15,
    session 26): each chunk of accepted rows (:meth:`add`, called by :func:`checking.delivery_check` after each
    block) is sent as one statement in psycopg's pipeline mode — the server hashes and matches it and stores its
    rows while Python checks the next block, on the machine's other core. One statement a chunk:

    * the checksum and the JSON of the other columns made in SQL (the bytes :func:`validation.row_checksum`
      hashes), the first row of each checksum kept (``DISTINCT ON``);
    * rows an earlier delivery of the feed brought, or an earlier chunk of this one, left out (one probe of
      ``feed_row_once`` per row: earlier chunks' rows are stored already), and from the same probe the person's
      total of the row's year in earlier deliveries (``prior``, the yearly sums);
    * the registry's person of the feed's district probed by ID (``LATERAL … LIMIT 1``);
    * the new rows into :data:`ROWS` (ids from FeedRow's sequence, in row order) and stored as ``FeedRow`` with
      what matching tells (recorded, or to transfer out); :func:`apply` later sets the outcome, lead, rule and
      warning of the few rows the rules, the leads or a registration change (:func:`_update_rows`).

    Runs inside the import's transaction, after the feed's lock: all or nothing as before. No thread: the
    pipeline is psycopg's, in this thread (the bench must not hang, docs/PERFORMANCE.md)."""

    CHUNK = 5000

    def __init__(self, *, batch, feed, now: dt.datetime):
        self.batch, self.feed, self.now = batch, feed, now
        self.pending: list[ParsedRow] = []
        # The first chunk is the first block's accepted rows (checking.delivery_check hands them over 500 at a time):
        # the server, idle until then, starts on them while Python checks the next 5,000 (issue 15, DECISIONS 1561).
        self._threshold = 1
        self.rows: list[ParsedRow] = []  # every row added, in order: the import's accepted rows
        self.by_number: dict[int, ParsedRow] = {}  # made in __exit__ (see _index)
        self.several: list[str] = []
        self.new = 0
        self.waited = 0.0  # seconds the import waited for the server after the last row was checked
        self._pipeline = None

    def __enter__(self) -> Self:
        feed = self.feed
        self._cursor = connection.cursor()
        cursor = self._cursor
        # Sorts and hashes of 100,000 rows stay in memory (the default 4 MB spills them to disk); this transaction only.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # Compiling the big statements took longer than running them (≈ 0.4 s each on the bench).
        cursor.execute("SET LOCAL jit = off")
        # Each row is probed in feed_row_once (and the registry's index), never by a scan of the whole table per
        # row — which the planner chose for the first chunk when FeedRow's statistics said the table was empty
        # (a feed's rows deleted and vacuumed: 0.63 s instead of 0.15 s for 5,448 rows; DECISIONS 1493). Back to
        # the session's setting after the chunks.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # The rows' ids from FeedRow's own sequence, named once: ``nextval(pg_get_serial_sequence(…))`` as the
        # default looked the sequence up in the catalogue for every row (issue 15).
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [FeedRow._meta.db_table])
        self._sequence = int(cursor.fetchone()[0])
        cursor.execute(f"DROP TABLE IF EXISTS {ROWS}")
        # What the rules, the leads and the counts read of the new rows (the rows themselves are stored already):
        # ``prior`` is the person's total of the row's year from the feed's earlier deliveries (the yearly sums).
        cursor.execute(f"""
            CREATE TEMP TABLE {ROWS} (
                row_number integer NOT NULL, fr_id bigint NOT NULL, id_number text NOT NULL, year integer NOT NULL,
                amount numeric, prior numeric, person_id bigint, status text, township_id bigint, village_id bigint,
                elsewhere boolean NOT NULL, unmatched boolean NOT NULL DEFAULT false,
                changed boolean NOT NULL DEFAULT false)""")
        self.townships = district_townships(feed)
        cols, exprs, params = _defaults(FeedRow, {
            "batch_id": ("%s", self.batch.pk), "feed_id": ("%s", feed.pk), "row_number": "s.row_number",
            "checksum": "s.checksum", "id_number": "s.id_number", "name": "s.name", "amount": "s.amount",
            "event_date": "s.event_date", "year": "s.year", "data": "s.data", "person_id": "s.person_id",
            "region_id": ("coalesce(s.township_id, %s)", feed.district_id),
            "outcome": ("CASE WHEN s.person_id IS NULL THEN %s ELSE %s END", RowOutcome.TRANSFER_OUT,
                        RowOutcome.RECORDED),
            "lead_id": "NULL", "rule_id": "NULL", "warning": "''", "created_at": ("%s", self.now)})
        self._store = (f"INSERT INTO {FeedRow._meta.db_table} (id, {cols}) SELECT s.fr_id, {exprs} FROM m s", params)
        self._raw = cursor.cursor  # psycopg's own cursor (Django's debug wrapper keeps every query)
        self._pipeline = connection.connection.pipeline()
        self._pipeline.__enter__()
        return self

    def add(self, rows: list[ParsedRow]) -> None:
        self.rows.extend(rows)
        self.pending.extend(rows)
        if len(self.pending) >= self._threshold:
            self._threshold = self.CHUNK
            self._send()

    def _send(self) -> None:
        rows, self.pending = self.pending, []
        if not rows:
            return
        keys = sorted({k for r in rows for k in r.data})  # the checksum's order of the other columns
        columns = [
            _joined([str(r.row_number) for r in rows], nulls=False, cast="integer"),
            _joined([r.id_number for r in rows], nulls=False),
            _joined([r.name for r in rows], nulls=False),
            _joined(["" if r.amount is None else str(r.amount) for r in rows], nulls=True, cast="numeric"),
            _joined(["" if r.event_date is None else r.event_date.isoformat() for r in rows], nulls=True, cast="date"),
            _joined([str(r.year) for r in rows], nulls=False, cast="integer"),
            *[_joined([r.data.get(k, "") for r in rows], nulls=True) for k in keys],
        ]
        arrays = [sql for sql, _value in columns]
        array_params = [value for _sql, value in columns]
        names = "".join(f", c{i}" for i in range(len(keys)))
        pairs = ", ".join(f"%s::text, r.c{i}" for i in range(len(keys)))
        others = "".join(f", %s::text || r.c{i}" for i in range(len(keys)))
        data_sql = f"jsonb_strip_nulls(jsonb_build_object({pairs}))" if keys else "'{}'::jsonb"
        store, store_params = self._store
        self._raw.execute(f"""
            WITH c AS (
                SELECT DISTINCT ON (id_number, checksum) * FROM (
                    SELECT r.row_number,
                           encode(substring(sha256(convert_to(concat_ws(chr(31), %s::text, r.id_number, r.name,
                               CASE WHEN r.amount IS NULL OR r.amount = 0 THEN '' ELSE r.amount::text END,
                               coalesce(r.event_date::text, ''){others}), 'UTF8')) FROM 1 FOR 16),
                               'hex')::uuid AS checksum,
                           r.id_number, r.name, r.amount, r.event_date, r.year, {data_sql} AS data
                    FROM unnest({', '.join(arrays)})
                         AS r(row_number, id_number, name, amount, event_date, year{names})) d
                ORDER BY id_number, checksum, row_number),
            m AS (
                SELECT c.*, x.prior, CASE WHEN ours THEN p.id END AS person_id,
                       CASE WHEN ours THEN p.assistance_status END AS status,
                       CASE WHEN ours THEN p.township_id END AS township_id,
                       CASE WHEN ours THEN p.village_id END AS village_id, (p.id IS NOT NULL AND NOT ours) AS elsewhere,
                       nextval({self._sequence}::regclass) AS fr_id
                FROM c
                CROSS JOIN LATERAL (SELECT bool_or(f.checksum = c.checksum) AS stored,
                                           sum(f.amount) FILTER (WHERE f.year = c.year AND f.batch_id <> %s) AS prior
                                    FROM {FeedRow._meta.db_table} f
                                    WHERE f.id_number = c.id_number AND f.feed_id = %s) x
                LEFT JOIN LATERAL (SELECT e.id, e.assistance_status, e.township_id, e.village_id,
                                          coalesce(e.township_id = ANY(%s), false) AS ours
                                   FROM {Person._meta.db_table} e WHERE e.id_number = c.id_number LIMIT 1) p ON true
                WHERE x.stored IS NOT TRUE),
            s AS (
                INSERT INTO {ROWS} (row_number, fr_id, id_number, year, amount, prior, person_id, status, township_id,
                                    village_id, elsewhere)
                SELECT row_number, fr_id, id_number, year, amount, prior, person_id, status, township_id, village_id,
                       elsewhere FROM m)
            {store}""", [self.feed.pk, *[f"{k}=" for k in keys], *keys, *array_params, self.batch.pk, self.feed.pk,
                         self.townships, *store_params])

    def _index(self) -> None:
        """What :func:`apply` reads of the accepted rows besides the server's tables — each row by its number, and
        the ID numbers with more than one row (the rules' ``several``) — made after the last chunk is sent and
        before its results are waited for: the server is still storing the chunks then, and Python would only
        wait (35–65 ms of 100,000 rows that came after the chunks, issue 15)."""
        self.by_number = {r.row_number: r for r in self.rows}
        counted = Counter(r.id_number for r in self.rows)
        self.several = sorted(i for i, n in counted.items() if n > 1)

    def __exit__(self, kind, value, traceback) -> None:
        clock = time.perf_counter()
        try:
            if kind is None:
                self._send()
                self._index()
        finally:
            pipeline, self._pipeline = self._pipeline, None
            if pipeline is not None:
                pipeline.__exit__(kind, value, traceback)  # waits for the server; raises what a statement raised
        if kind is None:
            cursor = self._cursor
            cursor.execute("RESET enable_seqscan")
            # Statistics of the columns the next statements join or filter on only, from a sample of 3,000 rows
            # rather than 30,000 (a fifth of the time; the phases after took as long as before, DECISIONS 1493).
            cursor.execute("SET LOCAL default_statistics_target = 10")
            cursor.execute(f"ANALYZE {ROWS} (row_number, id_number, year, person_id)")
            cursor.execute("RESET default_statistics_target")
            cursor.execute(f"SELECT count(*) FROM {ROWS}")
            self.new = cursor.fetchone()[0]
        self._cursor.close()
        self.waited = time.perf_counter() - clock


# --- registering unknown people of the district ------------------------------------------------------
def _register(cursor, newcomers: list[tuple[ParsedRow, Region]], now: dt.datetime,
              unknown_tids: list[str]) -> tuple[int, list[str]]:
    """Households and people for IDs of the district the registry lacks, in bulk (with history rows); their rows
    of :data:`ROWS` (among ``unknown_tids``, the rows of unknown IDs) get the person. Returns the people registered
    and their rows' places in the table."""
    from common import resident_id

    if not newcomers:
        return 0, []
    villages = {village.pk: village for _row, village in newcomers}
    last = _last_household_numbers(cursor, list(villages.values()))
    numbers, ids, names, sexes, births, townships, village_ids = [], [], [], [], [], [], []
    for row, village in newcomers:
        parsed = resident_id.parse(row.id_number)
        last[village.pk] += 1
        numbers.append(f"{village.code}{last[village.pk]:05d}")
        ids.append(parsed.number)
        names.append(row.name)
        sexes.append(parsed.sex)
        births.append(parsed.birth_date)
        townships.append(village.parent_id)
        village_ids.append(village.pk)
    # Ids drawn first, in household-number order (the order the inserts numbered them in before): each household
    # is stored with its head, instead of a second version of it written by an UPDATE (issue 15).
    count = len(numbers)
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                   [Household._meta.db_table, count])
    household_ids = sorted(r[0] for r in cursor.fetchall())
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                   [Person._meta.db_table, count])
    person_ids = sorted(r[0] for r in cursor.fetchall())
    order = sorted(range(count), key=numbers.__getitem__)
    household_of, person_of = [0] * count, [0] * count
    for k, i in enumerate(order):
        household_of[i], person_of[i] = household_ids[k], person_ids[k]
    cols, exprs, params = _defaults(Household, {"number": "n.number", "township_id": "n.township_id",
                                                "village_id": "n.village_id", "head_id": "n.head_id",
                                                "created_at": ("%s", now)})
    cursor.execute(f"""
        INSERT INTO {Household._meta.db_table} (id, {cols})
        SELECT n.id, {exprs}
        FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::bigint[], %s::bigint[])
             AS n(id, number, township_id, village_id, head_id)
        ORDER BY n.number
    """, [*params, household_of, numbers, townships, village_ids, person_of])
    cols, exprs, params = _defaults(Person, {
        "id_number": "n.id_number", "name": "n.name", "sex": "n.sex", "birth_date": "n.birth_date",
        "township_id": "n.township_id", "village_id": "n.village_id", "household_id": "n.household_id",
        "relation": ("%s", "head"), "created_at": ("%s", now), "updated_at": ("%s", now)})
    cursor.execute(f"""
        INSERT INTO {Person._meta.db_table} (id, {cols})
        SELECT n.id, {exprs}
        FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::date[], %s::bigint[], %s::bigint[],
                    %s::bigint[], %s::text[])
             AS n(id, id_number, name, sex, birth_date, township_id, village_id, household_id, household)
        ORDER BY n.household
    """, [*params, person_of, ids, names, sexes, births, townships, village_ids, household_of, numbers])
    _history(cursor, Household, "id = ANY(%s)", [household_ids], "+", now)
    _history(cursor, Person, "id = ANY(%s)", [person_ids], "+", now)
    # The rows of the people registered are among the rows of unknown IDs: found by their place in the table,
    # not by another scan of it (every row of an ID the registry lacked is one of them).
    cursor.execute(f"""
        UPDATE {ROWS} r SET person_id = p.id, status = p.assistance_status, township_id = p.township_id,
                            village_id = p.village_id, changed = true
        FROM {Person._meta.db_table} p
        WHERE r.ctid = ANY(%s::tid[]) AND p.id_number = r.id_number AND p.id_number = ANY(%s)
        RETURNING r.ctid::text
    """, [unknown_tids, ids])
    return len(newcomers), [t for (t,) in cursor.fetchall()]


def _last_household_numbers(cursor, villages: list[Region]) -> dict[int, int]:
    """Each village's last household number of its own series (code + five digits), in one statement: the
    query the ORM sent per village (``number__startswith``, newest first), once per village.

    Read backwards along the number's pattern index (byte order, which for the series' digits is the order of
    ``ORDER BY number DESC``), the village checked on the way: the first household of the village found is the
    answer, one index entry or a few. ``village_id + 0`` keeps the planner off the village's index, which it
    preferred (it guessed 11 households where a village has thousands) and then read every household of the
    village to sort them: 8 ms warm, 25–34 ms cold per village on the bench (issue 15, DECISIONS 1571)."""
    selects, params = [], []
    for village in villages:
        selects.append(f"SELECT %s::bigint, (SELECT h.number FROM {Household._meta.db_table} h "
                       f"WHERE h.number::text LIKE %s AND h.village_id + 0 = %s "
                       f"ORDER BY h.number::text USING ~>~ LIMIT 1)")
        params.extend([village.pk, connection.ops.prep_for_like_query(village.code) + "%", village.pk])
    cursor.execute(" UNION ALL ".join(selects), params)
    codes = {village.pk: village.code for village in villages}
    return {pk: int(number[len(codes[pk]):]) if number else 0 for pk, number in cursor.fetchall()}


# --- warning rules in SQL -----------------------------------------------------------------------------
def _limit_sql(rule, params: list) -> str:
    """The rule's threshold for the row's person's status: their status's threshold, else everyone else's."""
    parts = []
    for status, amount in rule.by_status.items():
        parts.append("WHEN %s THEN %s::numeric")
        params.extend([status, amount])
    params.append(rule.default_threshold)
    return f"(CASE c.status {' '.join(parts)} ELSE %s::numeric END)" if parts else "(%s::numeric)"


def _period_totals(period: tuple[dt.date, dt.date], feed_id: int, params: list) -> str:
    params.extend([feed_id, BatchStatus.DONE, period[0], period[1]])
    return f"""(SELECT f.id_number, sum(f.amount) AS total FROM {FeedRow._meta.db_table} f
                JOIN intake_feedbatch b ON b.id = f.batch_id
                WHERE f.feed_id = %s AND b.status = %s AND b.period_start = %s AND b.period_end = %s
                  AND f.id_number IN (SELECT id_number FROM {ROWS} WHERE person_id IS NOT NULL)
                GROUP BY f.id_number)"""


def _rule_select(position: int, rule, periods: list) -> tuple[str, list] | None:
    """The SELECT of the rows one rule fires on: (row number, rule position, status, the row's place in
    :data:`ROWS`, figure a, figure b, earlier totals). ``c`` is a candidate row with ``lim``, its threshold under this rule."""
    p: list = []
    lim = _limit_sql(rule, p)
    rows = f"(SELECT c.*, {lim} AS lim FROM cand c) c"
    none = "NULL::numeric[]"
    if rule.kind == RuleKind.EVERY_ROW:
        return f"SELECT c.row_number, {position}, c.status, c.tid::text, NULL::numeric, NULL::numeric, {none} FROM cand c", []
    if rule.kind == RuleKind.ROW_AMOUNT:
        return (f"""SELECT c.row_number, {position}, c.status, c.tid::text, c.lim, NULL::numeric, {none} FROM {rows}
                    WHERE c.amount IS NOT NULL AND c.amount >= c.lim""", p)
    if rule.kind == RuleKind.YEARLY_SUM:
        return (f"""SELECT c.row_number, {position}, c.status, c.tid::text, c.lim, c.before, {none}
                    FROM (SELECT c.*, c.run_year + coalesce(c.prior, 0) AS before
                          FROM {rows}) c
                    WHERE c.amount IS NOT NULL AND c.before < c.lim AND c.lim <= c.before + c.amount""", p)
    if rule.kind == RuleKind.RISE:
        if not rule.ratio or not periods:
            return None
        return (f"""SELECT c.row_number, {position}, c.status, c.tid::text, c.total, c.run_all, {none}
                    FROM (SELECT c.*, v.total, greatest(v.total * %s::numeric, %s::numeric) AS rise_to
                          FROM cand c JOIN prev0 v ON v.id_number = c.id_number WHERE v.total <> 0) c
                    WHERE c.amount IS NOT NULL AND c.run_all < c.rise_to AND c.rise_to <= c.run_all + c.amount""",
                [rule.ratio, rule.min_amount or Decimal(0)])
    if rule.kind == RuleKind.FALL:
        if rule.ratio is None or not periods:
            return None
        return (f"""SELECT c.row_number, {position}, c.status, c.tid::text, v.total, NULL::numeric, {none}
                    FROM cand c JOIN prev0 v ON v.id_number = c.id_number
                    WHERE c.is_first AND v.total <> 0 AND c.amount IS NOT NULL AND v.total >= %s::numeric
                      AND c.amount <= v.total * %s::numeric""", [rule.min_amount or Decimal(0), rule.ratio])
    if rule.kind == RuleKind.LOW_STREAK:
        wanted = max(1, rule.periods or 1)
        if len(periods) < wanted - 1:
            return None
        earlier = [f"prev{k}" for k in range(wanted - 1)]
        joins = " ".join(f"JOIN {t} ON {t}.id_number = c.id_number AND {t}.total < c.lim" for t in earlier)
        array = f"ARRAY[{', '.join(f'{t}.total' for t in earlier)}]::numeric[]" if earlier else "ARRAY[]::numeric[]"
        started_before = ""
        if len(periods) >= wanted:
            started_before = (f"AND NOT EXISTS (SELECT 1 FROM prev{wanted - 1} b WHERE b.id_number = c.id_number "
                              f"AND b.total < c.lim)")
        return (f"""SELECT c.row_number, {position}, c.status, c.tid::text, c.lim, NULL::numeric, {array}
                    FROM {rows} {joins}
                    WHERE c.is_first AND c.amount IS NOT NULL AND c.amount < c.lim {started_before}""", p)
    return None


def _fired(cursor, *, feed, batch, rules, several: list[str]) -> tuple[list[tuple], list]:
    """Every (row, rule) that fires, in row and rule order, with its figures; and the earlier periods read.
    ``several``: the ID numbers with more than one row in the delivery (or more: see below)."""
    periods = periods_before(feed, batch.period_start, lookback(rules))
    selects, params = [], []
    for position, rule in enumerate(rules):
        select = _rule_select(position, rule, periods)
        if select is not None:
            selects.append(select[0])
            params.extend(select[1])
    if not selects:
        return [], periods
    # The running sums of a person's earlier rows in this delivery, and whether a row is the person's first: the
    # windows only over the people with more than one row (a few thousand of 100,000); a person's only row has
    # nothing before it (0, 0, first) — the same figures, without sorting every row (0.25 s → 0.1 s, issue 15).
    # Which people have several rows is counted in Python from the accepted rows (≈ 5 ms): grouping the 100,000
    # stored rows by ID in SQL took 40–90 ms. A person counted there with one new row (the others unchanged or
    # unmatched) goes through the windows alone, which give that row the same 0, 0 and first.
    ctes = ["several AS (SELECT unnest(%s::text[]) AS id_number)",
            f"""cand AS (
        SELECT row_number, ctid AS tid, id_number, year, amount, prior, status, 0::numeric AS run_year,
               0::numeric AS run_all, true AS is_first
        FROM {ROWS} WHERE person_id IS NOT NULL AND id_number NOT IN (SELECT id_number FROM several)
        UNION ALL
        SELECT row_number, ctid AS tid, id_number, year, amount, prior, status,
               coalesce(sum(amount) OVER (PARTITION BY id_number, year ORDER BY row_number
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS run_year,
               coalesce(sum(amount) OVER (PARTITION BY id_number ORDER BY row_number
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS run_all,
               row_number = min(row_number) OVER (PARTITION BY id_number) AS is_first
        FROM {ROWS} WHERE person_id IS NOT NULL AND id_number IN (SELECT id_number FROM several))"""]
    head: list = []
    for k, period in enumerate(periods):
        ctes.append(f"prev{k} AS {_period_totals(period, feed.pk, head)}")
    cursor.execute(f"WITH {', '.join(ctes)} SELECT * FROM ({' UNION ALL '.join(selects)}) fired ORDER BY 1, 2",
                   [several, *head, *params])
    return cursor.fetchall(), periods


def _warnings(fired, rules, rows_by_number: dict[int, ParsedRow], periods) -> dict[int, tuple[list[Warning], str]]:
    """Each warning row's warnings in words, and its person's status."""
    out: dict[int, tuple[list[Warning], str]] = {}
    labels: dict[tuple[str, bool], str] = {}  # one label per status (a lazy label is translated on each str())
    for row_number, position, status, _tid, a, b, earlier in fired:
        rule = rules[position]
        row = rows_by_number[row_number]
        key = (status, status in rule.by_status)
        who = labels.get(key)
        if who is None:
            who = labels[key] = status_label(status, rule.by_status)
        if rule.kind == RuleKind.EVERY_ROW:
            text = every_row_text(rule)
        elif rule.kind == RuleKind.ROW_AMOUNT:
            text = row_amount_text(rule, amount=row.amount, who=who, limit=a)
        elif rule.kind == RuleKind.YEARLY_SUM:
            text = yearly_sum_text(rule, year=row.year, after=b + row.amount, before=b, amount=row.amount, who=who,
                                   limit=a)
        elif rule.kind == RuleKind.RISE:
            text = rise_text(rule, after=b + row.amount, previous=a, period=periods[0])
        elif rule.kind == RuleKind.FALL:
            text = fall_text(rule, amount=row.amount, previous=a, period=periods[0])
        else:
            text = low_streak_text(rule, amount=row.amount, earlier=list(earlier), who=who, limit=a)
        out.setdefault(row_number, ([], status))[0].append(Warning(rule=rule, text=text))
    return out


# --- leads, sources, rows -------------------------------------------------------------------------
def _stage_warnings(cursor, decisions: dict[int, Decision]) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {WARN}")
    cursor.execute(f"""CREATE TEMP TABLE {WARN} (row_number integer PRIMARY KEY, rule_id bigint, warning text,
                       description text, is_urgent boolean, covered boolean, relief bigint[], causes bigint[],
                       situation text)""")
    lines = [f"{number}\t{d.warnings[0].rule.pk}\t{_q(chr(10).join(w.text for w in d.warnings))}\t"
             f"{_q(d.description)}\t{'t' if d.is_urgent else 'f'}\t{'t' if d.covered else 'f'}\t"
             f"{{{','.join(str(r.pk) for r in d.relief)}}}\t{{{','.join(str(c.pk) for c in d.causes)}}}\t"
             f"{_q(d.situation)}\n" for number, d in decisions.items()]
    with cursor.copy(f"COPY {WARN} FROM STDIN") as copy:
        copy.write("".join(lines))  # one write: a write per line was ≈ 15 µs of psycopg each


def _raise_leads(cursor, *, feed, today: dt.date, now: dt.datetime) -> None:
    """Every warning row not kept on file is a report to :mod:`cases.bulk_leads`, which raises the leads (or adds
    the evidence to open ones) as :func:`cases.services.lead_report` does, and leaves each row's lead in
    ``bulk_leads.LEADROWS``."""
    bulk_leads.reports_table(cursor, f"""
        SELECT r.row_number, r.fr_id::text AS origin_id, r.person_id, r.village_id, w.description, w.situation,
               w.is_urgent, w.relief, w.causes
        FROM {TOUCHED} r JOIN {WARN} w USING (row_number) WHERE NOT w.covered""", [])
    try:
        bulk_leads.leads_raise(cursor, today=today, now=now, method=DiscoveryMethod.DATA_PUSH,
                               channel=Channel.DEPARTMENT_DATA, source_type=SourceType.FEED_ROW,
                               reporter_name=feed.department.name[:64], origin_type="intake.FeedRow")
    except bulk_leads.BulkLeadConflict as exc:
        raise FeedError(str(exc)) from exc


TOUCHED = "feed_touched"


def _touched(cursor, tids: list[str]) -> None:
    """The rows of :data:`ROWS` whose stored row changes (:func:`_update_rows`): the rows that warn, the rows of
    people registered by this import and the rows whose village cannot be told — a few hundred of 100,000, which
    the leads' reports and the update then read instead of the whole table (each scan of the 100,000 rows is
    10–20 ms: the table is larger than the session's temporary buffers). Fetched by their places in the table
    (``tids``: the rules' query and the two updates return them; nothing updates the table in between); the
    condition is what makes a row one of them."""
    cursor.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
    cursor.execute(f"""
        CREATE TEMP TABLE {TOUCHED} AS
        SELECT r.row_number, r.fr_id, r.person_id, r.township_id, r.village_id, r.unmatched
        FROM {ROWS} r
        WHERE r.ctid = ANY(%s::tid[])
          AND (r.changed OR r.unmatched OR r.row_number IN (SELECT row_number FROM {WARN}))""", [tids])
    cursor.execute(f"ANALYZE {TOUCHED}")


def _update_rows(cursor, *, feed) -> int:
    """The stored rows (:class:`Staging`) whose outcome is not what matching told (:func:`_touched`): the rows that
    warn (kept on file, a lead raised or evidence added; their lead, rule and warning), the rows of people
    registered by this import (their person and township) and the rows whose village cannot be told (unmatched),
    updated by primary key."""
    cursor.execute(f"""
        UPDATE {FeedRow._meta.db_table} f SET person_id = c.person_id, region_id = c.region_id, outcome = c.outcome,
                                              lead_id = c.lead_id, rule_id = c.rule_id, warning = c.warning
        FROM (SELECT r.fr_id, r.person_id, coalesce(r.township_id, %s) AS region_id,
                     CASE WHEN r.unmatched THEN %s WHEN r.person_id IS NULL THEN %s WHEN w.row_number IS NULL THEN %s
                          WHEN w.covered THEN %s WHEN lr.open_lead_id IS NULL AND lr.nth = 1 THEN %s ELSE %s
                     END AS outcome,
                     lr.lead_id, w.rule_id, coalesce(w.warning, '') AS warning
              FROM {TOUCHED} r LEFT JOIN {WARN} w USING (row_number) LEFT JOIN {LEADROWS} lr USING (row_number)) c
        WHERE f.id = c.fr_id""",
                   [feed.district_id, RowOutcome.UNMATCHED, RowOutcome.TRANSFER_OUT, RowOutcome.RECORDED,
                    RowOutcome.KEPT_ON_FILE, RowOutcome.LEAD_RAISED, RowOutcome.EVIDENCE_ADDED])
    return cursor.rowcount


def _wal_lsn() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def apply(*, batch, feed, parsed: list[ParsedRow], rules: list, today: dt.date, now: dt.datetime, decide,
          newcomers_of, report, staged: Staging) -> Result:
    """Act on the accepted rows of a delivery, which ``staged`` has matched and stored while they were checked
    (inside the caller's transaction). ``decide(row, warnings, status)`` and ``newcomers_of(rows)`` are the ORM
    path's own, so both paths decide alike."""
    result = Result()
    by_number = staged.by_number  # every accepted row (``parsed``: the rows ``staged`` was given), by its number
    laps: list[tuple[str, float, str]] = []
    clock = [time.perf_counter()]
    wal = log.isEnabledFor(logging.DEBUG)  # the bench's profile: WAL written per phase (one query per phase)
    lsn = [_wal_lsn() if wal else 0]

    def lap(name: str) -> None:
        now_ = time.perf_counter()
        written = ""
        if wal:
            at = _wal_lsn()
            written, lsn[0] = f" [{(at - lsn[0]) / 1e6:.1f} MB WAL]", at
        laps.append((name, now_ - clock[0], written))
        clock[0] = time.perf_counter()

    laps.append(("stage, match, rows (after the checks)", staged.waited, ""))
    with connection.cursor() as cursor:
        result.unchanged = len(parsed) - staged.new
        report("matching")
        # One scan for the rows of IDs of the district the registry lacks (their numbers, and their places in the
        # table for the updates below) and for the rows matched by the chunks (the counts).
        unknown_sql = "person_id IS NULL AND NOT elsewhere AND id_number LIKE %s"
        district = feed.district.code[:6] + "%"
        cursor.execute(f"""
            SELECT count(*) FILTER (WHERE person_id IS NOT NULL),
                   coalesce(array_agg(row_number ORDER BY row_number) FILTER (WHERE {unknown_sql}), '{{}}'),
                   coalesce(array_agg(ctid::text ORDER BY row_number) FILTER (WHERE {unknown_sql}), '{{}}')
            FROM {ROWS}""", [district, district])
        with_person, unknown_numbers, unknown_tids = cursor.fetchone()
        touched_tids: list[str] = []  # the rows whose stored row changes (_touched), by their place in the table
        unknown = [by_number[n] for n in unknown_numbers]
        if unknown:
            newcomers, unlocated = newcomers_of(unknown)
            result.people_created, registered_tids = _register(cursor, newcomers, now, unknown_tids)
            with_person += len(registered_tids)
            touched_tids += registered_tids
            if unlocated:  # kept, for the district centre to place (unless a later row registered the person)
                cursor.execute(f"UPDATE {ROWS} SET unmatched = true WHERE ctid = ANY(%s::tid[]) AND person_id IS NULL "
                               f"AND id_number = ANY(%s) RETURNING ctid::text",
                               [unknown_tids, sorted({r.id_number for r in unlocated})])
                unmatched_tids = [t for (t,) in cursor.fetchall()]
                result.unmatched = len(unmatched_tids)
                touched_tids += unmatched_tids
        lap("register")
        fired, periods = ([], [])
        if rules:
            fired, periods = _fired(cursor, feed=feed, batch=batch, rules=rules, several=staged.several)
        lap("rules")
        report("raising leads")
        with remembered():  # each message translated once for the thousand reports (words.py)
            decisions = {number: decide(by_number[number], warnings, status)
                         for number, (warnings, status) in _warnings(fired, rules, by_number, periods).items()}
        _stage_warnings(cursor, decisions)
        _touched(cursor, touched_tids + sorted({f[3] for f in fired}))
        lap("warnings")
        _raise_leads(cursor, feed=feed, today=today, now=now)
        lap("leads")
        _update_rows(cursor, feed=feed)
        lap("rows updated")
        # The counts: the rows' from the scan above and the updates' row counts (a row is unmatched, matched or
        # transferred out), the warnings' and reports' from their own tables.
        result.matched = with_person - result.people_created
        result.transfer_out = staged.new - with_person - result.unmatched
        cursor.execute(f"""
            SELECT (SELECT count(*) FILTER (WHERE w.covered) FROM {WARN} w),
                   (SELECT count(*) FILTER (WHERE lr.open_lead_id IS NULL AND lr.nth = 1) FROM {LEADROWS} lr),
                   (SELECT count(*) FILTER (WHERE NOT (lr.open_lead_id IS NULL AND lr.nth = 1)) FROM {LEADROWS} lr)""")
        result.kept_on_file, result.leads_raised, result.evidence_added = cursor.fetchone()
        cursor.execute(f"""
            SELECT l.township_id, count(*) FILTER (WHERE lr.open_lead_id IS NULL AND lr.nth = 1),
                   count(*) FILTER (WHERE NOT (lr.open_lead_id IS NULL AND lr.nth = 1)), bool_or(lr.is_urgent)
            FROM {LEADROWS} lr JOIN {Lead._meta.db_table} l ON l.id = lr.lead_id GROUP BY l.township_id""")
        result.townships = {t: [new_leads, added, urgent] for t, new_leads, added, urgent in cursor.fetchall()}
        cursor.execute(f"DROP TABLE {LEADROWS}, {TOUCHED}, {WARN}, {ROWS}")
        lap("counts")
    log.info("delivery %s, fast path: %s", batch.pk, ", ".join(f"{name} {secs:.2f} s{w}" for name, secs, w in laps))
    return result
