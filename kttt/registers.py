"""One register file (a part of a year's HTX or THT register) → typed rows + located problems.

The file is read by :mod:`kttt.read` (sheet, header row, Excel's blank error cells), its
headers are matched to the contract's columns, every column is parsed, every unit cell is
resolved at the year's data date (:mod:`kttt.geography`), and the rules between columns are
checked. A row with any error is rejected and counted; warnings and notes keep the row.

The administrative columns follow the data contract v2: before 1/7/2025 the district column
``don_vi`` is required and the commune column ``xa`` optional (a commune must lie in the
row's district); from 1/7/2025 ``xa`` is required and ``don_vi`` optional (a former district
helps to place a former commune). A cell naming a former unit is converted through the
crosswalk, with a note (file, row, header, old → new).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from kttt.contract import (
    COMMUNES_ONLY_FROM,
    EARLIEST_DATE,
    ENUM_TITLES,
    LATEST_YEAR_AHEAD,
    Column,
    Register,
    enum_key,
    fold,
    header_key,
    money_factor,
    normalize,
    split_header,
)
from kttt.geography import ONE_DAY, Crosswalk, Resolved, Unit, Units
from kttt.problems import FileReport, Problem
from kttt.read import FileProblem, Table, column_letter, looks_like_contract, read_table
from kttt.values import BadCell, CellError, as_text, parse_bool, parse_date, parse_int, parse_number

GEO_COLUMNS = ("tinh_cu", "huyen_cu", "xa_cu")  # derived: former province, former district, former commune


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
        key = header_key(register.name, text)
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
        if col.money and unit is not None and normalize(text) != normalize(col.display):
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
    width = max([len(table.header), *(len(c) for _n, c in table.rows)], default=0)
    headers = [h for c in register.columns for h in c.headers]
    for j in range(width):
        if j in known:
            continue
        h = table.header[j] if j < len(table.header) else None
        filled = sum(1 for _n, c in table.rows if j < len(c) and c[j] is not None)
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


# --------------------------------------------------------------------------- one column

def parse_value(col: Column, value: Any, number_format: str, x_marks: bool, factor: float = 1.0) -> Any:
    """One cell of a non-unit column, typed (None for blank; money converted to triệu đồng by
    ``factor``); raises CellError. Numbers are checked against the column's sane bounds.

    >>> from kttt.contract import HTX
    >>> parse_value(HTX.column("doanh_thu"), "2.100,5", "vi", False)
    2100.5
    >>> parse_value(HTX.column("so_thanh_vien"), 9e18, "vi", False)
    Traceback (most recent call last):
    ...
    kttt.values.CellError: lớn bất thường: vượt giới hạn hợp lý 1.000.000 của cột
    """
    if value is None:
        if col.type == "bool" and x_marks:
            return False
        if col.required:
            raise CellError("thiếu giá trị bắt buộc", "required value is empty", "thieu_gia_tri")
        return None
    if col.type == "text":
        if isinstance(value, BadCell):
            raise value.error()
        text = as_text(value)
        if not text and col.required:
            raise CellError("thiếu giá trị bắt buộc", "required value is empty", "thieu_gia_tri")
        return text or None
    if col.type == "enum":
        if isinstance(value, BadCell):
            raise value.error()
        assert col.enum is not None
        key = enum_key(col.enum, as_text(value))
        if key is None:
            raise CellError(f"{ENUM_TITLES[col.enum]} không hợp lệ (không có trong danh mục)",
                            f"unknown {col.key} (not in the list of values)", f"{col.key}_la")
        return key
    if col.type == "date":
        return parse_date(value)
    if col.type == "bool":
        return parse_bool(value)
    number: float = parse_int(value, number_format) if col.type == "int" else parse_number(value, number_format)
    if factor != 1.0:
        number = number * factor
    if col.minimum is not None and number < col.minimum:
        if col.minimum == 0:
            raise CellError("không được là số âm", "must not be negative", "so_am")
        raise CellError(f"nhỏ hơn giới hạn hợp lý ({col.minimum:,.0f})".replace(",", "."),
                        f"below the sane bound ({col.minimum:,.0f})", "vuot_gioi_han")
    if col.maximum is not None and number > col.maximum:
        raise CellError(f"lớn bất thường: vượt giới hạn hợp lý {col.maximum:,.0f} của cột".replace(",", "."),
                        f"implausibly large: above the column's sane bound {col.maximum:,.0f}", "vuot_gioi_han")
    return number


def parse_column(m: Mapped, cells: list[Any], settings: Settings) -> tuple[list[Any], dict[int, CellError]]:
    """Every cell of a (non-unit) column: typed values and the errors by position."""
    col = m.col
    x_marks = col.type == "bool" and any(c is not None and normalize(as_text(c)) == "x" for c in cells)
    values: list[Any] = []
    errors: dict[int, CellError] = {}
    latest = dt.date(settings.year + LATEST_YEAR_AHEAD, 12, 31)
    for i, raw in enumerate(cells):
        try:
            value = parse_value(col, raw, settings.number_format, x_marks, m.factor)
            if col.type == "date" and value is not None and not EARLIEST_DATE <= value <= latest:
                raise CellError(f"ngày ngoài khoảng hợp lý ({EARLIEST_DATE:%d/%m/%Y} – {latest:%d/%m/%Y})",
                                f"date out of the plausible range ({EARLIEST_DATE:%d/%m/%Y} – {latest:%d/%m/%Y})",
                                "ngay_ngoai_khoang")
        except CellError as exc:
            errors[i] = exc
            value = None
        values.append(value)
    return values, errors


# --------------------------------------------------------------------------- geography

@dataclass
class Place:
    """A row's administrative columns, resolved."""

    don_vi: str | None = None
    xa: str | None = None
    tinh_cu: str | None = None
    huyen_cu: str | None = None
    xa_cu: str | None = None


