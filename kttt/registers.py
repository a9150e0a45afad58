"""One register file (a part of a year's HTX or THT register) → typed rows + located problems.

The file is read by :mod:`kttt.read` (sheet, header row, Excel's blank error cells) into a
grid of cells; its headers are matched to the contract's columns; every column is parsed at
once (:mod:`kttt.columns`, by the one-cell rule of :func:`kttt.values.parse_cell`); the district
and commune cells are resolved at the year's data date (:mod:`kttt.places`); the rules between
columns (unique codes, end after start, trained ≤ managers, founded by the data date) are
checked on whole columns. A row with any error is rejected and counted; warnings and notes keep
the row. Problems come out in a fixed order: header problems, unused columns, unit notes, the
warnings of the rules, lost zeros, then every rejected row's errors (row by row, by header).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kttt.columns import BLANK, FLOAT, INT, OTHER, empty_values, parse_column
from kttt.contract import (
    COMMUNES_ONLY_FROM,
    LATEST_YEAR_AHEAD,
    Column,
    Register,
    money_factor,
    normalize,
    split_header,
)
from kttt.geography import Crosswalk, Units
from kttt.places import Geography, Place, resolve_places
from kttt.problems import FileReport, Problem
from kttt.read import (
    FileProblem,
    Table,
    cached_header_key,
    column_letter,
    looks_like_contract,
    read_table,
)
from kttt.values import BadCell, as_text, parse_value

__all__ = ["GEO_COLUMNS", "Geography", "Mapped", "Place", "Settings", "empty_register", "load_register",
           "load_register_cached", "parse_value"]

GEO_COLUMNS = ("tinh_cu", "huyen_cu", "xa_cu")  # derived: former province, former district, former commune
_normalized = lru_cache(maxsize=4096)(normalize)  # headers repeat file after file


@dataclass(frozen=True)
class Settings:
    """Everything that shapes the parse of a register file besides its bytes."""

    register: Register
    year: int
    data_date: dt.date
    number_format: str
    units: Units
    crosswalk: Crosswalk = field(default_factory=Crosswalk)

    @property
    def communes_only(self) -> bool:
        """From 1/7/2025 the commune is required and the district optional."""
        return self.data_date >= COMMUNES_ONLY_FROM


@dataclass
class Mapped:
    col: Column
    index: int
    header: str
    factor: float = 1.0


# --------------------------------------------------------------------------- headers

def map_headers(register: Register, table: Table, problems: list[Problem], report: FileReport
                ) -> dict[str, Mapped] | None:
    """Contract columns found in the header (by key or any display header); money headers in
    another unit get a factor. None when the header is unusable (the problems say why)."""
    rel, row, sheet = table.rel, table.header_rows[-1], table.sheet
    mapped: dict[str, Mapped] = {}
    ok = True
    for i, h in enumerate(table.header):
        if h is None or isinstance(h, BadCell):
            continue
        text = as_text(h)
        key = cached_header_key(register.name, text)
        if key is None:
            continue
        col = register.column(key)
        if key in mapped:
            problems.append(Problem(rel, row, text, None,
                                    f"cột trùng: «{mapped[key].header}» và «{text}» cùng là {key}",
                                    f"duplicate column: '{mapped[key].header}' and '{text}' are both {key}",
                                    code="trung_cot", sheet=sheet))
            ok = False
            continue
        factor = 1.0
        _name, unit = split_header(text)
        if col.money and unit is not None and _normalized(text) != _normalized(col.display):
            conv = money_factor(unit)
            if conv is None:
                problems.append(Problem(rel, row, text, None,
                                        f"đơn vị tiền «{unit}» không hỗ trợ (dùng triệu đồng, tỷ đồng hoặc đồng)",
                                        f"money unit '{unit}' not supported (use triệu đồng, tỷ đồng or đồng)",
                                        code="don_vi_tien_la", sheet=sheet))
                ok = False
                continue
            factor, label = conv
            if factor != 1.0:
                report.notices.append(f"cột «{text}»: đã quy đổi từ {label} sang triệu đồng (× {factor:g})")
        mapped[key] = Mapped(col, i, text, factor)
    for col in register.columns:
        if col.required and col.key not in mapped:
            problems.append(Problem(rel, row, col.display, None, f"thiếu cột bắt buộc «{col.display}» ({col.key})",
                                    f"required column '{col.display}' ({col.key}) is missing",
                                    code="thieu_cot", sheet=sheet))
            ok = False
    return mapped if ok else None


def unused_columns(register: Register, table: Table, mapped: dict[str, Mapped], problems: list[Problem]) -> None:
    """Warn about columns that carry data but will not be used: no header (merged header
    cells), or a header that looks like a contract column without matching one."""
    known = {m.index for m in mapped.values()}
    headers = tuple(h for c in register.columns for h in c.headers)
    counts = (table.kinds != BLANK).sum(axis=0).tolist()
    for j in range(table.width):
        if j in known:
            continue
        h = table.header[j] if j < len(table.header) else None
        filled = counts[j] if j < len(counts) else 0
        # a header cell Excel left without a value (an error cell, a formula never calculated)
        # is no header either: its column's data would be dropped without a word
        if (h is None or isinstance(h, BadCell)) and filled:
            problems.append(Problem(
                table.rel, table.header_rows[-1], f"cột {column_letter(j)}", None,
                f"cột {column_letter(j)} có dữ liệu ở {filled} dòng nhưng không có tiêu đề "
                "(ô tiêu đề gộp?): cột … không được dùng",
                f"column {column_letter(j)} holds data in {filled} rows but has no header (merged header cells?): "
                "not used", severity="canh_bao", code="cot_khong_tieu_de", sheet=table.sheet))
        elif h is not None and not isinstance(h, BadCell):
            like = looks_like_contract(as_text(h), headers)
            if like is not None:
                problems.append(Problem(
                    table.rel, table.header_rows[-1], as_text(h), None,
                    f"cột «{as_text(h)}» không được dùng: giống «{like}» nhưng không khớp tiêu đề nào của "
                    "hợp đồng dữ liệu (sửa tiêu đề nếu đây là cột đó)",
                    f"column '{as_text(h)}' is not used: it looks like '{like}' but matches no header of the "
                    "data contract (fix the header if it is that column)",
                    severity="canh_bao", code="cot_khong_dung", sheet=table.sheet))


# --------------------------------------------------------------------------- one file

def load_register(path: Path, rel: str, settings: Settings) -> tuple[pd.DataFrame | None, FileReport, list[Problem]]:
    """Read one register file: the frame of accepted rows (None when the file is unusable),
    its row accounting and every problem found."""
    register = settings.register
    problems: list[Problem] = []
    report = FileReport(rel, register.name, settings.year)
    try:
        table = read_table(path, rel, register.name, settings.year)
    except FileProblem as exc:
        problems.append(exc.problem)
        report.failed = True
        return None, report, problems
    report.sheet, report.header_rows = table.sheet, table.header_rows
    report.notices.extend(table.notices)
    numbers = table.numbers
    n = len(numbers)
    report.rows_read = n
    if not n:
        return _typed_frame(register, {}, 0, settings, {}, numbers), report, problems
    mapped = map_headers(register, table, problems, report)
    if mapped is not None:
        area = "xa" if settings.communes_only else "don_vi"
        if area not in mapped:
            col = register.column(area)
            when = "từ" if settings.communes_only else "trước"
            problems.append(Problem(rel, table.header_rows[-1], col.display, None,
                                    f"thiếu cột bắt buộc «{col.display}» ({col.key}): bắt buộc với số liệu {when} "
                                    f"01/07/2025 (ngày số liệu {settings.data_date:%d/%m/%Y})",
                                    f"required column '{col.display}' ({col.key}) is missing (data date "
                                    f"{settings.data_date:%d/%m/%Y})", code="thieu_cot", sheet=table.sheet))
            mapped = None
    if mapped is None:
        report.reject_all(table.rows)
        return None, report, problems
    unused_columns(register, table, mapped, problems)

    sheet = table.sheet
    latest = dt.date(settings.year + LATEST_YEAR_AHEAD, 12, 31)
    row_errors: dict[int, list[Problem]] = {}
    columns: dict[str, np.ndarray] = {}
    for key, m in mapped.items():
        if m.col.type == "unit":
            continue
        cells = table.column(m.index)
        parsed = parse_column(m.col, cells, settings.number_format, m.factor, latest, table.column_kinds(m.index))
        columns[key] = parsed.values
        for i, exc in parsed.errors.items():
            row_errors.setdefault(i, []).append(Problem(rel, int(numbers[i]), m.header, cells[i], exc.reason_vi,
                                                        exc.reason_en, code=exc.code, sheet=sheet))
    md, mx = mapped.get("don_vi"), mapped.get("xa")
    places = resolve_places(table, md, mx, settings)
    for i, errs in places.errors.items():
        row_errors.setdefault(i, []).extend(errs)
    problems.extend(places.notes)
    _row_rules(register, table, mapped, columns, row_errors, settings, problems)
    _lost_zeros(register, table, mapped, columns, problems)

    rejected = sorted(row_errors)
    for i in rejected:
        problems.extend(sorted(row_errors[i], key=lambda p: p.header or ""))
        report.reject(int(numbers[i]))
    keep: Any = slice(None)  # every row, without a copy
    if rejected:
        keep = np.ones(n, dtype=bool)
        keep[rejected] = False
    report.rows_accepted += n - len(rejected)
    values = {key: v[keep] for key, v in columns.items()}
    values.update({key: v[keep] for key, v in places.columns.items()})
    extras: dict[str, np.ndarray] = {}
    used = {m.index for m in mapped.values()}
    for j, h in enumerate(table.header):
        if h is not None and not isinstance(h, BadCell) and j not in used:
            extras[as_text(h)] = np.ascontiguousarray(table.column(j)[keep])  # not a view: the grid goes
    # an extra column named like a place column stands in its place, as it always did
    values.update({key: extras[key] for key in values.keys() & extras.keys()})
    frame = _typed_frame(register, values, n - len(rejected), settings, extras, numbers[keep], rel)
    # the headers as the analyst wrote them, for problems found later across the parts of a register
    frame.attrs["headers"] = {key: m.header for key, m in mapped.items()}
    return frame, report, problems


def _raw(table: Table, m: Mapped, i: int) -> Any:
    """The cell of row position ``i`` in a mapped column, as read."""
    return table.cells[i, m.index] if m.index < table.cells.shape[1] else None


def _row_rules(register: Register, table: Table, mapped: dict[str, Mapped], columns: dict[str, np.ndarray],
               row_errors: dict[int, list[Problem]], settings: Settings, problems: list[Problem]) -> None:
    """Rules between columns, on whole columns: unique codes within the file, end after start,
    trained ≤ managers (an empty managers cell counts 0 when the column exists) — errors, after a
    row's cell errors and in that order — and founded by the data date (a warning, for rows
    without any error)."""
    rel, sheet, numbers = table.rel, table.sheet, table.numbers
    n = len(numbers)
    code_key, end_key = register.code_column, register.end_date_column
    found: list[tuple[int, Problem]] = []
    codes = columns.get(code_key)
    if codes is not None:
        present = np.flatnonzero(codes != None)  # noqa: E711 - elementwise
        index, uniques = pd.factorize(codes[present])
        first = np.empty(len(uniques), dtype=np.intp)
        first[index[::-1]] = present[::-1]
        for k in np.flatnonzero(first[index] != present).tolist():
            i, seen = int(present[k]), int(numbers[first[index[k]]])
            found.append((i, Problem(rel, int(numbers[i]), mapped[code_key].header, codes[i],
                                     f"trùng mã với dòng {seen}", f"duplicate code (also on row {seen})",
                                     code="trung_ma", sheet=sheet)))
    founded = columns.get("ngay_thanh_lap", empty_values("date", n))
    ended = columns.get(end_key, empty_values("date", n))
    what = "giải thể" if register.name == "htx" else "chấm dứt"
    for i in np.flatnonzero(ended < founded).tolist():
        when = f"{founded[i].item():%d/%m/%Y}"
        found.append((i, Problem(rel, int(numbers[i]), mapped[end_key].header, _raw(table, mapped[end_key], i),
                                 f"{what} trước ngày thành lập ({when})", f"ends before it was founded ({when})",
                                 code="ket_thuc_truoc_thanh_lap", sheet=sheet)))
    trained = columns.get("so_can_bo_tap_huan")
    if trained is not None and "so_can_bo_quan_ly" in mapped:
        managers = np.nan_to_num(columns["so_can_bo_quan_ly"], nan=0.0)
        m = mapped["so_can_bo_tap_huan"]
        for i in np.flatnonzero(trained > managers).tolist():
            found.append((i, Problem(rel, int(numbers[i]), m.header, _raw(table, m, i),
                                     f"số cán bộ được tập huấn lớn hơn số cán bộ quản lý ({int(managers[i])})",
                                     f"more managers trained than managers ({int(managers[i])})",
                                     code="tap_huan_vuot_quan_ly", sheet=sheet)))
    for i, p in found:
        row_errors.setdefault(i, []).append(p)
    late = founded > np.datetime64(settings.data_date, "D")
    late[list(row_errors)] = False
    m = mapped["ngay_thanh_lap"] if "ngay_thanh_lap" in mapped else None
    for i in np.flatnonzero(late).tolist():
        problems.append(Problem(rel, int(numbers[i]), m.header, _raw(table, m, i),
                                f"ngày thành lập sau ngày số liệu {settings.data_date:%d/%m/%Y} "
                                f"(sổ của năm {settings.year})",
                                f"founded after the data date {settings.data_date:%d/%m/%Y} "
                                f"(register of {settings.year})",
                                severity="canh_bao", code="thanh_lap_sau_nam", sheet=sheet))


def _lost_zeros(register: Register, table: Table, mapped: dict[str, Mapped], columns: dict[str, np.ndarray],
                problems: list[Problem]) -> None:
    """Warn about numeric codes typed as numbers that are shorter than the file's usual
    all-digit codes (the most frequent length; on a tie, the first seen): Excel drops leading
    zeros of numbers."""
    m = mapped.get(register.code_column)
    codes = columns.get(register.code_column)
    if m is None or codes is None or not np.isin(table.column_kinds(m.index), (FLOAT, INT, OTHER)).any():
        return  # no code typed as a number
    listed = codes.tolist()
    digits = [i for i, c in enumerate(listed) if c and c.isdigit()]
    if not digits:
        return
    lengths = np.array([len(listed[i]) for i in digits])
    values, first, counts = np.unique(lengths, return_index=True, return_counts=True)
    best = counts == counts.max()
    usual = int(values[best][np.argmin(first[best])])
    for i in np.array(digits)[lengths < usual].tolist():
        raw = _raw(table, m, i)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            problems.append(Problem(table.rel, int(table.numbers[i]), m.header, raw,
                                    f"mã dạng số ngắn hơn các mã khác ({usual} chữ số): có thể đã mất số 0 ở đầu "
                                    "(hãy định dạng cột mã là Văn bản)",
                                    f"a numeric code shorter than the others ({usual} digits): a lost leading zero? "
                                    "(format the code column as Text)", severity="canh_bao", code="ma_mat_so_0",
                                    sheet=table.sheet))


def _typed_frame(register: Register, values: dict[str, np.ndarray], n: int, settings: Settings,
                 extras: dict[str, np.ndarray], numbers: np.ndarray, rel: str = "") -> pd.DataFrame:
    """The accepted rows as the register's frame: every contract column typed (dates
    ``datetime64[ns]``, counts ``Int64``, numbers ``float64``, yes/no ``boolean``, text and codes
    ``object``; an absent column is empty, ``loai_hinh`` defaults to ``htx``), the places, the
    extra columns as read, then ``nam``, ``ngay_so_lieu``, ``_dong`` (Excel row), ``_tep``."""
    index = pd.RangeIndex(n)  # one index object: no column is re-aligned or copied

    def objects(values: np.ndarray) -> pd.Series:
        return pd.Series(values, index=index, dtype=object, copy=False)

    data: dict[str, Any] = {}
    for col in register.columns:
        column = values.get(col.key)
        if column is None:
            column = empty_values("date" if col.type == "date" else
                                  "number" if col.type in ("int", "number") else "text", n)
        if col.type == "date":
            data[col.key] = column.astype("datetime64[ns]")
        elif col.type == "int":  # whole numbers stored as float64 (NaN = empty): exact below 2**53
            empty = np.isnan(column)
            data[col.key] = pd.arrays.IntegerArray(np.where(empty, 0, column).astype(np.int64), empty)
        elif col.type == "number":
            data[col.key] = column.astype("float64")
        elif col.type == "bool":
            empty = column == None  # noqa: E711 - elementwise
            data[col.key] = pd.arrays.BooleanArray(np.where(empty, False, column).astype(bool), empty)
        else:
            if col.key == "loai_hinh":
                column = np.where(column == None, "htx", column)  # noqa: E711 - elementwise
            data[col.key] = objects(column)
    for key in GEO_COLUMNS:
        data[key] = objects(values.get(key, np.full(n, None, dtype=object)))
    for name, column in extras.items():
        data.setdefault(name, objects(column))
    frame = pd.DataFrame(data, index=index, copy=False)
    frame.insert(0, "nam", settings.year)
    frame["ngay_so_lieu"] = pd.Timestamp(settings.data_date)
    frame["_dong"] = pd.array(numbers, dtype="int64")
    frame["_tep"] = rel
    return frame


def empty_register(register: Register) -> pd.DataFrame:
    """A register frame with no row (every column typed)."""
    settings = Settings(register, 0, dt.date(1900, 1, 1), "vi", Units([]))
    return _typed_frame(register, {}, 0, settings, {}, np.zeros(0, dtype=np.int64))


# --------------------------------------------------------------------------- the parse cache

_PARSED: dict[tuple, tuple[pd.DataFrame | None, FileReport, list[Problem]]] = {}
_PARSED_LIMIT = 256
# pandas ≥ 3 copies on write: a shallow copy already keeps a caller's changes away from the memo
_DEEP_COPY = int(pd.__version__.split(".")[0]) < 3


@lru_cache(maxsize=1)
def parser_digest() -> str:
    """What shapes a parse: the loader's own code and the contract."""
    digest = hashlib.sha256()
    for name in ("registers.py", "read.py", "columns.py", "places.py", "geography.py", "contract.py", "values.py",
                 "problems.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def settings_digest(settings: Settings) -> str:
    """A digest of the parse settings (units and crosswalk included)."""
    units = [(u.code, u.name, u.level, u.parent, u.other_names, str(u.since), str(u.until)) for u in settings.units.all]
    changes = [(c.old, c.new, str(c.date), c.share) for c in settings.crosswalk.changes]
    material = json.dumps([settings.register.name, settings.year, str(settings.data_date), settings.number_format,
                           units, changes], ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()


def load_register_cached(path: Path, rel: str, settings: Settings, problems: list[Problem],
                         geo_digest: str | None = None, parse_cache: str | Path | None = None
                         ) -> tuple[pd.DataFrame | None, FileReport]:
    """:func:`load_register`, memoised in this process by the file's identity (path, size,
    modification time) and everything that shapes its parse.

    When ``parse_cache`` names a folder (the build passes one to its workers and their
    kernels), parses are also kept there as pickles keyed by the SHA-256 of the file's bytes,
    the parse settings and the loader's code: a register is parsed once per build, not once
    per process. Callers get copies: nothing they do reaches the memo.
    """
    stat = path.stat()
    digest = geo_digest or settings_digest(settings)
    key = (str(path), stat.st_size, stat.st_mtime_ns, rel, digest)
    if key not in _PARSED:
        entry = None
        folder = parse_cache
        disk = None
        if folder:
            material = json.dumps([hashlib.sha256(path.read_bytes()).hexdigest(), rel, digest, parser_digest(),
                                   pd.__version__])
            disk = Path(folder) / f"{hashlib.sha256(material.encode()).hexdigest()}.pickle"
        if disk is not None and disk.is_file():
            try:
                entry = pickle.loads(disk.read_bytes())
            except Exception:  # noqa: BLE001 - a damaged cache entry is parsed again
                entry = None
        if entry is None:
            entry = load_register(path, rel, settings)
            if disk is not None:
                disk.parent.mkdir(parents=True, exist_ok=True)
                tmp = disk.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, disk)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = entry
    frame, report, found = _PARSED[key]
    problems.extend(found)
    return (None if frame is None else frame.copy(deep=_DEEP_COPY)), replace(
        report, rejected_rows=list(report.rejected_rows), notices=list(report.notices))
