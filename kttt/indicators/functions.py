"""The catalogue's formulas: one pure, vectorised function per indicator.

Every function takes :class:`Registers` — the loaded ``htx`` and ``tht`` frames (accepted
rows; each row carries its register year in ``nam``) split into groups by the keys ``by``
(``["nam"]`` for the province, ``["nam", "don_vi"]`` by unit, ``["nam", "linh_vuc"]`` by
sector, ``["tinh", "nam"]`` for many provinces at once) — and returns one value per group,
as a float array aligned with ``registers.index``. NaN means "no value": the population is
empty (no operating HTX reported revenue, say). Counts over an empty population are 0.

Populations for year Y (snapshot at 31/12/Y):

- HTX hiện có: ``loai_hinh`` in {htx, qtdnd} and ``trang_thai`` ≠ giai_the;
- HTX đang hoạt động: hiện có and ``trang_thai`` = dang_hoat_dong;
- THT hiện có: ``trang_thai`` = dang_hoat_dong;
- LHHTX are counted on their own, never inside HTX figures.

The work is grouped counting and summing with ``numpy.bincount`` over integer group codes
computed once, so every indicator for 34 provinces × 10 years takes one pass each.

>>> r = Registers(*demo_frames(), ["nam"])
>>> htx_hien_co(r).tolist(), doanh_thu_bq_htx(r).tolist()
([3.0], [1500.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import pandas as pd

COOP_KINDS = ("htx", "qtdnd")
RATED = ("tot", "kha", "trung_binh", "yeu")


class Registers:
    """The two registers split into groups by ``by``; masks and columns computed once.

    >>> r = Registers(*demo_frames(), ["nam", "don_vi"])
    >>> list(r.index)
    [(2022, '132'), (2022, '133')]
    """

    def __init__(self, htx: pd.DataFrame, tht: pd.DataFrame, by: Sequence[str]):
        self.htx, self.tht, self.by = htx, tht, list(by)
        keys = pd.concat([htx[self.by], tht[self.by]], ignore_index=True)
        if len(self.by) == 1:
            codes, uniques = pd.factorize(keys[self.by[0]], sort=True)
            self.index: pd.Index = pd.Index(uniques, name=self.by[0])
        else:
            codes, uniques = pd.MultiIndex.from_frame(keys).factorize(sort=True)
            self.index = pd.MultiIndex.from_tuples(list(uniques), names=self.by) if len(uniques) else \
                pd.MultiIndex.from_arrays([[] for _ in self.by], names=self.by)
        codes = np.asarray(codes, dtype=np.int64)
        self.n = len(self.index)
        self.codes = {"htx": codes[: len(htx)], "tht": codes[len(htx):]}
        self._columns: dict[tuple[str, str], np.ndarray] = {}

    def frame(self, which: str) -> pd.DataFrame:
        return self.htx if which == "htx" else self.tht

    def column(self, which: str, name: str) -> np.ndarray:
        """A numeric column as floats (NaN for blank)."""
        key = (which, name)
        if key not in self._columns:
            series = self.frame(which)[name]
            if series.dtype == "boolean":
                values = series.astype("float64").to_numpy(na_value=np.nan)
            else:
                values = series.to_numpy(dtype="float64", na_value=np.nan)
            self._columns[key] = values
        return self._columns[key]

    def text(self, which: str, name: str) -> np.ndarray:
        return self.frame(which)[name].to_numpy(dtype=object)

    def count(self, which: str, mask: np.ndarray) -> np.ndarray:
        """Rows of the mask in each group."""
        return np.bincount(self.codes[which][mask], minlength=self.n).astype("float64")

    def total(self, which: str, mask: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Σ values over the rows of the mask that have a value, and how many had one."""
        keep = mask & ~np.isnan(values)
        codes = self.codes[which][keep]
        sums = np.bincount(codes, weights=values[keep], minlength=self.n)
        return sums, np.bincount(codes, minlength=self.n).astype("float64")

    # populations ----------------------------------------------------------------------
    @cached_property
    def is_coop(self) -> np.ndarray:
        """HTX in the catalogue's sense: ``loai_hinh`` in {htx, qtdnd}."""
        return np.isin(self.text("htx", "loai_hinh"), COOP_KINDS)

    @cached_property
    def existing_htx(self) -> np.ndarray:
        """HTX hiện có: htx or qtdnd, not dissolved at 31/12."""
        return self.is_coop & (self.text("htx", "trang_thai") != "giai_the")

    @cached_property
    def operating_htx(self) -> np.ndarray:
        """HTX đang hoạt động: existing and ``dang_hoat_dong``."""
        return self.existing_htx & (self.text("htx", "trang_thai") == "dang_hoat_dong")

    @cached_property
    def existing_tht(self) -> np.ndarray:
        """THT hiện có: ``trang_thai`` = dang_hoat_dong."""
        return self.text("tht", "trang_thai") == "dang_hoat_dong"

    def in_year(self, which: str, column: str) -> np.ndarray:
        """The date in ``column`` falls in the register's year (``nam``), up to the register's
        data date (``ngay_so_lieu``: 31/12, or the data date of an estimate year)."""
        frame = self.frame(which)
        inside = frame[column].dt.year == frame["nam"]
        if "ngay_so_lieu" in frame.columns:
            inside &= frame[column] <= frame["ngay_so_lieu"]
        return inside.to_numpy(dtype=bool, na_value=False)

    @cached_property
    def new_htx(self) -> np.ndarray:
        """HTX thành lập mới: htx or qtdnd founded in the year."""
        return self.is_coop & self.in_year("htx", "ngay_thanh_lap")


