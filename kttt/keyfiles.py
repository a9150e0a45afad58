"""The dataset's machine-readable files: units, crosswalk, targets, published figures.

Each reader takes the dataset folder, appends located problems and a row-accounting
:class:`~kttt.problems.FileReport` for its file, and returns a frame of the accepted rows.
Headers are the keys of the contract (``ma, ten, cap …``), first row; numbers are written the
machine's way (``5.3``) or in the dataset's ``dinh_dang_so``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from kttt.contract import (
    CROSSWALK_COLUMNS,
    CROSSWALK_FILE,
    PUBLISHED_COLUMNS,
    PUBLISHED_FILE,
    PUBLISHED_STATUSES,
    SHARE_TOLERANCE,
    TARGET_COLUMNS,
    TARGETS_FILE,
    UNIT_COLUMNS,
    UNIT_LEVELS,
    UNITS_FILE,
    normalize,
    split_header,
)
from kttt.geography import ONE_DAY, Crosswalk, Units
from kttt.indicators.catalogue import CATALOGUE
from kttt.problems import FileReport, Problem
from kttt.read import FileProblem, read_rows
from kttt.values import CellError, as_text, parse_bool, parse_date, parse_int, parse_number


def _empty(columns: tuple[str, ...], types: dict[str, str] | None = None) -> pd.DataFrame:
    types = types or {}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, object)) for c in columns})


def _read(root: Path, name: str, columns: tuple[str, ...], required: tuple[str, ...],
          problems: list[Problem], report: FileReport) -> tuple[dict[str, int], list[tuple[int, list[Any]]]] | None:
    """Header index and body rows of a key file (header = first non-empty row)."""
    try:
        _sheet, rows = read_rows(root / name, name)
    except FileProblem as exc:
        problems.append(exc.problem)
        report.failed = True
        return None
    first = next((i for i, (_n, c) in enumerate(rows) if any(x is not None for x in c)), None)
    if first is None:
        return {}, []
    header = rows[first][1]
    body = [(n, c) for n, c in rows[first + 1:] if any(x is not None for x in c)]
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        if h is not None:
            key = normalize(split_header(str(h))[0]).replace(" ", "_")
            if key in columns and key not in index:
                index[key] = i
    report.rows_read = len(body)
    missing = [c for c in required if c not in index]
    if missing:
        for c in missing:
            problems.append(Problem(name, rows[first][0], c, None, f"thiếu cột bắt buộc «{c}»",
                                    f"required column '{c}' is missing", code="thieu_cot"))
        report.reject_all(body)
        return None
    return index, body


def cell(cells: list[Any], index: dict[str, int], key: str) -> Any:
    """The cell of ``key`` in a row (None when the column is absent or the row short)."""
    i = index.get(key)
    return cells[i] if i is not None and i < len(cells) else None


def machine_number(value: Any, number_format: str) -> float:
    """Numbers in the key files: machine format first (``5.3``), then the dataset's own."""
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    return parse_number(value, number_format)


def _rows(root: Path, name: str, columns: tuple[str, ...], required: tuple[str, ...], problems: list[Problem],
          reports: list[FileReport], kind: str,
          parse: Callable[[int, list[Any], dict[str, int]], tuple[list[Problem], dict[str, Any] | None]]
          ) -> list[dict[str, Any]] | None:
    """Read a key file and parse each row; rows with problems are rejected (and counted)."""
    report = FileReport(name, kind)
    reports.append(report)
    read = _read(root, name, columns, required, problems, report)
    if read is None:
        return None
    index, body = read
    records = []
    for n, cells in body:
        errs, rec = parse(n, cells, index)
        problems.extend(errs)
        if any(p.is_error for p in errs) or rec is None:
            report.reject(n)
        else:
            rec["_dong"] = n
            records.append(rec)
            report.rows_accepted += 1
    return records


# --------------------------------------------------------------------------- units

