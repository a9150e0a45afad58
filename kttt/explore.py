"""Explore a dataset without writing pandas from scratch: ``kttt.open(data_dir)``.

:func:`open` loads every year of a dataset once and answers the questions analysts ask, as
DataFrames with Vietnamese headers and labels (codes kept next to names):

- ``ds.htx(2024)``, ``ds.tht(2024)`` — a year's register; ``area=`` and ``sector=`` filter by a
  unit (code or any of its names) and a sector (key or label);
- ``ds.find("Suối Giàng")`` and ``ds.history(code)`` — one cooperative across the years;
- ``ds.indicators(2024, area=..., sector=...)`` and ``ds.series(code)`` — the indicator table
  (the same numbers as the report) for a year, and one indicator over the years;
- ``ds.coverage(2024)`` — every unit of a level with its HTX and THT (which communes have none?);
- ``ds.changes(2024, "doanh_thu")`` — each cooperative's value against the year before
  (which HTX lost revenue?);
- :func:`bar` and :func:`line` — a chart of any of these frames in the report's house style,
  with its text alternative and data table.

Nothing here defines an indicator: counts come from the indicator registry, labels from the
data contract, formats from :mod:`kttt.fmt`.

>>> ds = open("data/yen_bai")
>>> ds.years
[2020, 2021, 2022, 2023, 2024]
>>> h = ds.htx(2022, area="Văn Chấn", sector="Nông nghiệp")
>>> h.columns[:4].tolist(), set(h["Huyện/Thị xã/Thành phố"]), set(h["Lĩnh vực"])
(['Năm', 'Mã HTX', 'Tên HTX', 'Loại hình'], {'Huyện Văn Chấn'}, {'Nông nghiệp'})
>>> t = ds.indicators(2022, area="toan_tinh")
>>> int(t.loc[(t["Mã chỉ tiêu"] == "htx_thanh_lap_moi") & (t["Lĩnh vực"] == "Tất cả"), "Giá trị"].iloc[0])
97
"""

from __future__ import annotations

import builtins
import datetime as dt
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from kttt.config import resolve_data_dir
from kttt.contract import LABELS, REGISTERS, SECTOR_LABELS, enum_key, normalize
from kttt.indicators import ALL_SECTORS, CATALOGUE, PROVINCE
from kttt.load import Dataset, load_dataset

Kind = Literal["htx", "tht"]

# The register column that places a row at each level of the unit hierarchy.
# unit level → the register column that places a row there (read from the contract: one place)
LEVEL_COLUMNS: dict[str, str] = {c.level: c.key for c in REGISTERS["htx"].columns if c.type == "unit" and c.level}
LEVEL_NAMES: dict[str, str] = {"tinh": "tỉnh cũ", "huyen": "cấp huyện", "xa": "cấp xã"}

YEAR = "Năm"
ROW = "Dòng trong tệp"
ALL = "Tất cả"
PROVINCE_LABEL = "Toàn tỉnh"
INDICATOR_HEADERS: dict[str, str] = {
    "nam": YEAR, "ma_chi_tieu": "Mã chỉ tiêu", "ten_chi_tieu": "Chỉ tiêu", "don_vi_tinh": "Đơn vị tính",
    "cap_dia_ban": "Cấp địa bàn", "dia_ban": "Mã địa bàn", "ten_dia_ban": "Địa bàn", "linh_vuc": "Lĩnh vực",
    "gia_tri": "Giá trị", "gia_tri_nam_truoc": "Năm trước", "thay_doi": "Tăng/giảm",
    "thay_doi_pct": "Tăng/giảm (%)", "chi_tieu": "Kế hoạch", "so_sanh": "So sánh",
    "nguon_chi_tieu": "Nguồn kế hoạch", "ty_le_dat_chi_tieu": "Đạt (% kế hoạch)", "dat_chi_tieu": "Đạt kế hoạch",
}
COVERAGE_CODES: tuple[str, ...] = ("htx_hien_co", "htx_dang_hoat_dong", "tht_hien_co", "thanh_vien_kttt",
                                   "lao_dong_htx")


