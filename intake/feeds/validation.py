"""One row of a delivery → its values, or its row number and every reason it is rejected (in Chinese).

Amounts like ``21,350.00元``, ``￥1,200``, ``2.5万``; dates as Excel serials, date cells or text
(``2026-10-03``, ``2026/10/3``, ``2026年10月3日``, ``20261003``); ID numbers with spaces, full-width
digits or a lowercase x (normalised and checked by :mod:`common.resident_id`). Blank rows, total rows,
repeated header rows and signature lines under the table are skipped, not rejected.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import operator
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from common import resident_id

from .choices import KEY_ADDRESS, KEY_AMOUNT, KEY_DATE, KEY_ID_NUMBER, KEY_NAME, ColumnKind
from .parsing import ColumnSpec, cell_text, normalise_header

EXCEL_EPOCH = dt.date(1899, 12, 30)
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")
_SKIP_WORDS = ("合计", "总计", "小计", "共计", "制表", "审核", "填报", "负责人", "统计人", "盖章", "说明：", "注：")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_AMOUNT_NOISE = re.compile(r"[\s,，元圆￥¥]|rmb|cny|人民币", re.IGNORECASE)
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]*)?")
_WHITESPACE = re.compile(r"\s+")
_CHECK_CHARS = resident_id.CHECK_CHARS
_WEIGHT_OFFSET = ord("0") * sum(resident_id.WEIGHTS)


_UNSURE = object()  # a cell the fast path leaves to the full checks


class ValueProblem(ValueError):
    """A cell that cannot be read; ``str()`` is the reason in Chinese."""


@dataclass
class ParsedRow:
    row_number: int
    id_number: str
    name: str
    amount: Decimal | None
    event_date: dt.date | None
    address: str
    data: dict[str, str] = field(default_factory=dict)
    year: int = 0  # the year the row counts in: its date's, else the period's
    feed_id: int = 0
    _checksum: uuid.UUID | None = field(default=None, repr=False, compare=False)

    @property
    def checksum(self) -> uuid.UUID:
        """The same row in any later delivery of this feed has the same checksum (and changes nothing). Computed
        when first asked: the PostgreSQL import computes it in SQL instead (``fastpath.CHECKSUM_SQL``, the same
        bytes hashed; the path-equivalence tests compare the two)."""
        if self._checksum is None:
            self._checksum = row_checksum(self)
        return self._checksum


def row_checksum(row: ParsedRow) -> uuid.UUID:
    """The first 16 bytes of the sha256 of the feed, ID, name, amount ("" when none or zero), date and the other
    columns as ``key=value`` in the order of their keys, joined by U+001F."""
    parts = [str(row.feed_id), row.id_number, row.name, str(row.amount or ""),
             row.event_date.isoformat() if row.event_date else ""]
    parts += [f"{k}={v}" for k, v in sorted(row.data.items())]
    return uuid.UUID(bytes=hashlib.sha256("\x1f".join(parts).encode()).digest()[:16])


@dataclass
class RejectedRow:
    row_number: int
    values: list[str]
    reason: str


# --- cells ----------------------------------------------------------------------------------------
def parse_amount(value, label: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueProblem(_("%(column)s “%(value)s” is not an amount.") % {"column": label, "value": value})
    if isinstance(value, (int, float)):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not amount.is_finite():  # a NaN or infinite number cell
            raise ValueProblem(_("%(column)s “%(value)s” is not a number.") % {"column": label, "value": value})
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        raw = text
        multiplier = Decimal(1)
        text = _AMOUNT_NOISE.sub("", text)
        if text.endswith("万"):
            multiplier, text = Decimal(10000), text[:-1]
        if text.startswith("(") and text.endswith(")"):
            text = "-" + text[1:-1]
        try:
            amount = Decimal(text) * multiplier
        except (InvalidOperation, ArithmeticError):  # not a number; or "1e999999999", beyond any context
            raise ValueProblem(_("%(column)s “%(value)s” is not a number.") % {"column": label, "value": raw}) \
                from None
        if not amount.is_finite():
            raise ValueProblem(_("%(column)s “%(value)s” is not a number.") % {"column": label, "value": raw})
    if amount < 0:
        raise ValueProblem(_("%(column)s cannot be negative (%(value)s).") % {"column": label, "value": amount})
    if amount > MAX_AMOUNT:
        raise ValueProblem(_("%(column)s %(value)s is too large to be real.") % {"column": label, "value": amount})
    return amount.quantize(CENT)


def _amount_fast(value) -> Decimal | None:
    """``parse_amount`` for plain amounts (a number cell, ``1234.5``, ``21,350.00元``); None for anything else."""
    cls = value.__class__
    if cls is float and 0.0 <= value < 1e11:  # a number cell of an ordinary amount: finite and in range (issue 15)
        return Decimal(repr(value)).quantize(CENT)
    if cls is float:
        amount = Decimal(repr(value))
        if not amount.is_finite():
            return None
    elif cls is int:
        amount = Decimal(value)
    elif cls is str:
        if _PLAIN_AMOUNT.fullmatch(value) is None:
            value = value.replace(",", "")
            if value.endswith("元"):
                value = value[:-1]
            if _PLAIN_AMOUNT.fullmatch(value) is None:
                return None
        amount = Decimal(value)
    else:
        return None
    if amount < 0 or amount > MAX_AMOUNT:
        return None
    return amount.quantize(CENT)


def parse_date(value, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 21001231:
            return parse_date(str(int(number)), label)
        if 1 <= number < 100000:
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        raise ValueProblem(_("%(column)s “%(value)s” is not a date.") % {"column": label, "value": cell_text(value)})
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match is None and text.isdigit() and 4 <= len(text) <= 5:
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    if match is None:
        raise ValueProblem(_("%(column)s “%(value)s” is not a date; write it like 2026-10-03.")
                           % {"column": label, "value": text})
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueProblem(_("%(column)s “%(value)s” is not a real date.") % {"column": label, "value": text}) \
            from None


def parse_id(value) -> str:
    if isinstance(value, float) and value >= 1e16:
        raise ValueProblem(_("The ID number was saved by Excel as a number and its last digits are lost "
                             "(%(value)s). Please format the column as text and export again.")
                           % {"value": f"{value:.6E}"})
    return resident_id.parse(cell_text(value)).number


def clean_name(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


# --- rows -------------------------------------------------------------------------------------------
class RowValidator:
    """Validates the rows of one delivery: the feed's columns, the detected mapping and the period."""

    def __init__(self, *, feed_id: int, specs: Sequence[ColumnSpec], mapping: dict[int, str],
                 period_start: dt.date, period_end: dt.date, today: dt.date):
        self.feed_id = feed_id
        self.specs = {s.key: s for s in specs}
        self.mapping = {int(k): v for k, v in mapping.items() if v}
        self.columns = sorted(self.mapping.items())
        self.period_start, self.period_end, self.today = period_start, period_end, today
        self.id_names = set(self.specs[KEY_ID_NUMBER].names) if KEY_ID_NUMBER in self.specs else set()
        # The fast path's plan: each feed column (but ID and name) in order, with its cell index in the file.
        by_key = {key: index for index, key in self.mapping.items()}
        self.id_index, self.name_index = by_key.get(KEY_ID_NUMBER), by_key.get(KEY_NAME)
        self.plan = [(key, spec.kind, spec.required, by_key.get(key)) for key, spec in self.specs.items()
                     if key not in (KEY_ID_NUMBER, KEY_NAME)]
        self._births: dict[str, bool] = {}
        self._dates: dict[str, dt.date | None] = {}
        self._names: dict[str, str | None] = {}
        self._cells: dict[tuple, dict] = {}
        self.outside = 0  # rows whose date lies outside the period (the import stops when they are most rows)

    def _get(self, cells: Sequence, index: int):
        return cells[index] if index < len(cells) else ""

    def validate(self, row_number: int, cells: Sequence) -> ParsedRow | RejectedRow | None:
        """None for a row to skip silently (blank, total, repeated header, signature line)."""
        return self._validate_fast(row_number, cells) or self._validate_full(row_number, cells)

    # The fast path takes the rows departments usually send (an ID as text, plain amounts, dates as cells
    # or ISO-like text inside the period) in a few microseconds; anything else — every row it is unsure
    # of, every rejection, every skipped line — goes through the full path below, so reasons are the
    # full path's and an accepted row is the same ParsedRow either way (tests compare the two).
    def _validate_fast(self, row_number: int, cells: Sequence) -> ParsedRow | None:
        n = len(cells)
        index = self.id_index
        if index is None or index >= n:
            return None
        id_number = self._id_fast(cells[index])
        if id_number is None:
            return None
        index = self.name_index
        raw_name = cells[index] if index is not None and index < n else ""
        if raw_name.__class__ is not str:
            return None
        name = _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw_name))
        if not name or len(name) > 32:
            return None
        amount = event_date = None
        data: dict[str, str] = {}
        for key, kind, required, index in self.plan:
            raw = cells[index] if index is not None and index < n else ""
            if raw.__class__ is str:
                text = raw.strip()
            elif raw is None:
                text = ""
            elif raw.__class__ is float and raw.is_integer():
                text = str(int(raw))
            else:
                text = str(raw).strip()
            if not text:
                if required:
                    return None
                continue
            if kind == ColumnKind.AMOUNT:
                parsed = _amount_fast(raw)
                if parsed is None:
                    return None
                if key == KEY_AMOUNT:
                    amount = parsed
                else:
                    data[key] = str(parsed)
            elif kind == ColumnKind.DATE:
                day = self._date_fast(raw)
                if day is None:
                    return None
                if key == KEY_DATE:
                    if day > self.today or not (self.period_start <= day <= self.period_end):
                        return None
                    event_date = day
                else:
                    data[key] = day.isoformat()
            else:
                data[key] = text[:500]
        row = ParsedRow(row_number=row_number, id_number=id_number, name=name, amount=amount, event_date=event_date,
                        address=data.get(KEY_ADDRESS, ""), data=data,
                        year=event_date.year if event_date else self.period_end.year, feed_id=self.feed_id)
        return row

    # Column-wise (issue 15): the fast path's checks run over each column of a block of rows at once (one pass
    # per column, caches for repeated names and dates, no per-cell dispatch on the column's kind); a row any column
    # is unsure of goes through the full checks, as with ``validate``. Same results, row for row (tests compare).
    def validate_rows(self, numbers: Sequence[int], rows: Sequence[Sequence]) -> list[ParsedRow | RejectedRow | None]:
        """``validate`` of each row (``numbers``: their row numbers)."""
        count = len(rows)
        if not count:
            return []
        width = min(map(len, rows))
        unsure: set[int] = set()

        def column(index):
            if index is None:
                return [""] * count
            if index < width:
                return [cells[index] for cells in rows]
            return [cells[index] if index < len(cells) else "" for cells in rows]

        index = self.id_index
        if index is None:
            ids = [None] * count
        elif index < width:
            ids = list(map(self._id_fast, [cells[index] for cells in rows]))
        else:
            ids = [self._id_fast(cells[index]) if index < len(cells) else None for cells in rows]
        unsure.update(i for i, v in enumerate(ids) if v is None)
        names = list(map(self._name_fast, column(self.name_index)))
        unsure.update(i for i, v in enumerate(names) if v is None)
        amounts: list = [None] * count
        days: list = [None] * count
        others: list[tuple[str, list]] = []
        for key, kind, required, index in self.plan:
            amount_key = kind == ColumnKind.AMOUNT and key == KEY_AMOUNT
            date_key = kind == ColumnKind.DATE and key == KEY_DATE
            values = self._column_fast(kind, required, amount_key, date_key, column(index))
            if kind != ColumnKind.TEXT and kind != ColumnKind.ADDRESS or required:
                unsure.update(i for i, v in enumerate(values) if v is _UNSURE)
            if amount_key:
                amounts = values
            elif date_key:
                days = values
            else:
                others.append((key, values))
        if others:  # each row's other columns in the plan's order, as the row-wise path fills them
            keys = [key for key, _values in others]
            datas: list[dict] = [{k: v for k, v in zip(keys, cells) if v is not None}
                                 for cells in zip(*[values for _key, values in others])]
        else:
            datas = [{} for _ in range(count)]
        feed_id, year, full = self.feed_id, self.period_end.year, self._validate_full
        # ParsedRow's fields by position: row_number, id_number, name, amount, event_date, address, data, year, feed_id
        return [full(numbers[i], rows[i]) if i in unsure else
                ParsedRow(numbers[i], ids[i], names[i], amounts[i], day, data.get(KEY_ADDRESS, ""), data,
                          day.year if day else year, feed_id)
                for i, (data, day) in enumerate(zip(datas, days))]

    def _column_fast(self, kind: str, required: bool, amount_key: bool, date_key: bool, raws: list) -> list:
        """``_cell_fast`` over one column, the usual cells without a call each: a text cell that is text is its
        stripped value (cut at 500 characters), an amount that is a number or non-blank text goes straight to
        ``_amount_fast``; every other cell through ``_cell_fast`` (same values, a test compares)."""
        cell = self._cell_fast(kind, required, amount_key, date_key)
        if kind == ColumnKind.AMOUNT:
            fast = _amount_fast

            def amount(raw):
                cls = raw.__class__
                if cls is float or cls is int or (cls is str and raw.strip()):
                    parsed = fast(raw)
                    if parsed is None:
                        return _UNSURE
                    return parsed if amount_key else str(parsed)
                return cell(raw)

            return list(map(amount, raws))
        if kind == ColumnKind.DATE:
            return list(map(cell, raws))
        empty = _UNSURE if required else None
        return [(raw.strip()[:500] or empty) if raw.__class__ is str else cell(raw) for raw in raws]

    def _name_fast(self, raw) -> str | None:
        if raw.__class__ is not str:
            return None
        names = self._names
        name = names.get(raw, _UNSURE)
        if name is _UNSURE:
            name = _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw))
            name = names[raw] = name if name and len(name) <= 32 else None
        return name

    def _cell_fast(self, kind: str, required: bool, amount_key: bool, is_event_date: bool):
        """One cell of a feed column (but ID and name) as the fast path reads it: its value, None when empty (and
        not required), ``_UNSURE`` for the full checks."""
        dates = self._cells.setdefault((kind, is_event_date), {})

        def cell(raw):
            cls = raw.__class__
            if cls is str:
                text = raw.strip()
            elif raw is None:
                text = ""
            elif cls is float and raw.is_integer():
                text = str(int(raw))
            else:
                text = str(raw).strip()
            if not text:
                return _UNSURE if required else None
            if kind == ColumnKind.AMOUNT:
                parsed = _amount_fast(raw)
                if parsed is None:
                    return _UNSURE
                return parsed if amount_key else str(parsed)
            if kind == ColumnKind.DATE:
                try:
                    day = dates.get(raw, _UNSURE)
                except TypeError:  # an unhashable cell: never from a reader, but the full checks decide
                    return _UNSURE
                if day is _UNSURE:
                    day = self._date_fast(raw)
                    if day is not None and is_event_date and (day > self.today or not (
                            self.period_start <= day <= self.period_end)):
                        day = None
                    dates[raw] = day
                if day is None:
                    return _UNSURE
                return day if is_event_date else day.isoformat()
            return text[:500]

        return cell

    def _id_fast(self, raw) -> str | None:
        if raw.__class__ is not str:
            return None
        number = raw.strip()
        if len(number) != 18 or not number.isascii() or not number[:17].isdigit():
            number = resident_id.normalize(number)
            if len(number) != 18 or not number.isascii() or not number[:17].isdigit():
                return None
        last = number[17]
        if last == "x":
            number = number[:17] + "X"
        elif not (last.isdigit() or last == "X"):
            return None
        birth = number[6:14]
        ok = self._births.get(birth)
        if ok is None:
            try:
                born = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
                ok = 1800 <= born.year and born <= self.today
            except ValueError:
                ok = False
            self._births[birth] = ok
        if not ok:
            return None
        digits = number.encode()
        check = _CHECK_CHARS[(sum(map(operator.mul, digits[:17], resident_id.WEIGHTS)) - _WEIGHT_OFFSET) % 11]
        return number if number[17] == check else None

    def _date_fast(self, raw) -> dt.date | None:
        cls = raw.__class__
        if cls is dt.datetime:
            return raw.date()
        if cls is dt.date:
            return raw
        if cls is str:
            day = self._dates.get(raw)
            if day is None and raw not in self._dates:
                try:
                    day = parse_date(raw, "")
                except ValueProblem:
                    day = None
                self._dates[raw] = day
            return day
        return None

    def _validate_full(self, row_number: int, cells: Sequence) -> ParsedRow | RejectedRow | None:
        values = {key: self._get(cells, i) for i, key in self.columns}
        texts = {key: cell_text(v) for key, v in values.items()}
        if not any(cell_text(c) for c in cells):
            return None
        id_text, name_text = texts.get(KEY_ID_NUMBER, ""), texts.get(KEY_NAME, "")
        if not id_text:
            whole = "".join(cell_text(c) for c in cells)
            if any(word in whole for word in _SKIP_WORDS) or not any(texts.values()):
                return None  # a total row or a signature line (also when it sits in the name column)
        if id_text and normalise_header(id_text) in self.id_names:
            return None  # the header again (exports that repeat it on every page)

        reasons: list[str] = []
        id_number = ""
        try:
            if not id_text:
                raise ValueProblem(_("The ID number is missing."))
            id_number = parse_id(values[KEY_ID_NUMBER])
        except (ValueProblem, resident_id.ResidentIDError) as exc:
            reasons.append(str(exc))
        name = clean_name(values.get(KEY_NAME, ""))
        if not name:
            reasons.append(_("The name is missing."))
        elif len(name) > 32:
            reasons.append(_("The name is longer than 32 characters."))
        amount = None
        event_date = None
        data: dict[str, str] = {}
        for key, spec in self.specs.items():
            if key in (KEY_ID_NUMBER, KEY_NAME):
                continue
            raw = values.get(key, "")
            text = texts.get(key, "")
            if not text:
                if spec.required:
                    reasons.append(_("%(column)s is missing.") % {"column": spec.label})
                continue
            try:
                if spec.kind == ColumnKind.AMOUNT:
                    parsed = parse_amount(raw, spec.label)
                    if key == KEY_AMOUNT:
                        amount = parsed
                    else:
                        data[key] = str(parsed)
                elif spec.kind == ColumnKind.DATE:
                    parsed_date = parse_date(raw, spec.label)
                    if key == KEY_DATE:
                        event_date = parsed_date
                        self._check_period(parsed_date, spec.label)
                    else:
                        data[key] = parsed_date.isoformat()
                else:
                    data[key] = text[:500]
            except ValueProblem as exc:
                reasons.append(str(exc))
        if reasons:
            return RejectedRow(row_number=row_number, values=[cell_text(c) for c in cells], reason="；".join(reasons))
        address = data.get(KEY_ADDRESS, "")
        row = ParsedRow(row_number=row_number, id_number=id_number, name=name, amount=amount, event_date=event_date,
                        address=address, data=data,
                        year=event_date.year if event_date else self.period_end.year, feed_id=self.feed_id)
        return row

    def _check_period(self, day: dt.date, label: str) -> None:
        if day > self.today:
            raise ValueProblem(_("%(column)s %(date)s is in the future.") % {"column": label, "date": day.isoformat()})
        if not (self.period_start <= day <= self.period_end):
            self.outside += 1
            raise ValueProblem(_("%(column)s %(date)s is outside the period of this delivery (%(start)s to %(end)s).")
                               % {"column": label, "date": day.isoformat(), "start": self.period_start.isoformat(),
                                  "end": self.period_end.isoformat()})

    def checksum(self, row: ParsedRow) -> str:
        return row_checksum(row)
