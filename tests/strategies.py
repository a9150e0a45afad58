"""Hypothesis strategies for registers (one module, as pyjanitor keeps them)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import strategies as st

UNITS = ["132", "133", "140"]
SECTORS = ["nong_nghiep", "cn_ttcn", "van_tai", "tin_dung"]


def _date(year_from: int, year_to: int) -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(year_from, 1, 1), dt.date(year_to, 12, 31))


maybe_money = st.one_of(st.none(), st.floats(-500, 5000, allow_nan=False).map(lambda x: round(x, 1)))


@st.composite
def htx_rows(draw: st.DrawFn, year: int = 2022) -> dict:
    kind = draw(st.sampled_from(["htx", "htx", "qtdnd", "lhhtx"]))
    status = draw(st.sampled_from(["dang_hoat_dong", "ngung_hoat_dong", "giai_the"]))
    founded = draw(_date(2000, year))
    ended = draw(_date(founded.year, year).filter(lambda d: d >= founded)) if status == "giai_the" else None
    managers = draw(st.one_of(st.none(), st.integers(0, 9)))
    trained = None if managers is None else draw(st.integers(0, managers))
    revenue = draw(maybe_money)
    return {
        "nam": year, "loai_hinh": kind, "don_vi": draw(st.sampled_from(UNITS)),
        "linh_vuc": draw(st.sampled_from(SECTORS)), "ngay_thanh_lap": pd.Timestamp(founded),
        "ngay_giai_the": pd.Timestamp(ended) if ended else pd.NaT, "trang_thai": status,
        "so_thanh_vien": draw(st.integers(0, 300)), "so_lao_dong": draw(st.integers(0, 80)),
        "von_dieu_le": draw(st.one_of(st.none(), st.floats(0, 9000, allow_nan=False))),
        "doanh_thu": None if revenue is None else abs(revenue), "loi_nhuan": draw(maybe_money),
        "thu_nhap_bq": draw(st.one_of(st.none(), st.floats(0, 200, allow_nan=False))),
        "xep_loai": draw(st.sampled_from([None, "tot", "kha", "trung_binh", "yeu", "khong_xep_loai"])),
        "dung_luat": draw(st.sampled_from([None, True, False])),
        "so_can_bo_quan_ly": managers, "so_can_bo_tap_huan": trained,
        "so_san_pham_ocop": draw(st.one_of(st.none(), st.integers(0, 4))),
    }


@st.composite
def tht_rows(draw: st.DrawFn, year: int = 2022) -> dict:
    ended = draw(st.booleans())
    founded = draw(_date(2005, year))
    return {
        "nam": year, "don_vi": draw(st.sampled_from(UNITS)), "linh_vuc": draw(st.sampled_from(SECTORS)),
        "ngay_thanh_lap": pd.Timestamp(founded),
        "ngay_cham_dut": pd.Timestamp(draw(_date(founded.year, year).filter(lambda d: d >= founded))) if ended else pd.NaT,
        "trang_thai": "cham_dut" if ended else "dang_hoat_dong",
        "so_thanh_vien": draw(st.integers(0, 40)), "so_lao_dong": draw(st.integers(0, 20)),
        "doanh_thu": draw(st.one_of(st.none(), st.floats(0, 900, allow_nan=False))),
        "loi_nhuan": draw(maybe_money),
        "thu_nhap_bq": draw(st.one_of(st.none(), st.floats(0, 90, allow_nan=False))),
    }


def htx_frame(rows: list[dict]) -> pd.DataFrame:
    """Typed like the loader's frames."""
    frame = pd.DataFrame(rows, columns=list(htx_rows_columns()))
    for c in ("so_thanh_vien", "so_lao_dong", "so_can_bo_quan_ly", "so_can_bo_tap_huan", "so_san_pham_ocop"):
        frame[c] = pd.array(frame[c].tolist(), dtype="Int64")
    for c in ("von_dieu_le", "doanh_thu", "loi_nhuan", "thu_nhap_bq"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    frame["dung_luat"] = pd.array(frame["dung_luat"].tolist(), dtype="boolean")
    for c in ("ngay_thanh_lap", "ngay_giai_the"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    frame["nam"] = frame["nam"].astype("int64")
    return frame


def tht_frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["nam", "don_vi", "linh_vuc", "ngay_thanh_lap", "ngay_cham_dut", "trang_thai", "so_thanh_vien",
            "so_lao_dong", "doanh_thu", "loi_nhuan", "thu_nhap_bq"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("so_thanh_vien", "so_lao_dong"):
        frame[c] = pd.array(frame[c].tolist(), dtype="Int64")
    for c in ("doanh_thu", "loi_nhuan", "thu_nhap_bq"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    for c in ("ngay_thanh_lap", "ngay_cham_dut"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    frame["nam"] = frame["nam"].astype("int64")
    return frame


def htx_rows_columns() -> tuple[str, ...]:
    return ("nam", "loai_hinh", "don_vi", "linh_vuc", "ngay_thanh_lap", "ngay_giai_the", "trang_thai",
            "so_thanh_vien", "so_lao_dong", "von_dieu_le", "doanh_thu", "loi_nhuan", "thu_nhap_bq",
            "xep_loai", "dung_luat", "so_can_bo_quan_ly", "so_can_bo_tap_huan", "so_san_pham_ocop")
