"""Reading an analyst's table: which sheet, which row is the header, which cells Excel left blank.

Registers arrive as ``.csv`` (UTF-8 with or without BOM, ``,`` or ``;``) or ``.xlsx`` (read with
calamine). This module turns a file into a :class:`Table` — the sheet read, the header row(s)
found, and the data rows numbered as Excel shows them — and says what it did:

- **Which sheet.** One visible sheet → it. Several → the one whose name names the register and
  the year (``HTX 2024``); else the active sheet, only if its header matches the register; else
  an error that lists the sheets. Hidden sheets are never read.
- **Which row is the header.** The row, among the first :data:`HEADER_SEARCH_ROWS`, whose cells
  name the most columns of the register (a title block above it is skipped); a second header row
  under merged group cells is combined with it; a row of column numbers (``(1) (2) (3)``) under
  the header is skipped. The row taken is reported when it is not row 1.
- **Cells Excel could not give a value for**: an error cell (``#DIV/0!``, ``#N/A``, ``#REF!``,
  ``#VALUE!`` …) and a formula whose result was never saved read as :class:`~kttt.values.BadCell`,
  so the parser reports them (calamine alone reads both as blank).

A sheet is held as a grid — a numpy object array, rows × columns, row ``i`` being Excel row
``i + 1``, None for blank — so that the columns can be parsed at once (:mod:`kttt.columns`);
:func:`read_rows` gives the same cells as row lists, for the small key files.

>>> header_score(["STT", "Mã HTX", "Tên HTX", "Ghi chú"], "htx")
2
>>> column_letter(0), column_letter(27)
('A', 'AB')
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np

from kttt.columns import BLANK, OTHER, cell_kinds, clear_blanks, kinds_of
from kttt.contract import REGISTERS, header_key, normalize, sheet_names_register, split_header
from kttt.problems import Problem
from kttt.values import BadCell, as_text

HEADER_SEARCH_ROWS = 20  # the header is looked for in the first rows of a sheet
MIN_HEADER_SCORE = 2  # a header row names at least this many columns of the register

Row = tuple[int, list[Any]]  # (row as Excel shows it, cells)


class FileProblem(Exception):
    """A file that cannot be read at all (carries its located problem)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.reason_vi)
        self.problem = problem


@dataclass
class Table:
    """A file read: its sheet, its header and its data rows — ``numbers`` (as Excel shows them)
    and ``cells`` (rows × columns, None for blank)."""

    rel: str
    sheet: str | None
    header_rows: tuple[int, ...]
    header: list[Any]
    numbers: np.ndarray
    cells: np.ndarray
    kinds: np.ndarray  # the cells' kind codes (:func:`~kttt.columns.cell_kinds`)
    notices: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        """The data rows as ``(row as Excel shows it, cells)``."""
        return list(zip(self.numbers.tolist(), self.cells.tolist(), strict=True))

    @property
    def width(self) -> int:
        return max(len(self.header), self.cells.shape[1])

    def column(self, j: int) -> np.ndarray:
        """The cells of column ``j`` (all None beyond the last column)."""
        if j < self.cells.shape[1]:
            return self.cells[:, j]
        return np.full(len(self.numbers), None, dtype=object)

    def column_kinds(self, j: int) -> np.ndarray:
        """The kinds of the cells of column ``j``."""
        if j < self.kinds.shape[1]:
            return self.kinds[:, j]
        return np.zeros(len(self.numbers), dtype=np.int8)


@dataclass
class Grid:
    """A sheet or a CSV file as cells: ``cells`` rows × columns (object; row ``i`` is Excel row
    ``i + 1``; None for blank) and their ``kinds`` (:func:`~kttt.columns.cell_kinds`)."""

    cells: np.ndarray
    kinds: np.ndarray

    def filled_rows(self) -> np.ndarray:
        """Indexes of the rows that hold at least one cell."""
        return np.flatnonzero((self.kinds != BLANK).any(axis=1)) if self.kinds.shape[1] else \
            np.zeros(0, dtype=np.intp)

    def rows(self) -> list[Row]:
        """Every row as ``(row as Excel shows it, cells)``."""
        return list(enumerate(self.cells.tolist(), start=1))


