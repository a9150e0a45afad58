"""A dataset folder → typed frames + located problems, as the data contract (v2) says.

:func:`load_dataset` reads ``dataset.yaml``, the administrative units (with dates and parents),
the crosswalk of former units, the targets, the published figures, every year's ``nam.yaml``
and every part of its ``htx`` / ``tht`` registers (``htx*.xlsx|csv``), checks every cell and
returns a :class:`Dataset` whose frames hold the accepted rows and whose ``problems`` list
everything that was wrong, each located by file, sheet, Excel row, header and value. Nothing
is dropped silently: for every file, rows read = rows accepted + rows rejected.

>>> from kttt.config import SAMPLE_DATASET
>>> ds = load_dataset(SAMPLE_DATASET, years=[2022])
>>> ds.ok, int((ds.register("htx", 2022)["loai_hinh"] != "lhhtx").sum()) > 600
(True, True)
>>> ds.year_label(2022)
'năm 2022'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kttt.config import dataset_name, register_parts, year_dirs
from kttt.contract import (
    META_FILE,
    NUMBER_FORMATS,
    REGISTER_SUFFIXES,
    REGISTERS,
    UNIT_COLUMNS,
    YEAR_FILE,
    YEAR_STATUSES,
    normalize,
)
from kttt.geography import Crosswalk, Unit, Units
from kttt.keyfiles import load_crosswalk, load_published, load_targets, load_units
from kttt.problems import DataError, FileReport, Problem
from kttt.registers import (
    Settings,
    empty_register,
    load_register_cached,
    settings_digest,
)
from kttt.values import CellError, as_text, parse_bool, parse_date

__all__ = ["Dataset", "DatasetMeta", "FileReport", "FormerProvince", "YearInfo", "load_dataset"]


@dataclass(frozen=True)
class FormerProvince:
    """A province the dataset's province was formed from (``tinh_cu`` in dataset.yaml)."""

    ma: str
    ten: str

    @property
    def label(self) -> str:
        """Its name as reports show it, never to be mistaken for the new province of the same name.

        >>> FormerProvince("10", "Tỉnh Lào Cai").label
        'Tỉnh Lào Cai (cũ)'
        """
        return f"{self.ten} (cũ)"


@dataclass(frozen=True)
class DatasetMeta:
    """What ``dataset.yaml`` says."""

    ten: str
    ma_tinh: str = ""
    mo_phong: bool = False
    mo_ta: str = ""
    dinh_dang_so: str = "vi"
    hieu_luc_tu: dt.date | None = None  # the province as it is now exists from this date (a merger)
    tinh_cu: tuple[FormerProvince, ...] = ()
    co_quan: str = ""  # the issuing body of the official report
    co_quan_chu_quan: str = ""  # the body above it
    dia_danh: str = ""  # the place name of "<dia_danh>, ngày … tháng … năm …"
    ky_hieu: str = ""  # the report's number suffix: "Số: …/<ky_hieu>"


@dataclass(frozen=True)
class YearInfo:
    """What ``<year>/nam.yaml`` says of a year (defaults: official, at 31/12)."""

    year: int
    data_date: dt.date
    status: str = "chinh_thuc"
    absent: tuple[str, ...] = ()  # registers declared absent this year

    @property
    def is_estimate(self) -> bool:
        return self.status == "uoc"

    @property
    def label(self) -> str:
        """How every page names the year: ``năm 2022`` or ``ước thực hiện năm 2026 (số liệu
        đến 30/11/2026)``.

        >>> YearInfo(2026, dt.date(2026, 11, 30), "uoc").label
        'ước thực hiện năm 2026 (số liệu đến 30/11/2026)'
        """
        if self.is_estimate:
            return f"ước thực hiện năm {self.year} (số liệu đến {self.data_date:%d/%m/%Y})"
        return f"năm {self.year}"


