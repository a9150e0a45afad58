"""Files → typed frames + located problems, as the data contract (v1) says.

:func:`load_dataset` reads ``dataset.yaml``, the administrative units, the targets, the
published figures and every year's ``htx`` / ``tht`` register (``.xlsx`` read with the
calamine engine, or ``.csv``), checks every cell, and returns a :class:`Dataset` whose
frames hold the accepted rows and whose ``problems`` list everything that was wrong, each
located by file, Excel row, header and value. Nothing is dropped silently: for every file,
rows read = rows accepted + rows rejected.

>>> from kttt.config import SAMPLE_DATASET
>>> ds = load_dataset(SAMPLE_DATASET, years=[2022])
>>> ds.ok, int((ds.register("htx", 2022)["loai_hinh"] != "lhhtx").sum()) > 600
(True, True)
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kttt.config import dataset_name, register_files, year_dirs
from kttt.contract import (
    ENUM_TITLES,
    NUMBER_FORMATS,
    PUBLISHED_STATUSES,
    REGISTERS,
    Column,
    Register,
    enum_key,
    header_key,
    money_factor,
    normalize,
    split_header,
)
from kttt.indicators.catalogue import CATALOGUE
from kttt.problems import DataError, Problem
from kttt.values import (
    CellError,
    as_text,
    is_blank,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
)

META_FILE = "dataset.yaml"
UNITS_FILE = "don_vi_hanh_chinh.csv"
TARGETS_FILE = "chi_tieu.csv"
PUBLISHED_FILE = "so_lieu_cong_bo.csv"


@dataclass(frozen=True)
class DatasetMeta:
    """What ``dataset.yaml`` says."""

    ten: str
    ma_tinh: str = ""
    mo_phong: bool = False
    mo_ta: str = ""
    dinh_dang_so: str = "vi"


@dataclass
class FileReport:
    """Row accounting of one file: rows read = rows accepted + rows rejected."""

    file: str
    kind: str
    year: int | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rejected_rows: list[int] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_accepted + self.rows_rejected


@dataclass
class Dataset:
    """A loaded dataset: accepted rows as typed frames, plus every problem found."""

    path: Path
    name: str
    meta: DatasetMeta
    units: pd.DataFrame
    targets: pd.DataFrame
    published: pd.DataFrame
    htx: pd.DataFrame
    tht: pd.DataFrame
    years: list[int]
    problems: list[Problem] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not self.errors

    def register(self, kind: str, year: int) -> pd.DataFrame:
        """The accepted rows of one year's ``htx`` or ``tht`` register."""
        frame = self.htx if kind == "htx" else self.tht
        return frame[frame["nam"] == year]

    def unit_names(self) -> dict[str, str]:
        """Unit code → display name."""
        return dict(zip(self.units["ma"], self.units["ten"], strict=True))

    def raise_for_errors(self) -> Dataset:
        """Raise :class:`DataError` when any problem is an error; return self otherwise."""
        if not self.ok:
            raise DataError(self.problems)
        return self


class _FileProblem(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.reason_vi)
        self.problem = problem


# --------------------------------------------------------------------------- reading tables

def _undecodable_line(raw: bytes, position: int) -> int:
    return raw[:position].count(b"\n") + 1


def read_csv_rows(path: Path, rel: str) -> list[tuple[int, list[Any]]]:
    """Rows of a CSV file as ``(row as Excel shows it, cells)``, header included (row 1).

    UTF-8 with or without BOM; ``,`` or ``;`` separated (the header line decides).
    """
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _undecodable_line(raw, exc.start)
        raise _FileProblem(Problem(
            rel, line, None, "0x" + raw[exc.start:exc.end].hex(),
            "tệp CSV không phải mã UTF-8 (hãy lưu lại bằng «CSV UTF-8»)",
            "the CSV file is not UTF-8 (save it again as \"CSV UTF-8\")",
            code="khong_phai_utf8")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(i + 1, row) for i, row in enumerate(reader)]
    except csv.Error as exc:
        raise _FileProblem(Problem(rel, reader.line_num, None, None,
                                   f"tệp CSV sai cấu trúc ({exc})", f"malformed CSV ({exc})",
                                   code="csv_hong")) from None


