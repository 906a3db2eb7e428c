"""The 明细表 (seed 001's attachment): its leads, in SQL on PostgreSQL and portably elsewhere."""
from __future__ import annotations

from array import array
from collections.abc import Iterator

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import DatabaseError, connection
from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scoping import scope
from cases.choices import FollowUpKind, FollowUpStatus, LeadStatus, OutcomeStatus
from cases.models import FollowUp, Investigation, Lead, Outcome, ReliefKind
from common.readahead import read_ahead


# Seed 001's attachment, 黔江区社会救助主动发现救助对象明细表: exactly these columns, in this order.
DISCOVERY_DETAIL_COLUMNS = [
    ("序号", 6), ("发现方式", 12), ("发现人", 12), ("所属乡镇（街道）", 14), ("对象姓名", 10),
    ("家庭基本情况", 40), ("疑似符合救助", 20), ("乡镇（街道）调查情况", 40), ("乡镇（街道）办理结果", 36),
    ("备注", 24),
]
DISCOVERY_DETAIL_TITLE = gettext_lazy("Detailed list of people found by proactive discovery")
# 序号 a number, the rest text (common.xlsx.Column.kind): the rows are written without a test of each cell's type.
DISCOVERY_DETAIL_KINDS = ("number",) + ("text",) * 9


def discovery_detail_leads(*, user, leads: QuerySet | None = None) -> QuerySet:
    """The leads of the ledger (the given filtered queryset, or all), scoped, in the ledger's order."""
    leads = scope(user, leads if leads is not None else Lead.objects.all())
    return leads.exclude(status="merged").order_by("township__code", "reported_at", "id")


def _investigation_line(visited_on: str | None, met_in_person, difficulty: str, proposals: str, labels) -> str:
    """乡镇（街道）调查情况 from the latest investigation (``visited_on`` as ``YYYY-MM-DD``)."""
    parts = []
    if visited_on:
        met = labels.met if met_in_person else labels.not_met
        parts.append(labels.visit % {"date": visited_on, "met": met})
    if difficulty:
        parts.append(difficulty)
    if proposals:
        parts.append(proposals)
    return "；".join(parts) or labels.started


def _result_text(lead: Lead) -> str:
    outcomes = [(o.kind, o.status, o.reason, o.included_on.isoformat() if o.included_on else None,
                 o.explained_on.isoformat() if o.explained_on else None, o.explained_how,
                 o.notified_on.isoformat() if o.notified_on else None, o.notified_how)
                for o in lead.outcomes.all()]
    follow_ups = [(fu.done_on.isoformat(), fu.satisfaction) for fu in lead.follow_ups.all()
                  if fu.kind == FollowUpKind.AFTER_OUTCOME and fu.status == FollowUpStatus.DONE and fu.satisfaction]
    return _result_line(outcomes, lead.status, lead.reject_reason, _Labels(), follow_ups)


def _result_line(outcomes, status: str, reject_reason: str, labels, follow_ups=()) -> str:
    """办理结果: each outcome (not eligible with its reason, or included with 纳入时间), else the lead's state.

    ``outcomes`` are ``(kind, status, reason, included_on, explained_on, explained_how)`` with dates as
    ``YYYY-MM-DD`` or None, then ``notified_on, notified_how``. 不符合救助条件 and 本人不愿申请 say when and how
    the policy was explained; each outcome when and how the person was told (告知); ``follow_ups`` are the
    回访 done with their 测评 as ``(done_on, satisfaction)`` (issue 17, seed 003).
    """
    lines = []
    for kind, outcome_status, reason, included_on, *more in outcomes:
        if outcome_status == OutcomeStatus.CANCELLED:
            continue
        label = labels.outcome[kind]
        explained_on, explained_how, notified_on, notified_how = (list(more) + [None] * 4)[:4]
        told = (labels.told % {"date": notified_on, "how": labels.explained_how.get(notified_how or "", "")}
                if notified_on else "")
        explained = ""
        if explained_on and explained_how:
            explained = labels.explained % {"date": explained_on, "how": labels.explained_how.get(explained_how, "")}
        elif explained_on:
            explained = labels.explained_on % {"date": explained_on}
        if kind == "not_eligible":
            lines.append((f"{label}：{reason}" if reason else label) + explained + told)
        elif kind == "declined":
            # Not "included": the person did not want to apply; the dates say when the policy was explained.
            if explained:
                lines.append(label + explained + told)
            else:
                lines.append(labels.declined % {"outcome": label, "date": included_on} if included_on else label)
        elif outcome_status == OutcomeStatus.DONE and included_on:
            lines.append(labels.included % {"outcome": label, "date": included_on} + told)
        else:
            lines.append(f"{label}（{labels.outcome_status[outcome_status]}）" + told)
    for done_on, satisfaction in follow_ups or ():
        lines.append(labels.satisfaction_line % {"date": done_on, "verdict": labels.satisfaction.get(satisfaction, "")})
    if not lines:
        if status == "rejected":
            return labels.rejected % {"reason": reject_reason}
        return labels.lead_status[status]
    return "\n".join(lines)