def load_units(root: Path, problems: list[Problem], reports: list[FileReport]) -> pd.DataFrame:
    """Read ``don_vi_hanh_chinh.csv`` (``ma, ten, cap, ma_cha, ten_khac, hieu_luc_tu,
    hieu_luc_den``). A code may appear on several rows whose periods do not overlap."""
    empty = _empty(UNIT_COLUMNS)
    if not (root / UNITS_FILE).is_file():
        problems.append(Problem(UNITS_FILE, None, None, None,
                                "thiếu tệp đơn vị hành chính don_vi_hanh_chinh.csv",
                                "the administrative-unit file is missing", code="thieu_tep"))
        return empty
    levels = ", ".join(UNIT_LEVELS)

    def parse(n: int, cells: list[Any], index: dict[str, int]) -> tuple[list[Problem], dict[str, Any]]:
        errs: list[Problem] = []
        code = as_text(cell(cells, index, "ma") or "")
        ten = as_text(cell(cells, index, "ten") or "")
        raw_level = cell(cells, index, "cap")
        level = normalize(as_text(raw_level or ""))
        if not code:
            errs.append(Problem(UNITS_FILE, n, "ma", None, "thiếu mã đơn vị", "unit code is empty", code="thieu_gia_tri"))
        if not ten:
            errs.append(Problem(UNITS_FILE, n, "ten", None, "thiếu tên đơn vị", "unit name is empty",
                                code="thieu_gia_tri"))
        if level not in UNIT_LEVELS:
            errs.append(Problem(UNITS_FILE, n, "cap", raw_level, f"cấp phải là một trong {levels}",
                                f"level must be one of {levels}", code="gia_tri_khong_hop_le"))
        dates: dict[str, dt.date | None] = {}
        for key in ("hieu_luc_tu", "hieu_luc_den"):
            value = cell(cells, index, key)
            dates[key] = None
            if value is not None:
                try:
                    dates[key] = parse_date(value)
                except CellError as exc:
                    errs.append(Problem(UNITS_FILE, n, key, value, exc.reason_vi, exc.reason_en, code=exc.code))
        since, until = dates["hieu_luc_tu"], dates["hieu_luc_den"]
        if since and until and until < since:
            errs.append(Problem(UNITS_FILE, n, "hieu_luc_den", cell(cells, index, "hieu_luc_den"),
                                f"hết hiệu lực trước ngày có hiệu lực ({since:%d/%m/%Y})",
                                f"ends before it starts ({since:%d/%m/%Y})", code="ngay_hieu_luc_nguoc"))
        return errs, {"ma": code, "ten": ten, "cap": level, "ma_cha": as_text(cell(cells, index, "ma_cha") or ""),
                      "ten_khac": as_text(cell(cells, index, "ten_khac") or ""), "hieu_luc_tu": since,
                      "hieu_luc_den": until}

    records = _rows(root, UNITS_FILE, UNIT_COLUMNS, ("ma", "ten", "cap"), problems, reports, "don_vi", parse)
    if not records:
        return empty
    report = reports[-1]
    kept: list[dict[str, Any]] = []
    by_code: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        clash = next((o for o in by_code.get(rec["ma"], []) if _overlap(o, rec)), None)
        if clash is not None:
            problems.append(Problem(UNITS_FILE, rec["_dong"], "ma", rec["ma"],
                                    f"trùng mã với dòng {clash['_dong']} trong cùng thời gian hiệu lực "
                                    "(một mã chỉ dùng lại được cho thời kỳ khác)",
                                    f"duplicate code (row {clash['_dong']}) over an overlapping period",
                                    code="trung_ma"))
            report.unaccept(rec["_dong"])
            continue
        by_code.setdefault(rec["ma"], []).append(rec)
        kept.append(rec)
    final = []
    for rec in kept:
        parent = rec["ma_cha"]
        if parent and not any(_overlap(p, rec) for p in by_code.get(parent, [])):
            problems.append(Problem(UNITS_FILE, rec["_dong"], "ma_cha", parent,
                                    "mã đơn vị cấp trên không có trong tệp (trong thời gian hiệu lực của đơn vị)",
                                    "the parent unit's code is not in the file (over the unit's period)",
                                    code="ma_cha_la"))
            report.unaccept(rec["_dong"])
            continue
        final.append(rec)
    frame = pd.DataFrame.from_records(final, columns=[*UNIT_COLUMNS, "_dong"])
    return frame.drop(columns="_dong") if len(frame) else empty


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    start = max(a["hieu_luc_tu"] or dt.date.min, b["hieu_luc_tu"] or dt.date.min)
    end = min(a["hieu_luc_den"] or dt.date.max, b["hieu_luc_den"] or dt.date.max)
    return start <= end