def read_xlsx_rows(path: Path, rel: str) -> list[tuple[int, list[Any]]]:
    """Rows of the first sheet of an ``.xlsx`` file, read with the calamine engine."""
    try:
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="calamine",
                              na_filter=False)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise _FileProblem(Problem(
            rel, None, None, None,
            f"không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx: {type(exc).__name__})",
            f"cannot open the Excel file (corrupt or not .xlsx: {exc})",
            code="excel_hong")) from None
    values = frame.to_numpy(dtype=object).tolist()
    return [(i + 1, row) for i, row in enumerate(values)]


def read_rows(path: Path, rel: str) -> list[tuple[int, list[Any]]]:
    """Rows of a ``.csv`` or ``.xlsx`` file; blank cells become None."""
    rows = read_xlsx_rows(path, rel) if path.suffix.lower() == ".xlsx" else read_csv_rows(path, rel)
    return [(n, [None if is_blank(v) else v for v in row]) for n, row in rows]


def _split_header_rows(rows: list[tuple[int, list[Any]]]) -> tuple[int, list[Any], list[tuple[int, list[Any]]]]:
    """The first non-empty row is the header; fully empty rows below it are not data."""
    for i, (n, cells) in enumerate(rows):
        if any(c is not None for c in cells):
            body = [(m, c) for m, c in rows[i + 1:] if any(x is not None for x in c)]
            return n, cells, body
    return 1, [], []


# --------------------------------------------------------------------------- dataset.yaml

def load_meta(root: Path, problems: list[Problem]) -> DatasetMeta | None:
    """Read and check ``dataset.yaml``."""
    path = root / META_FILE
    if not path.is_file():
        problems.append(Problem(META_FILE, None, None, None,
                                "thiếu tệp dataset.yaml (tên, mã tỉnh, mo_phong, dinh_dang_so)",
                                "dataset.yaml is missing", code="thieu_dataset_yaml"))
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(META_FILE, None, None, None, f"dataset.yaml sai cú pháp YAML ({exc})",
                                f"dataset.yaml is not valid YAML ({exc})", code="yaml_hong"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(META_FILE, None, None, None, "dataset.yaml phải là các cặp khóa: giá trị",
                                "dataset.yaml must be a mapping", code="yaml_hong"))
        return None
    ok = True
    if is_blank(raw.get("ten")):
        problems.append(Problem(META_FILE, None, "ten", None, "thiếu «ten» (tên địa bàn)",
                                "'ten' (area name) is missing", code="thieu_khoa"))
        ok = False
    fmt = str(raw.get("dinh_dang_so", "vi")).strip().lower()
    if fmt not in NUMBER_FORMATS:
        problems.append(Problem(META_FILE, None, "dinh_dang_so", None,
                                f"dinh_dang_so phải là vi hoặc en, không phải «{fmt}»",
                                f"dinh_dang_so must be vi or en, not '{fmt}'", code="gia_tri_khong_hop_le"))
        ok = False
    mo_phong = raw.get("mo_phong", False)
    if not isinstance(mo_phong, bool):
        try:
            mo_phong = parse_bool(mo_phong)
        except CellError:
            problems.append(Problem(META_FILE, None, "mo_phong", None,
                                    "mo_phong phải là true hoặc false",
                                    "mo_phong must be true or false", code="gia_tri_khong_hop_le"))
            ok = False
    if not ok:
        return None
    return DatasetMeta(ten=str(raw["ten"]).strip(), ma_tinh=as_text(raw.get("ma_tinh", "") or ""),
                       mo_phong=bool(mo_phong), mo_ta=str(raw.get("mo_ta", "") or "").strip(),
                       dinh_dang_so=fmt)


# --------------------------------------------------------------------------- key files