class _Labels:
    """Every translated word a ledger row uses, looked up once per export instead of once per cell."""

    def __init__(self):
        from cases.choices import DifficultyClass, DiscoveryMethod, OutcomeKind

        self.method = {k: str(v) for k, v in DiscoveryMethod.choices}
        self.difficulty = {k: str(v) for k, v in DifficultyClass.choices}
        self.outcome = {k: str(v) for k, v in OutcomeKind.choices}
        self.outcome_status = {k: str(v) for k, v in OutcomeStatus.choices}
        self.lead_status = {k: str(v) for k, v in LeadStatus.choices}
        # Not "met the person": that msgid is also the investigation form's question (是否见到本人).
        self.met, self.not_met = _("the person was met"), _("did not meet the person")
        self.visit = _("Home visit on %(date)s, %(met)s")
        self.started = _("Investigation started")
        self.not_investigated = _("Not yet investigated")
        self.included = _("%(outcome)s (included on %(date)s)")
        self.rejected = _("Not accepted: %(reason)s")
        from cases.choices import ExplanationMode

        self.explained_how = {k: str(v) for k, v in ExplanationMode.choices}
        self.explained = _("(policy explained on %(date)s, %(how)s)")
        self.explained_on = _("(policy explained on %(date)s)")
        from cases.choices import Satisfaction

        self.told = _("; told the result on %(date)s (%(how)s)")
        self.satisfaction = {k: str(v) for k, v in Satisfaction.choices}
        self.satisfaction_line = _("Follow-up on %(date)s, the person's assessment: %(verdict)s")
        self.urgent, self.late = _("Urgent (急难)"), _("Late report")
        self.declined = _("%(outcome)s (policy explained on %(date)s)")


# Leads per query of a large export: enough to keep round trips few, small enough to keep memory flat.
DETAIL_CHUNK = 2000


def _text_array(*expressions) -> Func:
    return Func(*expressions, function="ARRAY", template="ARRAY[%(expressions)s]",
                output_field=ArrayField(TextField()))


def _iso_date(field: str) -> Func:
    return Func(F(field), Value("YYYY-MM-DD"), function="to_char", output_field=TextField())


# The values of a row, in the order the row builder unpacks them (the last four are the annotations below).
DETAIL_VALUES = ("number", "method", "discoverer__full_name", "discoverer__username", "discoverer_name",
                 "township__name", "person__name", "family_situation", "relief_ids", "latest_investigation",
                 "outcome_list", "status", "reject_reason", "is_urgent", "is_late_report", "late_reason",
                 "satisfaction_list")


