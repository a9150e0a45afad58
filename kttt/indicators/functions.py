"""The catalogue's formulas: one pure, vectorised function per indicator.

Every function takes the loaded ``htx`` and ``tht`` frames (accepted rows; each row carries
the register year in ``nam``) and the grouping keys ``by`` (``["nam"]`` for the province,
``["nam", "don_vi"]`` by unit, ``["nam", "linh_vuc"]`` by sector) and returns a Series
indexed by those keys. A group missing from the result has an empty population; the caller
decides whether that reads 0 (counts, sums of required fields) or "no value" (means,
ratios, sums of optional fields).

Populations for year Y (snapshot at 31/12/Y):

- HTX hiện có: ``loai_hinh`` in {htx, qtdnd} and ``trang_thai`` ≠ giai_the;
- HTX đang hoạt động: hiện có and ``trang_thai`` = dang_hoat_dong;
- THT hiện có: ``trang_thai`` = dang_hoat_dong;
- LHHTX are counted on their own, never inside HTX figures.

>>> htx, tht = demo_frames()
>>> int(htx_hien_co(htx, tht, ["nam"]).loc[2022])
3
>>> float(doanh_thu_bq_htx(htx, tht, ["nam"]).loc[2022])
1500.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

COOP_KINDS = ("htx", "qtdnd")
RATED = ("tot", "kha", "trung_binh", "yeu")


# ---------------------------------------------------------------------------- populations

def is_coop(htx: pd.DataFrame) -> pd.Series:
    """Rows that are HTX in the catalogue's sense: ``loai_hinh`` in {htx, qtdnd}."""
    return htx["loai_hinh"].isin(COOP_KINDS)


def existing_htx(htx: pd.DataFrame) -> pd.Series:
    """HTX hiện có: htx or qtdnd, not dissolved at 31/12."""
    return is_coop(htx) & (htx["trang_thai"] != "giai_the")


def operating_htx(htx: pd.DataFrame) -> pd.Series:
    """HTX đang hoạt động: existing and ``dang_hoat_dong``."""
    return existing_htx(htx) & (htx["trang_thai"] == "dang_hoat_dong")


def existing_tht(tht: pd.DataFrame) -> pd.Series:
    """THT hiện có: ``trang_thai`` = dang_hoat_dong."""
    return tht["trang_thai"] == "dang_hoat_dong"


def in_year(frame: pd.DataFrame, column: str) -> pd.Series:
    """The date in ``column`` falls in the register's year (``nam``)."""
    return frame[column].dt.year == frame["nam"]


def new_htx(htx: pd.DataFrame) -> pd.Series:
    """HTX thành lập mới: htx or qtdnd founded in the year."""
    return is_coop(htx) & in_year(htx, "ngay_thanh_lap")


# ---------------------------------------------------------------------------- helpers

def _count(frame: pd.DataFrame, mask: pd.Series, by: Sequence[str]) -> pd.Series:
    return frame.loc[mask].groupby(list(by), sort=True).size().astype("float64")


def _sum(frame: pd.DataFrame, mask: pd.Series, column: str, by: Sequence[str]) -> pd.Series:
    """Σ column over the rows that reported it; groups where nobody did are left out."""
    values = frame.loc[mask, [*by, column]].dropna(subset=[column])
    return values.groupby(list(by), sort=True)[column].sum().astype("float64")


def _mean(frame: pd.DataFrame, mask: pd.Series, column: str, by: Sequence[str]) -> pd.Series:
    values = frame.loc[mask, [*by, column]].dropna(subset=[column])
    values[column] = values[column].astype("float64")
    return values.groupby(list(by), sort=True)[column].mean()


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator × 100 where the denominator is positive."""
    num = numerator.reindex(denominator.index, fill_value=0.0)
    den = denominator.where(denominator > 0)
    return (num * 100.0 / den).dropna()


def _weighted_income(frame: pd.DataFrame, mask: pd.Series, by: Sequence[str]) -> pd.Series:
    cols = frame.loc[mask, [*by, "thu_nhap_bq", "so_lao_dong"]].dropna(subset=["thu_nhap_bq", "so_lao_dong"])
    workers = cols["so_lao_dong"].astype("float64")
    cols = cols.assign(_w=workers, _iw=cols["thu_nhap_bq"].astype("float64") * workers)
    sums = cols.groupby(list(by), sort=True)[["_iw", "_w"]].sum()
    sums = sums[sums["_w"] > 0]
    return sums["_iw"] / sums["_w"]


# ---------------------------------------------------------------------------- counts

def htx_hien_co(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số HTX hiện có = count of existing HTX (htx, qtdnd; not dissolved).

    >>> h, t = demo_frames()
    >>> htx_hien_co(h, t, ["nam", "don_vi"]).to_dict()
    {(2022, '132'): 2.0, (2022, '133'): 1.0}
    """
    return _count(htx, existing_htx(htx), by)