def _read_key_file(root: Path, name: str, columns: tuple[str, ...], required: tuple[str, ...],
                   problems: list[Problem], report: FileReport
                   ) -> tuple[dict[str, int], list[tuple[int, list[Any]]]] | None:
    path = root / name
    try:
        rows = read_rows(path, name)
    except _FileProblem as exc:
        problems.append(exc.problem)
        return None
    _, header, body = _split_header_rows(rows)
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        if h is not None:
            key = normalize(split_header(str(h))[0]).replace(" ", "_")
            if key in columns and key not in index:
                index[key] = i
    missing = [c for c in required if c not in index]
    report.rows_read = len(body)
    if missing:
        for c in missing:
            problems.append(Problem(name, 1, c, None, f"thiếu cột bắt buộc «{c}»",
                                    f"required column '{c}' is missing", code="thieu_cot"))
        report.rows_rejected = len(body)
        report.rejected_rows = [n for n, _ in body]
        return None
    return index, body


def _cell(cells: list[Any], index: dict[str, int], key: str) -> Any:
    i = index.get(key)
    return cells[i] if i is not None and i < len(cells) else None


def _key_number(value: Any, number_format: str) -> float:
    """Numbers in the key files: machine format first (``5.3``), then the dataset's own."""
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    return parse_number(value, number_format)


def load_units(root: Path, problems: list[Problem], reports: list[FileReport]) -> pd.DataFrame:
    """Read ``don_vi_hanh_chinh.csv``: ``ma, ten, cap, ten_khac, hieu_luc_tu, hieu_luc_den``."""
    cols = ("ma", "ten", "cap", "ten_khac", "hieu_luc_tu", "hieu_luc_den")
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    if not (root / UNITS_FILE).is_file():
        problems.append(Problem(UNITS_FILE, None, None, None,
                                "thiếu tệp đơn vị hành chính don_vi_hanh_chinh.csv",
                                "the administrative-unit file is missing", code="thieu_tep"))
        return empty
    report = FileReport(UNITS_FILE, "don_vi")
    reports.append(report)
    read = _read_key_file(root, UNITS_FILE, cols, ("ma", "ten", "cap"), problems, report)
    if read is None:
        return empty
    index, body = read
    records = []
    seen: dict[str, int] = {}
    for n, cells in body:
        errs: list[Problem] = []
        code = as_text(_cell(cells, index, "ma") or "")
        ten = as_text(_cell(cells, index, "ten") or "")
        cap = normalize(as_text(_cell(cells, index, "cap") or ""))
        if not code:
            errs.append(Problem(UNITS_FILE, n, "ma", None, "thiếu mã đơn vị", "unit code is empty",
                                code="thieu_gia_tri"))
        elif code in seen:
            errs.append(Problem(UNITS_FILE, n, "ma", code, f"trùng mã với dòng {seen[code]}",
                                f"duplicate code (see row {seen[code]})", code="trung_ma"))
        if not ten:
            errs.append(Problem(UNITS_FILE, n, "ten", None, "thiếu tên đơn vị", "unit name is empty",
                                code="thieu_gia_tri"))
        if cap not in ("huyen", "xa"):
            errs.append(Problem(UNITS_FILE, n, "cap", _cell(cells, index, "cap"),
                                "cấp phải là huyen hoặc xa", "level must be huyen or xa",
                                code="gia_tri_khong_hop_le"))
        dates: dict[str, dt.date | None] = {}
        for key in ("hieu_luc_tu", "hieu_luc_den"):
            value = _cell(cells, index, key)
            dates[key] = None
            if value is not None:
                try:
                    dates[key] = parse_date(value)
                except CellError as exc:
                    errs.append(Problem(UNITS_FILE, n, key, value, exc.reason_vi, exc.reason_en,
                                        code=exc.code))
        problems.extend(errs)
        if errs:
            report.rows_rejected += 1
            report.rejected_rows.append(n)
            continue
        seen[code] = n
        other = as_text(_cell(cells, index, "ten_khac") or "")
        records.append({"ma": code, "ten": ten, "cap": cap, "ten_khac": other,
                        "hieu_luc_tu": dates["hieu_luc_tu"], "hieu_luc_den": dates["hieu_luc_den"]})
        report.rows_accepted += 1
    return pd.DataFrame.from_records(records, columns=list(cols)) if records else empty