# --------------------------------------------------------------------------- crosswalk

def load_crosswalk(root: Path, units: Units, number_format: str, problems: list[Problem],
                   reports: list[FileReport]) -> Crosswalk:
    """Read ``chuyen_doi_dvhc.csv`` (optional): ``ma_cu, ma_moi, ngay_hieu_luc, ty_le, ghi_chu``.

    The old code is a unit valid the day before ``ngay_hieu_luc``, the new one a unit valid on
    it; the shares of an old unit add up to 1 (± 0,001).
    """
    if not (root / CROSSWALK_FILE).is_file():
        return Crosswalk()

    def parse(n: int, cells: list[Any], index: dict[str, int]) -> tuple[list[Problem], dict[str, Any]]:
        errs: list[Problem] = []
        old, new = as_text(cell(cells, index, "ma_cu") or ""), as_text(cell(cells, index, "ma_moi") or "")
        raw_date = cell(cells, index, "ngay_hieu_luc")
        date = None
        try:
            if raw_date is None:
                raise CellError("thiếu ngày hiệu lực", "the effective date is empty", "thieu_gia_tri")
            date = parse_date(raw_date)
        except CellError as exc:
            errs.append(Problem(CROSSWALK_FILE, n, "ngay_hieu_luc", raw_date, exc.reason_vi, exc.reason_en,
                                code=exc.code))
        raw_share = cell(cells, index, "ty_le")
        share = 1.0
        try:
            if raw_share is not None:
                share = machine_number(raw_share, number_format)
            if not 0 < share <= 1:
                raise CellError("tỷ lệ phải lớn hơn 0 và không quá 1", "the share must be in (0, 1]", "ty_le_sai")
        except CellError as exc:
            errs.append(Problem(CROSSWALK_FILE, n, "ty_le", raw_share, exc.reason_vi, exc.reason_en, code=exc.code))
        for key, code, when, what in (("ma_cu", old, date - ONE_DAY if date else None, "trước ngày hiệu lực"),
                                      ("ma_moi", new, date, "tại ngày hiệu lực")):
            if not code:
                errs.append(Problem(CROSSWALK_FILE, n, key, None, "thiếu mã đơn vị", "unit code is empty",
                                    code="thieu_gia_tri"))
            elif when is not None and units.at(code, when) is None:
                errs.append(Problem(CROSSWALK_FILE, n, key, code,
                                    f"mã không ứng với đơn vị nào còn hiệu lực {what} ({when:%d/%m/%Y}) "
                                    "trong don_vi_hanh_chinh.csv",
                                    f"no unit of don_vi_hanh_chinh.csv has this code on {when:%d/%m/%Y}",
                                    code="don_vi_la"))
        return errs, {"ma_cu": old, "ma_moi": new, "ngay_hieu_luc": date, "ty_le": share,
                      "ghi_chu": as_text(cell(cells, index, "ghi_chu") or "")}

    records = _rows(root, CROSSWALK_FILE, CROSSWALK_COLUMNS, ("ma_cu", "ma_moi", "ngay_hieu_luc"), problems,
                    reports, "chuyen_doi", parse)
    if not records:
        return Crosswalk()
    report = reports[-1]
    groups: dict[tuple[str, dt.date], list[dict[str, Any]]] = {}
    for rec in records:
        groups.setdefault((rec["ma_cu"], rec["ngay_hieu_luc"]), []).append(rec)
    good = []
    for (old, date), recs in groups.items():
        seen: set[str] = set()
        bad = False
        for rec in recs:
            if rec["ma_moi"] in seen:
                problems.append(Problem(CROSSWALK_FILE, rec["_dong"], "ma_moi", rec["ma_moi"],
                                        f"dòng trùng: {old} → {rec['ma_moi']} đã có", "duplicate row",
                                        code="trung_dong"))
                bad = True
            seen.add(rec["ma_moi"])
        total = sum(r["ty_le"] for r in recs)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            shown = f"{total:.3f}".rstrip("0").rstrip(".").replace(".", ",")
            problems.append(Problem(CROSSWALK_FILE, recs[0]["_dong"], "ty_le", recs[0]["ty_le"],
                                    f"tổng tỷ lệ của đơn vị cũ {old} (ngày {date:%d/%m/%Y}) là {shown}, phải bằng 1 "
                                    f"(các dòng {', '.join(str(r['_dong']) for r in recs)})",
                                    f"the shares of old unit {old} add up to {total:.3f}, not 1",
                                    code="tong_ty_le_sai"))
            bad = True
        if bad:
            for rec in recs:
                report.unaccept(rec["_dong"])
            continue
        good.extend(recs)
    return Crosswalk.from_records(good)


