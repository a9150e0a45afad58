"""The tidy indicator table: year × area × sector × indicator → value, with change and target.

Columns of :func:`compute_indicators`:

- ``nam``, ``ma_chi_tieu``, ``ten_chi_tieu``, ``don_vi_tinh``;
- ``dia_ban`` — ``toan_tinh`` for the whole dataset, otherwise a unit code; ``ten_dia_ban``;
  ``cap_dia_ban`` — the area's level: ``tinh`` (the whole dataset), ``tinh_cu`` (a former
  province of a merged one, in its years before the merger), ``huyen``, ``xa``;
- ``linh_vuc`` — empty for all sectors, otherwise a sector key;
- ``gia_tri`` (NaN = no value: empty population), ``gia_tri_nam_truoc`` (last year on THIS
  year's boundaries), ``thay_doi``, ``thay_doi_pct``;
- ``chi_tieu``, ``so_sanh``, ``nguon_chi_tieu``, ``ty_le_dat_chi_tieu`` (value / target ×
  100) and ``dat_chi_tieu`` (met by ``so_sanh``) for province-wide rows with a target;
- ``ghi_chu`` — why a year-before value is missing (rows of last year that could not be
  placed on this year's units), empty otherwise;
- ``ngay_so_lieu`` and ``trang_thai_nam`` (:func:`compute_indicators`): the year's data date
  and status — ``chinh_thuc``, or ``uoc`` for an estimate year.

A year's areas are the units valid at its data date, at every level its registers give.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kttt.geography import Crosswalk, Units, place_commune, place_district, unit_order
from kttt.indicators.functions import Registers
from kttt.indicators.registry import REGISTRY

PROVINCE = "toan_tinh"
ALL_SECTORS = ""

# The levels of areas below the province: (cap_dia_ban, the register column that places a row)
LEVELS: tuple[tuple[str, str], ...] = (("tinh_cu", "tinh_cu"), ("huyen", "don_vi"), ("xa", "xa"))
LEVEL_OF_UNITS = {"tinh_cu": "tinh", "huyen": "huyen", "xa": "xa"}  # cap_dia_ban → the units file's cap

COLUMNS = [
    "nam", "ma_chi_tieu", "ten_chi_tieu", "don_vi_tinh", "dia_ban", "ten_dia_ban", "cap_dia_ban", "linh_vuc",
    "gia_tri", "gia_tri_nam_truoc", "thay_doi", "thay_doi_pct", "chi_tieu", "so_sanh",
    "nguon_chi_tieu", "ty_le_dat_chi_tieu", "dat_chi_tieu", "ghi_chu",
]


def data_dates(htx: pd.DataFrame, tht: pd.DataFrame, years: Iterable[int]) -> dict[int, dt.date]:
    """Each year's data date, as the registers carry it (``ngay_so_lieu``), else 31/12."""
    out = {}
    for y in years:
        date = None
        for frame in (htx, tht):
            if "ngay_so_lieu" in frame.columns:
                found = frame.loc[frame["nam"] == y, "ngay_so_lieu"]
                if len(found):
                    date = pd.Timestamp(found.iloc[0]).date()
                    break
        out[y] = date or dt.date(y, 12, 31)
    return out


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


def _long(wide: pd.DataFrame, keys: Sequence[str], area: str | None, sector: str | None, level: str,
          area_column: str = "dia_ban") -> pd.DataFrame:
    """Wide (groups × codes) → long rows; ``area``/``sector`` name a constant or None for the
    ``area_column``/``linh_vuc`` level of the index."""
    n, codes = len(wide), list(wide.columns)
    index_level = {name: wide.index.get_level_values(name).to_numpy() for name in wide.index.names}
    frame = {key: np.tile(index_level[key], len(codes)) for key in keys}
    frame["ma_chi_tieu"] = np.repeat(np.array(codes, dtype=object), n)
    frame["dia_ban"] = np.tile(index_level[area_column], len(codes)) if area is None else area
    frame["cap_dia_ban"] = level
    frame["linh_vuc"] = np.tile(index_level["linh_vuc"], len(codes)) if sector is None else sector
    frame["gia_tri"] = wide.to_numpy(dtype="float64").reshape(-1, order="F") if n else np.zeros(0)
    return pd.DataFrame(frame)


def _given(htx: pd.DataFrame, tht: pd.DataFrame, column: str, year: int) -> set[str]:
    """Codes a year's registers give in a column (empty set: the level is not given)."""
    found: set[str] = set()
    for frame in (htx, tht):
        if column in frame.columns:
            values = frame.loc[frame["nam"] == year, column]
            found |= {v for v in values.dropna().unique() if v}
    return found