def unit_index(units: pd.DataFrame) -> dict[str, str]:
    """Every way a register may name a unit (code, name, other spellings) → unit code.

    >>> u = pd.DataFrame({"ma": ["132"], "ten": ["Thành phố Yên Bái"], "ten_khac": ["TP Yên Bái|TP. Yên Bái"]})
    >>> unit_index(u)[normalize("tp yen bai")]
    '132'
    """
    index: dict[str, str] = {}
    for code, ten, other in zip(units["ma"], units["ten"], units["ten_khac"], strict=True):
        index[normalize(code)] = code
        index[normalize(ten)] = code
        for name in str(other or "").split("|"):
            if name.strip():
                index[normalize(name)] = code
    return index


def load_targets(root: Path, number_format: str, problems: list[Problem],
                 reports: list[FileReport]) -> pd.DataFrame:
    """Read ``chi_tieu.csv``: ``nam, ma_chi_tieu, gia_tri, so_sanh, nguon`` (optional file)."""
    cols = ("nam", "ma_chi_tieu", "gia_tri", "so_sanh", "nguon")
    empty = pd.DataFrame({"nam": pd.Series(dtype="int64"), "ma_chi_tieu": pd.Series(dtype=object),
                          "gia_tri": pd.Series(dtype="float64"), "so_sanh": pd.Series(dtype=object),
                          "nguon": pd.Series(dtype=object)})
    if not (root / TARGETS_FILE).is_file():
        return empty
    report = FileReport(TARGETS_FILE, "chi_tieu")
    reports.append(report)
    read = _read_key_file(root, TARGETS_FILE, cols, ("nam", "ma_chi_tieu", "gia_tri"), problems, report)
    if read is None:
        return empty
    index, body = read
    records = []
    for n, cells in body:
        errs, rec = _key_row(TARGETS_FILE, n, cells, index, number_format)
        comparison = as_text(_cell(cells, index, "so_sanh") or ">=").replace("≥", ">=").replace("≤", "<=")
        if comparison not in (">=", "<="):
            errs.append(Problem(TARGETS_FILE, n, "so_sanh", comparison,
                                "so_sanh phải là >= hoặc <=", "so_sanh must be >= or <=",
                                code="gia_tri_khong_hop_le"))
        problems.extend(errs)
        if errs:
            report.rows_rejected += 1
            report.rejected_rows.append(n)
            continue
        rec["so_sanh"] = comparison
        rec["nguon"] = as_text(_cell(cells, index, "nguon") or "")
        records.append(rec)
        report.rows_accepted += 1
    return pd.DataFrame.from_records(records, columns=list(cols)) if records else empty


def _key_row(file: str, n: int, cells: list[Any], index: dict[str, int], number_format: str
             ) -> tuple[list[Problem], dict[str, Any]]:
    errs: list[Problem] = []
    rec: dict[str, Any] = {}
    year = _cell(cells, index, "nam")
    try:
        rec["nam"] = parse_int(year, "en") if year is not None else None
        if rec["nam"] is None or not 1900 <= rec["nam"] <= 2100:
            raise CellError("năm không hợp lệ", "invalid year", "nam_khong_hop_le")
    except CellError as exc:
        errs.append(Problem(file, n, "nam", year, exc.reason_vi, exc.reason_en, code=exc.code))
    code = as_text(_cell(cells, index, "ma_chi_tieu") or "")
    if code not in CATALOGUE:
        errs.append(Problem(file, n, "ma_chi_tieu", code or None,
                            "mã chỉ tiêu không có trong danh mục chỉ tiêu",
                            "indicator code not in the catalogue", code="ma_chi_tieu_la"))
    rec["ma_chi_tieu"] = code
    value = _cell(cells, index, "gia_tri")
    try:
        if value is None:
            raise CellError("thiếu giá trị", "value is empty", "thieu_gia_tri")
        rec["gia_tri"] = _key_number(value, number_format)
    except CellError as exc:
        errs.append(Problem(file, n, "gia_tri", value, exc.reason_vi, exc.reason_en, code=exc.code))
    return errs, rec