# --------------------------------------------------------------------------- targets and published figures

def _year_code_value(file: str, n: int, cells: list[Any], index: dict[str, int], number_format: str,
                     unknown_code: str) -> tuple[list[Problem], dict[str, Any]]:
    """``nam``, ``ma_chi_tieu`` and ``gia_tri`` of a row; ``unknown_code`` is the severity of a
    code that is not in the catalogue ("loi" in targets; "thong_bao" in published figures)."""
    errs: list[Problem] = []
    rec: dict[str, Any] = {}
    year = cell(cells, index, "nam")
    try:
        rec["nam"] = parse_int(year, "en") if year is not None else None
        if rec["nam"] is None or not 1900 <= rec["nam"] <= 2100:
            raise CellError("năm không hợp lệ", "invalid year", "nam_khong_hop_le")
    except CellError as exc:
        errs.append(Problem(file, n, "nam", year, exc.reason_vi, exc.reason_en, code=exc.code))
    code = as_text(cell(cells, index, "ma_chi_tieu") or "")
    if code not in CATALOGUE:
        if unknown_code == "loi" or not code:
            errs.append(Problem(file, n, "ma_chi_tieu", code or None, "mã chỉ tiêu không có trong danh mục chỉ tiêu",
                                "indicator code not in the catalogue", code="ma_chi_tieu_la"))
        else:
            errs.append(Problem(file, n, "ma_chi_tieu", code,
                                "mã chỉ tiêu không có trong danh mục: giữ làm số liệu đã công bố, không đối chiếu",
                                "indicator code not in the catalogue: kept as a published figure, not reconciled",
                                severity="thong_bao", code="ma_chi_tieu_ngoai_danh_muc"))
    rec["ma_chi_tieu"] = code
    value = cell(cells, index, "gia_tri")
    try:
        if value is None:
            raise CellError("thiếu giá trị", "value is empty", "thieu_gia_tri")
        rec["gia_tri"] = machine_number(value, number_format)
    except CellError as exc:
        errs.append(Problem(file, n, "gia_tri", value, exc.reason_vi, exc.reason_en, code=exc.code))
    return errs, rec


