"""kttt.tables on the merged province (data/lao_cai): the history by former province."""

from __future__ import annotations

import pytest

from kttt.config import DATA_DIR
from kttt.tables import FORMER_TREND, Context, trend_by_former_province


@pytest.fixture(scope="module")
def lao_cai_2026() -> Context:
    return Context.open(DATA_DIR / "lao_cai", 2026, history=True)


def test_the_history_is_the_sum_of_the_former_provinces(lao_cai_2026: Context) -> None:
    table = trend_by_former_province(lao_cai_2026)
    assert table is not None
    frame = table.frame
    years = [str(y) for y in range(2020, 2027)]
    assert list(frame.columns) == ["Chỉ tiêu", "Địa bàn", *years]
    for _, header in FORMER_TREND:
        rows = frame[frame["Chỉ tiêu"] == header].set_index("Địa bàn")
        # the former provinces are named as such: never mistaken for the new Tỉnh Lào Cai
        assert list(rows.index) == ["Tỉnh Lào Cai (cũ)", "Tỉnh Yên Bái (cũ)", "Toàn tỉnh (tổng)"]
        parts = rows.loc[["Tỉnh Lào Cai (cũ)", "Tỉnh Yên Bái (cũ)"], years].sum()
        assert (parts == rows.loc["Toàn tỉnh (tổng)", years]).all(), header
    htx = frame[frame["Chỉ tiêu"] == "HTX hiện có"].set_index("Địa bàn")
    assert htx.loc["Toàn tỉnh (tổng)", "2025"] == 1440  # the sample's calibration (published: "trên 1.400")


def test_an_unmerged_province_has_no_such_table() -> None:
    assert trend_by_former_province(Context.open(DATA_DIR / "yen_bai", 2022, history=True)) is None
