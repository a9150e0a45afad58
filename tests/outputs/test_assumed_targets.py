"""An assumed target (``gia_dinh`` in chi_tieu.csv: the Lào Cai sample's, none being published) is
never shown as a target the province set: the headline cards, the chart and the Word report's
assessment name it "kế hoạch giả định"; the Yên Bái sample's real targets stay "kế hoạch"."""

from __future__ import annotations

import pytest

from kttt import charts
from kttt.config import DATA_DIR, SAMPLE_DATASET
from kttt.narrative import assumed_targets
from kttt.outputs.docx import assessment_paragraphs
from kttt.outputs.site import glance
from kttt.tables import Context


@pytest.fixture(scope="module")
def lao_cai_2026() -> Context:
    return Context.open(DATA_DIR / "lao_cai", 2026, history=False)


def test_headline_cards_say_assumed(lao_cai_2026: Context) -> None:
    cards = {f.code: f.detail for f in glance(lao_cai_2026)}
    assert cards["htx_thanh_lap_moi"].startswith("bằng ") and "kế hoạch giả định (" in cards["htx_thanh_lap_moi"]
    real = {f.code: f.detail for f in glance(Context.open(SAMPLE_DATASET, 2022, history=False))}
    assert real["htx_thanh_lap_moi"] == "bằng 121,2% kế hoạch (80 HTX)"


def test_the_chart_and_the_assessment_say_assumed(lao_cai_2026: Context) -> None:
    chart = charts.new_vs_target(lao_cai_2026)
    labels = [t.get_text() for ax in chart.figure.axes for t in ax.get_xticklabels()]
    assert labels.count("Kế hoạch giả định") == 2 and "Kế hoạch" not in labels
    text = " ".join(assessment_paragraphs(lao_cai_2026.table, 2026, True,
                                          assumed_targets(lao_cai_2026)))
    assert "kế hoạch giả định (" in text and "% kế hoạch (" not in text


def test_the_target_history_chart_names_assumed_targets() -> None:
    ctx = Context.open(DATA_DIR / "lao_cai", 2026, history=True)
    legend = [t.get_text() for t in charts.trend_targets(ctx).figure.axes[0].get_legend().get_texts()]
    assert "Kế hoạch giả định" in legend and "Kế hoạch" not in legend  # every Lào Cai target is assumed
    real = Context.open(SAMPLE_DATASET, 2022, history=True)
    assert "Kế hoạch" in [t.get_text() for t in charts.trend_targets(real).figure.axes[0].get_legend().get_texts()]