class Geography:
    """Resolves the unit cells of one file (memoised: thousands of rows name a few units)."""

    def __init__(self, settings: Settings):
        self.s = settings
        self._memo: dict[tuple, Resolved] = {}

    def resolve(self, text: str, level: str, date: dt.date, parent: str | None) -> Resolved:
        # memo by the name as resolution reads it: fold() keeps diacritics ("Sa Pa" and "Sa Pả" are
        # two wards); a diacritic-less key let the first spelling's result stand for the other
        key = (fold(text), level, date, parent)
        if key not in self._memo:
            self._memo[key] = self.s.units.resolve(text, level, date, parent, self.s.crosswalk)
        return self._memo[key]

    def continuity(self, commune: Unit) -> tuple[str | None, str | None]:
        """The former district and former province of a new commune, where its former communes
        all lay in one (every new commune lies in one former province; some in two districts)."""
        key = ("continuity", commune)
        if key not in self._memo:
            districts, provinces = set(), set()
            for old in self.s.crosswalk.sources(commune, self.s.units):
                district = self.s.units.at(old.parent, old.until or commune.since, "huyen") if old.parent else None
                districts.add(district.code if district else None)
                provinces.add(self.province_of(district, district.until or commune.since) if district else None)
            self._memo[key] = (next(iter(districts)) if len(districts) == 1 else None,  # type: ignore[assignment]
                               next(iter(provinces)) if len(provinces) == 1 else None)
        return self._memo[key]  # type: ignore[return-value]

    def province_of(self, district: Unit | None, date: dt.date) -> str | None:
        if district is None or not district.parent:
            return None
        parent = self.s.units.at(district.parent, date, "tinh") or self.s.units.at(district.parent, district.until or date, "tinh")
        return parent.code if parent is not None else None


def _unit_problem(rel: str, sheet: str | None, n: int, m: Mapped, raw: Any, r: Resolved) -> Problem:
    return Problem(rel, n, m.header, raw, r.reason_vi, r.reason_en, code=r.code, sheet=sheet)


