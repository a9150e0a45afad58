"""kttt.indicators: each formula against a hand-worked fixture, properties, the 2022 sample."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kttt.config import SAMPLE_DATASET
from kttt.indicators import CATALOGUE, REGISTRY, compute_indicators, compute_table, compute_values
from kttt.load import load_dataset
from tests import strategies as S
from tests.builders import HTX_ROWS, make_dataset

EXTRA_ROWS = [
    # a union of cooperatives: large figures that must never reach HTX indicators
    ["5200000006", "Liên hiệp HTX Chè Văn Chấn", "Liên hiệp HTX", "TP. Yên Bái", "Khác",
     dt.date(2020, 1, 1), None, "Đang hoạt động", 500, 50, 9000, 99999, 9999, 100, "Tốt", "Có", 5, 5, 7, None],
    # operating, rated trung bình, revenue and profit NOT reported, income reported
    ["5200000007", "HTX Trồng trọt Cát Thịnh", "HTX", "Văn Chấn", "Nông nghiệp", dt.date(2018, 1, 1), None,
     "Đang hoạt động", 15, 5, None, None, None, 50, "Trung bình", "Có", 3, 1, 0, None],
    # operating, rated yếu, revenue reported as ZERO, income not reported
    ["5200000008", "HTX Thương mại Pú Trạng", "HTX", "133", "TM-DV", dt.date(2020, 6, 1), None,
     "Đang hoạt động", 12, 4, 300, 0, 0, None, "Yếu", None, None, None, None, None],
]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    root = make_dataset(tmp_path_factory.mktemp("ind") / "ds", htx_rows=HTX_ROWS + EXTRA_ROWS)
    ds = load_dataset(root)
    assert ds.ok, [p.message() for p in ds.problems]
    return compute_indicators(ds, 2022)


def value(table: pd.DataFrame, code: str, area: str = "toan_tinh", sector: str = "") -> float:
    rows = table[(table.ma_chi_tieu == code) & (table.dia_ban == area) & (table.linh_vuc == sector)]
    assert len(rows) == 1, (code, area, sector)
    return float(rows["gia_tri"].iloc[0])


# Worked by hand from tests/builders.py HTX_ROWS + EXTRA_ROWS and THT_ROWS:
# existing HTX = rows 1, 2, 3 (QTDND, suspended), 7, 8; row 4 dissolved in 2022; row 6 a union.
EXPECTED = {
    "htx_hien_co": 5, "htx_dang_hoat_dong": 4, "htx_ngung_hoat_dong": 1, "htx_thanh_lap_moi": 1,
    "htx_giai_the": 1, "qtdnd_hien_co": 1, "lhhtx_hien_co": 1,
    "tht_hien_co": 2, "tht_thanh_lap_moi": 1, "tht_cham_dut": 1,
    "thanh_vien_htx": 20 + 30 + 10 + 15 + 12, "thanh_vien_tht": 5 + 8, "thanh_vien_kttt": 87 + 13,
    "lao_dong_htx": 10 + 20 + 5 + 4, "lao_dong_tht": 2 + 4,
    "von_dieu_le_htx": 1000 + 2000 + 500 + 300,
    "doanh_thu_bq_htx": (1000 + 2000 + 0) / 3,      # row 7 did not report: not a zero
    "loi_nhuan_bq_htx": (-50 + 300 + 0) / 3,        # a loss counts as it is
    "thu_nhap_bq_ld_htx": (60 * 10 + 66 * 20 + 50 * 5) / (10 + 20 + 5),  # weighted by workers
    "thu_nhap_bq_ld_htx_thang": (60 * 10 + 66 * 20 + 50 * 5) / 35 / 12,
    "doanh_thu_bq_tht": (200 + 400) / 2, "loi_nhuan_bq_tht": (80 + 100) / 2,
    "thu_nhap_bq_ld_tht": (42 * 2 + 51 * 4) / 6, "thu_nhap_bq_ld_tht_thang": (42 * 2 + 51 * 4) / 6 / 12,
    "ty_le_htx_kha_tot": 100 * 1 / 3,                # khá / (khá, TB, yếu); not-rated row 1 left out
    "ty_le_htx_moi_dung_luat": 100.0, "ty_le_can_bo_htx_moi_tap_huan": 100 * 3 / 4,
    "san_pham_ocop_htx": 2,
}


def test_expected_covers_the_catalogue() -> None:
    assert set(EXPECTED) == set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_indicator_by_hand(table: pd.DataFrame, code: str) -> None:
    assert value(table, code) == pytest.approx(EXPECTED[code], rel=1e-12)


def test_units_given_by_name_or_code_are_the_same_unit(table: pd.DataFrame) -> None:
    # 140: row 1 by name "Huyện Văn Chấn", row 2 by code "140", row 7 by other name "Văn Chấn"
    assert value(table, "htx_hien_co", "140") == 3
    assert value(table, "htx_hien_co", "132") == 1  # the QTDND via "TP Yên Bái"; the union is not counted
    assert value(table, "htx_hien_co", "133") == 1  # row 8; row 4 dissolved
    assert value(table, "lhhtx_hien_co", "132") == 1


def test_empty_population_gives_no_value_and_counts_give_zero(table: pd.DataFrame) -> None:
    # unit 132 has no operating HTX: no average revenue (not 0), but 0 new HTX
    assert math.isnan(value(table, "doanh_thu_bq_htx", "132"))
    assert value(table, "htx_thanh_lap_moi", "132") == 0
    assert math.isnan(value(table, "ty_le_htx_kha_tot", "132"))


def test_by_sector(table: pd.DataFrame) -> None:
    assert value(table, "htx_hien_co", sector="nong_nghiep") == 2
    assert value(table, "qtdnd_hien_co", sector="tin_dung") == 1
    assert value(table, "tht_hien_co", sector="nong_nghiep") == 2


def test_targets_and_achievement(table: pd.DataFrame) -> None:
    row = table[(table.ma_chi_tieu == "htx_thanh_lap_moi") & (table.dia_ban == "toan_tinh") & (table.linh_vuc == "")].iloc[0]
    assert (row.chi_tieu, row.ty_le_dat_chi_tieu, bool(row.dat_chi_tieu)) == (2.0, 50.0, False)
    row = table[(table.ma_chi_tieu == "tht_thanh_lap_moi") & (table.dia_ban == "toan_tinh") & (table.linh_vuc == "")].iloc[0]
    assert (row.chi_tieu, row.ty_le_dat_chi_tieu, bool(row.dat_chi_tieu)) == (1.0, 100.0, True)


def test_unchanged_year_gives_zero_change(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", htx_rows=HTX_ROWS + EXTRA_ROWS)
    shutil.copytree(root / "2022", root / "2023")
    table = compute_indicators(load_dataset(root), 2023)
    rows = table[table.ma_chi_tieu.isin(["htx_hien_co", "thanh_vien_htx", "doanh_thu_bq_htx"])]
    rows = rows[rows["gia_tri"].notna()]
    assert len(rows) > 10
    assert (rows["thay_doi"] == 0).all()
    assert (rows["thay_doi_pct"].dropna() == 0).all()


def test_sample_2022_equals_the_published_figures() -> None:
    ds = load_dataset(SAMPLE_DATASET, years=[2021, 2022])
    t = compute_indicators(ds, 2022)
    assert value(t, "htx_thanh_lap_moi") == 97 and value(t, "htx_hien_co") == 652
    assert value(t, "tht_thanh_lap_moi") == 627 and value(t, "tht_hien_co") == 5894
    assert value(t, "doanh_thu_bq_htx") == 2100 and value(t, "loi_nhuan_bq_htx") == 450
    assert round(value(t, "thu_nhap_bq_ld_htx_thang"), 1) == 5.3
    assert value(t, "doanh_thu_bq_tht") == 350 and value(t, "loi_nhuan_bq_tht") == 100
    assert round(value(t, "thu_nhap_bq_ld_tht")) == 48
    assert value(t, "thanh_vien_kttt") > 63000
    assert 9500 <= value(t, "lao_dong_htx") < 10000
    # units add up to the province, and the sector mix is like the published one
    for level in ("huyen", "xa"):  # districts and communes each add up to the province
        assert t[(t.ma_chi_tieu == "htx_hien_co") & (t.cap_dia_ban == level)]["gia_tri"].sum() == 652
    share = value(t, "htx_hien_co", sector="nong_nghiep") / 652
    assert 0.55 <= share <= 0.65
    assert 16 <= value(t, "qtdnd_hien_co") <= 17


# ----------------------------------------------------------------------------- properties

ADDITIVE = [c for c, ind in REGISTRY.items() if ind.meta.additive]
frames = st.tuples(st.lists(S.htx_rows(), min_size=0, max_size=15), st.lists(S.tht_rows(), min_size=0, max_size=15))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames)
def test_units_and_sectors_add_up_to_the_province(data: tuple[list[dict], list[dict]]) -> None:
    htx, tht = S.htx_frame(data[0]), S.tht_frame(data[1])
    v = compute_values(htx, tht, [2022])
    for code in ADDITIVE:
        rows = v[v.ma_chi_tieu == code]
        province = rows[(rows.dia_ban == "toan_tinh") & (rows.linh_vuc == "")]["gia_tri"].iloc[0]
        by_unit = rows[(rows.dia_ban != "toan_tinh")]["gia_tri"]
        by_sector = rows[(rows.dia_ban == "toan_tinh") & (rows.linh_vuc != "")]["gia_tri"]
        if math.isnan(province):
            assert by_unit.isna().all() and by_sector.isna().all()
            continue
        assert by_unit.sum() == pytest.approx(province)
        assert by_sector.sum() == pytest.approx(province)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames, st.randoms(use_true_random=False))
def test_row_order_changes_nothing(data: tuple[list[dict], list[dict]], rnd) -> None:  # noqa: ANN001
    htx, tht = S.htx_frame(data[0]), S.tht_frame(data[1])
    a = compute_table(htx, tht, 2022, None, None)
    rows_h, rows_t = list(data[0]), list(data[1])
    rnd.shuffle(rows_h)
    rnd.shuffle(rows_t)
    b = compute_table(S.htx_frame(rows_h), S.tht_frame(rows_t), 2022, None, None)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=False, rtol=1e-12)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.lists(S.htx_rows(), min_size=1, max_size=15), st.lists(S.tht_rows(), min_size=1, max_size=15)))
def test_same_registers_two_years_give_zero_change(data: tuple[list[dict], list[dict]]) -> None:
    h22, t22 = S.htx_frame(data[0]), S.tht_frame(data[1])

    def shift(frame: pd.DataFrame, dates: list[str]) -> pd.DataFrame:
        out = frame.copy()
        out["nam"] = 2023
        for c in dates:
            out[c] = out[c] + pd.DateOffset(years=1)
        return out

    h23 = shift(h22, ["ngay_thanh_lap", "ngay_giai_the"])
    t23 = shift(t22, ["ngay_thanh_lap", "ngay_cham_dut"])
    table = compute_table(pd.concat([h22, h23]), pd.concat([t22, t23]), 2023, None, None)
    has = table["gia_tri"].notna()
    assert (table.loc[has, "thay_doi"].abs() < 1e-9).all()


def test_many_provinces_at_once_equal_one_by_one(tmp_path: Path) -> None:
    from kttt.indicators import compute_many

    a = load_dataset(SAMPLE_DATASET, years=[2021, 2022])
    b = load_dataset(make_dataset(tmp_path / "tinh_b", htx_rows=HTX_ROWS + EXTRA_ROWS))
    many = compute_many([a, b])
    assert set(many["tinh"]) == {"yen_bai", "tinh_b"}
    for ds, year in ((a, 2021), (a, 2022), (b, 2022)):
        one = compute_indicators(ds, year)
        got = many[(many.tinh == ds.name) & (many.nam == year)]
        merged = got.merge(one, on=["ma_chi_tieu", "dia_ban", "linh_vuc"], suffixes=("_many", ""))
        assert len(merged) == len(got) > 50
        pd.testing.assert_series_equal(merged["gia_tri_many"], merged["gia_tri"], check_names=False)


def test_a_year_without_a_tht_register_has_no_tht_values(tmp_path: Path) -> None:
    root = make_dataset(tmp_path / "ds", htx_rows=HTX_ROWS + EXTRA_ROWS)
    (root / "2022" / "tht.csv").unlink()
    ds = load_dataset(root)
    assert ds.ok and [p.code for p in ds.problems] == ["thieu_so"]
    t = compute_indicators(ds, 2022)
    assert math.isnan(value(t, "tht_hien_co")) and math.isnan(value(t, "thanh_vien_kttt"))
    assert value(t, "htx_hien_co") == 5