def to_grid(rows: list[list[Any]]) -> Grid:
    """Rows of cells as a :class:`Grid`; short rows are padded with blanks and every blank cell
    (:func:`~kttt.values.is_blank`) becomes None.

    >>> to_grid([["a", " ", 1.0], ["b"]]).cells.tolist()
    [['a', None, 1.0], ['b', None, None]]
    """
    width = max(map(len, rows), default=0)
    if min(map(len, rows), default=0) == width:
        cells = np.empty((len(rows), width), dtype=object)
        if rows and width:
            cells[:] = rows
        kinds = kinds_of(itertools.chain.from_iterable(rows)).reshape(cells.shape)
    else:
        cells = np.full((len(rows), width), None, dtype=object)
        for i, r in enumerate(rows):
            cells[i, : len(r)] = r
        kinds = cell_kinds(cells)
    clear_blanks(cells, kinds)
    return Grid(cells, kinds)


def column_letter(index: int) -> str:
    """Excel's name for a column (0 → A)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------- CSV

def read_csv_rows(path: Path, rel: str) -> list[list[str]]:
    """The records of a CSV file, header included (record ``i`` is shown as row ``i + 1``).

    UTF-8 with or without BOM; ``,`` or ``;`` separated (the header line decides).
    """
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise FileProblem(Problem(
            rel, line, None, "0x" + raw[exc.start:exc.end].hex(),
            "tệp CSV không phải mã UTF-8 (hãy lưu lại bằng «CSV UTF-8»)",
            "the CSV file is not UTF-8 (save it again as \"CSV UTF-8\")",
            code="khong_phai_utf8")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise FileProblem(Problem(rel, reader.line_num, None, None,
                                  f"tệp CSV sai cấu trúc ({exc})", f"malformed CSV ({exc})",
                                  code="csv_hong")) from None


# --------------------------------------------------------------------------- XLSX

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass(frozen=True)
class Sheet:
    name: str
    visible: bool
    part: str  # the sheet's XML inside the zip


def workbook_sheets(path: Path) -> tuple[list[Sheet], int]:
    """The sheets of an ``.xlsx`` (name, visible, XML part) and the index of the active one,
    read from ``xl/workbook.xml`` without loading any cell."""
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    sheets = []
    for s in book.findall("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        sheets.append(Sheet(s.get("name", ""), s.get("state", "visible") == "visible", part))
    view = book.find("m:bookViews/m:workbookView", _NS)
    active = int(view.get("activeTab", "0")) if view is not None else 0
    return sheets, min(active, max(len(sheets) - 1, 0))


_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


_MARKS = (b"<f", b't="e"')  # a formula, an error cell: what bad_cells looks for
_CHUNK = 1 << 20


def _marked(path: Path, part: str) -> bool:
    """Whether a sheet's XML holds a formula or an error cell, read a chunk at a time (a sheet
    of a million rows is never held whole)."""
    with zipfile.ZipFile(path) as z, z.open(part) as f:
        tail = b""
        while chunk := f.read(_CHUNK):
            window = tail + chunk
            if any(mark in window for mark in _MARKS):
                return True
            tail = window[-8:]
    return False


def bad_cells(path: Path, part: str) -> dict[tuple[int, int], BadCell]:
    """Cells Excel left without a usable value: error cells and formulas with no saved result,
    by (Excel row, column index). A sheet without any formula or error costs one scan."""
    if not _marked(path, part):
        return {}
    with zipfile.ZipFile(path) as z:
        xml = z.read(part)
    found: dict[tuple[int, int], BadCell] = {}
    for match in _CELL.finditer(xml):
        attributes, inner = match.group(1), match.group(2) or b""
        is_error = bool(_ERROR_TYPE.search(attributes))
        has_formula = b"<f" in inner
        if not is_error and not has_formula:
            continue
        ref = _REF.search(attributes)
        if ref is None:
            continue
        key = (int(ref.group(2)), _column_index(ref.group(1)))
        value = _VALUE.search(inner)
        if is_error:
            found[key] = BadCell("loi", (value.group(1) if value else b"#ERROR").decode("utf-8", "replace"))
        elif value is None or not value.group(1).strip():
            found[key] = BadCell("cong_thuc", "(công thức chưa có giá trị)")
    return found


def choose_sheet(sheets: list[Sheet], active: int, register: str | None, year: int | None,
                 header_fits: callable, rel: str) -> Sheet:  # type: ignore[valid-type]
    """The sheet to read, by the rule in the module doc; raises :class:`FileProblem` listing
    the sheets when no rule picks one."""
    visible = [s for s in sheets if s.visible]
    if len(visible) == 1:
        return visible[0]
    if not visible:
        raise FileProblem(Problem(rel, None, None, None, "tệp Excel không có trang tính nào đang hiện",
                                  "the workbook has no visible sheet", code="khong_co_trang"))
    if register is not None and year is not None:
        named = [s for s in visible if sheet_names_register(s.name, register, year)]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            listed = ", ".join(f"«{s.name}»" for s in named)
            raise FileProblem(Problem(
                rel, None, None, None,
                f"nhiều trang tính cùng ghi sổ {register.upper()} năm {year} ({listed}): chỉ để lại một trang",
                f"several sheets name the {register} register of {year} ({listed}): keep one",
                code="nhieu_trang"))
    current = sheets[active] if sheets else None
    if current is not None and current.visible and header_fits(current):
        return current
    listed = ", ".join(f"«{s.name}»" for s in visible)
    expected = f"«{register.upper()} {year}»" if register and year else "tên sổ và năm"
    raise FileProblem(Problem(
        rel, None, None, None,
        f"tệp có nhiều trang tính ({listed}) mà không trang nào đặt tên theo sổ và năm (ví dụ {expected}), "
        "trang đang chọn cũng không có tiêu đề cột của sổ: đổi tên trang cần đọc hoặc xóa các trang khác",
        f"the workbook has several sheets ({listed}), none named after the register and year (e.g. {expected}) "
        "and the active sheet has no register header: rename the sheet to read or remove the others",
        code="khong_ro_trang"))


def _sheet_grid(path: Path, sheet: Sheet, rel: str) -> Grid:
    """A sheet's cells from A1 (calamine), Excel's value-less cells put back as BadCell."""
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_path(str(path))
        values = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for corrupt files
        raise _corrupt(rel, exc) from None
    del book
    grid = to_grid(values)
    del values
    bad = {(r, c): b for (r, c), b in bad_cells(path, sheet.part).items() if r <= len(grid.cells)}
    width = max((c + 1 for _r, c in bad), default=0)
    if width > grid.cells.shape[1]:
        more = width - grid.cells.shape[1]
        grid = Grid(np.hstack([grid.cells, np.full((len(grid.cells), more), None, dtype=object)]),
                    np.hstack([grid.kinds, np.zeros((len(grid.kinds), more), dtype=np.int8)]))
    for (r, c), b in bad.items():
        grid.cells[r - 1, c] = b
        grid.kinds[r - 1, c] = OTHER
    return grid


def _corrupt(rel: str, exc: Exception) -> FileProblem:
    return FileProblem(Problem(
        rel, None, None, None,
        f"không mở được tệp Excel (tệp hỏng, rỗng hoặc không phải .xlsx: {type(exc).__name__})",
        f"cannot open the Excel file (corrupt, empty or not .xlsx: {exc})", code="excel_hong"))


def read_xlsx(path: Path, rel: str, register: str | None = None, year: int | None = None) -> tuple[str, Grid]:
    """The sheet chosen by the rule and its rows; raises :class:`FileProblem` when the file
    cannot be opened or no sheet can be chosen."""
    if path.stat().st_size == 0:
        raise FileProblem(Problem(rel, None, None, None, "tệp Excel rỗng (0 byte)", "the Excel file is empty (0 bytes)",
                                  code="excel_hong"))
    try:
        sheets, active = workbook_sheets(path)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise _corrupt(rel, exc) from None
    cache: dict[str, Grid] = {}

    def grid_of(sheet: Sheet) -> Grid:
        if sheet.name not in cache:
            cache[sheet.name] = _sheet_grid(path, sheet, rel)
        return cache[sheet.name]

    def fits(sheet: Sheet) -> bool:
        return register is None or find_header(header_candidates(grid_of(sheet)), register)[0] is not None

    sheet = choose_sheet(sheets, active, register, year, fits, rel)
    return sheet.name, grid_of(sheet)


def read_grid(path: Path, rel: str, register: str | None = None, year: int | None = None
              ) -> tuple[str | None, Grid]:
    """``(sheet read or None for CSV, grid)``: row ``i`` of the grid is Excel row ``i + 1``."""
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path, rel, register, year)
    return None, to_grid(read_csv_rows(path, rel))


def read_rows(path: Path, rel: str, register: str | None = None, year: int | None = None
              ) -> tuple[str | None, list[Row]]:
    """``(sheet read or None for CSV, rows)``; blank cells are None."""
    sheet, grid = read_grid(path, rel, register, year)
    return sheet, grid.rows()


# --------------------------------------------------------------------------- the header

@functools.lru_cache(maxsize=4096)
def cached_header_key(register: str, text: str) -> str | None:
    """:func:`~kttt.contract.header_key`, remembered: the same headers come file after file."""
    return header_key(register, text)


def header_score(cells: list[Any], register: str) -> int:
    """How many distinct columns of the register a row's cells name."""
    keys = set()
    for c in cells:
        if c is not None and not isinstance(c, BadCell):
            key = cached_header_key(register, as_text(c))
            if key is not None:
                keys.add(key)
    return len(keys)


