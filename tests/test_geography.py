"""kttt.geography: units with dates and parents, the crosswalk, placing last year's rows.

Most checks run on the real units and crosswalk of the new Tỉnh Lào Cai (data/lao_cai, from
kttt/reference: public facts of the State), whose traps are the ones the module exists for.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kttt.config import DATA_DIR
from kttt.geography import Crosswalk, Units, place_commune, place_district
from kttt.keyfiles import load_crosswalk, load_units
from kttt.load import DatasetMeta, FormerProvince, units_of
from tests.builders import make_v2_dataset

BEFORE, AFTER = dt.date(2024, 12, 31), dt.date(2025, 12, 31)
LAO_CAI = DATA_DIR / "lao_cai"


def _geography(root: Path) -> tuple[Units, Crosswalk]:
    problems: list = []
    units = load_units(root, problems, [])
    meta = DatasetMeta("Tỉnh Lào Cai", hieu_luc_tu=dt.date(2025, 7, 1),
                       tinh_cu=(FormerProvince("10", "Tỉnh Lào Cai"), FormerProvince("15", "Tỉnh Yên Bái")))
    geo = units_of(units, meta)
    crosswalk = load_crosswalk(root, geo, "vi", problems, [])
    assert problems == []
    return geo, crosswalk


@pytest.fixture(scope="module")
def real() -> tuple[Units, Crosswalk]:
    return _geography(LAO_CAI)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Units, Crosswalk]:
    return _geography(make_v2_dataset(tmp_path_factory.mktemp("geo") / "ds", {}))


def test_the_real_lists_have_the_published_sizes(real) -> None:  # noqa: ANN001
    units, crosswalk = real
    assert len(units.valid(AFTER, "xa")) == 99 and units.valid(AFTER, "huyen") == []
    assert len(units.valid(BEFORE, "xa")) == 319 and len(units.valid(BEFORE, "huyen")) == 18
    assert {u.code for u in units.valid(BEFORE, "tinh")} == {"10", "15"} and units.valid(AFTER, "tinh") == []
    assert len(crosswalk.changes) == 319 and crosswalk.dates() == [dt.date(2025, 7, 1)]


def test_a_code_means_a_unit_only_with_a_date(real) -> None:  # noqa: ANN001
    units, _ = real
    assert units.resolve("04750", "xa", BEFORE).unit.name == "Xã Cảm Ân"
    assert units.resolve("04750", "xa", AFTER).unit.name == "Xã Bảo Ái"
    assert units.resolve("04750", "xa", dt.date(2025, 6, 30)).unit.name == "Xã Cảm Ân"
    assert units.resolve("04750", "xa", dt.date(2025, 7, 1)).unit.name == "Xã Bảo Ái"
    # the name too: "Bảo Ái" was 04738 and is 04750
    assert units.resolve("Bảo Ái", "xa", BEFORE).unit.code == "04738"
    assert units.resolve("Xã Bảo Ái", "xa", AFTER).unit.code == "04750"
    # province 15 was Yên Bái; after the merger it is the dataset itself, not a former province
    assert units.at("15", BEFORE, "tinh").name == "Tỉnh Yên Bái" and units.at("15", AFTER, "tinh") is None


def test_a_former_unit_after_the_change_is_converted_through_the_crosswalk(real) -> None:  # noqa: ANN001
    units, crosswalk = real
    r = units.resolve("Cảm Ân", "xa", AFTER, crosswalk=crosswalk)
    assert (r.unit.code, r.unit.name, r.former.code, r.former.name) == ("04750", "Xã Bảo Ái", "04750", "Xã Cảm Ân")
    r = units.resolve("Xã Mông Sơn", "xa", AFTER, crosswalk=crosswalk)
    assert (r.unit.code, r.former.code) == ("04750", "04747")
    without = units.resolve("Cảm Ân", "xa", AFTER)
    assert without.unit is None and without.code == "don_vi_het_hieu_luc"
    assert "30/06/2025" in without.reason_vi and "chuyen_doi_dvhc.csv" in without.reason_vi


def test_the_crosswalk_sources_and_follow(real) -> None:  # noqa: ANN001
    units, crosswalk = real
    bao_ai = units.at("04750", AFTER, "xa")
    assert sorted(u.code for u in crosswalk.sources(bao_ai, units)) == ["04732", "04738", "04747", "04750"]
    cam_an = units.at("04750", BEFORE, "xa")
    assert [(u.code, u.name, share) for u, share in crosswalk.follow(cam_an, AFTER, units)] == [
        ("04750", "Xã Bảo Ái", 1.0)]
    assert crosswalk.follow(cam_an, BEFORE, units) == []  # not yet changed on that date


def test_one_name_two_units_in_one_district_is_an_ambiguity_naming_both(real) -> None:  # noqa: ANN001
    units, _ = real
    r = units.resolve("Trạm Tấu", "xa", BEFORE, parent="139")
    assert r.unit is None and r.code == "don_vi_mo_ho"
    assert sorted((u.code, u.name) for u in r.candidates) == [("04585", "Thị trấn Trạm Tấu"),
                                                               ("04600", "Xã Trạm Tấu")]
    assert "Thị trấn Trạm Tấu (04585, đến 30/06/2025)" in r.reason_vi and "Xã Trạm Tấu (04600" in r.reason_vi
    # the level (the column) and the full name decide
    assert units.resolve("Trạm Tấu", "huyen", BEFORE).unit.code == "139"
    assert units.resolve("Thị trấn Trạm Tấu", "xa", BEFORE).unit.code == "04585"
    assert units.resolve("Trạm Tấu", "xa", AFTER).unit.code == "04606"  # one Trạm Tấu after 1/7/2025
    assert units.resolve("Nghĩa Lộ", "huyen", BEFORE).unit.code == "133"
    assert units.resolve("Nghĩa Lộ", "xa", BEFORE).unit.code == "04624"
    assert units.resolve("Nghĩa Lộ", "xa", AFTER).unit.code == "04288"


def test_sa_pa_and_sa_pa_with_a_hook_are_two_wards(real) -> None:  # noqa: ANN001
    units, crosswalk = real
    assert units.resolve("Sa Pa", "xa", BEFORE).unit.code == "03001"
    assert units.resolve("Sa Pả", "xa", BEFORE).unit.code == "03002"
    assert units.resolve("PHƯỜNG SA PẢ", "xa", BEFORE).unit.code == "03002"
    loose = units.resolve("Sa Pá", "xa", BEFORE)  # neither spelling: both candidates
    assert {u.code for u in loose.candidates} == {"03001", "03002"}
    r = units.resolve("Sa Pả", "xa", AFTER, crosswalk=crosswalk)
    assert (r.unit.code, r.unit.name, r.former.code) == ("03006", "Phường Sa Pa", "03002")
    assert units.resolve("Sa Pa", "xa", AFTER).unit.code == "03006" and units.resolve("Sa Pa", "huyen", BEFORE).unit.code == "088"


def test_other_spellings_and_names_without_diacritics(real) -> None:  # noqa: ANN001
    units, _ = real
    for text in ("Mù Căng Chải", "Huyện Mù Cang Chải", "mu cang chai", "H. Mù Cang Chải"):
        assert units.resolve(text, "huyen", BEFORE).unit.code == "137", text
    assert units.resolve("bao ai", "xa", AFTER).unit.code == "04750"


def test_a_code_that_lost_its_leading_zero(real) -> None:  # noqa: ANN001
    units, _ = real
    r = units.resolve("4750", "xa", BEFORE)
    assert (r.unit.code, r.padded) == ("04750", True)
    assert units.resolve("88", "huyen", BEFORE).unit.code == "088"
    assert units.resolve("04750", "xa", BEFORE).padded is False


def test_unknown_and_not_yet_valid_units(real) -> None:  # noqa: ANN001
    units, _ = real
    assert units.resolve("Xã Không Có", "xa", BEFORE).code == "don_vi_la"
    r = units.resolve("Xã Hạnh Phúc", "xa", BEFORE)
    assert r.unit is None and r.code == "don_vi_chua_hieu_luc" and "01/07/2025" in r.reason_vi


def test_a_split_former_unit_has_no_single_new_unit(small) -> None:  # noqa: ANN001
    units, crosswalk = small
    r = units.resolve("Xã Thử Chia", "xa", AFTER, crosswalk=crosswalk)
    assert r.unit is None and r.code == "don_vi_cu_bi_chia"
    assert sorted((u.code, share) for u, share in crosswalk.follow(units.at("04799", BEFORE), AFTER, units)) == [
        ("04726", 0.5), ("04750", 0.5)]


def test_placing_last_years_rows_on_this_years_communes(small) -> None:  # noqa: ANN001
    units, cw = small

    def place(commune: str | None, district: str | None):  # noqa: ANN202
        c = units.at(commune, BEFORE, "xa") if commune else None
        d = units.at(district, BEFORE, "huyen") if district else None
        return place_commune(c, d, AFTER, units, cw)

    assert place("03002", "088").code == "03006"  # by its commune
    assert place("04750", "141").code == "04750"  # Cảm Ân → Bảo Ái (same code, another unit)
    assert place(None, "088").code == "03006"  # all of 088's communes went to one unit
    lost = place(None, "139")  # 139's went to 04585 and 04606 (and 04591 nowhere)
    assert lost.code is None and lost.candidates == frozenset({"04585", "04606"})
    split = place("04799", "141")
    assert split.code is None and split.candidates == frozenset({"04726", "04750"})
    # no change yet (2023 → 2024): a row without a commune has none on the later date either, and
    # it costs no commune of its district the comparison
    d088 = units.at("088", BEFORE, "huyen")
    assert place_commune(None, d088, BEFORE, units, cw) == place_commune(None, d088, dt.date(2024, 6, 1), units, cw)
    assert place_commune(None, d088, BEFORE, units, cw).candidates == frozenset()
    assert place_commune(None, d088, BEFORE, units, cw).code is None
    # a commune valid on both dates stays itself
    now = units.at("04750", AFTER, "xa")
    assert place_commune(now, None, AFTER, units, cw).code == "04750"
    # a district valid on the date stays itself; after 1/7/2025 there is no district to place a row in
    assert place_district(units.at("088", BEFORE, "huyen"), None, BEFORE, units, cw).code == "088"
    assert place_district(units.at("088", BEFORE, "huyen"), "03006", AFTER, units, cw).code is None



def test_the_official_crosswalk_has_12_new_communes_from_two_former_districts() -> None:
    """The spec's README says 19; the official crosswalk (kttt/reference, copied unchanged) says 12.
    kttt follows the file; this pins the count so a changed file is noticed."""
    from kttt.reference import crosswalk

    districts: dict[str, set[str]] = {}
    for merge in crosswalk():
        districts.setdefault(merge.new, set()).add(merge.district)
    assert len(districts) == 99
    assert sum(len(d) > 1 for d in districts.values()) == 12