def default_year(year: int) -> YearInfo:
    return YearInfo(year, dt.date(year, 12, 31))


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
    crosswalk: Crosswalk = field(default_factory=Crosswalk)
    year_info: dict[int, YearInfo] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def ok(self) -> bool:
        """True when no problem is an error."""
        return not self.errors

    @cached_property
    def geo(self) -> Units:
        """The units with their periods, for resolution and re-basing."""
        return units_of(self.units, self.meta)

    def info(self, year: int) -> YearInfo:
        """The year's data date and status."""
        return self.year_info.get(year) or default_year(year)

    def data_date(self, year: int) -> dt.date:
        return self.info(year).data_date

    def year_label(self, year: int) -> str:
        return self.info(year).label

    def register(self, kind: str, year: int) -> pd.DataFrame:
        """The accepted rows of one year's ``htx`` or ``tht`` register (every part)."""
        frame = self.htx if kind == "htx" else self.tht
        return frame[frame["nam"] == year]

    def unit_names(self, date: dt.date | None = None) -> dict[str, str]:
        """Unit code → display name: the units valid on ``date``, over the names of every other
        period (latest first) so that every code has a name."""
        names: dict[str, str] = {}
        for u in sorted(self.geo.all, key=lambda u: u.since or dt.date.min):
            names[u.code] = u.name
        if date is not None:
            names.update({u.code: u.name for u in self.geo.all if u.valid_at(date)})
        return names

    def raise_for_errors(self) -> Dataset:
        """Raise :class:`DataError` when any problem is an error; return self otherwise."""
        if not self.ok:
            raise DataError(self.problems)
        return self


def units_of(units: pd.DataFrame, meta: DatasetMeta) -> Units:
    """The units of the file, plus the former provinces of ``dataset.yaml`` that the file does
    not list (level ``tinh``, valid until the day before ``hieu_luc_tu``)."""
    records = units.to_dict(orient="records") if len(units) else []
    built = Units.from_records(records)
    extra = []
    for p in meta.tinh_cu:
        if not any(u.code == p.ma and u.level == "tinh" for u in built.all):
            until = meta.hieu_luc_tu - dt.timedelta(days=1) if meta.hieu_luc_tu else None
            extra.append(Unit(p.ma, p.ten, "tinh", "", (), None, until))
    return Units([*built.all, *extra]) if extra else built


# --------------------------------------------------------------------------- dataset.yaml

def _meta_problem(key: str | None, vi: str, en: str, code: str = "gia_tri_khong_hop_le") -> Problem:
    return Problem(META_FILE, None, key, None, vi, en, code=code)