def areas_of_year(htx: pd.DataFrame, tht: pd.DataFrame, year: int, level: str, column: str,
                  units: Units | None, date: dt.date) -> list[str]:
    """The areas of a level in a year: the units of that level valid at the data date (and any
    code the registers give that is valid then), when the registers give that level at all."""
    given = _given(htx, tht, column, year)
    if not given:
        return []
    if units is None or not len(units):
        return sorted(given, key=unit_order)
    cap = LEVEL_OF_UNITS[level]
    valid = {u.code for u in units.valid(date, cap)}
    return sorted(valid | {c for c in given if units.at(c, date, cap) is not None}, key=unit_order)


def compute_values(htx: pd.DataFrame, tht: pd.DataFrame, years: Sequence[int],
                   units: pd.DataFrame | Units | None = None, by_unit: bool = True,
                   by_sector: bool = True, keys: Sequence[str] = ("nam",),
                   levels: Sequence[tuple[str, str]] = LEVELS) -> pd.DataFrame:
    """Long table ``<keys>, ma_chi_tieu, dia_ban, cap_dia_ban, linh_vuc, gia_tri`` for ``years``.

    With the default ``keys`` every unit valid at the year's data date, at every level the
    registers give, gets a row (0 or no value when it has no cooperative); with more keys
    (``("tinh", "nam")`` for many provinces at once) the groups are those found in the registers.

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
    geo = units if isinstance(units, Units) or units is None else Units.from_records(units.to_dict(orient="records"))
    dates = data_dates(htx, tht, years)
    wide = raw_values(htx, tht, keys)
    out = [_long(fill_empty(wide, pd.Index(years, name="nam")) if single else wide, keys, PROVINCE, ALL_SECTORS,
                 "tinh")]
    if by_unit:
        for level, column in levels:
            if column not in htx.columns and column not in tht.columns:
                continue
            h = htx[htx[column].notna()] if column in htx.columns else htx.iloc[0:0].assign(**{column: None})
            t = tht[tht[column].notna()] if column in tht.columns else tht.iloc[0:0].assign(**{column: None})
            if single:
                pairs = [(y, c) for y in years for c in areas_of_year(htx, tht, y, level, column, geo, dates[y])]
                if not pairs:
                    continue
                h = h[h[column].isin({c for _, c in pairs})]
                t = t[t[column].isin({c for _, c in pairs})]
                wide = fill_empty(raw_values(h, t, [*keys, column]),
                                  pd.MultiIndex.from_tuples(pairs, names=["nam", column]))
            else:
                if not len(h) and not len(t):
                    continue
                wide = raw_values(h, t, [*keys, column])
            out.append(_long(wide, keys, None, ALL_SECTORS, level, column))
    if by_sector:
        wide = raw_values(htx, tht, [*keys, "linh_vuc"])
        if single:
            pairs = []
            for y in years:
                sectors = set(htx.loc[htx["nam"] == y, "linh_vuc"]) | set(tht.loc[tht["nam"] == y, "linh_vuc"])
                pairs += [(y, s) for s in sorted(sectors, key=_sector_order)]
            wide = fill_empty(wide, pd.MultiIndex.from_tuples(pairs, names=["nam", "linh_vuc"]))
        out.append(_long(wide, keys, PROVINCE, None, "tinh"))
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


@dataclass
class Rebased:
    """Last year's rows placed on this year's areas, and the areas that could not be compared."""

    htx: pd.DataFrame
    tht: pd.DataFrame
    unplaced: dict[tuple[str, str], int]  # (cap_dia_ban, area) → rows of last year that may belong there


def rebase(htx: pd.DataFrame, tht: pd.DataFrame, before: dt.date, date: dt.date, units: Units | None,
           crosswalk: Crosswalk | None, levels: Sequence[tuple[str, str]] = LEVELS) -> Rebased:
    """Last year's rows with their area columns re-based onto the units valid at ``date``: a
    row is placed by its commune (through the crosswalk when it changed), else by its district
    when all of that district's communes go to one unit. A row that cannot be placed counts
    against every area it could belong to (their year-before values are left empty)."""
    if units is None or not len(units):
        return Rebased(htx, tht, {})
    cw = crosswalk or Crosswalk()
    memo: dict[tuple, tuple[str | None, str | None, str | None, tuple]] = {}
    unplaced: dict[tuple[str, str], int] = {}

    def place(commune: str | None, district: str | None, province: str | None) -> tuple:
        key = (commune, district, province)
        if key not in memo:
            c = units.at(commune, before, "xa") if commune else None
            d = units.at(district, before, "huyen") if district else None
            pc = place_commune(c, d, date, units, cw) if (c or d) else None
            pd_ = place_district(d, pc.code if pc else None, date, units, cw)
            p = units.at(province, date, "tinh") if province else None
            lost = []
            if pc is not None and pc.code is None:
                lost += [("xa", a) for a in pc.candidates]
            memo[key] = (pc.code if pc else None, pd_.code, p.code if p else None, tuple(lost))
        return memo[key]

    def one(frame: pd.DataFrame) -> pd.DataFrame:
        if not len(frame):
            return frame
        cols = {c: frame[c] if c in frame.columns else pd.Series([None] * len(frame), index=frame.index)
                for c in ("xa", "don_vi", "tinh_cu")}
        placed = [place(*(None if pd.isna(v) else v for v in key))
                  for key in zip(cols["xa"], cols["don_vi"], cols["tinh_cu"], strict=True)]
        out = frame.copy()
        out["xa"] = [p[0] for p in placed]
        out["don_vi"] = [p[1] for p in placed]
        out["tinh_cu"] = [p[2] for p in placed]
        for p in placed:
            for area in p[3]:
                unplaced[area] = unplaced.get(area, 0) + 1
        return out

    return Rebased(one(htx), one(tht), unplaced)


def _year_before(htx: pd.DataFrame, tht: pd.DataFrame, year: int, units: Units | None,
                 crosswalk: Crosswalk | None, missing: set[tuple[int, str]]) -> tuple[pd.DataFrame, dict]:
    """Last year's values on this year's areas (``gia_tri_nam_truoc``) and the notes."""
    dates = data_dates(htx, tht, [year - 1, year])
    h, t = htx[htx["nam"] == year - 1], tht[tht["nam"] == year - 1]
    moved = rebase(h, t, dates[year - 1], dates[year], units, crosswalk)
    # last year's rows now sit in this year's areas: compute them as if they were this year's areas
    h2, t2 = (f.assign(**{c: f[c] if c in f.columns else None for _, c in LEVELS}) for f in (moved.htx, moved.tht))
    here_h, here_t = htx[htx["nam"] == year], tht[tht["nam"] == year]
    values = []
    for level, column in LEVELS:
        areas = areas_of_year(here_h, here_t, year, level, column, units, dates[year])
        if not areas:
            continue
        wide = fill_empty(raw_values(h2[h2[column].isin(areas)], t2[t2[column].isin(areas)], ["nam", column]),
                          pd.MultiIndex.from_tuples([(year - 1, a) for a in areas], names=["nam", column]))
        values.append(_long(wide, ["nam"], None, ALL_SECTORS, level, column))
    values.append(compute_values(h, t, [year - 1], None, by_unit=False))
    before = blank_missing(pd.concat(values, ignore_index=True), missing)
    notes: dict[tuple[str, str], str] = {}
    for (level, area), n in moved.unplaced.items():
        before.loc[(before["cap_dia_ban"] == level) & (before["dia_ban"] == area), "gia_tri"] = np.nan
        notes[(level, area)] = (f"{n} dòng sổ năm {year - 1} không xác định được thuộc đơn vị nào trên địa giới "
                                f"hiện nay (đơn vị cũ bị chia hoặc chỉ ghi huyện): không có số năm trước")
    return before, notes


def compute_table(htx: pd.DataFrame, tht: pd.DataFrame, year: int, units: pd.DataFrame | Units | None,
                  targets: pd.DataFrame | None, previous: bool = True,
                  unit_names: dict[str, str] | None = None,
                  missing: set[tuple[int, str]] | None = None,
                  crosswalk: Crosswalk | None = None) -> pd.DataFrame:
    """The year's full table (see the module doc), from frames. ``missing`` lists the
    (year, register) pairs that have no register file; the year before is re-based onto this
    year's units through ``crosswalk``."""
    missing = missing or set()
    geo = units if isinstance(units, Units) or units is None else Units.from_records(units.to_dict(orient="records"))
    current = blank_missing(compute_values(htx, tht, [year], geo), missing).reset_index(drop=True)
    has_before = previous and bool((htx["nam"] == year - 1).any() or (tht["nam"] == year - 1).any())
    keys = ["ma_chi_tieu", "cap_dia_ban", "dia_ban", "linh_vuc"]
    current["ghi_chu"] = ""
    if has_before:
        before, notes = _year_before(htx, tht, year, geo, crosswalk, missing)
        before = before[keys + ["gia_tri"]].rename(columns={"gia_tri": "gia_tri_nam_truoc"})
        current = current.merge(before.drop_duplicates(keys), on=keys, how="left")
        for (level, area), note in notes.items():
            current.loc[(current["cap_dia_ban"] == level) & (current["dia_ban"] == area), "ghi_chu"] = note
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
    """The tidy indicator table of ``year`` for a loaded dataset; the year before (when the
    dataset has it) is re-based onto this year's units; a first year has empty year-before
    values.

    >>> from kttt.config import SAMPLE_DATASET
    >>> from kttt.load import load_dataset
    >>> t = compute_indicators(load_dataset(SAMPLE_DATASET, years=[2021, 2022]), 2022)
    >>> row = t[(t.ma_chi_tieu == "htx_thanh_lap_moi") & (t.dia_ban == "toan_tinh") & (t.linh_vuc == "")]
    >>> row[["gia_tri", "chi_tieu", "ty_le_dat_chi_tieu"]].iloc[0].tolist()
    [97.0, 80.0, 121.25]
    """
    if year not in dataset.years:
        raise ValueError(f"bộ dữ liệu không có năm {year} (có: {dataset.years})")
    table = compute_table(dataset.htx, dataset.tht, year, dataset.geo, dataset.targets, previous,
                          dataset.unit_names(dataset.data_date(year)), missing_registers(dataset),
                          dataset.crosswalk)
    info = dataset.info(year)
    table["ngay_so_lieu"] = info.data_date.isoformat()  # the data's date: 31/12, or an estimate's
    table["trang_thai_nam"] = info.status  # chinh_thuc, or uoc (an estimate year)
    return table