def load_targets(root: Path, number_format: str, problems: list[Problem], reports: list[FileReport]) -> pd.DataFrame:
    """Read ``chi_tieu.csv``: ``nam, ma_chi_tieu, gia_tri, so_sanh, nguon`` (optional file), and
    the optional ``gia_dinh`` (true = an assumed target, not one set by the province: reports
    say "mục tiêu giả định")."""
    columns = (*TARGET_COLUMNS, "gia_dinh")
    empty = _empty(columns, {"nam": "int64", "gia_tri": "float64", "gia_dinh": "bool"})
    if not (root / TARGETS_FILE).is_file():
        return empty

    def parse(n: int, cells: list[Any], index: dict[str, int]) -> tuple[list[Problem], dict[str, Any]]:
        errs, rec = _year_code_value(TARGETS_FILE, n, cells, index, number_format, "loi")
        comparison = as_text(cell(cells, index, "so_sanh") or ">=").replace("≥", ">=").replace("≤", "<=")
        if comparison not in (">=", "<="):
            errs.append(Problem(TARGETS_FILE, n, "so_sanh", comparison, "so_sanh phải là >= hoặc <=",
                                "so_sanh must be >= or <=", code="gia_tri_khong_hop_le"))
        rec["so_sanh"] = comparison
        rec["nguon"] = as_text(cell(cells, index, "nguon") or "")
        assumed = cell(cells, index, "gia_dinh")
        try:
            rec["gia_dinh"] = False if assumed is None else parse_bool(assumed)
        except CellError as exc:
            errs.append(Problem(TARGETS_FILE, n, "gia_dinh", assumed, exc.reason_vi, exc.reason_en, code=exc.code))
        return errs, rec

    records = _rows(root, TARGETS_FILE, columns, ("nam", "ma_chi_tieu", "gia_tri"), problems, reports,
                    "chi_tieu", parse)
    if not records:
        return empty
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    frame["gia_dinh"] = frame["gia_dinh"].astype(bool)
    return frame


def load_published(root: Path, number_format: str, problems: list[Problem], reports: list[FileReport]) -> pd.DataFrame:
    """Read ``so_lieu_cong_bo.csv`` (optional): several rows per figure are allowed; a code
    outside the catalogue is kept as a published fact (a notice, not an error); an optional
    ``dia_ban`` column names the area (``toan_tinh`` by default, or a unit code)."""
    columns = (*PUBLISHED_COLUMNS, "dia_ban")
    empty = _empty(columns)
    if not (root / PUBLISHED_FILE).is_file():
        return empty
    statuses = ", ".join(PUBLISHED_STATUSES)

    def parse(n: int, cells: list[Any], index: dict[str, int]) -> tuple[list[Problem], dict[str, Any]]:
        errs, rec = _year_code_value(PUBLISHED_FILE, n, cells, index, number_format, "thong_bao")
        status = as_text(cell(cells, index, "trang_thai_so_lieu") or "chinh_thuc")
        if status not in PUBLISHED_STATUSES:
            errs.append(Problem(PUBLISHED_FILE, n, "trang_thai_so_lieu", status,
                                f"trạng thái số liệu phải là một trong {statuses}",
                                f"status must be one of {statuses}", code="gia_tri_khong_hop_le"))
        rec["trang_thai_so_lieu"] = status
        rec["ngay_cong_bo"] = as_text(cell(cells, index, "ngay_cong_bo") or "")
        rec["nguon"] = as_text(cell(cells, index, "nguon") or "")
        rec["dia_ban"] = as_text(cell(cells, index, "dia_ban") or "") or "toan_tinh"
        return errs, rec

    records = _rows(root, PUBLISHED_FILE, columns, ("nam", "ma_chi_tieu", "gia_tri"), problems, reports,
                    "so_lieu_cong_bo", parse)
    if not records:
        return empty
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    frame["nam"] = frame["nam"].astype("int64")
    frame["gia_tri"] = frame["gia_tri"].astype("float64")
    return frame