def _yaml(path: Path, rel: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(rel, None, None, None, f"{rel} sai cú pháp YAML ({exc})",
                                f"{rel} is not valid YAML ({exc})", code="yaml_hong"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(rel, None, None, None, f"{rel} phải là các cặp khóa: giá trị",
                                f"{rel} must be a mapping", code="yaml_hong"))
        return None
    return raw


def _text(raw: dict[str, Any], key: str, problems: list[Problem], file: str = META_FILE) -> str:
    """An optional text key: a string (or a number for codes); anything else is an error."""
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(Problem(file, None, key, None, f"«{key}» phải là một chuỗi chữ",
                                f"'{key}' must be a string", code="gia_tri_khong_hop_le"))
        return ""
    return as_text(value)


def load_meta(root: Path, problems: list[Problem]) -> DatasetMeta | None:
    """Read and check ``dataset.yaml`` (v1 keys, and v2's merger and official-report keys)."""
    path = root / META_FILE
    if not path.is_file():
        problems.append(_meta_problem(None, "thiếu tệp dataset.yaml (tên, mã tỉnh, mo_phong, dinh_dang_so)",
                                      "dataset.yaml is missing", "thieu_dataset_yaml"))
        return None
    raw = _yaml(path, META_FILE, problems)
    if raw is None:
        return None
    before = len(problems)
    ten = raw.get("ten")
    if ten is None or (isinstance(ten, str) and not ten.strip()):
        problems.append(_meta_problem("ten", "thiếu «ten» (tên địa bàn)", "'ten' (area name) is missing",
                                      "thieu_khoa"))
    elif not isinstance(ten, str):
        problems.append(_meta_problem("ten", f"«ten» phải là một chuỗi chữ (tên địa bàn), không phải «{ten}»",
                                      f"'ten' must be a string (the area's name), not '{ten}'"))
    fmt = str(raw.get("dinh_dang_so", "vi")).strip().lower()
    if fmt not in NUMBER_FORMATS:
        problems.append(_meta_problem("dinh_dang_so", f"dinh_dang_so phải là vi hoặc en, không phải «{fmt}»",
                                      f"dinh_dang_so must be vi or en, not '{fmt}'"))
    mo_phong = raw.get("mo_phong", False)
    if not isinstance(mo_phong, bool):
        try:
            mo_phong = parse_bool(mo_phong)
        except CellError:
            problems.append(_meta_problem("mo_phong", "mo_phong phải là true hoặc false",
                                          "mo_phong must be true or false"))
    since = None
    if raw.get("hieu_luc_tu") is not None:
        try:
            since = parse_date(raw["hieu_luc_tu"] if not isinstance(raw["hieu_luc_tu"], int) else str(raw["hieu_luc_tu"]))
        except CellError as exc:
            problems.append(_meta_problem("hieu_luc_tu", exc.reason_vi, exc.reason_en, exc.code))
    former: list[FormerProvince] = []
    listed = raw.get("tinh_cu") or []
    if not isinstance(listed, list) or not all(isinstance(p, dict) and p.get("ma") is not None and p.get("ten")
                                               for p in listed):
        problems.append(_meta_problem("tinh_cu", "tinh_cu phải là danh sách {ma: …, ten: …}",
                                      "tinh_cu must be a list of {ma: …, ten: …}"))
    else:
        former = [FormerProvince(as_text(p["ma"]), as_text(p["ten"])) for p in listed]
        if former and since is None:
            problems.append(_meta_problem("hieu_luc_tu", "có tinh_cu thì phải có hieu_luc_tu (ngày tỉnh mới có hiệu lực)",
                                          "tinh_cu needs hieu_luc_tu (the date the province took effect)", "thieu_khoa"))
    texts = {key: _text(raw, key, problems) for key in ("ma_tinh", "mo_ta", "co_quan", "co_quan_chu_quan",
                                                         "dia_danh", "ky_hieu")}
    if len(problems) > before:
        return None
    return DatasetMeta(ten=str(ten).strip(), mo_phong=bool(mo_phong), dinh_dang_so=fmt, hieu_luc_tu=since,
                       tinh_cu=tuple(former), **texts)


# --------------------------------------------------------------------------- nam.yaml

_ABSENT_KEYS = ("khong_co_so",)


def load_year_info(root: Path, year: int, problems: list[Problem]) -> YearInfo:
    """Read ``<year>/nam.yaml`` (optional): ``ngay_so_lieu`` (the date the registers describe,
    in the year), ``trang_thai`` (``chinh_thuc`` or ``uoc``), ``khong_co_so`` (registers
    absent this year, e.g. ``[tht]``)."""
    rel = f"{year}/{YEAR_FILE}"
    path = root / str(year) / YEAR_FILE
    if not path.is_file():
        return default_year(year)
    raw = _yaml(path, rel, problems)
    if raw is None:
        return default_year(year)
    date = dt.date(year, 12, 31)
    if raw.get("ngay_so_lieu") is not None:
        try:
            date = parse_date(raw["ngay_so_lieu"])
            if date.year != year:
                problems.append(Problem(rel, None, "ngay_so_lieu", None,
                                        f"ngày số liệu {date:%d/%m/%Y} không thuộc năm {year}",
                                        f"the data date {date:%d/%m/%Y} is not in {year}", code="gia_tri_khong_hop_le"))
                date = dt.date(year, 12, 31)
        except CellError as exc:
            problems.append(Problem(rel, None, "ngay_so_lieu", None, exc.reason_vi, exc.reason_en, code=exc.code))
    status = normalize(str(raw.get("trang_thai", "chinh_thuc"))).replace(" ", "_")
    status = {"uoc_thuc_hien": "uoc", "uoc_tinh": "uoc"}.get(status, status)
    if status not in YEAR_STATUSES:
        problems.append(Problem(rel, None, "trang_thai", None,
                                f"trang_thai phải là {' hoặc '.join(YEAR_STATUSES)}, không phải «{raw.get('trang_thai')}»",
                                f"trang_thai must be {' or '.join(YEAR_STATUSES)}", code="gia_tri_khong_hop_le"))
        status = "chinh_thuc"
    absent = raw.get("khong_co_so") or []
    if isinstance(absent, str):
        absent = [absent]
    bad = [a for a in absent if str(a).lower() not in REGISTERS]
    if bad or not isinstance(absent, list):
        problems.append(Problem(rel, None, "khong_co_so", None, f"khong_co_so chỉ gồm {', '.join(REGISTERS)}",
                                f"khong_co_so lists only {', '.join(REGISTERS)}", code="gia_tri_khong_hop_le"))
        absent = []
    for key in raw:
        if key not in ("ngay_so_lieu", "trang_thai", *_ABSENT_KEYS):
            problems.append(Problem(rel, None, str(key), None, "khóa không dùng trong nam.yaml (bỏ qua)",
                                    "unknown key in nam.yaml (ignored)", severity="canh_bao", code="khoa_la"))
    return YearInfo(year, date, status, tuple(str(a).lower() for a in absent))


# --------------------------------------------------------------------------- registers of a year

def _year_registers(root: Path, year: int, info: YearInfo, number_format: str, units: Units, crosswalk: Crosswalk,
                    geo_digest: str, problems: list[Problem], reports: list[FileReport],
                    parse_cache: str | Path | None = None) -> dict[str, list[pd.DataFrame]]:
    folder = root / str(year)
    parts, strays = register_parts(folder)
    for p in strays:
        problems.append(Problem(
            f"{year}/{p.name}", None, None, None,
            "tên tệp không ứng với sổ nào: tệp sổ HTX phải bắt đầu bằng «htx» (htx.xlsx, htx_….xlsx), "
            "tệp sổ THT bằng «tht» (tht.xlsx, tht_….csv)",
            "the file name matches no register: HTX register files start with 'htx', THT register files with 'tht'",
            code="ten_tep_la"))
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in REGISTERS}
    for reg_name, files in parts.items():
        register = REGISTERS[reg_name]
        if not files:
            if reg_name not in info.absent:
                problems.append(Problem(f"{year}/{reg_name}.xlsx", None, None, None,
                                        f"năm {year} thiếu {register.title.lower()} ({reg_name}.xlsx hoặc {reg_name}.csv); "
                                        f"nếu năm này không có sổ, ghi «khong_co_so: [{reg_name}]» trong {year}/{YEAR_FILE}",
                                        f"year {year} has no {reg_name} register", severity="canh_bao", code="thieu_so"))
            continue
        usable = []
        for p in files:
            if p.suffix.lower() not in REGISTER_SUFFIXES:
                problems.append(Problem(f"{year}/{p.name}", None, None, None,
                                        "định dạng tệp không hỗ trợ: lưu lại thành .xlsx hoặc .csv",
                                        "unsupported file format: save as .xlsx or .csv", code="dinh_dang_tep"))
            else:
                usable.append(p)
        by_stem: dict[str, list[Path]] = {}
        for p in usable:
            by_stem.setdefault(p.stem.lower(), []).append(p)
        for stem, same in by_stem.items():
            if len(same) > 1:
                names = [f"{year}/{p.name}" for p in same]
                problems.append(Problem(f"{year}/{stem}.*", None, None, None,
                                        f"sổ {reg_name} có cả {' và '.join(names)}: chỉ giữ một tệp",
                                        f"the {reg_name} register exists as both {' and '.join(names)}: keep one",
                                        code="hai_tep_cung_so"))
                usable = [p for p in usable if p not in same]
        settings = Settings(register, year, info.data_date, number_format, units, crosswalk)
        seen: dict[str, tuple[str, int]] = {}
        for p in usable:
            rel = f"{year}/{p.name}"
            frame, report = load_register_cached(p, rel, settings, problems, geo_digest, parse_cache)
            reports.append(report)
            if frame is None:
                continue
            if report.rows_read == 0 and reg_name not in info.absent:
                problems.append(Problem(rel, None, None, None,
                                        "sổ không có dòng dữ liệu nào (chỉ có tiêu đề): báo cáo sẽ sai (0 đơn vị); "
                                        f"nếu năm này thật sự không có sổ, xóa tệp và ghi «khong_co_so: [{reg_name}]» "
                                        f"trong {year}/{YEAR_FILE}",
                                        "the register has no data row (header only)", code="so_rong",
                                        sheet=report.sheet))
                report.failed = True
                continue
            frame = _unique_across_parts(frame, register.code_column, rel, seen, report, problems)
            frames[reg_name].append(frame)
    return frames


