"""Writes of department feeds: receiving a delivery, confirming it, importing it all or nothing.

A delivery (``FeedBatch``) is received (file, API push or command), previewed with its detected
column mapping, committed, and imported by :func:`batch_process` — in a Celery task for uploads, in
the request for API pushes and in the process for the command. The import is **one transaction**:
every accepted row is stored and acted on (leads raised, evidence added, people registered), or,
on any error, nothing is. Re-delivery changes nothing: the same file (checksum per file) is
recognised as a duplicate, and the same row in any later delivery (checksum per row, unique per
feed) is counted as unchanged; leads are raised through :func:`cases.services.lead_report`, which
takes each row's origin once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import RegionLevel, Role
from accounts.models import Department, Region
from cases.choices import Channel, DiscoveryMethod, SourceType
from cases.models import HardshipCause, Person, ReliefKind
from cases.services import LeadError, RegistryError, lead_report, person_register
from common import resident_id
from common.heartbeat import beating

from ..models import (
    Feed, FeedBatch, FeedColumn, FeedRejectedRow, FeedRow, WarningRule, WarningThreshold,
)
from . import deadlines
from .choices import BatchSource, BatchStatus, RowOutcome
from .parsing import ColumnSpec, HeaderMatch, ParseError, Table, detect_header, missing_required, read_table
from . import fastpath
from .periods import Proposal, period_label, period_propose
from .rules import RuleBook, active_rules, already_covered, causes_of, relief_of
from .situation import situation
from .validation import ParsedRow, RejectedRow, RowValidator

log = logging.getLogger(__name__)

# Who delivers for a department besides its liaisons: the district centre (on their behalf) and admins.
DISTRICT_DELIVERERS = frozenset({Role.DISTRICT_STAFF, Role.ADMINISTRATOR})
CHUNK = 5000
PROGRESS_EVERY = 500
PROGRESS_TTL = 24 * 3600


class FeedError(Exception):
    """A delivery that cannot be received or imported; the message is for the user, in Chinese."""


# --- definitions -------------------------------------------------------------------------------
def feeds_install_standard(*, district: Region) -> int:
    """The twelve standard feeds for a district that has none yet (idempotent). Returns how many were made."""
    from .standard import install

    if district.level != RegionLevel.DISTRICT:
        district = Region.objects.get(code=f"{district.code[:6]}000000")
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=district.pk).first()
        return install(district=district, Feed=Feed, FeedColumn=FeedColumn, WarningRule=WarningRule,
                       WarningThreshold=WarningThreshold, Department=Department, ReliefKind=ReliefKind,
                       HardshipCause=HardshipCause)


def column_specs(feed: Feed) -> list[ColumnSpec]:
    specs = []
    for column in feed.columns.all().order_by("order", "id"):
        spec = ColumnSpec.of(column)
        from .parsing import normalise_header

        specs.append(ColumnSpec(key=spec.key, label=spec.label, kind=spec.kind, required=spec.required,
                                names=tuple(dict.fromkeys((*spec.names, normalise_header(spec.key))))))
    return specs


def can_deliver(user, feed: Feed) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("intake.add_feedbatch"):
        return False
    if user.role == Role.DEPARTMENT_LIAISON:
        return user.department_id == feed.department_id
    return user.role in DISTRICT_DELIVERERS and user.region.district_code == feed.district.code[:6]


def _check_can_deliver(user, feed: Feed) -> None:
    if not can_deliver(user, feed):
        raise FeedError(_("You cannot deliver data for %(feed)s: only its department's liaisons and the district "
                          "centre can.") % {"feed": feed.name})


# --- receiving --------------------------------------------------------------------------------------
def _checked_period(feed: Feed, period_start: dt.date | None, period_end: dt.date | None,
                    today: dt.date) -> tuple[dt.date, dt.date]:
    default_start, default_end = deadlines.default_period(feed, today)
    start, end = period_start or default_start, period_end or default_end
    if start > end:
        raise FeedError(_("The period starts after it ends."))
    if start > today:
        raise FeedError(_("The period cannot start in the future."))
    if (end - start).days > 400:
        raise FeedError(_("A delivery covers at most one year."))
    return start, end


def _detect(feed: Feed, table: Table) -> HeaderMatch:
    try:
        return detect_header(table, column_specs(feed))
    except ParseError as exc:
        raise FeedError(str(exc)) from exc


@transaction.atomic
def batch_receive(*, feed: Feed, user, filename: str, data: bytes, source: str = BatchSource.UPLOAD,
                  period_start: dt.date | None = None, period_end: dt.date | None = None,
                  idempotency_key: str = "", department: Department | None = None) -> FeedBatch:
    """Store a delivered file and its detected column mapping. Uploads wait for confirmation (preview);
    API pushes and the command are queued at once (``source``)."""
    if source == BatchSource.API:
        if department is None or department.pk != feed.department_id:
            raise FeedError(_("This token belongs to another department."))
    elif source == BatchSource.UPLOAD or user is not None:
        _check_can_deliver(user, feed)
    if not feed.is_active:
        raise FeedError(_("The feed %(feed)s is not active.") % {"feed": feed.name})
    today = timezone.localdate()
    if period_start is not None or period_end is not None:
        _checked_period(feed, period_start, period_end, today)  # a wrong period is refused before the file is read
    try:
        table = read_table(data, filename)
    except ParseError as exc:
        raise FeedError(str(exc)) from exc
    header = _detect(feed, table)
    if period_start is None and period_end is None:
        # No period given: the file's own (its dates, else its title), not blindly the feed's usual one.
        proposal = period_propose(feed, table, header, filename=filename, today=today)
        period_start, period_end = proposal.start, proposal.end
    start, end = _checked_period(feed, period_start, period_end, today)
    batch = FeedBatch(
        feed=feed, district_id=feed.district_id, department_id=feed.department_id, source=source,
        status=BatchStatus.PREVIEW if source == BatchSource.UPLOAD else BatchStatus.QUEUED,
        file_name=filename[:200], file_size=len(data), checksum=hashlib.sha256(data).hexdigest(),
        idempotency_key=idempotency_key, period_start=start, period_end=end, sheet_name=table.sheet_name[:64],
        header_row=table.row_number(header.header_index),
        mapping={str(i): key for i, key in header.mapping.items()},
        rows_total=max(0, len(table.rows) - header.data_start),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    batch.file.save(f"delivery{_safe_ext(filename)}", ContentFile(data), save=False)
    batch.save()
    if source != BatchSource.UPLOAD:
        _remember_table(batch, table)
    return batch


def _safe_ext(filename: str) -> str:
    from .parsing import extension_of

    ext = extension_of(filename)
    return ext if ext in (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".json") else ".bin"


# The command and the API receive and import a delivery in one process: the table read on receipt is kept
# (one, for the import that follows at once) so a 100,000-row file is not parsed twice. Uploads are imported
# by a worker, which reads the stored file.
_LAST_TABLE: dict[tuple[int, str], Table] = {}


def _remember_table(batch: FeedBatch, table: Table) -> None:
    _LAST_TABLE.clear()
    _LAST_TABLE[(batch.pk, batch.checksum)] = table


def _read_batch_table(batch: FeedBatch) -> Table:
    table = _LAST_TABLE.pop((batch.pk, batch.checksum), None)
    if table is not None:
        return table
    with batch.file.open("rb") as f:
        data = f.read()
    try:
        return read_table(data, batch.file_name or batch.file.name)
    except ParseError as exc:
        raise FeedError(str(exc)) from exc


def _header_of(batch: FeedBatch, table: Table) -> HeaderMatch:
    header = _detect(batch.feed, table)
    header.mapping = {int(i): key for i, key in (batch.mapping or {}).items() if key}
    header.missing_required = missing_required(header.mapping, column_specs(batch.feed))
    return header


@dataclass
class Preview:
    headers: list[str]
    header_row: int
    mapping: dict[int, str]
    missing_required: list[str]
    sample: list[tuple[int, list[str], str]]  # row number, cells, Chinese reason ("" when accepted)
    accepted: int | None
    rejected: int | None
    data_rows: int
    columns: list[ColumnSpec] = field(default_factory=list)
    proposal: Proposal | None = None  # the period the file seems to cover
    period_problem: str = ""          # the import would stop: most rows outside the period


PREVIEW_SAMPLE = 15
PREVIEW_FULL_LIMIT = 20000


def batch_preview(*, batch: FeedBatch) -> Preview:
    """The detected header, the mapping, the first rows with their verdicts and (for files up to 20,000 rows)
    how many rows the import will accept and reject — by the import's own checks (:func:`delivery_check`)."""
    from .parsing import cell_text

    table = _read_batch_table(batch)
    header = _header_of(batch, table)
    specs = column_specs(batch.feed)
    data_rows = table.rows[header.data_start:]
    full = len(data_rows) <= PREVIEW_FULL_LIMIT
    checked = None
    if not header.missing_required:
        checked = delivery_check(batch, table, header, limit=None if full else PREVIEW_SAMPLE * 4)
    sample = []
    for offset, cells in enumerate(data_rows):
        if len(sample) >= PREVIEW_SAMPLE:
            break
        number = table.row_number(header.data_start + offset)
        if checked is not None and number not in checked.verdicts:
            continue  # a blank line, a total row, a signature line: skipped by the import too
        if any(cell_text(c) for c in cells):
            sample.append((number, [cell_text(c) for c in cells], checked.verdicts[number] if checked else ""))
    counted = full and checked is not None
    proposal = period_propose(batch.feed, table, header, filename=batch.file_name, today=timezone.localdate())
    return Preview(headers=header.headers, header_row=table.row_number(header.header_index), mapping=header.mapping,
                   missing_required=header.missing_required, sample=sample,
                   accepted=len(checked.parsed) if counted else None,
                   rejected=len(checked.rejected) if counted else None, data_rows=len(data_rows), columns=specs,
                   proposal=proposal, period_problem=checked.period_problem if counted else "")