def resolve_places(rows: list[tuple[int, list[Any]]], mapped: dict[str, Mapped], settings: Settings,
                   rel: str, sheet: str | None) -> tuple[list[Place], dict[int, list[Problem]], list[Problem]]:
    """The administrative columns of every row: places, errors by position, notes/warnings."""
    geo = Geography(settings)
    date = settings.data_date
    md, mx = mapped.get("don_vi"), mapped.get("xa")
    before_change = COMMUNES_ONLY_FROM - ONE_DAY
    places: list[Place] = []
    errors: dict[int, list[Problem]] = {}
    notes: list[Problem] = []
    for i, (n, cells) in enumerate(rows):
        place = Place()
        errs: list[Problem] = []
        raw_d = cells[md.index] if md is not None and md.index < len(cells) else None
        raw_x = cells[mx.index] if mx is not None and mx.index < len(cells) else None
        district: Unit | None = None
        hint: str | None = None
        if isinstance(raw_d, BadCell):
            e = raw_d.error()
            errs.append(Problem(rel, n, md.header, raw_d, e.reason_vi, e.reason_en, code=e.code, sheet=sheet))
            raw_d = None
        if isinstance(raw_x, BadCell):
            e = raw_x.error()
            errs.append(Problem(rel, n, mx.header, raw_x, e.reason_vi, e.reason_en, code=e.code, sheet=sheet))
            raw_x = None
        if raw_d is not None and md is not None:
            text = as_text(raw_d)
            r = geo.resolve(text, "huyen", date, None)
            if r.unit is None and settings.communes_only and r.code in ("don_vi_het_hieu_luc", "don_vi_cu_bi_chia"):
                r = geo.resolve(text, "huyen", before_change, None)  # a former district, for continuity
                if r.unit is not None:
                    place.huyen_cu = r.unit.code
                    hint = r.unit.code
                    r = Resolved()  # not an area at the data date
            if r.unit is not None:
                district = r.unit
                place.don_vi = district.code
                place.huyen_cu = district.code
                place.tinh_cu = geo.province_of(district, date)
                hint = district.code
                if r.padded:
                    notes.append(Problem(rel, n, md.header, raw_d, f"mã được hiểu là {district.code} (mất số 0 ở đầu?)",
                                         f"read as code {district.code} (a lost leading zero?)", severity="canh_bao",
                                         code="ma_mat_so_0", sheet=sheet))
            elif r.code:
                errs.append(_unit_problem(rel, sheet, n, md, raw_d, r))
        elif not settings.communes_only and md is not None:
            errs.append(Problem(rel, n, md.header, None, "thiếu giá trị bắt buộc (đơn vị cấp huyện, số liệu trước "
                                "01/07/2025)", "required value is empty (district, data before 1/7/2025)",
                                code="thieu_gia_tri", sheet=sheet))
        if raw_x is not None and mx is not None:
            r = geo.resolve(as_text(raw_x), "xa", date, hint)
            if r.unit is not None:
                commune = r.unit
                place.xa = commune.code
                if r.former is not None:
                    place.xa_cu = r.former.code
                    old_parent = settings.units.at(r.former.parent, r.former.until or date, "huyen") \
                        if r.former.parent else None
                    if old_parent is not None:
                        place.huyen_cu = old_parent.code
                        place.tinh_cu = geo.province_of(old_parent, old_parent.until or date)
                    notes.append(Problem(rel, n, mx.header, raw_x,
                                         f"đơn vị cũ {r.former.label()} → {commune.name} ({commune.code})",
                                         f"former unit {r.former.name} ({r.former.code}) → {commune.name} ({commune.code})",
                                         severity="thong_bao", code="doi_don_vi", sheet=sheet))
                elif settings.communes_only and place.tinh_cu is None:
                    former_district, former_province = geo.continuity(commune)
                    place.huyen_cu = place.huyen_cu or former_district
                    place.tinh_cu = former_province
                if r.padded:
                    notes.append(Problem(rel, n, mx.header, raw_x, f"mã được hiểu là {commune.code} (mất số 0 ở đầu?)",
                                         f"read as code {commune.code} (a lost leading zero?)", severity="canh_bao",
                                         code="ma_mat_so_0", sheet=sheet))
                if district is not None and commune.parent and commune.parent != district.code and r.former is None:
                    errs.append(Problem(rel, n, mx.header, raw_x,
                                        f"{commune.name} không thuộc {district.name} (thuộc đơn vị {commune.parent})",
                                        f"{commune.name} does not lie in {district.name} (it lies in {commune.parent})",
                                        code="xa_khong_thuoc_huyen", sheet=sheet))
            else:
                errs.append(_unit_problem(rel, sheet, n, mx, raw_x, r))
        elif settings.communes_only and mx is not None:
            errs.append(Problem(rel, n, mx.header, None, "thiếu giá trị bắt buộc (đơn vị cấp xã, số liệu từ 01/07/2025)",
                                "required value is empty (commune, data from 1/7/2025)", code="thieu_gia_tri",
                                sheet=sheet))
        places.append(place)
        if errs:
            errors[i] = errs
    return places, errors, notes


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
    rows = table.rows
    report.rows_read = len(rows)
    if not rows:
        return _typed_frame(register, [], settings, []), report, problems
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
        report.reject_all(rows)
        return None, report, problems
    unused_columns(register, table, mapped, problems)

    sheet = table.sheet
    row_errors: dict[int, list[Problem]] = {}
    columns: dict[str, list[Any]] = {}
    for key, m in mapped.items():
        if m.col.type == "unit":
            continue
        cells = [c[m.index] if m.index < len(c) else None for _n, c in rows]
        values, errors = parse_column(m, cells, settings)
        columns[key] = values
        for i, exc in errors.items():
            row_errors.setdefault(i, []).append(Problem(rel, rows[i][0], m.header, cells[i], exc.reason_vi,
                                                        exc.reason_en, code=exc.code, sheet=sheet))
    places, geo_errors, notes = resolve_places(rows, mapped, settings, rel, sheet)
    for i, errs in geo_errors.items():
        row_errors.setdefault(i, []).extend(errs)
    problems.extend(notes)
    _row_rules(register, rows, mapped, columns, row_errors, rel, sheet, settings, problems)
    _lost_zeros(register, rows, mapped, columns, rel, sheet, problems)

    extras = [(j, as_text(h)) for j, h in enumerate(table.header)
              if h is not None and not isinstance(h, BadCell) and j not in {m.index for m in mapped.values()}]
    records: list[dict[str, Any]] = []
    for i, (n, cells) in enumerate(rows):
        if i in row_errors:
            problems.extend(sorted(row_errors[i], key=lambda p: p.header or ""))
            report.reject(n)
            continue
        rec = {key: values[i] for key, values in columns.items()}
        place = places[i]
        rec.update(don_vi=place.don_vi, xa=place.xa, tinh_cu=place.tinh_cu, huyen_cu=place.huyen_cu,
                   xa_cu=place.xa_cu)
        for j, h in extras:
            rec[h] = cells[j] if j < len(cells) else None
        rec["_dong"] = n
        records.append(rec)
        report.rows_accepted += 1
    frame = _typed_frame(register, records, settings, [h for _, h in extras], rel)
    # the headers as the analyst wrote them, for problems found later across the parts of a register
    frame.attrs["headers"] = {key: m.header for key, m in mapped.items()}
    return frame, report, problems