def load_published(root: Path, number_format: str, problems: list[Problem],
                   reports: list[FileReport]) -> pd.DataFrame:
    """Read ``so_lieu_cong_bo.csv`` (optional): several rows per figure are allowed."""
    cols = ("nam", "ma_chi_tieu", "gia_tri", "trang_thai_so_lieu", "ngay_cong_bo", "nguon")
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    if not (root / PUBLISHED_FILE).is_file():
        return empty
    report = FileReport(PUBLISHED_FILE, "so_lieu_cong_bo")
    reports.append(report)
    read = _read_key_file(root, PUBLISHED_FILE, cols, ("nam", "ma_chi_tieu", "gia_tri"), problems, report)
    if read is None:
        return empty
    index, body = read
    records = []
    for n, cells in body:
        errs, rec = _key_row(PUBLISHED_FILE, n, cells, index, number_format)
        status = as_text(_cell(cells, index, "trang_thai_so_lieu") or "chinh_thuc")
        if status not in PUBLISHED_STATUSES:
            errs.append(Problem(PUBLISHED_FILE, n, "trang_thai_so_lieu", status,
                                "trạng thái số liệu phải là chinh_thuc, uoc, 6_thang hoặc ke_hoach",
                                "status must be chinh_thuc, uoc, 6_thang or ke_hoach",
                                code="gia_tri_khong_hop_le"))
        problems.extend(errs)
        if errs:
            report.rows_rejected += 1
            report.rejected_rows.append(n)
            continue
        rec["trang_thai_so_lieu"] = status
        rec["ngay_cong_bo"] = as_text(_cell(cells, index, "ngay_cong_bo") or "")
        rec["nguon"] = as_text(_cell(cells, index, "nguon") or "")
        records.append(rec)
        report.rows_accepted += 1
    frame = pd.DataFrame.from_records(records, columns=list(cols)) if records else empty
    if records:
        frame["nam"] = frame["nam"].astype("int64")
        frame["gia_tri"] = frame["gia_tri"].astype("float64")
    return frame


# --------------------------------------------------------------------------- registers

@dataclass
class _Mapped:
    col: Column
    index: int
    header: str
    factor: float = 1.0


def _map_headers(register: Register, rel: str, header: list[Any], header_row: int,
                 problems: list[Problem], report: FileReport) -> dict[str, _Mapped] | None:
    mapped: dict[str, _Mapped] = {}
    ok = True
    for i, h in enumerate(header):
        if h is None:
            continue
        text = as_text(h)
        key = header_key(register.name, text)
        if key is None:
            continue  # extra column: kept, never an error
        col = register.column(key)
        if key in mapped:
            problems.append(Problem(rel, header_row, text, None,
                                    f"cột trùng: «{mapped[key].header}» và «{text}» cùng là {key}",
                                    f"duplicate column: '{mapped[key].header}' and '{text}' are both {key}",
                                    code="trung_cot"))
            ok = False
            continue
        factor = 1.0
        _name, unit = split_header(text)
        if col.money and unit is not None and normalize(text) != normalize(col.display):
            conv = money_factor(unit)
            if conv is None:
                problems.append(Problem(rel, header_row, text, None,
                                        f"đơn vị tiền «{unit}» không hỗ trợ (dùng triệu đồng, tỷ đồng hoặc đồng)",
                                        f"money unit '{unit}' not supported (use triệu đồng, tỷ đồng or đồng)",
                                        code="don_vi_tien_la"))
                ok = False
                continue
            factor, label = conv
            if factor != 1.0:
                report.notices.append(
                    f"cột «{text}»: đã quy đổi từ {label} sang triệu đồng (× {factor:g})")
        mapped[key] = _Mapped(col, i, text, factor)
    for col in register.columns:
        if col.required and col.key not in mapped:
            problems.append(Problem(rel, header_row, col.display, None,
                                    f"thiếu cột bắt buộc «{col.display}» ({col.key})",
                                    f"required column '{col.display}' ({col.key}) is missing",
                                    code="thieu_cot"))
            ok = False
    return mapped if ok else None