def _with_lists(leads: QuerySet) -> QuerySet:
    """``leads`` annotated with the lists a row reads (see :func:`discovery_detail_values`)."""
    # The kinds' ids only (an index-only probe, no join and no sort per lead): named and ordered in Python.
    relief = (Lead.suspected_relief.through.objects.filter(lead_id=OuterRef("pk")).order_by("reliefkind_id")
              .values("reliefkind_id"))
    investigation = (Investigation.objects.filter(lead_id=OuterRef("pk")).order_by("-started_at", "-id")
                     .values(parts=_text_array(_iso_date("visited_on"), Cast("met_in_person", TextField()),
                                               "difficulty_class", "proposals"))[:1])
    outcomes = (Outcome.objects.filter(lead_id=OuterRef("pk")).order_by("included_on", "id")
                .values(parts=_text_array("kind", "status", "reason", _iso_date("included_on"),
                                          _iso_date("explained_on"), "explained_how", _iso_date("notified_on"),
                                          "notified_how")))
    satisfaction = (FollowUp.objects.filter(lead_id=OuterRef("pk"), kind=FollowUpKind.AFTER_OUTCOME,
                                            status=FollowUpStatus.DONE).exclude(satisfaction="")
                    .order_by("done_on", "id").values(parts=_text_array(_iso_date("done_on"), "satisfaction")))
    return (leads.prefetch_related(None)
            .annotate(relief_ids=ArraySubquery(relief, output_field=ArrayField(IntegerField())),
                      latest_investigation=Subquery(investigation, output_field=ArrayField(TextField())),
                      outcome_list=ArraySubquery(outcomes, output_field=ArrayField(ArrayField(TextField()))),
                      satisfaction_list=ArraySubquery(satisfaction,
                                                      output_field=ArrayField(ArrayField(TextField())))))


def discovery_detail_values(leads: QuerySet) -> QuerySet:
    """One tuple of plain values per lead, in one query, no model instances.

    Besides the lead's own columns: its suspected relief as the kinds' ids (ascending), its latest
    investigation as ``[visited_on, met_in_person, difficulty_class, proposals]`` (or None) and its outcomes as
    ``[[kind, status, reason, included_on], …]`` — text arrays, which the driver reads without a per-value
    Python step; dates as ``YYYY-MM-DD``, booleans as ``true``/``false``. Correlated subqueries, so the cost
    follows the rows exported, not the size of the tables (DESIGN §10: ~10 cells × 100,000 rows, where every
    per-row Python step shows). A large export reads the same values by chunks of ids
    (:func:`_discovery_detail_values_by_ids`).
    """
    return _with_lists(leads).values_list(*DETAIL_VALUES)


# The first chunk is small, so the first row comes early and the thread starts reading ahead soon.
FIRST_CHUNK = 250
# Ids unlikely to be a lead's: the placeholder of the chunk query, found again among the compiled parameters. The
# ids go as one array literal's text (``'{1,2,…}'::bigint[]``): the driver would quote a list of 2,000 ints one by
# one, with a regular expression each (0.1 s of the reader's thread for 100,000 leads).
_PLACEHOLDER_IDS = "{-7305011401,-7305011402}"