@transaction.atomic
def batch_set_period(*, batch: FeedBatch, user, period_start: dt.date, period_end: dt.date) -> FeedBatch:
    """Correct the period of a delivery not yet confirmed (the preview proposes the file's own)."""
    _check_can_deliver(user, batch.feed)
    batch = FeedBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW:
        raise FeedError(_("This delivery has already been confirmed."))
    batch.period_start, batch.period_end = _checked_period(batch.feed, period_start, period_end,
                                                           timezone.localdate())
    batch.save(update_fields=["period_start", "period_end"])
    return batch


@transaction.atomic
def batch_set_mapping(*, batch: FeedBatch, user, mapping: dict[int, str]) -> FeedBatch:
    """Correct the detected mapping before committing: each file column → one feed column (or none)."""
    _check_can_deliver(user, batch.feed)
    batch = FeedBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW:
        raise FeedError(_("This delivery has already been confirmed."))
    keys = {c.key for c in batch.feed.columns.all()}
    cleaned: dict[str, str] = {}
    for index, key in mapping.items():
        if not key:
            continue
        if key not in keys:
            raise FeedError(_("Unknown column: %(key)s.") % {"key": key})
        if key in cleaned.values():
            label = batch.feed.columns.get(key=key).label
            raise FeedError(_("Two columns of the file are mapped to %(column)s.") % {"column": label})
        cleaned[str(int(index))] = key
    batch.mapping = cleaned
    batch.save(update_fields=["mapping"])
    return batch