def _row_rules(register: Register, rows: list[tuple[int, list[Any]]], mapped: dict[str, Mapped],
               columns: dict[str, list[Any]], row_errors: dict[int, list[Problem]], rel: str,
               sheet: str | None, settings: Settings, problems: list[Problem]) -> None:
    """Rules between columns: unique codes, end after start, trained ≤ managers, founded by
    the data date (a warning)."""
    code_key, end_key = register.code_column, register.end_date_column
    seen: dict[str, int] = {}
    codes = columns.get(code_key, [])
    founded_all = columns.get("ngay_thanh_lap", [None] * len(rows))
    ended_all = columns.get(end_key, [None] * len(rows))
    managers_all = columns.get("so_can_bo_quan_ly", [None] * len(rows))
    trained_all = columns.get("so_can_bo_tap_huan", [None] * len(rows))
    for i, (n, cells) in enumerate(rows):
        errs = row_errors.get(i, [])
        code = codes[i] if codes else None
        if code:
            if code in seen:
                errs.append(Problem(rel, n, mapped[code_key].header, code, f"trùng mã với dòng {seen[code]}",
                                    f"duplicate code (also on row {seen[code]})", code="trung_ma", sheet=sheet))
            else:
                seen[code] = n
        founded, ended = founded_all[i], ended_all[i]
        if founded and ended and ended < founded:
            what = "giải thể" if register.name == "htx" else "chấm dứt"
            errs.append(Problem(rel, n, mapped[end_key].header, cells[mapped[end_key].index],
                                f"{what} trước ngày thành lập ({founded:%d/%m/%Y})",
                                f"ends before it was founded ({founded:%d/%m/%Y})", code="ket_thuc_truoc_thanh_lap",
                                sheet=sheet))
        managers, trained = managers_all[i], trained_all[i]
        if trained is not None:
            if managers is None:
                managers = 0 if "so_can_bo_quan_ly" in mapped else None
            if managers is not None and trained > managers:
                m = mapped["so_can_bo_tap_huan"]
                errs.append(Problem(rel, n, m.header, cells[m.index],
                                    f"số cán bộ được tập huấn lớn hơn số cán bộ quản lý ({managers})",
                                    f"more managers trained than managers ({managers})",
                                    code="tap_huan_vuot_quan_ly", sheet=sheet))
        if errs:
            row_errors[i] = errs
        elif founded and founded > settings.data_date:
            m = mapped["ngay_thanh_lap"]
            problems.append(Problem(rel, n, m.header, cells[m.index],
                                    f"ngày thành lập sau ngày số liệu {settings.data_date:%d/%m/%Y} "
                                    f"(sổ của năm {settings.year})",
                                    f"founded after the data date {settings.data_date:%d/%m/%Y} "
                                    f"(register of {settings.year})",
                                    severity="canh_bao", code="thanh_lap_sau_nam", sheet=sheet))


