"""Reading deliveries as departments really send them: xlsx (python-calamine) or csv, header row found.

* xlsx/xlsm/xls/ods are read with python-calamine (DESIGN §10: 0.9 s for 100,000 rows × 10 columns,
  against 8.5 s for openpyxl's read-only mode). An xlsx is a zip: its unpacked size is capped before
  anything is read (a "zip bomb" is refused); nothing in it is ever executed.
* csv in UTF-8 (with or without BOM) or GB18030 (what Excel saves on Chinese Windows), comma, tab or
  semicolon separated.
* The header row is found among the first rows by matching each cell against every column's header
  names (title rows above it, a merged title, two-row headers with a merged group over sub-headers);
  headers compare without spaces, brackets, units and full-width forms (``个人负担（元）`` is
  ``个人负担``).
"""
from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 50 * 1024 * 1024
# Measured before a workbook is read (issue 20: 1.28 MB unpacking to 376 MB, 21 million cells, took 17 s and
# 1.9 GB). 100,000 rows × 30 columns is the largest delivery DESIGN §10 expects.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CELLS = 3_000_000
READ_MEMORY_MB = 1024  # what reading may add to the reader's process (common/capped.py)
READ_SECONDS = 120
HEADER_SEARCH_ROWS = 30
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
ALLOWED_EXTENSIONS = (*EXCEL_EXTENSIONS, ".csv", ".txt")
JSON_EXTENSION = ".json"  # API pushes are stored as their JSON rows


class ParseError(Exception):
    """A file that cannot be read at all; the message is for the user, in Chinese."""


@dataclass
class Table:
    rows: list[list]          # cell values: str, int, float, date, datetime, bool ('' for empty)
    first_row_number: int     # the spreadsheet row number of rows[0] (1-based)
    sheet_name: str = ""

    def row_number(self, index: int) -> int:
        return self.first_row_number + index


@dataclass
class HeaderMatch:
    header_index: int                      # index in Table.rows of the (last) header row
    data_start: int                        # index of the first data row
    headers: list[str]                     # the header text of every column, as shown
    mapping: dict[int, str] = field(default_factory=dict)  # column index → column key
    missing_required: list[str] = field(default_factory=list)  # labels of required columns not found


# --- reading ------------------------------------------------------------------------------------
def extension_of(filename: str) -> str:
    name = (filename or "").lower().strip()
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet with data (or the csv) as rows of cell values."""
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(_("The file is larger than %(size)d MB. Please split it into several deliveries.")
                         % {"size": MAX_FILE_BYTES // (1024 * 1024)})
    ext = extension_of(filename)
    if ext not in ALLOWED_EXTENSIONS and ext != JSON_EXTENSION:
        raise ParseError(_("Only Excel (.xlsx, .xls) and CSV files can be delivered, not “%(name)s”.")
                         % {"name": filename})
    if not data:
        raise ParseError(_("The file is empty."))
    if ext == JSON_EXTENSION:
        return _read_json(data)
    if ext in EXCEL_EXTENSIONS:
        return _read_excel(data, ext)
    return _read_csv(data)


def check_upload(data: bytes, filename: str) -> None:
    """What an upload request checks before the file is stored and read by a worker: its size, type and, for a
    workbook, its unpacked size and cells (:func:`_check_zip`: from the zip's directory and a count of the cell
    tags, without reading a cell)."""
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(_("The file is larger than %(size)d MB. Please split it into several deliveries.")
                         % {"size": MAX_FILE_BYTES // (1024 * 1024)})
    ext = extension_of(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise ParseError(_("Only Excel (.xlsx, .xls) and CSV files can be delivered, not “%(name)s”.")
                         % {"name": filename})
    if not data:
        raise ParseError(_("The file is empty."))
    if ext in (".xlsx", ".xlsm", ".ods"):
        _check_zip(data)


def _check_zip(data: bytes) -> None:
    """Measure before reading: the unpacked size from the zip's directory, then the cells of the worksheets
    (their declared dimension, then the cells themselves counted while streaming, stopping past the cap)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_UNPACKED_BYTES:
                raise ParseError(_("The workbook unpacks to more than %(size)d MB; it is refused.")
                                 % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)})
            cells = 0
            for info in zf.infolist():
                if _SHEET_XML.match(info.filename):
                    cells += _count_cells(zf, info, MAX_CELLS - cells)
                    if cells > MAX_CELLS:
                        break
    except zipfile.BadZipFile:
        raise ParseError(_("The file is not a valid Excel workbook. Please save it again as .xlsx.")) from None
    if cells > MAX_CELLS:
        raise ParseError(_("The workbook has more than %(cells)s cells; it is refused. Please split it into "
                           "several deliveries.") % {"cells": f"{MAX_CELLS:,}"})


_SHEET_XML = re.compile(r"^(xl/worksheets/[^/]+\.xml|content\.xml)$")  # xlsx sheets; an ods's one content file
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|table-cell)[\s>/]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")


