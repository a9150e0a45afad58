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


# ----------------------------------------------------------------------------- data/lao_cai (issue 8)

LAO_CAI = SAMPLE_DATASET.parent / "lao_cai"
REFERENCE = SAMPLE_DATASET.parent.parent / "kttt" / "reference"


@pytest.mark.e2e  # about 20 s: it writes every register of seven years
def test_lao_cai_generator_reproduces_the_committed_sample_byte_for_byte(tmp_path: Path) -> None:
    from kttt.sample import generate_lao_cai

    out = tmp_path / "lao_cai"
    written = generate_lao_cai(out)
    rels = {p.relative_to(out).as_posix() for p in written}
    committed = {p.relative_to(LAO_CAI).as_posix() for p in LAO_CAI.rglob("*") if p.is_file()}
    assert rels == committed, (rels ^ committed)
    for path in written:
        rel = path.relative_to(out)
        assert _digest(path) == _digest(LAO_CAI / rel), f"{rel} differs: run python -m kttt.sample --lao-cai data/lao_cai"


def test_lao_cai_has_two_parts_a_year_before_the_merger_and_an_estimate_year() -> None:
    from kttt.config import register_parts

    for year in range(2020, 2025):
        parts, strays = register_parts(LAO_CAI / str(year))
        assert [p.stem for p in parts["htx"]] == ["htx_lao_cai_cu", "htx_yen_bai_cu"] and not strays
        assert [p.stem for p in parts["tht"]] == ["tht_lao_cai_cu", "tht_yen_bai_cu"]
    for year in (2025, 2026):
        parts, _ = register_parts(LAO_CAI / str(year))
        assert [p.name for p in parts["htx"]] == ["htx.xlsx"] and [p.name for p in parts["tht"]] == ["tht.xlsx"]
    assert "trang_thai: uoc" in (LAO_CAI / "2026" / "nam.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", range(2020, 2025))
def test_the_former_yen_bai_parts_are_the_yen_bai_sample(year: int) -> None:
    # the two samples must not contradict each other: same cooperatives, same figures, same bytes
    for kind in ("htx", "tht"):
        (mine,) = [p for p in (SAMPLE_DATASET / str(year)).iterdir() if p.stem == kind]
        theirs = LAO_CAI / str(year) / f"{kind}_yen_bai_cu{mine.suffix}"
        assert _digest(mine) == _digest(theirs), f"{theirs} differs from {mine}"


@pytest.fixture(scope="module")
def lao_cai_2025():  # noqa: ANN201 - a Dataset
    from kttt.load import load_dataset

    ds = load_dataset(LAO_CAI, years=[2024, 2025])
    assert ds.ok, [p.message() for p in ds.errors[:5]]
    return ds


def _official_communes() -> dict[str, str]:
    import csv

    with (REFERENCE / "don_vi_tu_2025-07-01.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    code, name = next(iter(rows[0])), list(rows[0])[1]
    return {r[code]: r[name] for r in rows}


def test_indicators_2025_list_exactly_the_99_official_communes(lao_cai_2025) -> None:  # noqa: ANN001
    import csv
    import io

    from tests.test_cli import run

    official = _official_communes()
    assert len(official) == 99
    code, out, err = run("indicators", str(LAO_CAI), "--year", "2025", "--format", "csv")
    assert code == 0, err
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["ma_chi_tieu"] == "htx_hien_co" and r["linh_vuc"] == ""]
    communes = {r["dia_ban"]: r for r in rows if r["dia_ban"] != "toan_tinh"}
    assert set(communes) == set(official)
    assert {r["cap_dia_ban"] for r in communes.values()} == {"xa"}
    assert {r["dia_ban"]: r["ten_dia_ban"] for r in communes.values()} == official
    assert [r["cap_dia_ban"] for r in rows if r["dia_ban"] == "toan_tinh"] == ["tinh"]
    assert sum(int(r["gia_tri"]) for r in communes.values()) == 1440


def test_lao_cai_2025_is_calibrated_to_the_published_figures(lao_cai_2025) -> None:  # noqa: ANN001
    from kttt.indicators import compute_groups, compute_indicators

    t = compute_indicators(lao_cai_2025, 2025)
    p = t[(t.dia_ban == "toan_tinh") & (t.linh_vuc == "")].set_index("ma_chi_tieu")
    assert p.at["htx_thanh_lap_moi", "gia_tri"] == 71
    assert p.at["htx_hien_co", "gia_tri"] == 1440 and p.at["lhhtx_hien_co", "gia_tri"] == 3
    assert p.at["tht_hien_co", "gia_tri"] > 8400
    # 2024 re-based on the 99 communes: every 2024 row names its commune, every share is 1 → all exact
    assert (t["ghi_chu"] == "").all()
    communes = t[(t.cap_dia_ban == "xa") & (t.linh_vuc == "") & (t.ma_chi_tieu == "htx_hien_co")]
    assert communes["gia_tri_nam_truoc"].notna().all()
    assert communes["gia_tri_nam_truoc"].sum() == p.at["htx_hien_co", "gia_tri_nam_truoc"]
    g = compute_groups(lao_cai_2025, [2025], "tinh_cu")
    new = g[(g.ma_chi_tieu == "htx_thanh_lap_moi") & (g.cap_dia_ban == "tinh_cu")].set_index("dia_ban")["gia_tri"]
    assert new.to_dict() == {"10": 14, "15": 57}


def test_lao_cai_targets_are_marked_assumed_with_the_reason() -> None:
    from kttt.keyfiles import load_targets

    problems: list = []
    targets = load_targets(LAO_CAI, "vi", problems, [])
    assert problems == [] and len(targets) > 0
    assert targets["gia_dinh"].all()
    assert targets["nguon"].str.contains("GIẢ ĐỊNH").all()
    assert targets["nguon"].str.contains("chưa tìm thấy chỉ tiêu công bố").all()


def test_the_former_yen_bai_of_lao_cai_2022_is_the_published_2022_report() -> None:
    from kttt.indicators import compute_groups
    from kttt.load import load_dataset

    ds = load_dataset(LAO_CAI, years=[2022])
    g = compute_groups(ds, [2022], "tinh_cu")
    yb = g[(g.cap_dia_ban == "tinh_cu") & (g.dia_ban == "15")].set_index("ma_chi_tieu")["gia_tri"]
    assert (yb["htx_thanh_lap_moi"], yb["htx_hien_co"], yb["tht_thanh_lap_moi"], yb["tht_hien_co"]) == (
        97, 652, 627, 5894)


@pytest.mark.e2e  # loads seven years (about 12 s)
def test_lao_cai_validates_with_notes_only() -> None:
    from tests.test_cli import run

    code, out, _ = run("validate", str(LAO_CAI))
    assert code == 0, out
    assert "Năm 2026: ước thực hiện năm 2026 (số liệu đến 30/11/2026)" in out
    assert "[Lỗi]" not in out and "[Cảnh báo]" not in out and "Hợp lệ. / Valid." in out
    assert "✗" not in out