def missing_registers(dataset) -> set[tuple[int, str]]:  # noqa: ANN001
    """(year, register) pairs of the dataset's years that have no register file."""
    present = {(f.year, f.kind) for f in dataset.files if f.year is not None and not f.failed}
    absent = {(y, r) for y, info in getattr(dataset, "year_info", {}).items() for r in info.absent}
    return {(y, r) for y in dataset.years for r in ("htx", "tht") if (y, r) not in present} | absent


def compute_groups(dataset, years: Sequence[int], column: str | None) -> pd.DataFrame:  # noqa: ANN001
    """Every indicator for ``years`` grouped by a row column as the rows give it — the former
    province (``tinh_cu``) or former district (``huyen_cu``), filled through the crosswalk after
    a change — with ``cap_dia_ban`` = the column; province-wide only when ``column`` is None.

    >>> from kttt.config import SAMPLE_DATASET
    >>> from kttt.load import load_dataset
    >>> g = compute_groups(load_dataset(SAMPLE_DATASET, years=[2022]), [2022], "huyen_cu")
    >>> int(g[(g.ma_chi_tieu == "htx_hien_co") & (g.cap_dia_ban == "huyen_cu")]["gia_tri"].sum())
    652
    """
    levels = [(column, column)] if column else []
    values = compute_values(dataset.htx, dataset.tht, list(years), None, by_unit=bool(levels), by_sector=False,
                            levels=levels)
    return blank_missing(values, missing_registers(dataset))