_NUMBERING = re.compile(r"^\(?[0-9]{1,3}\)?$|^\(?[A-Z]\)?$")


def _is_numbering(cells: list[Any]) -> bool:
    """A row of column numbers under the header: ``(1) (2) (3)`` or ``1 2 3`` or ``A B 1 2``."""
    texts = [as_text(c) for c in cells if c is not None]
    if len(texts) < 3 or not all(_NUMBERING.match(t) for t in texts):
        return False
    numbers = [int(t.strip("()")) for t in texts if t.strip("()").isdigit()]
    return len(numbers) >= 2 and numbers == sorted(numbers)


def header_candidates(grid: Grid, filled: np.ndarray | None = None) -> list[Row]:
    """The first rows of a grid, as far as :func:`find_header` may look (the first
    :data:`HEADER_SEARCH_ROWS` non-empty rows, the one after them included); ``filled`` are the
    grid's filled rows when known."""
    filled = grid.filled_rows() if filled is None else filled
    end = int(filled[HEADER_SEARCH_ROWS]) + 1 if len(filled) > HEADER_SEARCH_ROWS else len(grid.cells)
    return list(enumerate(grid.cells[:end].tolist(), start=1))


def find_header(rows: list[Row], register: str) -> tuple[int | None, int | None]:
    """Indexes (in ``rows``) of the header row and of a second header row under it (or None).

    The header is the row among the first non-empty :data:`HEADER_SEARCH_ROWS` naming the most
    columns (at least :data:`MIN_HEADER_SCORE`); None when no row does.
    """
    best, best_score, seen = None, 0, 0
    for i, (_n, cells) in enumerate(rows):
        if not any(c is not None for c in cells):
            continue
        seen += 1
        if seen > HEADER_SEARCH_ROWS:
            break
        score = header_score(cells, register)
        if score > best_score:
            best, best_score = i, score
            if best_score == len(REGISTERS[register.lower()].columns):  # no row can name more
                break
    if best is None or best_score < MIN_HEADER_SCORE:
        return None, None
    nxt = best + 1
    if nxt < len(rows):
        upper, lower = rows[best][1], rows[nxt][1]
        extra = 0
        for j, cell in enumerate(lower):
            if cell is None or isinstance(cell, BadCell):
                continue
            top = upper[j] if j < len(upper) else None
            if header_key(register, as_text(cell)) is not None and (
                    top is None or header_key(register, as_text(top)) is None):
                extra += 1
        if extra:
            return best, nxt
    return best, None