def _unique_across_parts(frame: pd.DataFrame, code_column: str, rel: str, seen: dict[str, tuple[str, int]],
                         report: FileReport, problems: list[Problem]) -> pd.DataFrame:
    """Codes are unique across the parts of a register: a code already in an earlier part is
    an error on this part's row."""
    if not seen:  # the first part
        seen.update(zip(frame[code_column].tolist(), zip(repeat(rel), frame["_dong"].tolist()), strict=True))
        return frame
    clash = frame[code_column].isin(seen.keys()) if seen else pd.Series(False, index=frame.index)
    header = frame.attrs.get("headers", {}).get(code_column, code_column)  # as the analyst wrote it
    for code, row in zip(frame.loc[clash, code_column], frame.loc[clash, "_dong"], strict=True):
        other, other_row = seen[code]
        problems.append(Problem(rel, int(row), header, code,
                                f"trùng mã với {other} dòng {other_row} (mã phải duy nhất giữa các tệp của sổ)",
                                f"duplicate code (also in {other}, row {other_row})", code="trung_ma",
                                sheet=report.sheet))
        report.unaccept(int(row))
    kept = frame[~clash]
    seen.update(zip(kept[code_column].tolist(), zip(repeat(rel), kept["_dong"].tolist()), strict=True))
    return kept.reset_index(drop=True)


