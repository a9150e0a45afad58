"""The tidy indicator table: year × area × sector × indicator → value, with change and target.

Columns of :func:`compute_indicators`:

- ``nam``, ``ma_chi_tieu``, ``ten_chi_tieu``, ``don_vi_tinh``;
- ``dia_ban`` — ``toan_tinh`` for the province, otherwise a unit code; ``ten_dia_ban``;
- ``linh_vuc`` — empty for all sectors, otherwise a sector key;
- ``gia_tri`` (NaN = no value: empty population), ``gia_tri_nam_truoc``, ``thay_doi``,
  ``thay_doi_pct``;
- ``chi_tieu``, ``so_sanh``, ``nguon_chi_tieu``, ``ty_le_dat_chi_tieu`` (value / target ×
  100) and ``dat_chi_tieu`` (met by ``so_sanh``) for province-wide rows with a target.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from kttt.indicators.functions import Registers
from kttt.indicators.registry import REGISTRY

PROVINCE = "toan_tinh"
ALL_SECTORS = ""

COLUMNS = [
    "nam", "ma_chi_tieu", "ten_chi_tieu", "don_vi_tinh", "dia_ban", "ten_dia_ban", "linh_vuc",
    "gia_tri", "gia_tri_nam_truoc", "thay_doi", "thay_doi_pct", "chi_tieu", "so_sanh",
    "nguon_chi_tieu", "ty_le_dat_chi_tieu", "dat_chi_tieu",
]


def _units_in_year(units: pd.DataFrame, year: int) -> list[str]:
    """District-level units that existed at some time in the year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    keep = []
    for code, cap, since, until in zip(units["ma"], units["cap"], units["hieu_luc_tu"],
                                        units["hieu_luc_den"], strict=True):
        if cap != "huyen":
            continue
        if isinstance(since, dt.date) and since > end:
            continue
        if isinstance(until, dt.date) and until < start:
            continue
        keep.append(code)
    return keep


def raw_values(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str],
               codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Every indicator grouped by ``by``: a wide frame (index = groups, columns = codes).

    Groups absent from both registers are added by :func:`fill_empty`.
    """
    registers = Registers(htx, tht, by)
    results = {code: REGISTRY[code].formula(registers) for code in (codes or REGISTRY)}
    return pd.DataFrame(results, index=registers.index)


def fill_empty(wide: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Reindex to the expected groups: counts and required sums read 0, the rest stay empty."""
    wide = wide.reindex(index)
    for code in wide.columns:
        if REGISTRY[code].zero_when_empty:
            wide[code] = wide[code].fillna(0.0)
    return wide


def _long(wide: pd.DataFrame, keys: Sequence[str], area: str | None, sector: str | None) -> pd.DataFrame:
    """Wide (groups × codes) → long rows; ``area``/``sector`` name a constant or None for the
    ``don_vi``/``linh_vuc`` level of the index."""
    n, codes = len(wide), list(wide.columns)
    level = {name: wide.index.get_level_values(name).to_numpy() for name in wide.index.names}
    frame = {key: np.tile(level[key], len(codes)) for key in keys}
    frame["ma_chi_tieu"] = np.repeat(np.array(codes, dtype=object), n)
    frame["dia_ban"] = np.tile(level["don_vi"], len(codes)) if area is None else area
    frame["linh_vuc"] = np.tile(level["linh_vuc"], len(codes)) if sector is None else sector
    frame["gia_tri"] = wide.to_numpy(dtype="float64").reshape(-1, order="F") if n else np.zeros(0)
    return pd.DataFrame(frame)