@transaction.atomic
def batch_commit(*, batch: FeedBatch, user) -> FeedBatch:
    """Confirm a previewed delivery: it is queued and imported in the background. Safe to call twice."""
    _check_can_deliver(user, batch.feed)
    batch = FeedBatch.objects.select_for_update().select_related("feed").get(pk=batch.pk)
    if batch.status != BatchStatus.PREVIEW:
        if batch.status == BatchStatus.CANCELLED:
            raise FeedError(_("This delivery was cancelled."))
        return batch
    missing = missing_required({int(i): k for i, k in batch.mapping.items()}, column_specs(batch.feed))
    if missing:
        raise FeedError(_("Required columns are not mapped: %(columns)s.") % {"columns": "、".join(missing)})
    batch.status = BatchStatus.QUEUED
    batch.save(update_fields=["status"])
    batch_enqueue(batch)
    return batch


def batch_enqueue(batch: FeedBatch) -> None:
    from .tasks import import_delivery

    batch_id = batch.pk
    _progress(batch_id, done=0, total=max(1, batch.rows_total) * 2, phase="queued")
    transaction.on_commit(lambda: import_delivery.delay(batch_id))


@transaction.atomic
def batch_cancel(*, batch: FeedBatch, user) -> FeedBatch:
    _check_can_deliver(user, batch.feed)
    from django.db.models import Q

    from .rescue import stuck_q

    batch = FeedBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == BatchStatus.CANCELLED:
        return batch
    # Not confirmed yet, or stuck (queued long, or its import's worker died): the owner may give up on it.
    # Conditional, so an import that a worker claims meanwhile is not cancelled under it.
    cancelled = (FeedBatch.objects.filter(pk=batch.pk).filter(Q(status=BatchStatus.PREVIEW) | stuck_q())
                 .update(status=BatchStatus.CANCELLED, finished_at=timezone.now(), heartbeat_at=None))
    if not cancelled:
        if batch.status in (BatchStatus.QUEUED, BatchStatus.PROCESSING):
            raise FeedError(_("This delivery is being imported right now; wait for it to finish. If it stops "
                              "moving for a few minutes it can be cancelled."))
        raise FeedError(_("Only a delivery not yet confirmed, or one whose import is stuck, can be cancelled."))
    batch.refresh_from_db()
    batch.file.delete(save=True)
    return batch


# --- progress (in the cache: the import's own transaction is invisible until it commits) --------------
def progress_key(batch_id: int) -> str:
    return f"intake:feeds:progress:{batch_id}"


