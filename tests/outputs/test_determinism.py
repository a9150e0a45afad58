"""Same inputs, same bytes: two builds of 2022 with a pause between give identical files,
the PDF/A and the Word report included."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_every_output_file_is_identical_across_builds(two_builds: tuple[Path, Path]) -> None:
    first, second = (_digests(f) for f in two_builds)
    assert {"bao_cao_kttt_2022.docx", "bao_cao_kttt_2022.pdf", "bang_bieu_2022.xlsx", "chi_so_2022.csv",
            "manifest.json", "index.html"} <= set(first)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_the_manifest_records_the_fonts(two_builds: tuple[Path, Path]) -> None:
    from kttt.outputs import fonts

    folder = two_builds[0]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    recorded = {(e["dinh_dang"], e["tep"], e["sha256"]) for e in manifest["phong_chu"]}
    expected = {(fmt, f.path.name, hashlib.sha256(f.path.read_bytes()).hexdigest())
                for fmt in ("pdf", "docx") for f in fonts.fonts_of(fmt)}
    assert recorded == expected
    assert {e["tep"] for e in manifest["dau_ra"]} >= {"bao_cao_kttt_2022.docx", "bao_cao_kttt_2022.pdf"}
