"""Computed indicators against officially published figures (``so_lieu_cong_bo.csv``).

Several sources may publish the same figure (2024 new HTX in Yên Bái: 112, 113 and 120),
each with its status (chính thức, ước, 6 tháng, kế hoạch): every published row gets its own
line, with the computed value, the difference and whether the two agree as a reader would
see them (equal once both are formatted by the display rule).

>>> pub = pd.DataFrame({"nam": [2022], "ma_chi_tieu": ["htx_hien_co"], "gia_tri": [652.0],
...                     "trang_thai_so_lieu": ["chinh_thuc"], "ngay_cong_bo": ["2023-01-10"], "nguon": ["BC"]})
>>> r = reconcile_values(pub, {(2022, "htx_hien_co"): 650.0})
>>> row = r.iloc[0]
>>> float(row.gia_tri_cong_bo), float(row.gia_tri_tinh), float(row.chenh_lech), bool(row.khop)
(652.0, 650.0, -2.0, False)
"""

from __future__ import annotations

import math

import pandas as pd

from kttt import fmt
from kttt.contract import PUBLISHED_STATUSES
from kttt.indicators.catalogue import CATALOGUE
from kttt.indicators.table import (
    PROVINCE,
    blank_missing,
    compute_groups,
    compute_values,
    missing_registers,
)

COLUMNS = ["nam", "ma_chi_tieu", "ten_chi_tieu", "dia_ban", "gia_tri_cong_bo", "trang_thai_so_lieu",
           "trang_thai", "ngay_cong_bo", "nguon", "gia_tri_tinh", "chenh_lech", "chenh_lech_pct", "khop"]


def agree(code: str, computed: float | None, published: float) -> bool | None:
    """Whether computed and published read the same once formatted (None without a value, or
    for a published code outside the catalogue).

    >>> agree("thu_nhap_bq_ld_htx_thang", 5.30008, 5.3), agree("htx_hien_co", 651, 652)
    (True, False)
    """
    if fmt.is_empty(computed) or code not in CATALOGUE:
        return None
    return fmt.short(code, computed) == fmt.short(code, published)


def reconcile_values(published: pd.DataFrame, computed: dict[tuple, float]) -> pd.DataFrame:
    """One line per published row: published, computed, difference, agreement. ``computed`` is
    keyed by (year, code) for the province, or (year, code, area) for another area (``dia_ban``
    of the published row); a code outside the catalogue has no computed value."""
    rows = []
    for r in published.itertuples(index=False):
        area = getattr(r, "dia_ban", PROVINCE) or PROVINCE
        key = (int(r.nam), r.ma_chi_tieu) if area == PROVINCE else (int(r.nam), r.ma_chi_tieu, area)
        value = computed.get(key)
        has = value is not None and not (isinstance(value, float) and math.isnan(value))
        diff = value - r.gia_tri if has else float("nan")
        meta = CATALOGUE.get(r.ma_chi_tieu)
        rows.append({
            "nam": int(r.nam), "ma_chi_tieu": r.ma_chi_tieu,
            "ten_chi_tieu": meta.name_vi if meta else f"{r.ma_chi_tieu} (ngoài danh mục)", "dia_ban": area,
            "gia_tri_cong_bo": float(r.gia_tri), "trang_thai_so_lieu": r.trang_thai_so_lieu,
            "trang_thai": PUBLISHED_STATUSES.get(r.trang_thai_so_lieu, r.trang_thai_so_lieu),
            "ngay_cong_bo": r.ngay_cong_bo, "nguon": r.nguon,
            "gia_tri_tinh": value if has else float("nan"),
            "chenh_lech": diff,
            "chenh_lech_pct": diff * 100.0 / r.gia_tri if has and r.gia_tri else float("nan"),
            "khop": agree(r.ma_chi_tieu, value, float(r.gia_tri)) if has else None,
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["khop"] = frame["khop"].astype("boolean")
    return frame


def reconcile(dataset, years: list[int] | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Published figures of ``years`` (default: the dataset's years) against computed ones.

    >>> from kttt.config import SAMPLE_DATASET
    >>> from kttt.load import load_dataset
    >>> r = reconcile(load_dataset(SAMPLE_DATASET, years=[2022]))
    >>> row = r[r.ma_chi_tieu == "htx_thanh_lap_moi"].iloc[0]
    >>> float(row.gia_tri_cong_bo), float(row.gia_tri_tinh), bool(row.khop)
    (97.0, 97.0, True)
    """
    years = [y for y in (years or dataset.years) if y in dataset.years]
    published = dataset.published
    published = published[published["nam"].isin(years)] if len(published) else published
    if not years or published.empty:
        return pd.DataFrame(columns=COLUMNS)
    areas = set(published.get("dia_ban", pd.Series(dtype=object))) - {PROVINCE, ""}
    values = blank_missing(compute_values(dataset.htx, dataset.tht, years, dataset.geo if areas else None,
                                          by_unit=bool(areas), by_sector=False), missing_registers(dataset))
    if areas:  # former provinces, also after the merger (through the crosswalk)
        values = pd.concat([values, compute_groups(dataset, years, "tinh_cu")], ignore_index=True)
    computed: dict[tuple, float] = {}
    for r in values.itertuples(index=False):
        key = (int(r.nam), r.ma_chi_tieu) if r.dia_ban == PROVINCE else (int(r.nam), r.ma_chi_tieu, r.dia_ban)
        computed.setdefault(key, r.gia_tri)
    out = reconcile_values(published, computed)
    return out.sort_values(["nam", "dia_ban", "ma_chi_tieu", "ngay_cong_bo"], kind="stable").reset_index(drop=True)
