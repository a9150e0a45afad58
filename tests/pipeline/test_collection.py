"""A collection of provinces (issue 9, part 3): every province and a roll-up whose totals equal
the sum of its provinces; a province in error publishes no roll-up."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kttt.indicators import CATALOGUE
from kttt.load import load_dataset
from kttt.pipeline import build
from kttt.sample import generate_national
from tests.builders import HTX_HEADERS, HTX_ROWS, META_YAML, make_dataset, with_cell, write_xlsx

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory, dask_cluster) -> tuple[Path, Path, list[str]]:  # noqa: ANN001
    """Two synthetic provinces (2023–2024) of the national sample, built as a collection (on the
    tests' Dask cluster, whose kernels stay warm from one build to the next)."""
    root = tmp_path_factory.mktemp("tap") / "ca_nuoc"
    generate_national(root, provinces=2, years=(2023, 2024), log=lambda _: None)
    out = root.parent / "bao_cao"
    lines: list[str] = []
    result = build(root, years=[2024], out=out, log=lines.append, scheduler=dask_cluster.address)
    assert result.ok and result.published == [2024], lines
    return root, out, lines


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_every_province_and_the_roll_up_are_published(national: tuple[Path, Path, list[str]]) -> None:
    _, out, _ = national
    for province in ("tinh_01", "tinh_02"):
        assert (out / province / "2024" / "bao_cao_kttt_2024.pdf").is_file()
    rollup = out / "ca_nuoc" / "2024"
    expected = {"01_tong_hop.html", "02_cac_tinh.html", "index.html", "bao_cao_kttt_2024.pdf", "bang_bieu_2024.xlsx",
                "chi_so_2024.csv", "manifest.json"}
    shown = {key for page in rollup.glob("*.html") for key in re.findall(r'id="bang-([^"]+)"', page.read_text("utf-8"))}
    expected |= {f"bang_{key}_2024.csv" for key in shown}  # each table's CSV (kttt.outputs.table_csv)
    assert {p.name for p in rollup.iterdir()} == expected
    page = (rollup / "01_tong_hop.html").read_text(encoding="utf-8")
    assert "Cả nước (mô phỏng)" in page and "DỮ LIỆU MÔ PHỎNG" in page and "<script" not in page
    manifest = json.loads((rollup / "manifest.json").read_text(encoding="utf-8"))
    assert {"tap_du_lieu.yaml", "tinh_01/2024/htx.xlsx", "tinh_02/2023/tht.xlsx"} <= {e["tep"] for e in manifest["dau_vao"]}
    assert manifest["notebook"] == ["01_tong_hop", "02_cac_tinh"]
    text = subprocess.run(["pdftotext", str(rollup / "bao_cao_kttt_2024.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Tổng hợp các tỉnh" in text and "So sánh các tỉnh" in text


def test_the_roll_up_totals_equal_the_sum_of_the_provinces(national: tuple[Path, Path, list[str]]) -> None:
    _, out, _ = national
    table = rows(out / "ca_nuoc" / "2024" / "chi_so_2024.csv")
    total = {r["ma_chi_tieu"]: r for r in table if r["dia_ban"] == "tong_hop" and r["linh_vuc"] == ""}
    provinces = [r for r in table if r["cap_dia_ban"] == "tinh"]
    assert {r["dia_ban"] for r in provinces} == {"01", "02"}
    assert {r["cap_dia_ban"] for r in table if r["dia_ban"] == "tong_hop"} == {"tap"}
    checked = 0
    for code, meta in CATALOGUE.items():
        if not meta.additive:
            continue
        for column in ("gia_tri", "gia_tri_nam_truoc"):
            values = [r[column] for r in provinces if r["ma_chi_tieu"] == code]
            if "" in values:
                assert total[code][column] == ""
                continue
            assert float(total[code][column]) == pytest.approx(sum(map(float, values)), rel=1e-12), (code, column)
            checked += 1
    assert checked >= 30
    # each province's own CSV says the same as its row in the roll-up
    for province, code in (("tinh_01", "01"), ("tinh_02", "02")):
        own = {r["ma_chi_tieu"]: r["gia_tri"] for r in rows(out / province / "2024" / "chi_so_2024.csv")
               if r["dia_ban"] == "toan_tinh" and r["linh_vuc"] == ""}
        assert own == {r["ma_chi_tieu"]: r["gia_tri"] for r in provinces if r["dia_ban"] == code}


def test_averages_are_recomputed_over_every_cooperative_not_averaged(national: tuple[Path, Path, list[str]]) -> None:
    root, out, _ = national
    table = rows(out / "ca_nuoc" / "2024" / "chi_so_2024.csv")
    value = {(r["dia_ban"], r["ma_chi_tieu"]): r["gia_tri"] for r in table if r["linh_vuc"] == ""}
    revenue, count = 0.0, 0
    for province in ("tinh_01", "tinh_02"):
        htx = load_dataset(root / province, years=[2024]).htx
        operating = htx[htx.loai_hinh.isin(["htx", "qtdnd"]) & (htx.trang_thai == "dang_hoat_dong")
                        & htx.doanh_thu.notna()]
        revenue += float(operating.doanh_thu.sum())
        count += len(operating)
    assert float(value[("tong_hop", "doanh_thu_bq_htx")]) == pytest.approx(revenue / count, rel=1e-12)
    means = [float(value[(c, "doanh_thu_bq_htx")]) for c in ("01", "02")]
    assert float(value[("tong_hop", "doanh_thu_bq_htx")]) != pytest.approx(sum(means) / 2)


def test_province_targets_are_shown_and_the_total_has_none_unless_every_province_sets_one(
        national: tuple[Path, Path, list[str]]) -> None:
    _, out, _ = national
    table = rows(out / "ca_nuoc" / "2024" / "chi_so_2024.csv")
    new = {r["dia_ban"]: r for r in table if r["ma_chi_tieu"] == "htx_thanh_lap_moi" and r["linh_vuc"] == ""}
    assert new["01"]["chi_tieu"] != "" and new["02"]["chi_tieu"] == ""  # only tinh_01 sets targets
    assert new["tong_hop"]["chi_tieu"] == ""
    page = (out / "ca_nuoc" / "2024" / "01_tong_hop.html").read_text(encoding="utf-8")
    assert "1/2 tỉnh đặt chỉ tiêu thành lập mới năm 2024." in page


def test_a_second_build_of_the_collection_executes_nothing(national: tuple[Path, Path, list[str]]) -> None:
    root, out, _ = national
    lines: list[str] = []
    result = build(root, years=[2024], out=out, log=lines.append)  # nothing to do: no executor started
    assert result.ok and result.executed == [] and result.unchanged == [2024]
    assert sum("không có gì thay đổi" in line for line in lines) == 3, lines


def _tiny_collection(base: Path) -> Path:
    root = base / "hai_tinh"
    root.mkdir(parents=True)
    (root / "tap_du_lieu.yaml").write_text('ten: "Hai tỉnh thử"\n', encoding="utf-8")
    for code in ("91", "92"):
        make_dataset(root / f"tinh_{code}", meta=META_YAML.replace('ma_tinh: "99"', f'ma_tinh: "{code}"'))
    return root


def test_a_province_in_error_publishes_no_roll_up(tmp_path: Path, dask_cluster) -> None:  # noqa: ANN001
    root = _tiny_collection(tmp_path)
    write_xlsx(root / "tinh_92" / "2022" / "htx.xlsx", HTX_HEADERS,
               with_cell(HTX_ROWS, 0, HTX_HEADERS.index("Ngày thành lập"), "31/02/2022"))
    lines: list[str] = []
    result = build(root, years=[2022], out=tmp_path / "out", formats=["csv"], log=lines.append,
                   scheduler=dask_cluster.address)
    assert not result.ok
    assert any("✗ Bộ dữ liệu tinh_92 có 1 lỗi" in line for line in lines), lines
    assert any("✗ Tập dữ liệu hai_tinh: không dựng báo cáo tổng hợp (tỉnh tinh_92 có lỗi)" in line for line in lines)
    assert any("tinh_92/2022/htx.xlsx, trang «Sheet1», dòng 2, cột «Ngày thành lập»" in line for line in lines), lines
    assert (tmp_path / "out" / "tinh_91" / "2022" / "chi_so_2022.csv").is_file()
    assert not (tmp_path / "out" / "hai_tinh" / "2022").exists()


def test_two_provinces_with_the_same_code_are_refused(tmp_path: Path, dask_cluster) -> None:  # noqa: ANN001
    root = _tiny_collection(tmp_path)
    (root / "tinh_92" / "dataset.yaml").write_text(META_YAML.replace('ma_tinh: "99"', 'ma_tinh: "91"'),
                                                   encoding="utf-8")
    lines: list[str] = []
    result = build(root, years=[2022], out=tmp_path / "out", formats=["csv"], log=lines.append,
                   scheduler=dask_cluster.address)
    assert not result.ok
    assert any("mỗi tỉnh cần một ma_tinh riêng" in line and "'91'" in line for line in lines), lines
    assert not (tmp_path / "out" / "hai_tinh" / "2022").exists()


def test_kttt_sample_national_writes_a_collection(tmp_path: Path) -> None:
    kttt = Path(sys.executable).parent / "kttt"
    proc = subprocess.run([str(kttt), "sample", "--national", str(tmp_path / "ca_nuoc"), "--provinces", "1"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert 'ten: "Cả nước (mô phỏng)"' in (tmp_path / "ca_nuoc" / "tap_du_lieu.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "ca_nuoc" / "tinh_01" / "2024" / "htx.xlsx").is_file()
    proc = subprocess.run([str(kttt), "sample", "--national"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "cần thư mục đích" in proc.stderr