def _progress(batch_id: int, *, done: int, total: int, phase: str, started: float | None = None) -> None:
    cache.set(progress_key(batch_id), {"done": done, "total": total, "phase": phase,
                                       "started": started or time.time(), "at": time.time()}, PROGRESS_TTL)


# --- importing ------------------------------------------------------------------------------------
def batch_process(*, batch_id: int, task_id: str = "") -> FeedBatch:
    """Import a queued delivery, all or nothing. Reruns are free: a delivery is claimed once (a
    conditional update), and a rerun of a finished one returns it unchanged."""
    from django.db.models import Q

    # Queued, or "importing" with a heartbeat gone stale: its worker died (rescue.py, common/heartbeat.py).
    from .rescue import dead_import_q

    claimed = (FeedBatch.objects.filter(pk=batch_id)
               .filter(Q(status=BatchStatus.QUEUED) | dead_import_q())
               .update(status=BatchStatus.PROCESSING, started_at=timezone.now(), heartbeat_at=timezone.now(),
                       task_id=task_id[:64]))
    batch = FeedBatch.objects.select_related("feed", "feed__district", "feed__department").get(pk=batch_id)
    if not claimed:
        return batch
    try:
        with beating(FeedBatch.objects.filter(pk=batch_id, status=BatchStatus.PROCESSING)):
            _import(batch)
    except FeedError as exc:
        _fail(batch, str(exc))
    except Exception as exc:
        log.exception("feed delivery %s failed", batch_id)
        _fail(batch, _("The import failed and nothing was stored (%(error)s). Please try again or contact the "
                       "administrator.") % {"error": exc.__class__.__name__})
        raise
    return FeedBatch.objects.get(pk=batch_id)


def _fail(batch: FeedBatch, message: str) -> None:
    FeedBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, error=message, finished_at=timezone.now())
    _progress(batch.pk, done=0, total=1, phase="failed")


@dataclass
class _Counts:
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0
    matched: int = 0
    leads_raised: int = 0
    evidence_added: int = 0
    kept_on_file: int = 0
    people_created: int = 0
    transfer_out: int = 0
    unmatched: int = 0


@dataclass
class Checked:
    """What the checks of a delivery found: the same for the preview and the import (one function, issue 14)."""

    parsed: list[ParsedRow]
    rejected: list[RejectedRow]
    verdicts: dict[int, str]  # row number → "" (accepted) or the reason it is rejected; skipped rows absent
    outside: int              # rows dated outside the period
    period_problem: str = ""  # when most rows fall outside the period: why the import stops, in Chinese


def delivery_check(batch: FeedBatch, table: Table, header: HeaderMatch, report=None, *,
                   limit: int | None = None) -> Checked:
    """Every check a row must pass before it is stored: its cells (:class:`RowValidator`) and the period. Nothing
    here depends on the registry: whether a person is registered is never a reason to refuse a row (a department
    would learn who is, issue 20). The preview calls it on the file (``limit``: only the first rows of a large
    one), the import on the whole file: what the preview counts is what the import does."""
    validator = RowValidator(feed_id=batch.feed_id, specs=column_specs(batch.feed), mapping=header.mapping,
                             period_start=batch.period_start, period_end=batch.period_end,
                             today=timezone.localdate())
    parsed, rejected = [], []
    rows = table.rows[header.data_start:]
    for offset, cells in enumerate(rows if limit is None else rows[:limit]):
        result = validator.validate(table.row_number(header.data_start + offset), cells)
        if isinstance(result, ParsedRow):
            parsed.append(result)
        elif isinstance(result, RejectedRow):
            rejected.append(result)
        if report is not None and offset % PROGRESS_EVERY == 0:
            report(offset)
    verdicts = {r.row_number: "" for r in parsed}
    verdicts.update({r.row_number: r.reason for r in rejected})
    checked = Checked(parsed=parsed, rejected=rejected, verdicts=verdicts, outside=validator.outside)
    if limit is None and validator.outside and validator.outside * 2 > len(parsed) + len(rejected):
        checked.period_problem = _period_problem(batch, table, header, validator.outside,
                                                 len(parsed) + len(rejected))
    return checked


def _period_problem(batch: FeedBatch, table: Table, header: HeaderMatch, outside: int, rows: int) -> str:
    proposal = period_propose(batch.feed, table, header, filename=batch.file_name, today=timezone.localdate())
    text = _("%(outside)s of the %(rows)s rows are dated outside the period of this delivery (%(period)s): the "
             "delivery is not imported.") % {"outside": outside, "rows": rows,
                                         "period": period_label(batch.period_start, batch.period_end)}
    if (proposal.start, proposal.end) != (batch.period_start, batch.period_end):
        text += _(" The file seems to cover %(period)s (from %(basis)s): please deliver it again for that "
                  "period.") % {"period": proposal.label(), "basis": proposal.basis}
    else:
        text += _(" Please check the dates in the file and deliver it again with the right period.")
    return text