# --------------------------------------------------------------------------- the dataset

def load_dataset(path: str | Path, years: Iterable[int] | None = None, strict: bool = False,
                 parse_cache: str | Path | None = None) -> Dataset:
    """Read a whole dataset folder into typed frames and a list of located problems.

    ``years`` limits the registers read (all year folders by default); ``strict`` raises
    :class:`~kttt.problems.DataError` when any problem is an error; ``parse_cache`` is a folder
    where parsed registers are shared between processes (:func:`~kttt.registers.load_register_cached`).
    """
    root = Path(path).expanduser().resolve()
    problems: list[Problem] = []
    reports: list[FileReport] = []
    name = dataset_name(root)
    empty_units = pd.DataFrame({c: pd.Series(dtype=object) for c in UNIT_COLUMNS})
    if not root.is_dir():
        problems.append(Problem(str(path), None, None, None, "không tìm thấy thư mục bộ dữ liệu",
                                "dataset folder not found", code="thieu_bo_du_lieu"))
        dataset = Dataset(root, name, DatasetMeta(ten=name), empty_units, pd.DataFrame(), pd.DataFrame(),
                          empty_register(REGISTERS["htx"]), empty_register(REGISTERS["tht"]), [], problems, reports)
        return dataset.raise_for_errors() if strict else dataset
    meta = load_meta(root, problems)
    number_format = meta.dinh_dang_so if meta else "vi"
    units = load_units(root, problems, reports)
    geo = units_of(units, meta or DatasetMeta(ten=name))
    crosswalk = load_crosswalk(root, geo, number_format, problems, reports)
    targets = load_targets(root, number_format, problems, reports)
    published = load_published(root, number_format, problems, reports)

    all_years = year_dirs(root)
    wanted = all_years if years is None else sorted(set(int(y) for y in years))
    if not all_years:
        problems.append(Problem(".", None, None, None, "không có thư mục năm nào (ví dụ 2022/)",
                                "no year folder (e.g. 2022/)", code="thieu_nam"))
    if years is not None:
        for y in wanted:
            if y not in all_years:
                problems.append(Problem(f"{y}/", None, None, None, f"không có thư mục năm {y}",
                                        f"no folder for year {y}", code="thieu_nam"))
    present = [y for y in wanted if y in all_years]
    info = {y: load_year_info(root, y, problems) for y in present}
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in REGISTERS}
    for y in present:
        settings = Settings(REGISTERS["htx"], y, info[y].data_date, number_format, geo, crosswalk)
        found = _year_registers(root, y, info[y], number_format, geo, crosswalk, settings_digest(settings),
                                problems, reports, parse_cache)
        for reg_name, parts in found.items():
            frames[reg_name].extend(parts)
    registers = {
        reg: (pd.concat(parts, ignore_index=True, sort=False) if parts else empty_register(REGISTERS[reg]))
        for reg, parts in frames.items()
    }
    dataset = Dataset(
        path=root, name=name, meta=meta or DatasetMeta(ten=name), units=units, targets=targets,
        published=published, htx=registers["htx"], tht=registers["tht"], years=present, problems=problems,
        files=reports, crosswalk=crosswalk, year_info=info,
    )
    dataset.__dict__["geo"] = geo
    return dataset.raise_for_errors() if strict else dataset