def compute_history(dataset, years: Sequence[int] | None = None, by: str | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Values of every indicator for every year (the trend notebook's table): province-wide,
    and with ``by="tinh_cu"`` also by former province — for a merged province its history as
    the sum of its former provinces, through the crosswalk after the merger."""
    years = list(years or dataset.years)
    levels = [(lvl, col) for lvl, col in LEVELS if col == by]
    values = compute_values(dataset.htx, dataset.tht, years, None, by_unit=bool(levels), by_sector=False,
                            levels=levels)
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
    """The table as the CLI prints it: numbers as full-precision machine text; text cells that a
    spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) get a leading ``'``."""
    from kttt.fmt import csv_text

    out = table.copy()
    for col in out.columns:
        # every text column: pandas ≥ 3 stores text as the "str" dtype, not object (csv_text
        # leaves anything that is not text as it is)
        if col not in NUMBER_COLUMNS and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(csv_text)
    for col in NUMBER_COLUMNS:
        out[col] = out[col].map(machine_number)
    out["dat_chi_tieu"] = out["dat_chi_tieu"].map(lambda v: "" if v is pd.NA or v is None else str(bool(v)).lower())
    first = ["ma_chi_tieu", "dia_ban", "linh_vuc", "gia_tri"]
    return out[first + [c for c in out.columns if c not in first]]