def combine_headers(upper: list[Any], lower: list[Any], register: str) -> list[Any]:
    """One header from two rows: a merged group cell (text in its first column, blanks after)
    spans the columns under it; a sub-header naming a column wins, carrying the group's unit
    when it has none (``Tài chính (triệu đồng)`` over ``Doanh thu``).

    >>> combine_headers(["Mã HTX", "Tài chính (tỷ đồng)", None], [None, "Doanh thu", "Lợi nhuận"], "htx")
    ['Mã HTX', 'Doanh thu (tỷ đồng)', 'Lợi nhuận (tỷ đồng)']
    """
    width = max(len(upper), len(lower))
    out: list[Any] = []
    group: Any = None
    for j in range(width):
        top = upper[j] if j < len(upper) else None
        sub = lower[j] if j < len(lower) else None
        if top is not None:
            group = top
        spanning = top if top is not None else (group if sub is not None else None)
        if sub is not None and header_key(register, as_text(sub)) is not None and (
                spanning is None or header_key(register, as_text(spanning)) is None):
            text = as_text(sub)
            _name, unit = split_header(text)
            _gname, gunit = split_header(as_text(spanning)) if spanning is not None else ("", None)
            out.append(f"{text} ({gunit})" if unit is None and gunit else text)
        else:
            out.append(top)
            if top is None:
                group = group if sub is not None else None
    return out


