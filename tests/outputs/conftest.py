"""Fixtures of the output tests: the sample's 2022 built twice, with a pause between."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kttt.config import SAMPLE_DATASET
from kttt.pipeline import build

PAUSE_SECONDS = 3  # longer than a zip timestamp's 2-second resolution, across clock seconds


@pytest.fixture(scope="session")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The 2022 publication of the sample (every format), built twice with a pause between."""
    folders = []
    for i in range(2):
        if i:
            time.sleep(PAUSE_SECONDS)
        out = tmp_path_factory.mktemp(f"ban_{i + 1}")
        lines: list[str] = []
        result = build(SAMPLE_DATASET, years=[2022], out=out, use_cache=False, log=lines.append)
        assert result.ok, "\n".join(lines)
        folders.append(out / "yen_bai" / "2022")
    return folders[0], folders[1]


@pytest.fixture(scope="session")
def year_2022(two_builds: tuple[Path, Path]) -> Path:
    return two_builds[0]