def _discovery_detail_values_by_ids(leads: QuerySet) -> Iterator[tuple]:
    """The tuples of :func:`discovery_detail_values` for ``leads`` (scoped, filtered and ordered by the caller),
    read in two steps so the first row does not wait for the sort of the whole ledger (DECISIONS 1300):

    1. the leads' ids in the ledger's order — a narrow query (no correlated subquery, no wide row to sort);
    2. the wide rows of :data:`DETAIL_CHUNK` ids at a time (``id = ANY(…)``), sorted by PostgreSQL in the
       ledger's order — the caller's, which ends with the id: a chunk, a run of that order, comes back as it is
       in the ids (DECISIONS 1460).

    Every query runs on one cursor of the caller's connection, opened at the first row in the caller's thread,
    so :func:`common.readahead.read_ahead` may fetch the next chunks from its thread inside the caller's
    transaction. Each chunk is its own statement: a lead changed between two of them shows as it is when its
    chunk is read, one deleted or merged meanwhile is left out. JIT compilation is off while the export reads
    (the subqueries multiply the planner's cost estimate past ``jit_above_cost``, and PostgreSQL then spends
    ~0.7 s compiling each plan to save nothing on index lookups). A chunk's rows are made into Python values
    one at a time as they are taken (the cursor's result stays in the driver's memory): each row's lists live
    only until the caller has built its line, never long enough for the garbage collector to keep and scan
    them (DECISIONS 1461).
    """
    ids_sql, ids_params = leads.prefetch_related(None).values_list("id", flat=True).query.sql_with_params()
    # The same rows but merged leads (as discovery_detail_leads) — the ids are the scoped, filtered ones.
    # ``id = ANY(%s)``: one array parameter, one plan whatever the chunk's size (``id__in`` writes 2,000).
    table = Lead._meta.db_table
    by_ids = (_with_lists(Lead.objects.extra(where=[f'"{table}"."id" = ANY(%s::bigint[])'], params=[_PLACEHOLDER_IDS]))
              .exclude(status="merged").order_by(*leads.query.order_by).values_list(*DETAIL_VALUES))
    sql, params = by_ids.query.sql_with_params()
    params = list(params)
    at = params.index(_PLACEHOLDER_IDS)
    cursor = connection.cursor()
    try:
        cursor.execute("SET jit = off")
        try:
            cursor.execute(ids_sql, ids_params)
            ids = array("q")
            while batch := cursor.fetchmany(20_000):
                ids.extend(row[0] for row in batch)
            start, size = 0, FIRST_CHUNK
            while start < len(ids):
                chunk = ids[start:start + size]
                start, size = start + size, DETAIL_CHUNK
                params[at] = "{" + ",".join(map(str, chunk)) + "}"
                cursor.execute(sql, params)
                # Row by row from the driver's cursor, its errors as Django's. Not ``yield from``: stopped early,
                # it would close the cursor (its own iterator) before the RESET below.
                with connection.wrap_database_errors:
                    for row in cursor.cursor:  # noqa: UP028 - see above
                        yield row
        finally:
            try:
                cursor.execute("RESET jit")
            except DatabaseError:  # a failed transaction: its rollback undoes the SET; the first error is raised
                pass
    finally:
        cursor.close()


DETAIL_FIELDS = ("number", "method", "discoverer__full_name", "discoverer__username", "discoverer_name",
                 "township__name", "person__name", "family_situation", "status", "reject_reason", "is_urgent",
                 "is_late_report", "late_reason")


def _discovery_detail_values_portable(leads: QuerySet) -> Iterator[tuple]:
    """The tuples of :func:`discovery_detail_values` without PostgreSQL's arrays (SQLite, the embedded
    default of ``make run``): the lead's columns, then per chunk three queries for relief, the latest
    investigations and the outcomes."""
    def iso(day):
        return day.isoformat() if day else None

    chunk: list[dict] = []

    def flush():
        ids = [row["pk"] for row in chunk]
        relief: dict[int, list[int]] = {}
        for lead_id, kind_id in (Lead.suspected_relief.through.objects.filter(lead_id__in=ids)
                                 .order_by("lead_id", "reliefkind_id").values_list("lead_id", "reliefkind_id")):
            relief.setdefault(lead_id, []).append(kind_id)
        latest: dict[int, list] = {}
        for inv in (Investigation.objects.filter(lead_id__in=ids).order_by("lead_id", "-started_at", "-id")
                    .values("lead_id", "visited_on", "met_in_person", "difficulty_class", "proposals")):
            latest.setdefault(inv["lead_id"], [iso(inv["visited_on"]), "true" if inv["met_in_person"] else "false",
                                               inv["difficulty_class"], inv["proposals"]])
        outcomes: dict[int, list] = {}
        for out in (Outcome.objects.filter(lead_id__in=ids).order_by("included_on", "id")
                    .values("lead_id", "kind", "status", "reason", "included_on", "explained_on", "explained_how",
                            "notified_on", "notified_how")):
            outcomes.setdefault(out["lead_id"], []).append(
                [out["kind"], out["status"], out["reason"], iso(out["included_on"]), iso(out["explained_on"]),
                 out["explained_how"], iso(out["notified_on"]), out["notified_how"]])
        satisfaction: dict[int, list] = {}
        for fu in (FollowUp.objects.filter(lead_id__in=ids, kind=FollowUpKind.AFTER_OUTCOME,
                                           status=FollowUpStatus.DONE).exclude(satisfaction="")
                   .order_by("done_on", "id").values("lead_id", "done_on", "satisfaction")):
            satisfaction.setdefault(fu["lead_id"], []).append([iso(fu["done_on"]), fu["satisfaction"]])
        for row in chunk:
            pk = row["pk"]
            yield (row["number"], row["method"], row["discoverer__full_name"], row["discoverer__username"],
                   row["discoverer_name"], row["township__name"], row["person__name"], row["family_situation"],
                   relief.get(pk, []), latest.get(pk), outcomes.get(pk, []), row["status"],
                   row["reject_reason"], row["is_urgent"], row["is_late_report"], row["late_reason"],
                   satisfaction.get(pk, []))

    for row in leads.prefetch_related(None).values("pk", *DETAIL_FIELDS).iterator(chunk_size=DETAIL_CHUNK):
        chunk.append(row)
        if len(chunk) == DETAIL_CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def discovery_detail_rows(*, leads: QuerySet) -> Iterator[tuple]:
    """The ten columns of seed 001's 明细表 for ``leads`` (scoped and ordered by the caller), one tuple a lead."""
    # The words and the kinds' names are read here, in the caller's thread (its language, its connection).
    labels = _Labels()
    relief_name, relief_rank = _relief_kinds()
    if connection.vendor == "postgresql":
        # The ordered ids, then the wide rows by chunks of ids, read ahead in a thread: PostgreSQL computes the
        # next chunk while Python writes this one (common.readahead; DECISIONS 1100, 1300). The thread also
        # builds each row's line from its values (DECISIONS 1461): what it hands over is tuples of strings.
        yield from read_ahead(_detail_lines(_discovery_detail_values_by_ids(leads), labels, relief_name,
                                            relief_rank))
    else:
        yield from _detail_lines(_discovery_detail_values_portable(leads), labels, relief_name, relief_rank)