class VillageLocator:
    """The village an address names (longest village name it contains; the township's name decides ties)."""

    SUFFIXES = ("社区居民委员会", "社区居委会", "居民委员会", "村民委员会", "居委会", "村委会")

    def __init__(self, district_code: str):
        self.candidates: list[tuple[str, Region]] = []
        villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=district_code) \
            .select_related("parent")
        for village in villages:
            names = {village.name}
            for suffix in self.SUFFIXES:
                if village.name.endswith(suffix):
                    base = village.name[: -len(suffix)]
                    names.add(base + ("社区" if "社区" in suffix else "村" if "村" in suffix else ""))
                    if len(base) >= 2:
                        names.add(base)
            for name in names:
                if len(name) >= 2:
                    self.candidates.append((name, village))
        self.candidates.sort(key=lambda c: -len(c[0]))

    @staticmethod
    def _township_names(township: Region) -> list[str]:
        name = township.name
        names = [name]
        for suffix in ("街道办事处", "街道", "镇", "乡"):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                names.append(name[: -len(suffix)])
        return names

    def locate(self, address: str) -> Region | None:
        address = (address or "").strip()
        if not address:
            return None
        found: list[Region] = []
        best_len = 0
        for name, village in self.candidates:
            if len(name) < best_len:
                break
            if name in address:
                best_len = len(name)
                found.append(village)
        if len({v.pk for v in found}) == 1:
            return found[0]
        with_township = [v for v in found if any(t in address for t in self._township_names(v.parent))]
        return with_township[0] if len({v.pk for v in with_township}) == 1 else None


def _describe(feed: Feed, row: ParsedRow, warnings, labels: dict[str, str] | None = None) -> str:
    parts = [_("%(feed)s (%(department)s), row %(row)s: %(name)s") % {
        "feed": feed.name, "department": feed.department.name, "row": row.row_number, "name": row.name}]
    if row.event_date:
        parts.append(row.event_date.isoformat())
    if row.amount is not None:
        parts.append(_("%(amount)s yuan") % {"amount": f"{row.amount:,.2f}"})
    labels = labels or {}
    extras = [f"{labels[k]}：{v}" if k in labels else v for k, v in row.data.items()
              if k not in ("address", "phone") and v]
    if extras:
        parts.append("，".join(extras)[:300])
    text = "；".join(parts) + "。"
    if warnings:
        text += "\n" + "\n".join(w.text for w in warnings)
    return text


def _import(batch: FeedBatch) -> None:
    feed = batch.feed
    started = time.time()
    clock = time.perf_counter()
    table = _read_batch_table(batch)
    header = _header_of(batch, table)
    if header.missing_required:
        raise FeedError(_("Required columns are not mapped: %(columns)s.") % {"columns": "、".join(header.missing_required)})
    total_rows = max(1, len(table.rows) - header.data_start)
    total = total_rows * 2

    def report(done: int, phase: str = "validating") -> None:
        _progress(batch.pk, done=done, total=total, phase=phase, started=started)

    fast = fast_path_enabled()
    checked = delivery_check(batch, table, header, report)
    if checked.period_problem:
        raise FeedError(checked.period_problem)
    parsed, rejected = checked.parsed, checked.rejected
    report(total_rows, "matching")
    validated = time.perf_counter()
    counts = _Counts(accepted=len(parsed), rejected=len(rejected))
    today = timezone.localdate()
    with transaction.atomic():
        # One import per feed at a time: yearly sums and "unchanged" see every earlier delivery.
        Feed.objects.select_for_update().filter(pk=feed.pk).first()
        # No shortcut for a file delivered before: only the rows an earlier delivery stored are unchanged, so a
        # corrected delivery (rows refused then, accepted now) is imported (issue 14).
        rules = active_rules(feed)
        apply = fastpath.apply if fast else _apply_orm
        result = apply(batch=batch, feed=feed, parsed=parsed, rules=rules, today=today, now=timezone.now(),
                       decide=partial(_decide, feed, dict(feed.columns.values_list("key", "label"))), newcomers_of=partial(_newcomers, feed.district.code[:6]),
                       report=lambda phase: report(total_rows, phase))
        for name in ("unchanged", "matched", "leads_raised", "evidence_added", "kept_on_file", "people_created",
                     "transfer_out", "unmatched"):
            setattr(counts, name, getattr(result, name))
        _notify_townships(batch, result.townships)
        earlier = _unchanged_from(feed, batch, parsed) if result.unchanged else {}
        duplicate = None
        if batch.checksum and result.unchanged == counts.accepted:
            duplicate = (FeedBatch.objects.filter(feed=feed, checksum=batch.checksum, status=BatchStatus.DONE,
                                                  pk__in=[int(k) for k in earlier])
                         .exclude(pk=batch.pk).order_by("pk").first())
        _finish(batch, counts, rejected, duplicate_of=duplicate, unchanged_from=earlier)
        applied = time.perf_counter()
    log.info("delivery %s: %d rows; read and validated in %.2f s, stored and acted on in %.2f s, committed in "
             "%.2f s", batch.pk, total_rows, validated - clock, applied - validated, time.perf_counter() - applied)
    report(total, "done")