def compute_values(htx: pd.DataFrame, tht: pd.DataFrame, years: Sequence[int],
                   units: pd.DataFrame | None = None, by_unit: bool = True,
                   by_sector: bool = True, keys: Sequence[str] = ("nam",)) -> pd.DataFrame:
    """Long table ``<keys>, ma_chi_tieu, dia_ban, linh_vuc, gia_tri`` for ``years``.

    With the default ``keys`` every district unit of ``units`` valid in the year gets a row
    (0 or no value when it has no cooperative); with more keys (``("tinh", "nam")`` for many
    provinces at once) the groups are those found in the registers.

    >>> from kttt.indicators.functions import demo_frames
    >>> h, t = demo_frames()
    >>> v = compute_values(h, t, [2022])
    >>> v[(v.ma_chi_tieu == "htx_hien_co") & (v.linh_vuc == "")].set_index("dia_ban")["gia_tri"].to_dict()
    {'toan_tinh': 3.0, '132': 2.0, '133': 1.0}
    """
    years, keys = list(years), list(keys)
    htx = htx[htx["nam"].isin(years)]
    tht = tht[tht["nam"].isin(years)]
    single = keys == ["nam"]
    wide = raw_values(htx, tht, keys)
    out = [_long(fill_empty(wide, pd.Index(years, name="nam")) if single else wide, keys, PROVINCE, ALL_SECTORS)]
    if by_unit:
        wide = raw_values(htx, tht, [*keys, "don_vi"])
        if single:
            pairs = []
            for y in years:
                codes = set(_units_in_year(units, y)) if units is not None else set()
                codes |= set(htx.loc[htx["nam"] == y, "don_vi"]) | set(tht.loc[tht["nam"] == y, "don_vi"])
                pairs += [(y, c) for c in sorted(codes, key=_unit_order)]
            wide = fill_empty(wide, pd.MultiIndex.from_tuples(pairs, names=["nam", "don_vi"]))
        out.append(_long(wide, keys, None, ALL_SECTORS))
    if by_sector:
        wide = raw_values(htx, tht, [*keys, "linh_vuc"])
        if single:
            pairs = []
            for y in years:
                sectors = set(htx.loc[htx["nam"] == y, "linh_vuc"]) | set(tht.loc[tht["nam"] == y, "linh_vuc"])
                pairs += [(y, s) for s in sorted(sectors, key=_sector_order)]
            wide = fill_empty(wide, pd.MultiIndex.from_tuples(pairs, names=["nam", "linh_vuc"]))
        out.append(_long(wide, keys, PROVINCE, None))
    return pd.concat(out, ignore_index=True)