def _parse_cell(col: Column, value: Any, number_format: str, units: dict[str, str],
                x_marks: bool) -> Any:
    if value is None:
        if col.type == "bool" and x_marks:
            return False
        if col.required:
            raise CellError("thiếu giá trị bắt buộc", "required value is empty", "thieu_gia_tri")
        return None
    if col.type == "text":
        return as_text(value)
    if col.type == "enum":
        assert col.enum is not None
        key = enum_key(col.enum, as_text(value))
        if key is None:
            title = ENUM_TITLES[col.enum]
            raise CellError(f"{title} không hợp lệ (không có trong danh mục)",
                            f"unknown {col.key} (not in the list of values)", f"{col.key}_la")
        return key
    if col.type == "unit":
        code = units.get(normalize(as_text(value)))
        if code is None:
            raise CellError("đơn vị hành chính không có trong don_vi_hanh_chinh.csv",
                            "unknown administrative unit (not in don_vi_hanh_chinh.csv)", "don_vi_la")
        return code
    if col.type == "date":
        return parse_date(value)
    if col.type == "bool":
        return parse_bool(value)
    number: float = parse_int(value, number_format) if col.type == "int" else parse_number(value, number_format)
    if col.minimum is not None and number < col.minimum:
        raise CellError("không được là số âm", "must not be negative", "so_am")
    return number


def load_register(path: Path, rel: str, register: Register, year: int, units: dict[str, str],
                  number_format: str, problems: list[Problem]) -> tuple[pd.DataFrame | None, FileReport]:
    """Read one register file; the frame holds the accepted rows (None when unusable)."""
    report = FileReport(rel, register.name, year)
    try:
        rows = read_rows(path, rel)
    except _FileProblem as exc:
        problems.append(exc.problem)
        return None, report
    header_row, header, body = _split_header_rows(rows)
    report.rows_read = len(body)
    mapped = _map_headers(register, rel, header, header_row, problems, report)
    if mapped is None:
        report.rows_rejected = len(body)
        report.rejected_rows = [n for n, _ in body]
        return None, report

    known = {m.index for m in mapped.values()}
    extras = [(i, as_text(h)) for i, h in enumerate(header) if h is not None and i not in known]
    x_marks = {
        key: any(len(c) > m.index and c[m.index] is not None and normalize(as_text(c[m.index])) == "x"
                 for _, c in body)
        for key, m in mapped.items() if m.col.type == "bool"
    }
    end_of_year = dt.date(year, 12, 31)
    code_key, end_key = register.code_column, register.end_date_column
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    for n, cells in body:
        rec: dict[str, Any] = {}
        errs: list[Problem] = []
        for key, m in mapped.items():
            raw = cells[m.index] if m.index < len(cells) else None
            try:
                value = _parse_cell(m.col, raw, number_format, units, x_marks.get(key, False))
            except CellError as exc:
                errs.append(Problem(rel, n, m.header, raw, exc.reason_vi, exc.reason_en, code=exc.code))
                continue
            if value is not None and m.factor != 1.0:
                value = value * m.factor
            rec[key] = value
        code = rec.get(code_key)
        if code:
            if code in seen:
                errs.append(Problem(rel, n, mapped[code_key].header, code,
                                    f"trùng mã với dòng {seen[code]}",
                                    f"duplicate code (also on row {seen[code]})", code="trung_ma"))
            else:
                seen[code] = n
        founded, ended = rec.get("ngay_thanh_lap"), rec.get(end_key)
        if founded and ended and ended < founded:
            errs.append(Problem(rel, n, mapped[end_key].header, cells[mapped[end_key].index],
                                f"{'giải thể' if register.name == 'htx' else 'chấm dứt'} trước ngày thành lập "
                                f"({founded:%d/%m/%Y})",
                                f"ends before it was founded ({founded:%d/%m/%Y})", code="ket_thuc_truoc_thanh_lap"))
        managers, trained = rec.get("so_can_bo_quan_ly"), rec.get("so_can_bo_tap_huan")
        if trained is not None:
            if managers is None:
                managers = 0 if "so_can_bo_quan_ly" in mapped else None
            if managers is not None and trained > managers:
                errs.append(Problem(rel, n, mapped["so_can_bo_tap_huan"].header,
                                    cells[mapped["so_can_bo_tap_huan"].index],
                                    f"số cán bộ được tập huấn lớn hơn số cán bộ quản lý ({managers})",
                                    f"more managers trained than managers ({managers})",
                                    code="tap_huan_vuot_quan_ly"))
        if not errs:
            if founded and founded > end_of_year:
                problems.append(Problem(rel, n, mapped["ngay_thanh_lap"].header,
                                        cells[mapped["ngay_thanh_lap"].index],
                                        f"ngày thành lập sau 31/12/{year} (sổ của năm {year})",
                                        f"founded after 31/12/{year} (register of {year})",
                                        severity="canh_bao", code="thanh_lap_sau_nam"))
            for i, h in extras:
                rec[h] = cells[i] if i < len(cells) else None
            rec["_dong"] = n
            records.append(rec)
            report.rows_accepted += 1
        else:
            problems.extend(errs)
            report.rows_rejected += 1
            report.rejected_rows.append(n)
    frame = _typed_frame(register, records, year, [h for _, h in extras])
    return frame, report