def fast_path_enabled() -> bool:
    """The set-based import runs on PostgreSQL; ``FEEDS_FAST_PATH = False`` forces the ORM path (tests compare)."""
    return connection.vendor == "postgresql" and getattr(settings, "FEEDS_FAST_PATH", True)


def _newcomers(district_code: str, rows: list[ParsedRow]) -> tuple[list[tuple[ParsedRow, Region]], list[ParsedRow]]:
    """Rows of IDs of the district the registry lacks (in row order) → the people to register in the village
    their address names, and the rows whose village cannot be told (rejected). Later rows of a person registered
    by an earlier row are theirs."""
    registered: set[str] = set()
    newcomers, unlocated = [], []
    locator = None
    for row in rows:
        if row.id_number in registered:
            continue
        locator = locator or VillageLocator(district_code)
        village = locator.locate(row.address)
        if village is None:
            unlocated.append(row)
            continue
        registered.add(row.id_number)
        newcomers.append((row, village))
    return newcomers, unlocated


def _decide(feed: Feed, labels: dict[str, str], row: ParsedRow, warnings, status: str) -> fastpath.Decision:
    relief = relief_of(warnings)
    return fastpath.Decision(warnings=warnings, relief=relief, causes=causes_of(warnings),
                             is_urgent=any(w.rule.is_urgent for w in warnings),
                             covered=already_covered(status, relief), description=_describe(feed, row, warnings, labels),
                             situation=situation(feed, row, labels))


def _notify_townships(batch: FeedBatch, townships: dict[int, list]) -> None:
    """One notice per township and delivery (not one per lead): how many new leads and added reports."""
    from django.urls import reverse

    from cases.choices import Channel as LeadChannel
    from referrals.choices import NotificationKind
    from referrals.services import notify_township

    url = f"{reverse('intake:lead_list')}?channel={LeadChannel.DEPARTMENT_DATA}"
    for township in Region.objects.filter(pk__in=list(townships)).order_by("pk"):
        new, added, urgent = townships[township.pk]
        title = _("%(feed)s (%(department)s): %(new)s new leads and %(added)s reports added to open leads in "
                  "%(township)s") % {"feed": batch.feed.name, "department": batch.feed.department.name,
                                     "new": new, "added": added, "township": township.name}
        if urgent:
            title = _("[Urgent] %(title)s") % {"title": title}
        notify_township(township=township, kind=NotificationKind.NEW_LEAD if new else NotificationKind.LEAD_MERGED,
                        title=title, url=url, is_urgent=bool(urgent), subject=batch)