def htx_dang_hoat_dong(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số HTX đang hoạt động = count of existing HTX with ``dang_hoat_dong``.

    >>> h, t = demo_frames()
    >>> int(htx_dang_hoat_dong(h, t, ["nam"]).loc[2022])
    2
    """
    return _count(htx, operating_htx(htx), by)


def htx_ngung_hoat_dong(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số HTX ngừng hoạt động = count of existing HTX with ``ngung_hoat_dong``.

    >>> h, t = demo_frames()
    >>> int(htx_ngung_hoat_dong(h, t, ["nam"]).loc[2022])
    1
    """
    return _count(htx, existing_htx(htx) & (htx["trang_thai"] == "ngung_hoat_dong"), by)


def htx_thanh_lap_moi(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số HTX thành lập mới = count of htx/qtdnd whose ``ngay_thanh_lap`` is in the year.

    >>> h, t = demo_frames()
    >>> int(htx_thanh_lap_moi(h, t, ["nam"]).loc[2022])
    1
    """
    return _count(htx, new_htx(htx), by)


def htx_giai_the(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số HTX giải thể = count of htx/qtdnd whose ``ngay_giai_the`` is in the year.

    >>> h, t = demo_frames()
    >>> int(htx_giai_the(h, t, ["nam"]).loc[2022])
    1
    """
    return _count(htx, is_coop(htx) & in_year(htx, "ngay_giai_the"), by)


def qtdnd_hien_co(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số quỹ tín dụng nhân dân = count of existing HTX with ``loai_hinh`` = qtdnd.

    >>> h, t = demo_frames()
    >>> qtdnd_hien_co(h, t, ["nam"]).empty
    True
    """
    return _count(htx, existing_htx(htx) & (htx["loai_hinh"] == "qtdnd"), by)


def lhhtx_hien_co(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số liên hiệp HTX = count of ``lhhtx`` rows not dissolved (never inside HTX figures).

    >>> h, t = demo_frames()
    >>> int(lhhtx_hien_co(h, t, ["nam"]).loc[2022])
    1
    """
    return _count(htx, (htx["loai_hinh"] == "lhhtx") & (htx["trang_thai"] != "giai_the"), by)


def tht_hien_co(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số THT hiện có = count of THT with ``dang_hoat_dong``.

    >>> h, t = demo_frames()
    >>> int(tht_hien_co(h, t, ["nam"]).loc[2022])
    2
    """
    return _count(tht, existing_tht(tht), by)


def tht_thanh_lap_moi(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số THT thành lập mới = count of THT whose ``ngay_thanh_lap`` is in the year.

    >>> h, t = demo_frames()
    >>> int(tht_thanh_lap_moi(h, t, ["nam"]).loc[2022])
    1
    """
    return _count(tht, in_year(tht, "ngay_thanh_lap"), by)


def tht_cham_dut(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Số THT chấm dứt = count of THT whose ``ngay_cham_dut`` is in the year.

    >>> h, t = demo_frames()
    >>> int(tht_cham_dut(h, t, ["nam"]).loc[2022])
    1
    """
    return _count(tht, in_year(tht, "ngay_cham_dut"), by)


# ---------------------------------------------------------------------------- people

def thanh_vien_htx(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Thành viên HTX = Σ ``so_thanh_vien`` of existing HTX.

    >>> h, t = demo_frames()
    >>> int(thanh_vien_htx(h, t, ["nam"]).loc[2022])
    60
    """
    return _sum(htx, existing_htx(htx), "so_thanh_vien", by)


def thanh_vien_tht(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Thành viên THT = Σ ``so_thanh_vien`` of existing THT.

    >>> h, t = demo_frames()
    >>> int(thanh_vien_tht(h, t, ["nam"]).loc[2022])
    13
    """
    return _sum(tht, existing_tht(tht), "so_thanh_vien", by)


def thanh_vien_kttt(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Thành viên khu vực KTTT = thành viên HTX + thành viên THT.

    >>> h, t = demo_frames()
    >>> int(thanh_vien_kttt(h, t, ["nam"]).loc[2022])
    73
    """
    return thanh_vien_htx(htx, tht, by).add(thanh_vien_tht(htx, tht, by), fill_value=0.0)


def lao_dong_htx(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Lao động thường xuyên trong HTX = Σ ``so_lao_dong`` of operating HTX.

    >>> h, t = demo_frames()
    >>> int(lao_dong_htx(h, t, ["nam"]).loc[2022])
    30
    """
    return _sum(htx, operating_htx(htx), "so_lao_dong", by)


def lao_dong_tht(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Lao động trong THT = Σ ``so_lao_dong`` of existing THT.

    >>> h, t = demo_frames()
    >>> int(lao_dong_tht(h, t, ["nam"]).loc[2022])
    6
    """
    return _sum(tht, existing_tht(tht), "so_lao_dong", by)


# ---------------------------------------------------------------------------- finance

def von_dieu_le_htx(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Tổng vốn điều lệ HTX = Σ ``von_dieu_le`` of existing HTX that reported it.

    >>> h, t = demo_frames()
    >>> float(von_dieu_le_htx(h, t, ["nam"]).loc[2022])
    3500.0
    """
    return _sum(htx, existing_htx(htx), "von_dieu_le", by)


def doanh_thu_bq_htx(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Doanh thu bình quân một HTX = mean ``doanh_thu`` over operating HTX that reported it.

    An empty revenue is "not reported", never 0.

    >>> h, t = demo_frames()
    >>> float(doanh_thu_bq_htx(h, t, ["nam"]).loc[2022])
    1500.0
    """
    return _mean(htx, operating_htx(htx), "doanh_thu", by)


def loi_nhuan_bq_htx(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Lợi nhuận bình quân một HTX = mean ``loi_nhuan`` over operating HTX that reported it.

    >>> h, t = demo_frames()
    >>> float(loi_nhuan_bq_htx(h, t, ["nam"]).loc[2022])
    125.0
    """
    return _mean(htx, operating_htx(htx), "loi_nhuan", by)


def thu_nhap_bq_ld_htx(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Thu nhập bình quân lao động HTX (triệu đồng/người/năm)
    = Σ(thu_nhap_bq × so_lao_dong) / Σ so_lao_dong over operating HTX that reported both.

    >>> h, t = demo_frames()
    >>> float(thu_nhap_bq_ld_htx(h, t, ["nam"]).loc[2022])
    64.0
    """
    return _weighted_income(htx, operating_htx(htx), by)


def thu_nhap_bq_ld_htx_thang(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Thu nhập bình quân lao động HTX per month = thu_nhap_bq_ld_htx / 12.

    >>> h, t = demo_frames()
    >>> round(float(thu_nhap_bq_ld_htx_thang(h, t, ["nam"]).loc[2022]), 4)
    5.3333
    """
    return thu_nhap_bq_ld_htx(htx, tht, by) / 12.0


def doanh_thu_bq_tht(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Doanh thu bình quân một THT = mean ``doanh_thu`` over existing THT that reported it.

    >>> h, t = demo_frames()
    >>> float(doanh_thu_bq_tht(h, t, ["nam"]).loc[2022])
    300.0
    """
    return _mean(tht, existing_tht(tht), "doanh_thu", by)


def loi_nhuan_bq_tht(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Lợi nhuận bình quân một THT = mean ``loi_nhuan`` over existing THT that reported it.

    >>> h, t = demo_frames()
    >>> float(loi_nhuan_bq_tht(h, t, ["nam"]).loc[2022])
    90.0
    """
    return _mean(tht, existing_tht(tht), "loi_nhuan", by)


def thu_nhap_bq_ld_tht(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Thu nhập bình quân lao động THT = Σ(thu_nhap_bq × so_lao_dong) / Σ so_lao_dong
    over existing THT that reported both.

    >>> h, t = demo_frames()
    >>> float(thu_nhap_bq_ld_tht(h, t, ["nam"]).loc[2022])
    48.0
    """
    return _weighted_income(tht, existing_tht(tht), by)


def thu_nhap_bq_ld_tht_thang(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Thu nhập bình quân lao động THT per month = thu_nhap_bq_ld_tht / 12.

    >>> h, t = demo_frames()
    >>> float(thu_nhap_bq_ld_tht_thang(h, t, ["nam"]).loc[2022])
    4.0
    """
    return thu_nhap_bq_ld_tht(htx, tht, by) / 12.0


# ---------------------------------------------------------------------------- quality

def ty_le_htx_kha_tot(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Tỷ lệ HTX xếp loại khá, tốt (%) = operating HTX rated tot/kha × 100
    / operating HTX rated tot, kha, trung_binh or yeu. Not-rated HTX are not in the
    denominator.

    >>> h, t = demo_frames()
    >>> float(ty_le_htx_kha_tot(h, t, ["nam"]).loc[2022])
    100.0
    """
    operating = operating_htx(htx)
    rated = _count(htx, operating & htx["xep_loai"].isin(RATED), by)
    good = _count(htx, operating & htx["xep_loai"].isin(("tot", "kha")), by)
    return _share(good, rated)


def ty_le_htx_moi_dung_luat(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Tỷ lệ HTX mới tổ chức, hoạt động theo Luật (%) = new HTX with ``dung_luat`` true × 100
    / new HTX with ``dung_luat`` given.

    >>> h, t = demo_frames()
    >>> float(ty_le_htx_moi_dung_luat(h, t, ["nam"]).loc[2022])
    100.0
    """
    new = new_htx(htx)
    given = new & htx["dung_luat"].notna()
    compliant = given & htx["dung_luat"].fillna(False).astype(bool)
    return _share(_count(htx, compliant, by), _count(htx, given, by))


def ty_le_can_bo_htx_moi_tap_huan(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Tỷ lệ cán bộ quản lý HTX mới được tập huấn (%) = Σ so_can_bo_tap_huan × 100
    / Σ so_can_bo_quan_ly over new HTX.

    >>> h, t = demo_frames()
    >>> float(ty_le_can_bo_htx_moi_tap_huan(h, t, ["nam"]).loc[2022])
    75.0
    """
    new = new_htx(htx)
    return _share(_sum(htx, new, "so_can_bo_tap_huan", by), _sum(htx, new, "so_can_bo_quan_ly", by))


def san_pham_ocop_htx(htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Sản phẩm OCOP của HTX = Σ ``so_san_pham_ocop`` of existing HTX.

    >>> h, t = demo_frames()
    >>> int(san_pham_ocop_htx(h, t, ["nam"]).loc[2022])
    2
    """
    return _sum(htx, existing_htx(htx), "so_san_pham_ocop", by)


# ---------------------------------------------------------------------------- the demo

def demo_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A tiny 2022 dataset for the examples in the docstrings.

    HTX: A (operating, rated khá, new), B (operating, not rated), C (suspended),
    D (dissolved in 2022), U (a union: never an HTX).

    >>> h, t = demo_frames()
    >>> list(h["ma_htx"])
    ['A', 'B', 'C', 'D', 'U']
    """
    d = pd.Timestamp
    htx = pd.DataFrame({
        "nam": 2022,
        "ma_htx": ["A", "B", "C", "D", "U"],
        "loai_hinh": ["htx", "htx", "htx", "htx", "lhhtx"],
        "don_vi": ["132", "132", "133", "133", "132"],
        "linh_vuc": ["nong_nghiep", "cn_ttcn", "nong_nghiep", "van_tai", "khac"],
        "ngay_thanh_lap": [d("2022-03-01"), d("2019-05-05"), d("2018-01-01"), d("2015-01-01"), d("2020-01-01")],
        "ngay_giai_the": [pd.NaT, pd.NaT, pd.NaT, d("2022-06-30"), pd.NaT],
        "trang_thai": ["dang_hoat_dong", "dang_hoat_dong", "ngung_hoat_dong", "giai_the", "dang_hoat_dong"],
        "so_thanh_vien": pd.array([20, 30, 10, 8, 500], dtype="Int64"),
        "so_lao_dong": pd.array([10, 20, 0, 0, 50], dtype="Int64"),
        "von_dieu_le": [1000.0, 2000.0, 500.0, np.nan, 9000.0],
        "doanh_thu": [1000.0, 2000.0, 100.0, np.nan, 99999.0],
        "loi_nhuan": [-50.0, 300.0, np.nan, np.nan, 9999.0],
        "thu_nhap_bq": [60.0, 66.0, np.nan, np.nan, 100.0],
        "xep_loai": ["kha", "khong_xep_loai", "khong_xep_loai", None, None],
        "dung_luat": pd.array([True, True, None, None, None], dtype="boolean"),
        "so_can_bo_quan_ly": pd.array([4, 5, 3, 3, 5], dtype="Int64"),
        "so_can_bo_tap_huan": pd.array([3, 5, 0, 0, 5], dtype="Int64"),
        "so_san_pham_ocop": pd.array([2, 0, None, None, 7], dtype="Int64"),
    })
    tht = pd.DataFrame({
        "nam": 2022,
        "ma_tht": ["T1", "T2", "T3"],
        "don_vi": ["132", "133", "133"],
        "linh_vuc": ["nong_nghiep", "nong_nghiep", "xay_dung"],
        "ngay_thanh_lap": [d("2022-02-02"), d("2017-01-01"), d("2016-01-01")],
        "ngay_cham_dut": [pd.NaT, pd.NaT, d("2022-09-09")],
        "trang_thai": ["dang_hoat_dong", "dang_hoat_dong", "cham_dut"],
        "so_thanh_vien": pd.array([5, 8, 6], dtype="Int64"),
        "so_lao_dong": pd.array([2, 4, 3], dtype="Int64"),
        "doanh_thu": [200.0, 400.0, np.nan],
        "loi_nhuan": [80.0, 100.0, np.nan],
        "thu_nhap_bq": [42.0, 51.0, np.nan],
    })
    return htx, tht