_PARSED: dict[tuple, tuple[pd.DataFrame | None, FileReport, list[Problem]]] = {}
_PARSED_LIMIT = 256


@lru_cache(maxsize=1)
def _parser_digest() -> str:
    """What shapes a parse: the loader's own code and the contract."""
    digest = hashlib.sha256()
    for name in ("load.py", "contract.py", "values.py", "problems.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def _disk_key(path: Path, rel: str, register: Register, year: int, number_format: str,
              units: dict[str, str]) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    material = json.dumps([digest, rel, register.name, year, number_format, sorted(units.items()),
                           _parser_digest(), pd.__version__])
    return hashlib.sha256(material.encode()).hexdigest()


def load_register_cached(path: Path, rel: str, register: Register, year: int, units: dict[str, str],
                         number_format: str, problems: list[Problem],
                         parse_cache: str | Path | None = None) -> tuple[pd.DataFrame | None, FileReport]:
    """:func:`load_register`, memoised in this process by the file's identity (path, size,
    modification time) and everything that shapes its parse (units, number format, year).

    When ``parse_cache`` names a folder (the build passes one to its workers and their
    kernels), parses are also kept there as pickles keyed by the SHA-256 of the file's bytes,
    the parse settings and the loader's code: a register is parsed once per build, not once
    per process. Callers get copies: nothing they do reaches the memo.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, rel, register.name, year, number_format,
           tuple(sorted(units.items())))
    if key not in _PARSED:
        entry = None
        disk = (Path(parse_cache) / f"{_disk_key(path, rel, register, year, number_format, units)}.pickle"
                if parse_cache else None)
        if disk is not None and disk.is_file():
            try:
                entry = pickle.loads(disk.read_bytes())
            except Exception:  # noqa: BLE001 - a damaged cache entry is parsed again
                entry = None
        if entry is None:
            found: list[Problem] = []
            frame, report = load_register(path, rel, register, year, units, number_format, found)
            entry = (frame, report, found)
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


def _typed_frame(register: Register, records: list[dict[str, Any]], year: int,
                 extras: list[str]) -> pd.DataFrame:
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
    frame = pd.DataFrame(data, index=range(n))
    for name in extras:
        if name not in frame.columns:
            frame[name] = pd.Series([r.get(name) for r in records], dtype=object)
    frame.insert(0, "nam", year)
    frame["_dong"] = pd.array([r["_dong"] for r in records], dtype="int64")
    return frame


def _empty_register(register: Register) -> pd.DataFrame:
    return _typed_frame(register, [], 0, [])


# --------------------------------------------------------------------------- the dataset

def load_dataset(path: str | Path, years: Iterable[int] | None = None, strict: bool = False,
                 parse_cache: str | Path | None = None) -> Dataset:
    """Read a whole dataset folder into typed frames and a list of located problems.

    ``years`` limits the registers read (all year folders by default); ``strict`` raises
    :class:`~kttt.problems.DataError` when any problem is an error; ``parse_cache`` is a folder
    where parsed registers are shared between processes (:func:`load_register_cached`).
    """
    root = Path(path).expanduser().resolve()
    problems: list[Problem] = []
    reports: list[FileReport] = []
    name = dataset_name(root)
    if not root.is_dir():
        problems.append(Problem(str(path), None, None, None, "không tìm thấy thư mục bộ dữ liệu",
                                "dataset folder not found", code="thieu_bo_du_lieu"))
        meta = None
    else:
        meta = load_meta(root, problems)
    number_format = meta.dinh_dang_so if meta else "vi"
    units = load_units(root, problems, reports) if root.is_dir() else pd.DataFrame(
        columns=["ma", "ten", "cap", "ten_khac", "hieu_luc_tu", "hieu_luc_den"])
    targets = load_targets(root, number_format, problems, reports) if root.is_dir() else pd.DataFrame()
    published = load_published(root, number_format, problems, reports) if root.is_dir() else pd.DataFrame()

    all_years = year_dirs(root)
    wanted = all_years if years is None else sorted(set(int(y) for y in years))
    if root.is_dir() and not all_years:
        problems.append(Problem(".", None, None, None, "không có thư mục năm nào (ví dụ 2022/)",
                                "no year folder (e.g. 2022/)", code="thieu_nam"))
    for y in wanted:
        if y not in all_years and root.is_dir() and years is not None:
            problems.append(Problem(f"{y}/", None, None, None, f"không có thư mục năm {y}",
                                    f"no folder for year {y}", code="thieu_nam"))
    index = unit_index(units)
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in REGISTERS}
    for y in [y for y in wanted if y in all_years]:
        for reg_name, files in register_files(root / str(y)).items():
            register = REGISTERS[reg_name]
            rel_names = [f"{y}/{p.name}" for p in files]
            if not files:
                problems.append(Problem(f"{y}/{reg_name}.xlsx", None, None, None,
                                        f"năm {y} thiếu {register.title.lower()} ({reg_name}.xlsx hoặc {reg_name}.csv)",
                                        f"year {y} has no {reg_name} register", severity="canh_bao",
                                        code="thieu_so"))
                continue
            unsupported = [p for p in files if p.suffix.lower() not in (".xlsx", ".csv")]
            for p in unsupported:
                problems.append(Problem(f"{y}/{p.name}", None, None, None,
                                        "định dạng tệp không hỗ trợ: lưu lại thành .xlsx hoặc .csv",
                                        "unsupported file format: save as .xlsx or .csv", code="dinh_dang_tep"))
            usable = [p for p in files if p not in unsupported]
            if len(usable) > 1:
                problems.append(Problem(f"{y}/{reg_name}.*", None, None, None,
                                        f"sổ {reg_name} có cả {' và '.join(rel_names)}: chỉ giữ một tệp",
                                        f"the {reg_name} register exists as both {' and '.join(rel_names)}: keep one",
                                        code="hai_tep_cung_so"))
                continue
            if not usable:
                continue
            frame, report = load_register_cached(usable[0], f"{y}/{usable[0].name}", register, y, index,
                                                 number_format, problems, parse_cache)
            reports.append(report)
            if frame is not None:
                frames[reg_name].append(frame)
    registers = {
        name: (pd.concat(parts, ignore_index=True, sort=False) if parts else _empty_register(REGISTERS[name]))
        for name, parts in frames.items()
    }
    dataset = Dataset(
        path=root, name=name, meta=meta or DatasetMeta(ten=name), units=units, targets=targets,
        published=published, htx=registers["htx"], tht=registers["tht"],
        years=[y for y in wanted if y in all_years], problems=problems, files=reports,
    )
    return dataset.raise_for_errors() if strict else dataset