def _ratio(numerator: np.ndarray, denominator: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """numerator × scale / denominator where the denominator is positive, NaN elsewhere."""
    out = np.full(len(denominator), np.nan)
    ok = denominator > 0
    out[ok] = numerator[ok] * scale / denominator[ok]
    return out


def _sum_reported(r: Registers, which: str, mask: np.ndarray, column: str) -> np.ndarray:
    """Σ column over the rows that reported it; NaN where nobody did."""
    sums, reported = r.total(which, mask, r.column(which, column))
    return np.where(reported > 0, sums, np.nan)


def _mean(r: Registers, which: str, mask: np.ndarray, column: str) -> np.ndarray:
    sums, reported = r.total(which, mask, r.column(which, column))
    return _ratio(sums, reported)


def _weighted_income(r: Registers, which: str, mask: np.ndarray) -> np.ndarray:
    income, workers = r.column(which, "thu_nhap_bq"), r.column(which, "so_lao_dong")
    both = mask & ~np.isnan(income) & ~np.isnan(workers)
    weighted, _ = r.total(which, both, income * np.nan_to_num(workers))
    weights, _ = r.total(which, both, workers)
    return _ratio(weighted, weights)


# ---------------------------------------------------------------------------- counts

def htx_hien_co(r: Registers) -> np.ndarray:
    """Số HTX hiện có = count of existing HTX (htx, qtdnd; not dissolved).

    >>> htx_hien_co(Registers(*demo_frames(), ["nam", "don_vi"])).tolist()
    [2.0, 1.0]
    """
    return r.count("htx", r.existing_htx)


def htx_dang_hoat_dong(r: Registers) -> np.ndarray:
    """Số HTX đang hoạt động = count of existing HTX with ``dang_hoat_dong``.

    >>> htx_dang_hoat_dong(Registers(*demo_frames(), ["nam"])).tolist()
    [2.0]
    """
    return r.count("htx", r.operating_htx)


def htx_ngung_hoat_dong(r: Registers) -> np.ndarray:
    """Số HTX ngừng hoạt động = count of existing HTX with ``ngung_hoat_dong``.

    >>> htx_ngung_hoat_dong(Registers(*demo_frames(), ["nam"])).tolist()
    [1.0]
    """
    return r.count("htx", r.existing_htx & (r.text("htx", "trang_thai") == "ngung_hoat_dong"))


def htx_thanh_lap_moi(r: Registers) -> np.ndarray:
    """Số HTX thành lập mới = count of htx/qtdnd whose ``ngay_thanh_lap`` is in the year.

    >>> htx_thanh_lap_moi(Registers(*demo_frames(), ["nam"])).tolist()
    [1.0]
    """
    return r.count("htx", r.new_htx)


def htx_giai_the(r: Registers) -> np.ndarray:
    """Số HTX giải thể = count of htx/qtdnd whose ``ngay_giai_the`` is in the year.

    >>> htx_giai_the(Registers(*demo_frames(), ["nam"])).tolist()
    [1.0]
    """
    return r.count("htx", r.is_coop & r.in_year("htx", "ngay_giai_the"))


def qtdnd_hien_co(r: Registers) -> np.ndarray:
    """Số quỹ tín dụng nhân dân = count of existing HTX with ``loai_hinh`` = qtdnd.

    >>> qtdnd_hien_co(Registers(*demo_frames(), ["nam"])).tolist()
    [0.0]
    """
    return r.count("htx", r.existing_htx & (r.text("htx", "loai_hinh") == "qtdnd"))


def lhhtx_hien_co(r: Registers) -> np.ndarray:
    """Số liên hiệp HTX = count of ``lhhtx`` rows not dissolved (never inside HTX figures).

    >>> lhhtx_hien_co(Registers(*demo_frames(), ["nam"])).tolist()
    [1.0]
    """
    return r.count("htx", (r.text("htx", "loai_hinh") == "lhhtx") & (r.text("htx", "trang_thai") != "giai_the"))


def tht_hien_co(r: Registers) -> np.ndarray:
    """Số THT hiện có = count of THT with ``dang_hoat_dong``.

    >>> tht_hien_co(Registers(*demo_frames(), ["nam"])).tolist()
    [2.0]
    """
    return r.count("tht", r.existing_tht)


def tht_thanh_lap_moi(r: Registers) -> np.ndarray:
    """Số THT thành lập mới = count of THT whose ``ngay_thanh_lap`` is in the year.

    >>> tht_thanh_lap_moi(Registers(*demo_frames(), ["nam"])).tolist()
    [1.0]
    """
    return r.count("tht", r.in_year("tht", "ngay_thanh_lap"))


def tht_cham_dut(r: Registers) -> np.ndarray:
    """Số THT chấm dứt = count of THT whose ``ngay_cham_dut`` is in the year.

    >>> tht_cham_dut(Registers(*demo_frames(), ["nam"])).tolist()
    [1.0]
    """
    return r.count("tht", r.in_year("tht", "ngay_cham_dut"))


# ---------------------------------------------------------------------------- people

def thanh_vien_htx(r: Registers) -> np.ndarray:
    """Thành viên HTX = Σ ``so_thanh_vien`` of existing HTX.

    >>> thanh_vien_htx(Registers(*demo_frames(), ["nam"])).tolist()
    [60.0]
    """
    return r.total("htx", r.existing_htx, r.column("htx", "so_thanh_vien"))[0]


def thanh_vien_tht(r: Registers) -> np.ndarray:
    """Thành viên THT = Σ ``so_thanh_vien`` of existing THT.

    >>> thanh_vien_tht(Registers(*demo_frames(), ["nam"])).tolist()
    [13.0]
    """
    return r.total("tht", r.existing_tht, r.column("tht", "so_thanh_vien"))[0]


def thanh_vien_kttt(r: Registers) -> np.ndarray:
    """Thành viên khu vực KTTT = thành viên HTX + thành viên THT.

    >>> thanh_vien_kttt(Registers(*demo_frames(), ["nam"])).tolist()
    [73.0]
    """
    return thanh_vien_htx(r) + thanh_vien_tht(r)


def lao_dong_htx(r: Registers) -> np.ndarray:
    """Lao động thường xuyên trong HTX = Σ ``so_lao_dong`` of operating HTX.

    >>> lao_dong_htx(Registers(*demo_frames(), ["nam"])).tolist()
    [30.0]
    """
    return r.total("htx", r.operating_htx, r.column("htx", "so_lao_dong"))[0]


def lao_dong_tht(r: Registers) -> np.ndarray:
    """Lao động trong THT = Σ ``so_lao_dong`` of existing THT.

    >>> lao_dong_tht(Registers(*demo_frames(), ["nam"])).tolist()
    [6.0]
    """
    return r.total("tht", r.existing_tht, r.column("tht", "so_lao_dong"))[0]


# ---------------------------------------------------------------------------- finance

def von_dieu_le_htx(r: Registers) -> np.ndarray:
    """Tổng vốn điều lệ HTX = Σ ``von_dieu_le`` of existing HTX that reported it.

    >>> von_dieu_le_htx(Registers(*demo_frames(), ["nam"])).tolist()
    [3500.0]
    """
    return _sum_reported(r, "htx", r.existing_htx, "von_dieu_le")


def doanh_thu_bq_htx(r: Registers) -> np.ndarray:
    """Doanh thu bình quân một HTX = mean ``doanh_thu`` over operating HTX that reported it.

    An empty revenue is "not reported", never 0.

    >>> doanh_thu_bq_htx(Registers(*demo_frames(), ["nam"])).tolist()
    [1500.0]
    """
    return _mean(r, "htx", r.operating_htx, "doanh_thu")


def loi_nhuan_bq_htx(r: Registers) -> np.ndarray:
    """Lợi nhuận bình quân một HTX = mean ``loi_nhuan`` over operating HTX that reported it.

    >>> loi_nhuan_bq_htx(Registers(*demo_frames(), ["nam"])).tolist()
    [125.0]
    """
    return _mean(r, "htx", r.operating_htx, "loi_nhuan")


def thu_nhap_bq_ld_htx(r: Registers) -> np.ndarray:
    """Thu nhập bình quân lao động HTX (triệu đồng/người/năm)
    = Σ(thu_nhap_bq × so_lao_dong) / Σ so_lao_dong over operating HTX that reported both.

    >>> thu_nhap_bq_ld_htx(Registers(*demo_frames(), ["nam"])).tolist()
    [64.0]
    """
    return _weighted_income(r, "htx", r.operating_htx)


def thu_nhap_bq_ld_htx_thang(r: Registers) -> np.ndarray:
    """Thu nhập bình quân lao động HTX per month = thu_nhap_bq_ld_htx / 12.

    >>> thu_nhap_bq_ld_htx_thang(Registers(*demo_frames(), ["nam"])).round(4).tolist()
    [5.3333]
    """
    return thu_nhap_bq_ld_htx(r) / 12.0


def doanh_thu_bq_tht(r: Registers) -> np.ndarray:
    """Doanh thu bình quân một THT = mean ``doanh_thu`` over existing THT that reported it.

    >>> doanh_thu_bq_tht(Registers(*demo_frames(), ["nam"])).tolist()
    [300.0]
    """
    return _mean(r, "tht", r.existing_tht, "doanh_thu")


def loi_nhuan_bq_tht(r: Registers) -> np.ndarray:
    """Lợi nhuận bình quân một THT = mean ``loi_nhuan`` over existing THT that reported it.

    >>> loi_nhuan_bq_tht(Registers(*demo_frames(), ["nam"])).tolist()
    [90.0]
    """
    return _mean(r, "tht", r.existing_tht, "loi_nhuan")


def thu_nhap_bq_ld_tht(r: Registers) -> np.ndarray:
    """Thu nhập bình quân lao động THT = Σ(thu_nhap_bq × so_lao_dong) / Σ so_lao_dong
    over existing THT that reported both.

    >>> thu_nhap_bq_ld_tht(Registers(*demo_frames(), ["nam"])).tolist()
    [48.0]
    """
    return _weighted_income(r, "tht", r.existing_tht)


def thu_nhap_bq_ld_tht_thang(r: Registers) -> np.ndarray:
    """Thu nhập bình quân lao động THT per month = thu_nhap_bq_ld_tht / 12.

    >>> thu_nhap_bq_ld_tht_thang(Registers(*demo_frames(), ["nam"])).tolist()
    [4.0]
    """
    return thu_nhap_bq_ld_tht(r) / 12.0


# ---------------------------------------------------------------------------- quality

def ty_le_htx_kha_tot(r: Registers) -> np.ndarray:
    """Tỷ lệ HTX xếp loại khá, tốt (%) = operating HTX rated tot/kha × 100
    / operating HTX rated tot, kha, trung_binh or yeu. Not-rated HTX are not in the
    denominator.

    >>> ty_le_htx_kha_tot(Registers(*demo_frames(), ["nam"])).tolist()
    [100.0]
    """
    rating = r.text("htx", "xep_loai")
    rated = r.count("htx", r.operating_htx & np.isin(rating, RATED))
    good = r.count("htx", r.operating_htx & np.isin(rating, ("tot", "kha")))
    return _ratio(good, rated, 100.0)


def ty_le_htx_moi_dung_luat(r: Registers) -> np.ndarray:
    """Tỷ lệ HTX mới tổ chức, hoạt động theo Luật (%) = new HTX with ``dung_luat`` true × 100
    / new HTX with ``dung_luat`` given.

    >>> ty_le_htx_moi_dung_luat(Registers(*demo_frames(), ["nam"])).tolist()
    [100.0]
    """
    law = r.column("htx", "dung_luat")
    given = r.count("htx", r.new_htx & ~np.isnan(law))
    compliant = r.count("htx", r.new_htx & (law == 1.0))
    return _ratio(compliant, given, 100.0)


def ty_le_can_bo_htx_moi_tap_huan(r: Registers) -> np.ndarray:
    """Tỷ lệ cán bộ quản lý HTX mới được tập huấn (%) = Σ so_can_bo_tap_huan × 100
    / Σ so_can_bo_quan_ly over new HTX.

    >>> ty_le_can_bo_htx_moi_tap_huan(Registers(*demo_frames(), ["nam"])).tolist()
    [75.0]
    """
    trained, _ = r.total("htx", r.new_htx, r.column("htx", "so_can_bo_tap_huan"))
    managers, _ = r.total("htx", r.new_htx, r.column("htx", "so_can_bo_quan_ly"))
    return _ratio(trained, managers, 100.0)


def san_pham_ocop_htx(r: Registers) -> np.ndarray:
    """Sản phẩm OCOP của HTX = Σ ``so_san_pham_ocop`` of existing HTX (NaN when none reported).

    >>> san_pham_ocop_htx(Registers(*demo_frames(), ["nam"])).tolist()
    [2.0]
    """
    return _sum_reported(r, "htx", r.existing_htx, "so_san_pham_ocop")


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