def _apply_orm(*, batch: FeedBatch, feed: Feed, parsed: list[ParsedRow], rules: list, today: dt.date, now,
               decide, newcomers_of, report) -> fastpath.Result:
    """The import through the ORM, row by row (SQLite; PostgreSQL with ``FEEDS_FAST_PATH = False``)."""
    result = fastpath.Result()
    new_rows = _new_rows(feed, parsed)
    result.unchanged = len(parsed) - len(new_rows)
    people, elsewhere = _people(new_rows, fastpath.district_townships(feed))
    district_code = feed.district.code[:6]
    unknown = [r for r in new_rows if r.id_number not in people and r.id_number not in elsewhere
               and r.id_number.startswith(district_code)]
    newcomers, unlocated = newcomers_of(unknown) if unknown else ([], [])
    unlocated_ids = {r.id_number for r in unlocated}
    for row, village in newcomers:
        try:
            people[row.id_number] = person_register(id_number=row.id_number, name=row.name, village=village)
        except (RegistryError, resident_id.ResidentIDError) as exc:
            raise FeedError(str(exc)) from exc
        result.people_created += 1
    new_rows.sort(key=lambda r: r.row_number)
    book = RuleBook(feed=feed, batch=batch, rows=[r for r in new_rows if r.id_number in people])
    objects: list[tuple[FeedRow, list]] = []
    for row in new_rows:
        person = people.get(row.id_number)
        warnings = book.evaluate(row, status=person.assistance_status) if person else []
        obj = FeedRow(batch=batch, feed=feed, row_number=row.row_number, checksum=row.checksum,
                      id_number=row.id_number, name=row.name, amount=row.amount, event_date=row.event_date,
                      year=row.year, data=row.data,
                      person=person, region_id=person.township_id if person else feed.district_id,
                      outcome=RowOutcome.RECORDED if person else RowOutcome.UNMATCHED
                      if row.id_number in unlocated_ids else RowOutcome.TRANSFER_OUT,
                      rule=warnings[0].rule if warnings else None,
                      warning="\n".join(w.text for w in warnings))
        if obj.outcome == RowOutcome.UNMATCHED:
            result.unmatched += 1
        elif person is None:
            result.transfer_out += 1
        objects.append((obj, warnings))
    FeedRow.objects.bulk_create([o for o, _w in objects], batch_size=2000)
    result.matched = sum(1 for o, _w in objects if o.person_id) - result.people_created
    report("raising leads")
    _with_places(people, {o.id_number for o, w in objects if w})
    changed: list[FeedRow] = []
    for obj, warnings in objects:
        if not warnings:
            continue
        person = people[obj.id_number]
        decision = decide(_parsed_of(obj), warnings, person.assistance_status)
        if decision.covered:
            obj.outcome = RowOutcome.KEPT_ON_FILE
            result.kept_on_file += 1
        else:
            try:
                lead, merged = lead_report(
                    person=person, method=DiscoveryMethod.DATA_PUSH, channel=Channel.DEPARTMENT_DATA,
                    discovered_on=today, source_type=SourceType.FEED_ROW, by=None,
                    reporter_name=feed.department.name[:64], description=decision.description,
                    family_situation=decision.situation,
                    suspected_relief=decision.relief, causes=decision.causes, is_urgent=decision.is_urgent,
                    origin=("intake.FeedRow", obj.pk), notify=False)
            except LeadError as exc:
                raise FeedError(str(exc)) from exc
            obj.lead = lead
            obj.outcome = RowOutcome.EVIDENCE_ADDED if merged else RowOutcome.LEAD_RAISED
            tally = result.townships.setdefault(lead.township_id, [0, 0, False])
            tally[1 if merged else 0] += 1
            tally[2] = tally[2] or decision.is_urgent
            if merged:
                result.evidence_added += 1
            else:
                result.leads_raised += 1
        changed.append(obj)
    FeedRow.objects.bulk_update(changed, ["outcome", "lead"], batch_size=2000)
    return result


def _parsed_of(obj: FeedRow) -> ParsedRow:
    return ParsedRow(row_number=obj.row_number, id_number=obj.id_number, name=obj.name, amount=obj.amount,
                     event_date=obj.event_date, address=obj.data.get("address", ""), data=obj.data, year=obj.year)


def _new_rows(feed: Feed, parsed: list[ParsedRow]) -> list[ParsedRow]:
    """Rows no earlier delivery of this feed (and no earlier line of this one) already brought."""
    existing: set[str] = set()
    checksums = [r.checksum for r in parsed]
    for i in range(0, len(checksums), CHUNK):
        existing.update(FeedRow.objects.filter(feed=feed, checksum__in=checksums[i:i + CHUNK])
                        .values_list("checksum", flat=True))
    new_rows = []
    for row in parsed:
        if row.checksum in existing:
            continue
        existing.add(row.checksum)
        new_rows.append(row)
    return new_rows


def _people(rows: list[ParsedRow], townships: list[int]) -> tuple[dict[str, Person], set[str]]:
    """The registry's people of these rows in the feed's district (``townships``) — only what matching and the
    rules read (the people who get a lead are loaded whole, with their village and township, by
    :func:`_with_places`) — and the IDs registered in another district (their rows are transferred, issue 20)."""
    ids = sorted({r.id_number for r in rows})
    ours = set(townships)
    people: dict[str, Person] = {}
    elsewhere: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        for person in Person.objects.filter(id_number__in=ids[i:i + CHUNK]).only(
                "id", "id_number", "name", "assistance_status", "township_id", "village_id"):
            if person.township_id in ours:
                people[person.id_number] = person
            else:
                elsewhere.add(person.id_number)
    return people, elsewhere


def _with_places(people: dict[str, Person], ids: set[str]) -> None:
    """Replace the people in ``ids`` by full rows with their village and township (one query per chunk)."""
    pks = sorted({people[i].pk for i in ids if i in people})
    for i in range(0, len(pks), CHUNK):
        for person in Person.objects.filter(pk__in=pks[i:i + CHUNK]).select_related("village", "township"):
            people[person.id_number] = person