def compute_many(datasets: Sequence, years: Sequence[int] | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Every indicator for many datasets (provinces) and years in one vectorised pass.

    Columns ``tinh`` (the dataset's name), ``nam``, ``ma_chi_tieu``, ``dia_ban``, ``linh_vuc``,
    ``gia_tri`` — the same values :func:`compute_indicators` gives one dataset and year.
    """
    wanted = set(years) if years is not None else None
    htx = [d.htx.assign(tinh=d.name) for d in datasets]
    tht = [d.tht.assign(tinh=d.name) for d in datasets]
    all_htx, all_tht = pd.concat(htx, ignore_index=True), pd.concat(tht, ignore_index=True)
    found = sorted(set(all_htx["nam"]) | set(all_tht["nam"]))
    return compute_values(all_htx, all_tht, [y for y in found if wanted is None or y in wanted],
                          keys=("tinh", "nam"))


def _unit_order(code: str) -> tuple[int, str]:
    return (0, f"{int(code):012d}") if str(code).isdigit() else (1, str(code))


_SECTOR_ORDER = ["nong_nghiep", "cn_ttcn", "xay_dung", "thuong_mai_dich_vu", "van_tai",
                 "tin_dung", "moi_truong", "khac"]


def _sector_order(key: str) -> int:
    return _SECTOR_ORDER.index(key) if key in _SECTOR_ORDER else len(_SECTOR_ORDER)


def met(value: float, target: float, comparison: str) -> bool | None:
    """Whether a target is met: ``>=`` at least, ``<=`` at most. None without a value.

    >>> met(97, 80, ">="), met(5.0, 4.0, "<="), met(float("nan"), 1, ">=")
    (True, False, None)
    """
    if value is None or target is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(value >= target) if comparison == ">=" else bool(value <= target)


def blank_missing(values: pd.DataFrame, missing: set[tuple[int, str]]) -> pd.DataFrame:
    """No value for indicators whose register is absent that year: a year without a THT
    register has unknown THT figures, not zero THT.

    >>> v = pd.DataFrame({"nam": [2022, 2022], "ma_chi_tieu": ["tht_hien_co", "htx_hien_co"], "gia_tri": [0.0, 5.0]})
    >>> blank_missing(v, {(2022, "tht")})["gia_tri"].tolist()
    [nan, 5.0]
    """
    if not missing:
        return values
    registers = {code: ind.meta.register for code, ind in REGISTRY.items()}
    needs = values["ma_chi_tieu"].map(registers)
    blank = pd.Series(False, index=values.index)
    for year, register in missing:
        in_year = values["nam"] == year
        blank |= in_year & ((needs == register) | (needs == "kttt"))
    values = values.copy()
    values.loc[blank, "gia_tri"] = np.nan
    return values


def compute_table(htx: pd.DataFrame, tht: pd.DataFrame, year: int, units: pd.DataFrame | None,
                  targets: pd.DataFrame | None, previous: bool = True,
                  unit_names: dict[str, str] | None = None,
                  missing: set[tuple[int, str]] | None = None) -> pd.DataFrame:
    """The year's full table (see the module doc), from frames. ``missing`` lists the
    (year, register) pairs that have no register file."""
    years = [year - 1, year] if previous and (htx["nam"] == year - 1).any() | (tht["nam"] == year - 1).any() else [year]
    values = blank_missing(compute_values(htx, tht, years, units), missing or set())
    current = values[values["nam"] == year].reset_index(drop=True)
    if len(years) == 2:
        before = values[values["nam"] == year - 1][["ma_chi_tieu", "dia_ban", "linh_vuc", "gia_tri"]]
        before = before.rename(columns={"gia_tri": "gia_tri_nam_truoc"})
        current = current.merge(before, on=["ma_chi_tieu", "dia_ban", "linh_vuc"], how="left")
    else:
        current["gia_tri_nam_truoc"] = np.nan
    current["thay_doi"] = current["gia_tri"] - current["gia_tri_nam_truoc"]
    prev = current["gia_tri_nam_truoc"]
    current["thay_doi_pct"] = current["thay_doi"] * 100.0 / prev.where(prev != 0)
    current["chi_tieu"] = np.nan
    current["so_sanh"] = ""
    current["nguon_chi_tieu"] = ""
    current["ty_le_dat_chi_tieu"] = np.nan
    current["dat_chi_tieu"] = pd.array([None] * len(current), dtype="boolean")
    if targets is not None and len(targets):
        year_targets = targets[targets["nam"] == year].drop_duplicates("ma_chi_tieu", keep="last")
        province = (current["dia_ban"] == PROVINCE) & (current["linh_vuc"] == ALL_SECTORS)
        for _, t in year_targets.iterrows():
            rows = province & (current["ma_chi_tieu"] == t["ma_chi_tieu"])
            if not rows.any():
                continue
            i = current.index[rows][0]
            value = current.at[i, "gia_tri"]
            current.at[i, "chi_tieu"] = float(t["gia_tri"])
            current.at[i, "so_sanh"] = t["so_sanh"]
            current.at[i, "nguon_chi_tieu"] = t["nguon"]
            if not math.isnan(value) and t["gia_tri"]:
                current.at[i, "ty_le_dat_chi_tieu"] = value * 100.0 / float(t["gia_tri"])
            current.at[i, "dat_chi_tieu"] = met(value, float(t["gia_tri"]), t["so_sanh"])
    meta = {code: ind.meta for code, ind in REGISTRY.items()}
    current["ten_chi_tieu"] = current["ma_chi_tieu"].map(lambda c: meta[c].name_vi)
    current["don_vi_tinh"] = current["ma_chi_tieu"].map(lambda c: meta[c].unit)
    names = {PROVINCE: "Toàn tỉnh", **(unit_names or {})}
    current["ten_dia_ban"] = current["dia_ban"].map(lambda c: names.get(c, c))
    return current[COLUMNS]


def compute_indicators(dataset, year: int, previous: bool = True) -> pd.DataFrame:  # noqa: ANN001
    """The tidy indicator table of ``year`` for a loaded dataset.

    >>> from kttt.config import SAMPLE_DATASET
    >>> from kttt.load import load_dataset
    >>> t = compute_indicators(load_dataset(SAMPLE_DATASET, years=[2021, 2022]), 2022)
    >>> row = t[(t.ma_chi_tieu == "htx_thanh_lap_moi") & (t.dia_ban == "toan_tinh") & (t.linh_vuc == "")]
    >>> row[["gia_tri", "chi_tieu", "ty_le_dat_chi_tieu"]].iloc[0].tolist()
    [97.0, 80.0, 121.25]
    """
    if year not in dataset.years:
        raise ValueError(f"bộ dữ liệu không có năm {year} (có: {dataset.years})")
    return compute_table(dataset.htx, dataset.tht, year, dataset.units, dataset.targets, previous,
                         dataset.unit_names(), missing_registers(dataset))


def missing_registers(dataset) -> set[tuple[int, str]]:  # noqa: ANN001
    """(year, register) pairs of the dataset's years that have no register file."""
    present = {(f.year, f.kind) for f in dataset.files if f.year is not None}
    return {(y, r) for y in dataset.years for r in ("htx", "tht") if (y, r) not in present}


def compute_history(dataset, years: Sequence[int] | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Province-wide values of every indicator for every year (the trend notebook's table)."""
    years = list(years or dataset.years)
    values = compute_values(dataset.htx, dataset.tht, years, dataset.units, by_unit=False, by_sector=False)
    return blank_missing(values, missing_registers(dataset))


def machine_number(value: float) -> str:
    """Full precision in machine format; whole numbers without ``.0``; empty for no value.

    >>> machine_number(97.0), machine_number(121.25), machine_number(float("nan"))
    ('97', '121.25', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return repr(number)


NUMBER_COLUMNS = ("gia_tri", "gia_tri_nam_truoc", "thay_doi", "thay_doi_pct", "chi_tieu", "ty_le_dat_chi_tieu")


def to_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """The table as JSON-ready records: numbers as numbers (whole ones as integers), no value
    as null, full precision.

    >>> to_records(pd.DataFrame({"ma_chi_tieu": ["a"], "gia_tri": [97.0], "chi_tieu": [float("nan")],
    ...                          "dat_chi_tieu": pd.array([None], dtype="boolean")}))
    [{'ma_chi_tieu': 'a', 'gia_tri': 97, 'chi_tieu': None, 'dat_chi_tieu': None}]
    """
    def number(v: object) -> object:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        f = float(v)  # type: ignore[arg-type]
        return int(f) if f.is_integer() and abs(f) < 2**53 else f

    records = []
    for row in table.to_dict(orient="records"):
        out: dict[str, object] = {}
        for key, value in row.items():
            if key in NUMBER_COLUMNS:
                out[key] = number(value)
            elif key == "dat_chi_tieu":
                out[key] = None if value is None or value is pd.NA else bool(value)
            elif isinstance(value, float) and math.isnan(value):
                out[key] = None
            elif hasattr(value, "item"):
                out[key] = value.item()
            else:
                out[key] = value
        records.append(out)
    return records


def to_machine(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the CLI prints it: numbers as full-precision machine text."""
    out = table.copy()
    for col in NUMBER_COLUMNS:
        out[col] = out[col].map(machine_number)
    out["dat_chi_tieu"] = out["dat_chi_tieu"].map(lambda v: "" if v is pd.NA or v is None else str(bool(v)).lower())
    first = ["ma_chi_tieu", "dia_ban", "linh_vuc", "gia_tri"]
    return out[first + [c for c in out.columns if c not in first]]
