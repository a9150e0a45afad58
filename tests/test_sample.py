"""The synthetic sample: reproducible byte for byte, calibrated to the published figures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kttt.config import SAMPLE_DATASET
from kttt.sample import YEN_BAI, generate


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_reproduces_the_committed_sample_byte_for_byte(tmp_path: Path) -> None:
    written = generate(tmp_path / "yen_bai")
    assert written
    for path in written:
        rel = path.relative_to(tmp_path / "yen_bai")
        assert _digest(path) == _digest(SAMPLE_DATASET / rel), f"{rel} differs: run `make sample`"


def test_sample_is_labelled_synthetic() -> None:
    text = (SAMPLE_DATASET / "dataset.yaml").read_text(encoding="utf-8")
    assert "mo_phong: true" in text and "MÔ PHỎNG" in text


@pytest.mark.parametrize("year", YEN_BAI.years)
def test_profile_flows_are_consistent(year: int) -> None:
    assert 450 <= YEN_BAI.htx_existing(year) <= 831
    assert 4500 <= YEN_BAI.tht_existing(year) <= 5900


def test_real_units_with_official_codes() -> None:
    text = (SAMPLE_DATASET / "don_vi_hanh_chinh.csv").read_text(encoding="utf-8")
    for code, name in [("132", "Yên Bái"), ("133", "Nghĩa Lộ"), ("135", "Lục Yên"), ("136", "Văn Yên"),
                       ("137", "Mù Cang Chải"), ("138", "Trấn Yên"), ("139", "Trạm Tấu"),
                       ("140", "Văn Chấn"), ("141", "Yên Bình")]:
        assert any(line.startswith(code + ",") and name in line for line in text.splitlines())