def data_date(dataset: Dataset, year: int) -> dt.date:
    """The date a year's registers describe: the dataset's own when it gives one, else 31/12.

    >>> data_date(open("data/yen_bai").dataset, 2022)
    datetime.date(2022, 12, 31)
    """
    given = getattr(dataset, "data_date", None)
    if callable(given):
        value = given(year)
        if isinstance(value, dt.date):
            return value
    return dt.date(year, 12, 31)


def _valid(since: object, until: object, at: dt.date) -> bool:
    starts = not isinstance(since, dt.date) or since <= at
    ends = not isinstance(until, dt.date) or until >= at
    return starts and ends


@dataclass
class Explorer:
    """A dataset opened for exploration (see the module doc). Build it with :func:`open`."""

    dataset: Dataset
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _tables: dict[int, pd.DataFrame] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ what is there

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def years(self) -> list[int]:
        return list(self.dataset.years)

    @property
    def problems(self) -> pd.DataFrame:
        """Every problem the loader found: file, row, column, value, severity, reason."""
        return pd.DataFrame([{"Tệp": p.file, "Dòng": p.row, "Cột": p.header, "Giá trị": p.value,
                              "Mức độ": p.severity, "Nội dung": p.reason_vi} for p in self.dataset.problems],
                            columns=["Tệp", "Dòng", "Cột", "Giá trị", "Mức độ", "Nội dung"])

    def __repr__(self) -> str:
        meta = self.dataset.meta
        lines = [f"Bộ dữ liệu «{self.name}» — {meta.ten}" + (" (DỮ LIỆU MÔ PHỎNG)" if meta.mo_phong else "")]
        for year in self.years:
            lines.append(f"  {year}: {len(self.dataset.register('htx', year)):>6} dòng sổ HTX, "
                         f"{len(self.dataset.register('tht', year)):>6} dòng sổ THT")
        return "\n".join(lines)

    def units(self, year: int | None = None, level: str | None = None) -> pd.DataFrame:
        """The administrative units (valid at ``year``'s data date when given), ``level`` one of
        ``huyen``, ``xa``, ``tinh``."""
        u = self.dataset.units
        keep = pd.Series(True, index=u.index)
        if year is not None:
            at = data_date(self.dataset, year)
            keep &= pd.Series([_valid(a, b, at) for a, b in zip(u["hieu_luc_tu"], u["hieu_luc_den"], strict=True)],
                              index=u.index, dtype=bool)
        if level is not None:
            keep &= u["cap"] == self._level(level)
        rows = u[keep]
        out = pd.DataFrame({"Mã": rows["ma"].to_numpy(), "Tên": rows["ten"].to_numpy(),
                            "Cấp": [LEVEL_NAMES.get(c, c) for c in rows["cap"]]})
        if "ma_cha" in rows:
            out["Mã đơn vị cha"] = rows["ma_cha"].to_numpy()
        out["Hiệu lực từ"] = rows["hieu_luc_tu"].to_numpy()
        out["Hiệu lực đến"] = rows["hieu_luc_den"].to_numpy()
        return out.reset_index(drop=True)

    # ------------------------------------------------------------------ registers

    def register(self, kind: Kind, year: int, area: str | Iterable[str] | None = None,
                 sector: str | Iterable[str] | None = None, codes: bool = False) -> pd.DataFrame:
        """A year's register (``htx`` or ``tht``): Vietnamese headers and labels, unit codes next
        to unit names (``codes=True``: the loader's keys and codes, unchanged)."""
        self._year(year)
        frame = self.dataset.register(kind, year)
        frame = frame[self._mask(frame, kind, area, sector)]
        return frame.reset_index(drop=True) if codes else self.labelled(kind, frame)

    def htx(self, year: int, area: str | Iterable[str] | None = None, sector: str | Iterable[str] | None = None,
            codes: bool = False) -> pd.DataFrame:
        """The HTX register of a year (cooperatives, credit funds, unions): see :meth:`register`."""
        return self.register("htx", year, area, sector, codes)

    def tht(self, year: int, area: str | Iterable[str] | None = None, sector: str | Iterable[str] | None = None,
            codes: bool = False) -> pd.DataFrame:
        """The THT register of a year: see :meth:`register`."""
        return self.register("tht", year, area, sector, codes)

    def labelled(self, kind: Kind, frame: pd.DataFrame) -> pd.DataFrame:
        """A register frame as a person reads it: contract headers, enum labels, unit names
        (the unit's code in a column ``<header> (mã)`` right after), extra columns as written."""
        reg = REGISTERS[kind]
        names = self.dataset.unit_names()
        out: dict[str, object] = {YEAR: frame["nam"].to_numpy()}
        for col in reg.columns:
            if col.key not in frame:
                continue
            values = frame[col.key]
            if col.type == "enum" and col.enum:
                out[col.display] = values.map(lambda v, e=col.enum: LABELS[e].get(v, v) if isinstance(v, str) else v).to_numpy()
            elif col.type == "unit":
                out[col.display] = values.map(lambda v: names.get(v, v) if isinstance(v, str) else v).to_numpy()
                out[f"{col.display} (mã)"] = values.to_numpy()
            else:
                out[col.display] = values.to_numpy()
        known = {c.key for c in reg.columns} | {"nam", "_dong"}
        for extra in frame.columns:
            if extra not in known and extra not in out:
                out[str(extra)] = frame[extra].to_numpy()
        if "_dong" in frame:
            out[ROW] = frame["_dong"].to_numpy()
        return pd.DataFrame(out)

    # ------------------------------------------------------------------ one cooperative

    def find(self, text: str, kind: Kind | None = None) -> pd.DataFrame:
        """Cooperatives (and groups) whose name or code contains ``text`` (case and diacritics
        ignored), one row each: register, code, latest name, the years it appears in."""
        needle = normalize(text)
        rows = []
        for k in ([kind] if kind else ["htx", "tht"]):
            reg = REGISTERS[k]
            frame = self.dataset.htx if k == "htx" else self.dataset.tht
            if frame.empty:
                continue
            names = frame[reg.name_column].map(lambda v: normalize(str(v)))
            hit = frame[names.str.contains(needle, regex=False) | frame[reg.code_column].astype(str).str.contains(text, regex=False)]
            for code, part in hit.groupby(reg.code_column, sort=True):
                last = part.sort_values("nam").iloc[-1]
                rows.append({"Sổ": k.upper(), "Mã": code, "Tên": last[reg.name_column],
                             "Các năm": ", ".join(str(y) for y in sorted(part["nam"]))})
        return pd.DataFrame(rows, columns=["Sổ", "Mã", "Tên", "Các năm"])

    def history(self, code: str) -> pd.DataFrame:
        """One cooperative (or group) across the years: its register rows, one per year, labelled.

        ``code`` is its code (``ds.find(name)`` gives it)."""
        for k in ("htx", "tht"):
            reg = REGISTERS[k]
            frame = self.dataset.htx if k == "htx" else self.dataset.tht
            rows = frame[frame[reg.code_column].astype(str) == str(code)]
            if len(rows):
                return self.labelled(k, rows.sort_values("nam")).reset_index(drop=True)  # type: ignore[arg-type]
        raise KeyError(f"không có HTX hay THT nào mã «{code}» trong bộ dữ liệu {self.name} "
                       f"(tìm theo tên: ds.find(\"…\")) / no cooperative or group with code {code!r}")

    # ------------------------------------------------------------------ indicators

    def indicator_table(self, year: int) -> pd.DataFrame:
        """The year's indicator table exactly as the report computes it (machine keys)."""
        from kttt.indicators import compute_indicators

        self._year(year)
        if year not in self._tables:
            self._tables[year] = compute_indicators(self.dataset, year)
        return self._tables[year]

    def indicators(self, year: int, area: str | Iterable[str] | None = None,
                   sector: str | Iterable[str] | None = None, codes: Iterable[str] | None = None) -> pd.DataFrame:
        """The year's indicators with Vietnamese headers: ``area`` a unit (code or name) or
        ``toan_tinh``; ``sector`` a sector (key or label) or ``"Tất cả"`` for all sectors;
        ``codes`` a list of indicator codes."""
        t = self.indicator_table(year)
        keep = pd.Series(True, index=t.index)
        if area is not None:
            keep &= t["dia_ban"].isin(self._areas(area))
        if sector is not None:
            keep &= t["linh_vuc"].isin(self._sectors(sector, allow_all=True))
        if codes is not None:
            wanted = list(codes)
            unknown = [c for c in wanted if c not in CATALOGUE]
            if unknown:
                raise ValueError(f"mã chỉ tiêu không có trong danh mục: {', '.join(unknown)} / unknown indicator codes")
            keep &= t["ma_chi_tieu"].isin(wanted)
        rows = t[keep]
        out = rows.rename(columns=INDICATOR_HEADERS)
        out["Lĩnh vực"] = [ALL if s == ALL_SECTORS else SECTOR_LABELS.get(s, s) for s in rows["linh_vuc"]]
        out["Địa bàn"] = [PROVINCE_LABEL if a == PROVINCE else n for a, n in zip(rows["dia_ban"], rows["ten_dia_ban"], strict=True)]
        return out.reset_index(drop=True)

    def series(self, code: str, area: str = PROVINCE, sector: str | None = None) -> pd.DataFrame:
        """One indicator over every year of the dataset (province and all sectors by default)."""
        if code not in CATALOGUE:
            raise ValueError(f"mã chỉ tiêu không có trong danh mục: {code} / unknown indicator code")
        areas = self._areas(area)
        sectors = self._sectors(sector, allow_all=True) if sector is not None else [ALL_SECTORS]
        rows = []
        for year in self.years:
            t = self.indicator_table(year)
            hit = t[(t.ma_chi_tieu == code) & t.dia_ban.isin(areas) & t.linh_vuc.isin(sectors)]
            rows.append({YEAR: year, CATALOGUE[code].name_vi: float(hit["gia_tri"].iloc[0]) if len(hit) else float("nan")})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ questions

    def levels(self, year: int) -> list[str]:
        """The unit levels the year's registers place rows at, coarsest first (``huyen``, ``xa``)."""
        found = []
        for level, column in LEVEL_COLUMNS.items():
            for kind in ("htx", "tht"):
                frame = self.dataset.register(kind, year)
                if column in frame and frame[column].notna().any():
                    found.append(level)
                    break
        return found

    def coverage(self, year: int, level: str | None = None) -> pd.DataFrame:
        """Every unit of ``level`` valid in ``year`` with its HTX and THT counts, members and
        workers (0 where there are none) — sorted so the units with fewest HTX come first.

        ``level`` defaults to the finest level the registers give (communes once the commune
        column is filled). Counts follow the indicator registry's definitions."""
        from kttt.indicators.table import fill_empty, raw_values

        self._year(year)
        levels = self.levels(year)
        chosen = self._level(level) if level is not None else (levels[-1] if levels else "huyen")
        column = LEVEL_COLUMNS.get(chosen)
        if column is None or chosen not in levels:
            raise ValueError(f"sổ đăng ký năm {year} không ghi đơn vị {LEVEL_NAMES.get(chosen, chosen)} "
                             f"(có: {', '.join(LEVEL_NAMES[lv] for lv in levels) or 'không'}) / "
                             f"the {year} registers do not place rows at level {chosen}")
        htx = self.dataset.register("htx", year)
        tht = self.dataset.register("tht", year)
        placed_htx, placed_tht = htx[htx[column].notna()], tht[tht[column].notna()]
        units = self.units(year, chosen)
        wide = raw_values(placed_htx, placed_tht, [column], COVERAGE_CODES)
        wide = fill_empty(wide, pd.Index(units["Mã"], name=column))
        out = units[["Mã", "Tên"]].copy()
        for code in COVERAGE_CODES:
            out[CATALOGUE[code].name_vi] = wide[code].to_numpy()
        out = out.sort_values([CATALOGUE["htx_hien_co"].name_vi, "Tên"], kind="stable").reset_index(drop=True)
        unplaced = (len(htx) - len(placed_htx)) + (len(tht) - len(placed_tht))
        if unplaced:
            warnings.warn(f"{unplaced} dòng sổ năm {year} không ghi {LEVEL_NAMES[chosen]}: không tính vào bảng này",
                          stacklevel=2)
        return out

    def changes(self, year: int, column: str, kind: Kind = "htx", area: str | Iterable[str] | None = None,
                sector: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Each cooperative (or group) in both ``year`` and the year before, with ``column``'s
        value in both, its change and % change — biggest fall first. Rows without a value in
        either year are left out (no value is not 0)."""
        reg = REGISTERS[kind]
        col = reg.column(column)
        self._year(year)
        self._year(year - 1)
        now = self.register(kind, year, area, sector, codes=True).set_index(reg.code_column)
        before = self.dataset.register(kind, year - 1).set_index(reg.code_column)
        both = now.index.intersection(before.index)
        a = before.loc[both, column].astype("float64")
        b = now.loc[both, column].astype("float64")
        has = a.notna() & b.notna()
        both = both[has.to_numpy()]
        names = self.dataset.unit_names()
        change = (b[both] - a[both]).to_numpy()
        out = pd.DataFrame({
            "Mã": both.to_numpy(), "Tên": now.loc[both, reg.name_column].to_numpy(),
            "Địa bàn": [names.get(u, u) for u in now.loc[both, "don_vi"]] if "don_vi" in now else "",
            "Lĩnh vực": [SECTOR_LABELS.get(s, s) for s in now.loc[both, "linh_vuc"]],
            f"{col.display} {year - 1}": a[both].to_numpy(), f"{col.display} {year}": b[both].to_numpy(),
            "Tăng/giảm": change,
            "Tăng/giảm (%)": [d * 100.0 / x if x else float("nan") for d, x in zip(change, a[both], strict=True)],
        })
        return out.sort_values(["Tăng/giảm", "Tên"], kind="stable").reset_index(drop=True)

    # ------------------------------------------------------------------ argument checks

    def _year(self, year: int) -> None:
        if year not in self.dataset.years:
            raise ValueError(f"bộ dữ liệu {self.name} không có năm {year} (có: {', '.join(map(str, self.years))}) "
                             f"/ no year {year}")

    def _level(self, level: str) -> str:
        key = normalize(level).replace(" ", "_")
        for k, name in LEVEL_NAMES.items():
            if key in (k, normalize(name).replace(" ", "_")):
                return k
        raise ValueError(f"cấp không hợp lệ: {level} (dùng huyen hoặc xa) / unknown level")

    def _areas(self, area: str | Iterable[str]) -> list[str]:
        wanted = [area] if isinstance(area, str) else list(area)
        codes = []
        for a in wanted:
            key = normalize(a)
            if key in (normalize(PROVINCE), normalize(PROVINCE_LABEL)):
                codes.append(PROVINCE)
                continue
            code = self._by_name(a)
            if code is None:
                raise ValueError(f"không có địa bàn «{a}» trong don_vi_hanh_chinh.csv (dùng mã hoặc tên, "
                                 f"ví dụ {', '.join(self.dataset.units['ten'].head(3))}) / unknown area {a!r}")
            codes.append(code)
        return codes

    def _by_name(self, text: str) -> str | None:
        """The code of the unit a code or name means (any level; the name index of the loader,
        which also knows names without their kind: "Văn Chấn" for "Huyện Văn Chấn"), when only
        one code fits."""
        fits = {u.code for level in ("huyen", "xa", "tinh") for u in self.dataset.geo.lookup(text, level)[0]}
        return fits.pop() if len(fits) == 1 else None

    def _sectors(self, sector: str | Iterable[str], allow_all: bool = False) -> list[str]:
        wanted = [sector] if isinstance(sector, str) else list(sector)
        keys = []
        for s in wanted:
            if allow_all and normalize(s) in (normalize(ALL), ""):
                keys.append(ALL_SECTORS)
                continue
            key = enum_key("linh_vuc", s)
            if key is None:
                raise ValueError(f"lĩnh vực không hợp lệ: «{s}» (có: {', '.join(SECTOR_LABELS.values())}) "
                                 f"/ unknown sector {s!r}")
            keys.append(key)
        return keys

    def _mask(self, frame: pd.DataFrame, kind: Kind, area: str | Iterable[str] | None,
              sector: str | Iterable[str] | None) -> pd.Series:
        keep = pd.Series(True, index=frame.index)
        if area is not None:
            codes = set(self._areas(area)) - {PROVINCE}
            if codes:
                units = [c.key for c in REGISTERS[kind].columns if c.type == "unit" and c.key in frame]
                hit = pd.Series(False, index=frame.index)
                for col in units:
                    hit |= frame[col].isin(codes)
                keep &= hit
        if sector is not None:
            keep &= frame["linh_vuc"].isin(self._sectors(sector))
        return keep


def open(data_dir: str | Path, years: Sequence[int] | None = None) -> Explorer:  # noqa: A001
    """Open a dataset for exploration (every year, or ``years``). Rows with errors are left out
    and a warning says how many problems there are (``ds.problems`` lists them)."""
    dataset = load_dataset(resolve_data_dir(data_dir), years=years)
    errors = builtins.len(dataset.errors)
    if errors:
        warnings.warn(f"bộ dữ liệu {dataset.name} có {errors} lỗi: các dòng lỗi không có trong bảng; "
                      "xem ds.problems / the dataset has errors: rows with errors are left out", stacklevel=2)
    return Explorer(dataset)


# ----------------------------------------------------------------------------- charts

def bar(frame: pd.DataFrame, label: str, value: str, title: str, limit: int | None = 20):  # noqa: ANN201
    """Horizontal bars of ``value`` by ``label`` (the first ``limit`` rows, as ordered), in the
    report's house style; displayed with its text alternative and data table.

    >>> c = bar(pd.DataFrame({"Tên": ["A", "B"], "Số HTX": [3, 1]}), "Tên", "Số HTX", "Thử")
    >>> c.alt()
    'Biểu đồ: Thử. A: 3; B: 1.'
    """
    import matplotlib.pyplot as plt

    from kttt import fmt
    from kttt.charts import PALETTE, STYLE, Chart, vi_formatter

    rows = frame.head(limit) if limit else frame
    values = rows[value].astype("float64").fillna(0).to_numpy()[::-1]
    decimals = 0 if all(float(v).is_integer() for v in values) else 1
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.2, 0.38 * max(len(rows), 3) + 1.0))
        bars = ax.barh([str(x) for x in rows[label]][::-1], values, color=PALETTE[0], label=value)
        ax.bar_label(bars, labels=[fmt.number(v, decimals) for v in values], padding=2, fontsize=8)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.xaxis.set_major_formatter(vi_formatter(decimals))
        ax.set_title(title)
        ax.margins(x=0.15)
        fig.tight_layout()
    return Chart("kham_pha", title, fig)


def line(frame: pd.DataFrame, x: str, columns: Sequence[str], title: str):  # noqa: ANN201
    """Lines of ``columns`` over ``x`` (years), in the report's house style.

    >>> c = line(pd.DataFrame({"Năm": [2021, 2022], "Số HTX": [570, 652]}), "Năm", ["Số HTX"], "Thử")
    >>> c.alt()
    'Biểu đồ: Thử. 2021: 570; 2022: 652.'
    """
    import matplotlib.pyplot as plt

    from kttt.charts import PALETTE, STYLE, Chart, vi_formatter

    xs = [int(v) for v in frame[x]]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.2, 3.3))
        for i, name in enumerate(columns):
            ax.plot(xs, frame[name].astype("float64").to_numpy(), marker="o", color=PALETTE[i % len(PALETTE)],
                    label=name)
        ax.set_xticks(xs, [str(v) for v in xs])
        ax.yaxis.set_major_formatter(vi_formatter())
        ax.set_ylim(bottom=0)
        ax.set_title(title)
        if len(columns) > 1:
            ax.legend(frameon=False, fontsize=8)
        fig.tight_layout()
    return Chart("kham_pha", title, fig)


__all__ = ["Explorer", "bar", "data_date", "line", "open"]
