"""kttt.fmt: Vietnamese numbers, the rounding rule, money, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from kttt import fmt


@pytest.mark.parametrize(("x", "decimals", "expected"), [
    (5894, 0, "5.894"), (63300, 0, "63.300"), (1234567.891, 1, "1.234.567,9"), (0, 0, "0"),
    (-0.04, 1, "0"), (2.05, 1, "2"), (2.15, 1, "2,2"), (2.25, 1, "2,2"), (-3.35, 1, "-3,4"),
])
def test_number_half_even_zero_decimal_dropped(x: float, decimals: int, expected: str) -> None:
    assert fmt.number(x, decimals) == expected


@pytest.mark.parametrize(("num", "den", "expected"), [
    (97, 80, "121,2%"), (627, 300, "209%"), (1, 3, "33,3%"), (2, 3, "66,7%"), (61, 100, "61%"),
    (1, 8, "12,5%"), (3, 8, "37,5%"), (1, 16, "6,2%"),
])
def test_percent_of_exact_ratios(num: int, den: int, expected: str) -> None:
    assert fmt.percent(num * 100 / den) == expected


@pytest.mark.parametrize(("trieu", "expected"), [
    (2100, "2,1 tỷ đồng"), (2150, "2,2 tỷ đồng"), (2050, "2 tỷ đồng"), (450, "450 triệu đồng"),
    (999.96, "1.000 triệu đồng"), (1000, "1 tỷ đồng"), (1481000, "1.481 tỷ đồng"), (5.3, "5,3 triệu đồng"),
])
def test_money(trieu: float, expected: str) -> None:
    assert fmt.money(trieu) == expected


def test_empty_values_show_a_dash() -> None:
    import pandas as pd

    for empty in (None, float("nan"), pd.NA):
        assert fmt.number(empty) == fmt.percent(empty) == fmt.money(empty) == "–"
    assert fmt.value("doanh_thu_bq_htx", None) == "–"


def test_dates() -> None:
    assert fmt.date(dt.date(2022, 12, 31)) == "31/12/2022"
    assert fmt.long_date(dt.date(2023, 1, 10)) == "ngày 10 tháng 01 năm 2023"


def test_values_by_catalogue_unit() -> None:
    assert fmt.value("tht_hien_co", 5894) == "5.894 THT"
    assert fmt.value("thanh_vien_kttt", 63300) == "63.300 người"
    assert fmt.value("loi_nhuan_bq_htx", 450) == "450 triệu đồng/HTX"
    assert fmt.value("thu_nhap_bq_ld_htx_thang", 5.3) == "5,3 triệu đồng/người/tháng"
    assert fmt.value("ty_le_htx_kha_tot", 97 * 100 / 80) == "121,2%"