def _count_cells(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Cells of one sheet, up to ``budget`` + 1 (then it stops reading): the declared dimension first, then the
    cells counted while streaming. An xlsx sheet counts its ``<c`` tags with ``bytes.count`` (an upper bound:
    ``<cols>``, ``<cfRule>`` count too, a few per sheet; text holds ``&lt;``, never ``<``) — 20 times faster
    than the pattern, which an ods's ``content.xml`` still uses."""
    counted, tail, tag = 0, b"", None
    with zf.open(info) as stream:
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                return counted
            if tag is None:
                found = _DIMENSION.search(chunk[:4096])
                if found and found.group(3):
                    rows = int(found.group(4)) - int(found.group(2)) + 1
                    columns = _column_number(found.group(3)) - _column_number(found.group(1)) + 1
                    if rows * columns > budget:
                        return rows * columns
                root = _ROOT_PREFIX.search(chunk[:4096])
                tag = b"<" + (root.group(1) or b"") + b"c" if root else b""
            if tag:
                counted += (tail + chunk).count(tag)
                tail = chunk[-(len(tag) - 1):]
            else:
                block = tail + chunk
                counted += sum(1 for m in _CELL.finditer(block) if m.end() > len(tail))
                tail = block[-64:]
            if counted > budget:
                return counted


def _read_excel(data: bytes, ext: str) -> Table:
    """Read in a child process with a memory cap and a time limit (common/capped.py): the web or Celery worker
    never holds an unpacked workbook itself. The workbook is measured (:func:`_check_zip`) in this process while
    the child reads (issue 15: the 0.13 s of measuring a 100,000-row workbook no longer comes before the read):
    a workbook past the caps is refused as before, the child killed; what the child may spend meanwhile is
    bounded by its own caps."""
    import python_calamine  # noqa: F401 - imported here, before the fork, not in the child

    from common.capped import CappedError, run_capped

    measure = partial(_check_zip, data) if ext in (".xlsx", ".xlsm", ".ods") else None
    try:
        table = run_capped(_read_excel_here, data, True, memory_mb=READ_MEMORY_MB, seconds=READ_SECONDS,
                           meanwhile=measure)
    except CappedError as exc:
        raise ParseError(_("The workbook needs more memory or time to read than a delivery may take (%(reason)s). "
                           "Please split it into several deliveries or save it again as .xlsx.")
                         % {"reason": _("memory") if exc.reason == "memory" else _("time")
                            if exc.reason == "time" else _("the reader stopped")}) from None
    if table.rows and table.rows[-1].__class__ is _Unreadable:  # a row the child could not convert
        raise ParseError(_("The file could not be read as an Excel workbook. Please save it again as .xlsx."))
    return table


class _Unreadable:
    """The last "row" of a streamed sheet whose rows could not all be converted (:class:`_StreamedRows`)."""


class _StreamedRows:
    """A read sheet's rows, converted to Python values while they are pickled: the capped child hands this to
    its pipe instead of ``to_python()``'s list, so the parent unpickles the first rows while the child still
    converts the last (issue 15: the conversion, ≈ 0.08 s of 100,000 rows, no longer comes before the sending).
    Unpickled it is a plain list of the same rows (``iter_rows`` from the sheet's first row with data, as
    ``to_python`` gives them; a test compares). A row that fails to convert ends the list with an
    :class:`_Unreadable`, which :func:`_read_excel` refuses as it refused the exception before."""

    def __init__(self, sheet, skip: int):
        self.sheet, self.skip = sheet, skip

    def _rows(self):
        try:
            yield from itertools.islice(self.sheet.iter_rows(), self.skip, None)
        except Exception:  # noqa: BLE001 - calamine raises several kinds for broken cells
            yield _Unreadable()

    def __reduce__(self):
        return list, (), None, self._rows()


def _read_excel_here(data: bytes, streamed: bool = False) -> Table:
    """The first visible sheet with at least two rows of data. ``streamed`` (the capped child): its rows as
    :class:`_StreamedRows`, converted while they are sent."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue  # a hidden sheet is not the delivery
            sheet = workbook.get_sheet_by_index(index)
            start = sheet.start[0] if sheet.start else 0
            with_data = (r for r in itertools.islice(sheet.iter_rows(), start, None) if any(c != "" for c in r))
            if next(with_data, None) is not None and next(with_data, None) is not None:  # two rows, then it stops
                rows = _StreamedRows(sheet, start) if streamed else sheet.to_python()
                return Table(rows=rows, first_row_number=start + 1, sheet_name=sheet.name)
    except python_calamine.PasswordError:
        raise ParseError(_("The workbook is protected by a password. Please remove it and deliver again.")) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for broken files
        if isinstance(exc, ParseError):
            raise
        raise ParseError(_("The file could not be read as an Excel workbook. Please save it again as .xlsx.")) \
            from None
    raise ParseError(_("The workbook has no sheet with data."))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(_("The CSV file is neither UTF-8 nor GBK text. Please save it again as CSV (UTF-8)."))


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    sample = text[:20000]
    delimiter = ","
    counts = {d: sample.count(d) for d in (",", "\t", ";")}
    if counts[","] == 0 and max(counts.values()) > 0:
        delimiter = max(counts, key=counts.get)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if sum(1 for r in rows if any(c.strip() for c in r)) < 2:
        raise ParseError(_("The file has no data rows."))
    return Table(rows=rows, first_row_number=1, sheet_name="")


def _read_json(data: bytes) -> Table:
    """``{"rows": [{"身份证号": …, "姓名": …}, …]}`` (or the bare list): one header row of every key seen."""
    import json

    try:
        payload = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ParseError(_("The request body is not valid JSON.")) from None
    rows = payload.get("rows") if isinstance(payload, dict) else payload
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ParseError(_("“rows” must be a list of objects, one per row."))
    headers: dict[str, None] = {}
    for row in rows:
        headers.update(dict.fromkeys(str(k) for k in row))
    keys = list(headers)

    def cell(value):
        if value is None:
            return ""
        if isinstance(value, (int, float, str)):
            return value
        return str(value)

    return Table(rows=[keys, *[[cell(r.get(k)) for k in keys] for r in rows]], first_row_number=0)


# --- headers ------------------------------------------------------------------------------------
_BRACKETS = re.compile(r"[(\[{<【［《].*?[)\]}>】］》]")
_NOISE = re.compile(r"[\s*:：_\-—·.。/\\]+")


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = _BRACKETS.sub("", text)
    return _NOISE.sub("", text).lower()


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class ColumnSpec:
    """What the parser needs of a FeedColumn (plain data: the bench and the migration use it too)."""

    key: str
    label: str
    kind: str
    required: bool
    names: tuple[str, ...]

    @classmethod
    def of(cls, column) -> ColumnSpec:
        return cls(key=column.key, label=column.label, kind=column.kind, required=column.required,
                   names=tuple(dict.fromkeys(normalise_header(n) for n in column.header_names() if n.strip())))


def match_headers(headers: Sequence[str], specs: Sequence[ColumnSpec]) -> dict[int, str]:
    """Column index → key: exact header names first, then the longest name a header contains."""
    normalised = [normalise_header(h) for h in headers]
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for spec in specs:  # exact
        for i, h in enumerate(normalised):
            if h and i not in mapping and h in spec.names and spec.key not in used:
                mapping[i] = spec.key
                used.add(spec.key)
                break
    candidates = []
    for spec in specs:  # contained, the longest name first
        if spec.key in used:
            continue
        for i, h in enumerate(normalised):
            if not h or i in mapping:
                continue
            for name in spec.names:
                if len(name) >= 2 and name in h:
                    candidates.append((len(name), -i, i, spec.key))
    for _length, _neg, i, key in sorted(candidates, reverse=True):
        if i not in mapping and key not in used:
            mapping[i] = key
            used.add(key)
    return mapping


def _score(mapping: dict[int, str], specs: Sequence[ColumnSpec]) -> tuple[int, int]:
    keys = set(mapping.values())
    required = sum(1 for s in specs if s.required and s.key in keys)
    return required, len(keys)


def detect_header(table: Table, specs: Sequence[ColumnSpec]) -> HeaderMatch:
    """The header row (or pair of rows) whose cells match the most columns; required columns count first."""
    best: tuple[tuple[int, int], int, int, list[str]] | None = None
    limit = min(len(table.rows), HEADER_SEARCH_ROWS)
    for i in range(limit):
        candidates = [(i, i + 1, [cell_text(c) for c in table.rows[i]])]
        if i + 1 < len(table.rows):
            upper, lower = table.rows[i], table.rows[i + 1]
            width = max(len(upper), len(lower))
            combined = []
            last_upper = ""
            for c in range(width):
                up = cell_text(upper[c]) if c < len(upper) else ""
                low = cell_text(lower[c]) if c < len(lower) else ""
                last_upper = up or last_upper
                combined.append(low or up)
            candidates.append((i + 1, i + 2, combined))
        for header_index, data_start, headers in candidates:
            mapping = match_headers(headers, specs)
            score = _score(mapping, specs)
            if best is None or score > best[0]:
                best = (score, header_index, data_start, headers)
    if best is None or best[0][1] == 0:
        raise ParseError(_("No header row was found: none of the first %(rows)d rows names the columns of this "
                           "feed (for example 身份证号, 姓名).") % {"rows": limit})
    _score_value, header_index, data_start, headers = best
    mapping = match_headers(headers, specs)
    return HeaderMatch(header_index=header_index, data_start=data_start, headers=headers, mapping=mapping,
                       missing_required=missing_required(mapping, specs))


def missing_required(mapping: dict[int, str], specs: Iterable[ColumnSpec]) -> list[str]:
    keys = set(mapping.values())
    return [s.label for s in specs if s.required and s.key not in keys]