def _detail_lines(rows: Iterator[tuple], labels: _Labels, relief_name: dict[int, str],
                  relief_rank: dict[int, int]) -> Iterator[tuple]:
    """The ledger's lines from the values of :func:`discovery_detail_values`, numbered from 1."""
    method_label, difficulty_label, status_label = labels.method, labels.difficulty, labels.lead_status
    not_investigated, urgent, late, rejected = labels.not_investigated, labels.urgent, labels.late, labels.rejected
    relief_texts: dict[tuple, str] = {}  # a few combinations of kinds, each named once
    for n, (number, method, full_name, username, discoverer_name, township, person, family, relief_ids, inv,
            outcomes, status, reject_reason, is_urgent, is_late, late_reason, satisfied) in enumerate(rows, start=1):
        remarks = number
        if is_urgent:
            remarks = f"{remarks}；{urgent}"
        if is_late:
            remarks = f"{remarks}；{late}" + (f"（{late_reason}）" if late_reason else "")
        if relief_ids:
            key = tuple(relief_ids)
            relief = relief_texts.get(key)
            if relief is None:
                relief = relief_texts[key] = "、".join(relief_name[k] for k in sorted(key, key=relief_rank.__getitem__))
        else:
            relief = ""
        if outcomes or satisfied:
            result = _result_line(outcomes, status, reject_reason, labels, satisfied)
        elif status == "rejected":  # what _result_line says of a lead with no outcome and no follow-up
            result = rejected % {"reason": reject_reason}
        else:
            result = status_label[status]
        yield (
            n,
            method_label[method],
            (full_name or username) if username else discoverer_name,
            township,
            person,
            family,
            relief,
            _investigation_line(inv[0], inv[1] == "true", difficulty_label.get(inv[2], ""), inv[3], labels)
            if inv is not None else not_investigated,
            result,
            remarks,
        )


def _relief_kinds() -> tuple[dict[int, str], dict[int, int]]:
    """The suspected-relief kinds' names and their rank in the ledger's order (the kind's ``order``, then id)."""
    kinds = list(ReliefKind.objects.order_by("order", "id").values_list("id", "name"))
    return dict(kinds), {pk: rank for rank, (pk, _name) in enumerate(kinds)}