def _lost_zeros(register: Register, rows: list[tuple[int, list[Any]]], mapped: dict[str, Mapped],
                columns: dict[str, list[Any]], rel: str, sheet: str | None, problems: list[Problem]) -> None:
    """Warn about numeric codes typed as numbers that are shorter than the file's usual
    all-digit codes: Excel drops leading zeros of numbers."""
    m = mapped.get(register.code_column)
    if m is None:
        return
    codes = columns.get(register.code_column, [])
    lengths = Counter(len(c) for c in codes if c and c.isdigit())
    if not lengths:
        return
    usual = lengths.most_common(1)[0][0]
    for i, (n, cells) in enumerate(rows):
        raw, code = (cells[m.index] if m.index < len(cells) else None), (codes[i] if i < len(codes) else None)
        if isinstance(raw, int | float) and not isinstance(raw, bool) and code and code.isdigit() and len(code) < usual:
            problems.append(Problem(rel, n, m.header, raw,
                                    f"mã dạng số ngắn hơn các mã khác ({usual} chữ số): có thể đã mất số 0 ở đầu "
                                    "(hãy định dạng cột mã là Văn bản)",
                                    f"a numeric code shorter than the others ({usual} digits): a lost leading zero? "
                                    "(format the code column as Text)", severity="canh_bao", code="ma_mat_so_0",
                                    sheet=sheet))


def _typed_frame(register: Register, records: list[dict[str, Any]], settings: Settings, extras: list[str],
                 rel: str = "") -> pd.DataFrame:
    data: dict[str, Any] = {}
    n = len(records)
    for col in register.columns:
        values = [r.get(col.key) for r in records]
        if col.type == "date":
            data[col.key] = pd.to_datetime(pd.Series(values, dtype=object), errors="raise").astype("datetime64[ns]")
        elif col.type == "int":
            data[col.key] = pd.array(values, dtype="Int64")
        elif col.type == "number":
            data[col.key] = pd.array([float("nan") if v is None else v for v in values], dtype="float64")
        elif col.type == "bool":
            data[col.key] = pd.array(values, dtype="boolean")
        else:
            if col.key == "loai_hinh":
                values = [v or "htx" for v in values]
            data[col.key] = pd.Series(values, dtype=object)
    for key in GEO_COLUMNS:
        data[key] = pd.Series([r.get(key) for r in records], dtype=object)
    frame = pd.DataFrame(data, index=range(n))
    for name in extras:
        if name not in frame.columns:
            frame[name] = pd.Series([r.get(name) for r in records], dtype=object)
    frame.insert(0, "nam", settings.year)
    frame["ngay_so_lieu"] = pd.Timestamp(settings.data_date)
    frame["_dong"] = pd.array([r["_dong"] for r in records], dtype="int64")
    frame["_tep"] = rel
    return frame


def empty_register(register: Register) -> pd.DataFrame:
    """A register frame with no row (every column typed)."""
    settings = Settings(register, 0, dt.date(1900, 1, 1), "vi", Units([]))
    return _typed_frame(register, [], settings, [])


# --------------------------------------------------------------------------- the parse cache

_PARSED: dict[tuple, tuple[pd.DataFrame | None, FileReport, list[Problem]]] = {}
_PARSED_LIMIT = 256


@lru_cache(maxsize=1)
def parser_digest() -> str:
    """What shapes a parse: the loader's own code and the contract."""
    digest = hashlib.sha256()
    for name in ("registers.py", "read.py", "geography.py", "contract.py", "values.py", "problems.py"):
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
    return (None if frame is None else frame.copy()), replace(report, rejected_rows=list(report.rejected_rows),
                                                             notices=list(report.notices))
