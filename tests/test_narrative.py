"""kttt.narrative: the published 2022 paragraphs, and sentences that adapt."""

from __future__ import annotations

import pandas as pd
import pytest

from kttt.config import SAMPLE_DATASET
from kttt.indicators import compute_indicators
from kttt.load import load_dataset
from kttt.narrative import (
    Fact,
    economics_sentences,
    new_units_sentence,
    paragraphs,
    targets_sentence,
)


@pytest.fixture(scope="module")
def sample_2022() -> list[str]:
    ds = load_dataset(SAMPLE_DATASET, years=[2021, 2022])
    return paragraphs(compute_indicators(ds, 2022), 2022, ds.targets)


def test_2022_reads_like_the_published_report(sample_2022: list[str]) -> None:
    first = sample_2022[0]
    assert first.startswith(
        "Toàn tỉnh thành lập mới 97 HTX, bằng 121,2% so với chỉ tiêu tỉnh giao (80 HTX), "
        "nâng tổng số HTX toàn tỉnh lên 652 HTX. Thành lập mới 627 Tổ hợp tác, đạt 209% chỉ tiêu "
        "tỉnh giao (300 THT), nâng tổng số THT toàn tỉnh lên 5.894 THT.")
    text = " ".join(sample_2022)
    for published in ("2,1 tỷ đồng/HTX", "450 triệu đồng/HTX", "5,3 triệu đồng/người/tháng",
                      "350 triệu đồng/THT", "100 triệu đồng/THT", "48 triệu đồng/người/năm",
                      "trên 63.000", "gần 10.000"):
        assert published in text, published


def test_2023_targets_as_published(sample_2022: list[str]) -> None:
    goals = sample_2022[-1]
    assert goals.startswith("Năm 2023, BCĐ phát triển KTTT tỉnh đặt mục tiêu: thành lập mới 300 THT và 80 HTX; ")
    for bit in ("100% số HTX thành lập mới tổ chức, hoạt động theo quy định của Luật HTX",
                "61% trở lên tổng số HTX đang hoạt động", "60 triệu đồng/người/năm trở lên",
                "đối với Tổ hợp tác đạt 45 triệu đồng/người/năm trở lên", "khoảng 9.600 lao động thường xuyên"):
        assert bit in goals, bit


def test_missed_target() -> None:
    facts = {"htx_thanh_lap_moi": Fact(60, 70, 80, ">="), "htx_hien_co": Fact(600, 590)}
    assert "chỉ đạt 75% chỉ tiêu tỉnh giao (80 HTX)" in new_units_sentence(facts, "htx", 2022)


def test_no_target_and_no_previous_year() -> None:
    facts = {"tht_thanh_lap_moi": Fact(10), "tht_hien_co": Fact(100)}
    assert new_units_sentence(facts, "tht", 2020) == (
        "Thành lập mới 10 Tổ hợp tác; tổng số THT toàn tỉnh là 100 THT.")


def test_decrease() -> None:
    facts = {"tht_thanh_lap_moi": Fact(350, 627, 300), "tht_hien_co": Fact(5300, 5894)}
    sentence = new_units_sentence(facts, "tht", 2023)
    assert "còn 5.300 THT (giảm 594 THT so với năm 2022)" in sentence
    money = economics_sentences({"doanh_thu_bq_htx": Fact(1900, 2000)}, 2023)
    assert "1,9 tỷ đồng/HTX (giảm 5% so với năm 2022)" in money


def test_empty_population_and_zero_new() -> None:
    facts = {"htx_thanh_lap_moi": Fact(0, 3), "htx_hien_co": Fact(5, 5)}
    assert new_units_sentence(facts, "htx", 2022).startswith("Trong năm 2022, toàn tỉnh không thành lập mới HTX nào")
    text = economics_sentences({"doanh_thu_bq_htx": Fact(None)}, 2022)
    assert text.startswith("Chưa có số liệu doanh thu bình quân của HTX, ")
    assert "nan" not in text.lower()


def test_no_targets_for_next_year() -> None:
    empty = pd.DataFrame(columns=["nam", "ma_chi_tieu", "gia_tri", "so_sanh", "nguon"])
    assert targets_sentence(empty, 2025) == ""
