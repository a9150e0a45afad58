"""kttt.chart_data: the data read back from every chart equals the indicator table; alt texts."""

from __future__ import annotations

import base64
import re

import pytest

from kttt import charts
from kttt.chart_data import alt_text, panels
from kttt.config import SAMPLE_DATASET
from kttt.indicators import PROVINCE
from kttt.tables import Context


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context.open(SAMPLE_DATASET, 2022, history=True)


def every_chart(ctx: Context) -> list[charts.Chart]:
    """Every chart the report notebooks draw (as notebooks 01–05 call them)."""
    return [charts.new_vs_target(ctx), charts.sector_bars(ctx, "htx"), charts.sector_bars(ctx, "tht"),
            charts.unit_bars(ctx, "htx_hien_co"), charts.unit_bars(ctx, "doanh_thu_bq_htx"),
            charts.distribution(ctx, "htx", "doanh_thu"), charts.distribution(ctx, "tht", "thu_nhap_bq"),
            charts.ratings(ctx), charts.trend_lines(ctx, ["thanh_vien_htx", "thanh_vien_tht"], "Thành viên"),
            charts.trend_targets(ctx, "htx_thanh_lap_moi")]


def test_new_against_target(ctx: Context) -> None:
    found = panels(charts.new_vs_target(ctx).figure)
    assert [p.title for p in found] == ["HTX thành lập mới năm 2022", "THT thành lập mới năm 2022"]
    assert [(p.categories, p.series[0].values) for p in found] == [
        (["Thực hiện", "Kế hoạch"], [97.0, 80.0]), (["Thực hiện", "Kế hoạch"], [627.0, 300.0])]


def test_sector_bars_read_back_as_the_indicator_table(ctx: Context) -> None:
    from kttt.contract import SECTOR_LABELS

    t = ctx.table
    rows = t[(t.ma_chi_tieu == "htx_hien_co") & (t.dia_ban == PROVINCE) & (t.linh_vuc != "") & (t.gia_tri > 0)]
    expected = {SECTOR_LABELS[s]: v for s, v in zip(rows.linh_vuc, rows.gia_tri, strict=True)}
    (panel,) = panels(charts.sector_bars(ctx, "htx").figure)
    assert dict(zip(panel.categories, panel.series[0].values, strict=True)) == expected
    assert panel.series[0].values == sorted(expected.values(), reverse=True)  # top to bottom, as drawn


def test_a_histogram_counts_every_reporting_unit(ctx: Context) -> None:
    (panel,) = panels(charts.distribution(ctx, "htx", "doanh_thu").figure)
    reported = ctx.htx()[ctx.populations.operating_htx]["doanh_thu"].notna().sum()
    assert panel.histogram and len(panel.categories) == 30
    assert sum(panel.series[0].values) == reported
    assert panel.series[0].name == "Số HTX"


def test_trend_against_targets_has_both_series(ctx: Context) -> None:
    (panel,) = panels(charts.trend_targets(ctx, "htx_thanh_lap_moi").figure)
    assert panel.categories == ["2020", "2021", "2022"]
    assert [s.name for s in panel.series] == ["Thực hiện", "Kế hoạch"]
    assert panel.series[1].values == [None, None, 80.0]
    assert panel.rows()[0] == ("2020", ["75", "–"])


def test_every_chart_has_a_text_alternative_and_a_data_table(ctx: Context) -> None:
    for chart in every_chart(ctx):
        html = chart._repr_html_()
        alt = re.search(r'alt="([^"]*)"', html).group(1)
        assert alt.startswith("Biểu đồ: ") and len(alt) > 40, chart.key
        assert "<details" in html and '<th scope="row">' in html, chart.key
        svg = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1)).decode()
        assert svg == chart.svg(), chart.key  # the image is the chart's own reproducible SVG
    alt = charts.new_vs_target(ctx).alt()
    assert "Thực hiện: 97; Kế hoạch: 80" in alt and "Thực hiện: 627; Kế hoạch: 300" in alt


def test_many_categories_are_summarised() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar([f"Xã {i}" for i in range(20)], list(range(20)))
    text = alt_text("Nhiều xã", panels(fig))
    plt.close(fig)
    assert "20 nhóm, cao nhất Xã 19 (19), thấp nhất Xã 0 (0)" in text
