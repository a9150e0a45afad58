"""kttt.open / kttt.explore: registers with labels, filters, one cooperative's history, the
indicator table, coverage by unit (communes once the registers carry them), changes; the
exploration notebook runs and is not part of the report."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pandas as pd
import pytest

import kttt
from kttt import explore
from kttt.config import NOTEBOOKS_DIR, SAMPLE_DATASET
from kttt.contract import HTX, THT
from kttt.indicators import PROVINCE, compute_history, compute_indicators
from kttt.load import load_dataset
from tests.builders import make_dataset


@pytest.fixture(scope="module")
def ds() -> explore.Explorer:
    return kttt.open(SAMPLE_DATASET)


def test_open_is_the_public_entry_point(ds: explore.Explorer) -> None:
    assert kttt.open is explore.open
    assert ds.years == [2020, 2021, 2022, 2023, 2024]
    assert "Tỉnh Yên Bái" in repr(ds) and "2022:    669 dòng sổ HTX" in repr(ds)


def test_a_register_with_vietnamese_headers_labels_and_codes(ds: explore.Explorer) -> None:
    h = ds.htx(2022)
    raw = ds.htx(2022, codes=True)
    assert len(h) == len(raw) == 669
    expected = ["Năm"] + [c.display for c in HTX.columns if c.key in raw]
    for unit in ("Huyện/Thị xã/Thành phố", "Xã/Phường/Đặc khu"):  # each unit name, then its code
        expected.insert(expected.index(unit) + 1, f"{unit} (mã)")
    assert h.columns[: len(expected)].tolist() == expected
    assert h["Dòng trong tệp"].min() == 2  # the Excel row, header = row 1
    assert set(h["Tình trạng"]) <= {"Đang hoạt động", "Ngừng hoạt động", "Giải thể"}
    assert set(raw["trang_thai"]) <= {"dang_hoat_dong", "ngung_hoat_dong", "giai_the"}
    row = h.iloc[0]
    assert row["Huyện/Thị xã/Thành phố"] == ds.dataset.unit_names()[row["Huyện/Thị xã/Thành phố (mã)"]]
    assert row["Xã/Phường/Đặc khu"].startswith(("Xã ", "Phường ", "Thị trấn "))  # the commune, named
    t = ds.tht(2022)
    assert len(t) == 6194 and t.columns[1] == THT.columns[0].display


@pytest.mark.parametrize("area", ["140", "Huyện Văn Chấn", "van chan", "Văn Chấn"])
def test_filter_by_area_by_code_or_any_name(ds: explore.Explorer, area: str) -> None:
    h = ds.htx(2022, area=area, codes=True)
    assert len(h) and set(h["don_vi"]) == {"140"}


def test_filter_by_sector_and_several_areas(ds: explore.Explorer) -> None:
    h = ds.htx(2022, area=["132", "Thị xã Nghĩa Lộ"], sector="Nông nghiệp", codes=True)
    assert set(h["don_vi"]) == {"132", "133"} and set(h["linh_vuc"]) == {"nong_nghiep"}
    assert len(ds.tht(2022, sector="nong_nghiep")) == len(ds.tht(2022, sector="Nông lâm ngư nghiệp"))


def test_wrong_arguments_say_what_is_accepted(ds: explore.Explorer) -> None:
    with pytest.raises(ValueError, match="không có địa bàn «Hà Nội»"):
        ds.htx(2022, area="Hà Nội")
    with pytest.raises(ValueError, match="lĩnh vực không hợp lệ: «Du lịch»"):
        ds.htx(2022, sector="Du lịch")
    with pytest.raises(ValueError, match="không có năm 2019"):
        ds.htx(2019)
    with pytest.raises(KeyError, match="không có HTX hay THT nào mã"):
        ds.history("khong-co")


def test_one_cooperative_across_the_years(ds: explore.Explorer) -> None:
    raw = ds.dataset.htx
    code = raw.loc[raw["nam"] == 2020, "ma_htx"].iloc[0]
    history = ds.history(code)
    assert history["Năm"].tolist() == sorted(raw.loc[raw["ma_htx"] == code, "nam"])
    assert history["Mã HTX"].unique().tolist() == [code]
    name = history["Tên HTX"].iloc[-1]
    found = ds.find(name.split()[-1].lower())  # part of the name, in lower case
    assert code in found["Mã"].tolist()
    assert found.loc[found["Mã"] == code, "Các năm"].iloc[0] == ", ".join(map(str, history["Năm"]))


def test_the_indicator_table_is_the_reports(ds: explore.Explorer) -> None:
    t = ds.indicators(2022, area="toan_tinh", sector="Tất cả")
    ref = compute_indicators(load_dataset(SAMPLE_DATASET, years=[2021, 2022]), 2022)
    ref = ref[(ref.dia_ban == PROVINCE) & (ref.linh_vuc == "")]
    assert t["Mã chỉ tiêu"].tolist() == ref["ma_chi_tieu"].tolist()
    assert t["Giá trị"].tolist() == pytest.approx(ref["gia_tri"].tolist(), nan_ok=True)
    values = dict(zip(t["Mã chỉ tiêu"], t["Giá trị"], strict=True))
    assert (values["htx_thanh_lap_moi"], values["htx_hien_co"], values["tht_thanh_lap_moi"],
            values["tht_hien_co"]) == (97, 652, 627, 5894)
    assert set(t["Địa bàn"]) == {"Toàn tỉnh"} and set(t["Lĩnh vực"]) == {"Tất cả"}
    by_sector = ds.indicators(2022, area="toan_tinh", codes=["htx_hien_co"])
    assert by_sector.loc[by_sector["Lĩnh vực"] != "Tất cả", "Giá trị"].sum() == 652


def test_one_indicator_over_the_years(ds: explore.Explorer) -> None:
    s = ds.series("htx_thanh_lap_moi")
    h = compute_history(ds.dataset, ds.years)
    ref = h[h.ma_chi_tieu == "htx_thanh_lap_moi"].set_index("nam")["gia_tri"]
    assert s["Năm"].tolist() == ds.years
    assert s["Số HTX thành lập mới"].tolist() == [ref[y] for y in ds.years]


def test_coverage_of_districts_and_communes_adds_up_to_the_province(ds: explore.Explorer) -> None:
    c = ds.coverage(2022, level="huyen")
    assert len(c) == 9 and c["Số HTX hiện có"].sum() == 652 and c["Số THT hiện có"].sum() == 5894
    assert c["Số HTX hiện có"].tolist() == sorted(c["Số HTX hiện có"])
    x = ds.coverage(2022)  # the finest level the registers give: the 168 official communes
    assert len(x) == 168 and x["Số HTX hiện có"].sum() == 652
    assert (x["Số HTX hiện có"] == 0).any()  # "which communes have no cooperative?" has an answer


COMMUNES = """ma,ten,cap,ten_khac,hieu_luc_tu,hieu_luc_den
04300,Xã Suối Giàng,xa,,,30/06/2025
04301,Xã Tú Lệ,xa,,,30/06/2025
04302,Xã Nậm Búng,xa,,,30/06/2025
"""


def test_coverage_of_communes_once_the_registers_carry_them(tmp_path: Path) -> None:
    """A register placing rows in communes (data contract v2: column ``xa``) gives a commune
    table; a commune without HTX reads 0; rows without a commune are reported, not guessed."""
    root = make_dataset(tmp_path / "tinh")
    with (root / "don_vi_hanh_chinh.csv").open("a", encoding="utf-8") as handle:
        handle.write(COMMUNES.split("\n", 1)[1])
    dataset = load_dataset(root)
    assert dataset.ok, [p.message() for p in dataset.problems]
    htx = dataset.htx.copy()
    htx["xa"] = ["04300", "04300", "04301", None]  # the dissolved one has no commune
    tht = dataset.tht.copy()
    tht["xa"] = ["04301", "04301", "04302"]
    ds = explore.Explorer(dataclasses.replace(dataset, htx=htx, tht=tht))
    assert ds.levels(2022) == ["huyen", "xa"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = ds.coverage(2022)
    assert "1 dòng sổ năm 2022 không ghi cấp xã" in str(caught[0].message)
    counts = dict(zip(c["Tên"], c["Số HTX hiện có"], strict=True))
    assert counts == {"Xã Nậm Búng": 0, "Xã Suối Giàng": 2, "Xã Tú Lệ": 1}
    assert c["Tên"].iloc[0] == "Xã Nậm Búng"  # the commune without a cooperative first
    # the group in Nậm Búng ended in 2022: not counted as existing (the registry's definition)
    assert dict(zip(c["Tên"], c["Số THT hiện có"], strict=True)) == {"Xã Nậm Búng": 0, "Xã Suối Giàng": 0, "Xã Tú Lệ": 2}


def test_changes_on_the_year_before(ds: explore.Explorer) -> None:
    c = ds.changes(2022, "doanh_thu")
    before = ds.dataset.register("htx", 2021).set_index("ma_htx")["doanh_thu"]
    now = ds.dataset.register("htx", 2022).set_index("ma_htx")["doanh_thu"]
    both = before.dropna().index.intersection(now.dropna().index)
    assert len(c) == len(both)
    row = c.iloc[0]
    assert row["Tăng/giảm"] == now[row["Mã"]] - before[row["Mã"]] == c["Tăng/giảm"].min()
    assert row["Doanh thu 2022"] == now[row["Mã"]] and row["Doanh thu 2021"] == before[row["Mã"]]
    assert c["Tăng/giảm"].is_monotonic_increasing
    with pytest.raises(ValueError, match="không có năm 2019"):
        ds.changes(2020, "doanh_thu")


def test_exploration_charts_carry_their_data() -> None:
    frame = pd.DataFrame({"Tên": ["Xã A", "Xã B", "Xã C"], "Số HTX": [0, 2, 5]})
    html = explore.bar(frame, "Tên", "Số HTX", "Số HTX theo xã")._repr_html_()
    assert 'alt="Biểu đồ: Số HTX theo xã. Xã A: 0; Xã B: 2; Xã C: 5."' in html and "<details" in html


def test_the_exploration_notebook_is_not_part_of_the_report() -> None:
    from kttt.pipeline.plan import notebooks

    assert (NOTEBOOKS_DIR / "kham_pha.ipynb").is_file()
    assert "kham_pha" not in [p.stem for p in notebooks()]


@pytest.mark.e2e
def test_the_exploration_notebook_runs(tmp_path: Path) -> None:
    import nbformat
    import papermill

    out = tmp_path / "kham_pha.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "kham_pha.ipynb"), str(out), parameters={"year": 2022},
                               cwd=str(NOTEBOOKS_DIR), progress_bar=False, kernel_name="python3")
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "HTX giảm doanh thu so với năm 2021" in text and "Tỉnh Yên Bái" in text
    charts = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {}) and "bieu-do" in o.data["text/html"]]
    assert len(charts) == 5 and all('alt="Biểu đồ: ' in c for c in charts)