def _unchanged_from(feed: Feed, batch: FeedBatch, parsed: list[ParsedRow]) -> dict[str, int]:
    """Which earlier deliveries already brought this delivery's unchanged rows: {delivery id: rows}."""
    from django.db.models import Count

    checksums = sorted({r.checksum for r in parsed})
    found: dict[str, int] = {}
    for i in range(0, len(checksums), CHUNK):
        for row in (FeedRow.objects.filter(feed=feed, checksum__in=checksums[i:i + CHUNK]).exclude(batch=batch)
                    .values("batch_id").annotate(n=Count("id")).order_by()):
            found[str(row["batch_id"])] = found.get(str(row["batch_id"]), 0) + row["n"]
    return dict(sorted(found.items(), key=lambda item: int(item[0])))


def _finish(batch: FeedBatch, counts: _Counts, rejected: list[RejectedRow], duplicate_of: FeedBatch | None = None,
            unchanged_from: dict[str, int] | None = None):
    FeedRejectedRow.objects.bulk_create(
        [FeedRejectedRow(batch=batch, row_number=r.row_number, values=r.values, reason=r.reason)
         for r in sorted(rejected, key=lambda r: r.row_number)], batch_size=2000)
    batch.rows_total = counts.accepted + counts.rejected
    batch.rows_accepted = counts.accepted
    batch.rows_rejected = counts.rejected
    batch.rows_unchanged = counts.unchanged
    batch.matched = counts.matched
    batch.leads_raised = counts.leads_raised
    batch.evidence_added = counts.evidence_added
    batch.kept_on_file = counts.kept_on_file
    batch.people_created = counts.people_created
    batch.transfer_out = counts.transfer_out
    batch.unmatched = counts.unmatched
    batch.duplicate_of = duplicate_of
    batch.unchanged_from = unchanged_from or {}
    batch.status = BatchStatus.DONE
    batch.error = ""
    batch.finished_at = timezone.now()
    batch.save()
    deadlines.mark_delivered(batch)
    deadlines.late_rows_flag(batch)


def batch_import_now(*, batch: FeedBatch) -> FeedBatch:
    """Import a queued delivery in this process (the command and the API push)."""
    return batch_process(batch_id=batch.pk, task_id=f"sync-{batch.pk}")


def counts_of(batch: FeedBatch) -> dict[str, int]:
    return {
        "rows": batch.rows_total, "accepted": batch.rows_accepted, "rejected": batch.rows_rejected,
        "unchanged": batch.rows_unchanged, "matched": batch.matched, "leads_raised": batch.leads_raised,
        "evidence_added": batch.evidence_added, "kept_on_file": batch.kept_on_file,
        "people_registered": batch.people_created, "transfer_out": batch.transfer_out, "unmatched": batch.unmatched,
    }


def batch_summary(batch: FeedBatch) -> list[str]:
    """What a finished delivery brought, in Chinese: what was new, what was already on file and from which
    earlier delivery (a file delivered again says so)."""
    if batch.status != BatchStatus.DONE:
        return []
    earlier = {b.pk: b for b in FeedBatch.objects.filter(pk__in=[int(k) for k in batch.unchanged_from or {}])}

    def when(b: FeedBatch) -> str:
        return timezone.localtime(b.finished_at or b.created_at).date().isoformat()

    if batch.duplicate_of_id:
        original = batch.duplicate_of
        return [_("The same file as delivery %(number)s (%(date)s): its %(rows)s accepted rows are all already on "
                  "file from that delivery; nothing changed.") % {"number": original.pk, "date": when(original),
                                                                   "rows": batch.rows_accepted}]
    lines = [_("%(new)s rows are new.") % {"new": batch.rows_accepted - batch.rows_unchanged}]
    from_earlier = 0
    for key, rows in (batch.unchanged_from or {}).items():
        other = earlier.get(int(key))
        if other is None:
            continue
        from_earlier += rows
        lines.append(_("%(rows)s rows were already on file from delivery %(number)s (%(date)s, %(period)s) and "
                       "were not processed again.") % {"rows": rows, "number": other.pk, "date": when(other),
                                                        "period": period_label(other.period_start, other.period_end)})
    rest = batch.rows_unchanged - from_earlier  # lines repeated in the file (or deliveries older than the record)
    if rest > 0:
        lines.append(_("%(rows)s rows were already on file (delivered before, or repeated in this file) and were "
                       "not processed again.") % {"rows": rest})
    return lines


__all__ = [
    "FeedError", "batch_cancel", "batch_commit", "batch_import_now", "batch_preview", "batch_process",
    "batch_receive", "batch_set_mapping", "batch_set_period", "batch_summary", "can_deliver", "column_specs",
    "counts_of", "delivery_check", "feeds_install_standard",
]