def read_table(path: Path, rel: str, register: str | None = None, year: int | None = None) -> Table:
    """A file as a :class:`Table` (see the module doc). For a register, the header is found
    by its columns; for other files it is the first non-empty row."""
    sheet, grid = read_grid(path, rel, register, year)
    notices: list[str] = []
    filled = grid.filled_rows()
    cells = grid.cells
    if not len(filled):
        return Table(rel, sheet, (1,), [], np.zeros(0, dtype=np.int64), cells[:0], grid.kinds[:0], notices)
    top, second = (find_header(header_candidates(grid, filled), register) if register else (None, None))
    if top is None:
        top = int(filled[0])
    header = cells[top].tolist()
    header_rows = (top + 1,)
    start = top + 1
    if second is not None:
        header = combine_headers(header, cells[second].tolist(), register)  # type: ignore[arg-type]
        header_rows = (top + 1, second + 1)
        start = second + 1
    if header_rows != (1,):
        shown = " và ".join(f"dòng {n}" for n in header_rows)
        notices.append(f"dòng tiêu đề: {shown}" + (f" (bỏ qua {header_rows[0] - 1} dòng tiêu đề phía trên)"
                                                   if header_rows[0] > 1 else ""))
    body = filled[filled >= start]
    if len(body) and _is_numbering(cells[body[0]].tolist()):
        notices.append(f"dòng {body[0] + 1} là dòng đánh số cột, không phải dữ liệu")
        body = body[1:]
    return Table(rel, sheet, header_rows, header, (body + 1).astype(np.int64), cells[body], grid.kinds[body], notices)


@functools.lru_cache(maxsize=1024)
def looks_like_contract(header: str, known: tuple[str, ...]) -> str | None:
    """The contract header an unused column's header looks like (typo, extra word), or None.

    >>> looks_like_contract("Doanh thu năm (triệu đồng)", ("Doanh thu", "Tên HTX"))
    'Doanh thu'
    >>> looks_like_contract("Ghi chú", ("Doanh thu", "Tên HTX")) is None
    True
    """
    import difflib

    name = normalize(split_header(header)[0])
    if not name:
        return None
    best, score = None, 0.0
    for k in known:
        target = normalize(k)
        ratio = difflib.SequenceMatcher(None, name, target).ratio()
        if len(target) >= 5 and (name.startswith(target + " ") or name.endswith(" " + target)):
            ratio = max(ratio, 0.9)
        if ratio > score:
            best, score = k, ratio
    return best if score >= 0.82 else None
