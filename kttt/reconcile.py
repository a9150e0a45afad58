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
from kttt.indicators.table import blank_missing, compute_values, missing_registers

COLUMNS = ["nam", "ma_chi_tieu", "ten_chi_tieu", "gia_tri_cong_bo", "trang_thai_so_lieu",
           "trang_thai", "ngay_cong_bo", "nguon", "gia_tri_tinh", "chenh_lech", "chenh_lech_pct", "khop"]


def agree(code: str, computed: float | None, published: float) -> bool | None:
    """Whether computed and published read the same once formatted (None without a value).

    >>> agree("thu_nhap_bq_ld_htx_thang", 5.30008, 5.3), agree("htx_hien_co", 651, 652)
    (True, False)
    """
    if fmt.is_empty(computed):
        return None
    return fmt.short(code, computed) == fmt.short(code, published)


def reconcile_values(published: pd.DataFrame, computed: dict[tuple[int, str], float]) -> pd.DataFrame:
    """One line per published row: published, computed, difference, agreement."""
    rows = []
    for r in published.itertuples(index=False):
        value = computed.get((int(r.nam), r.ma_chi_tieu))
        has = value is not None and not (isinstance(value, float) and math.isnan(value))
        diff = value - r.gia_tri if has else float("nan")
        rows.append({
            "nam": int(r.nam), "ma_chi_tieu": r.ma_chi_tieu, "ten_chi_tieu": CATALOGUE[r.ma_chi_tieu].name_vi,
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
    values = blank_missing(compute_values(dataset.htx, dataset.tht, years, by_unit=False, by_sector=False),
                           missing_registers(dataset))
    computed = {(int(r.nam), r.ma_chi_tieu): r.gia_tri for r in values.itertuples(index=False)}
    out = reconcile_values(published, computed)
    return out.sort_values(["nam", "ma_chi_tieu", "ngay_cong_bo"], kind="stable").reset_index(drop=True)
