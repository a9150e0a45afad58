"""End-to-end: kttt build on the sample year 2022 and on a tiny two-year dataset.

Marked e2e (run with ``make test-e2e``; ``make test`` runs them too): they execute notebooks
with papermill, render HTML/PDF/XLSX and drive headless Chromium.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from kttt.config import NOTEBOOKS_DIR, SAMPLE_DATASET
from kttt.indicators import compute_indicators, to_machine
from kttt.load import load_dataset
from kttt.pipeline import build
from kttt.pipeline.plan import notebooks
from tests.browser import launch, offline
from tests.builders import HTX_HEADERS, HTX_ROWS, make_dataset, with_cell, write_xlsx

pytestmark = pytest.mark.e2e

NOTEBOOKS = [p.stem for p in notebooks()]
EVIL = "<script>alert('x')</script> & <b>HTX</b> \"Đoàn Kết\""


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".kttt" not in p.parts}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("bao_cao")
    lines: list[str] = []
    result = build(SAMPLE_DATASET, years=[2022], out=out, use_cache=False, log=lines.append)
    assert result.ok, "\n".join(lines)
    assert sorted(n for _, n in result.executed) == sorted(NOTEBOOKS)
    return out, lines


def year_dir(sample: tuple[Path, list[str]]) -> Path:
    return sample[0] / "yen_bai" / "2022"


def test_progress_is_shown_per_notebook(sample: tuple[Path, list[str]]) -> None:
    _, lines = sample
    for name in NOTEBOOKS:
        assert any(f"2022 · {name}: chạy xong" in line for line in lines), name
    assert any("đã xuất bản" in line for line in lines)


def test_every_output_exists(sample: tuple[Path, list[str]]) -> None:
    folder = year_dir(sample)
    expected = {f"{n}.html" for n in NOTEBOOKS} | {"index.html", "bao_cao_kttt_2022.pdf", "bang_bieu_2022.xlsx",
                                                    "bao_cao_kttt_2022.docx", "chi_so_2022.csv", "manifest.json"}
    shown = {key for page in folder.glob("*.html") for key in re.findall(r'id="bang-([^"]+)"', page.read_text("utf-8"))}
    expected |= {f"bang_{key}_2022.csv" for key in shown}  # each table's CSV (kttt.outputs.table_csv)
    assert expected == {p.name for p in folder.iterdir()}
    site = (sample[0] / "yen_bai" / "index.html").read_text(encoding="utf-8")
    assert 'href="2022/index.html"' in site and 'lang="vi"' in site


def test_pdf_carries_the_narrative_numbers(sample: tuple[Path, list[str]]) -> None:
    pdf = year_dir(sample) / "bao_cao_kttt_2022.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for published in ("97 HTX", "121,2%", "652 HTX", "627 Tổ hợp tác", "209%", "5.894 THT", "2,1 tỷ đồng",
                      "450 triệu đồng", "5,3 triệu đồng", "Mục lục", "DỮ LIỆU MÔ PHỎNG"):
        assert published in flat, published
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 10
    assert "Trang 3 / " in text  # page numbers


def test_workbook_has_every_table(sample: tuple[Path, list[str]]) -> None:
    from kttt.tables import Context, report_tables

    wb = openpyxl.load_workbook(year_dir(sample) / "bang_bieu_2022.xlsx")
    ctx = Context.open(SAMPLE_DATASET, 2022, history=True)
    keys = [t.key for t in report_tables(ctx)]
    assert wb.sheetnames == ["gioi_thieu", *keys]
    ws = wb["chi_tieu_chinh"]
    header = [c.value for c in ws[4]]
    assert header[:4] == ["Chỉ tiêu", "Đơn vị tính", "Năm 2021", "Năm 2022"]
    values = {r[0].value: r[3].value for r in ws.iter_rows(min_row=5) if r[0].value}
    assert values["Số HTX thành lập mới"] == 97 and values["Số THT hiện có"] == 5894
    assert ws.cell(row=5, column=4).number_format == "#,##0.0"
    assert len(list(wb["htx_thanh_lap_moi"].iter_rows(min_row=5))) == 97


def test_manifest_hashes_match_the_inputs(sample: tuple[Path, list[str]]) -> None:
    folder = year_dir(sample)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    inputs = {e["tep"]: e["sha256"] for e in manifest["dau_vao"]}
    assert {"dataset.yaml", "don_vi_hanh_chinh.csv", "chi_tieu.csv", "so_lieu_cong_bo.csv", "2022/htx.xlsx",
            "2021/htx.csv", "2020/tht.xlsx"} <= set(inputs)
    for rel, digest in inputs.items():
        assert hashlib.sha256((SAMPLE_DATASET / rel).read_bytes()).hexdigest() == digest
    for entry in manifest["dau_ra"]:
        assert hashlib.sha256((folder / entry["tep"]).read_bytes()).hexdigest() == entry["sha256"]
    assert manifest["mo_phong"] is True and manifest["ngay_so_lieu"] == "2022-12-31"
    assert manifest["tham_so"]["year"] == 2022 and "pandas" in manifest["goi"]
    assert manifest["kttt"]["phien_ban"]


def test_csv_is_the_indicator_table(sample: tuple[Path, list[str]]) -> None:
    ds = load_dataset(SAMPLE_DATASET, years=[2021, 2022])
    expected = to_machine(compute_indicators(ds, 2022)).to_csv(index=False, lineterminator="\n")
    assert (year_dir(sample) / "chi_so_2022.csv").read_text(encoding="utf-8") == expected


def test_html_pages_are_offline_vietnamese_and_code_free(sample: tuple[Path, list[str]]) -> None:
    for page in year_dir(sample).glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="vi">' in text, page.name
        assert "<script" not in text and "<link" not in text, page.name
        assert 'src="http' not in text and "@import" not in text and "url(http" not in text, page.name
        assert "DỮ LIỆU MÔ PHỎNG" in text, page.name
        assert "manifest.json" in text, page.name  # provenance footer
        assert "report.open(" not in text and "import " not in text, page.name  # no code input
        assert "injected-parameters" not in text and "data_dir" not in text, page.name
    overview = (year_dir(sample) / "01_tong_quan.html").read_text(encoding="utf-8")
    assert "Toàn tỉnh thành lập mới 97 HTX, bằng 121,2% so với chỉ tiêu tỉnh giao (80 HTX)" in overview


def test_pages_in_headless_chromium_with_the_network_blocked(sample: tuple[Path, list[str]], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder = year_dir(sample)
    pages = sorted(folder.glob("*.html")) + [sample[0] / "yen_bai" / "index.html"]
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for path in pages:
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                failed: list[str] = []
                errors: list[str] = []
                page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))

                outside = offline(page)
                page.goto(path.as_uri())
                page.wait_for_load_state("load")
                assert not outside, (path.name, outside)
                assert not failed, (path.name, failed)
                assert not errors, (path.name, errors)
                assert page.locator(".mo-phong-trang").count() == 1, path.name
                if path.stem in ("01_tong_quan", "02_hop_tac_xa", "05_xu_huong"):
                    charts = page.locator('figure.bieu-do img[src^="data:image/svg+xml"]')
                    assert charts.count() >= 1, path.name
                    assert charts.first.evaluate("img => img.naturalWidth") > 100, path.name
                shot = tmp_path / f"{path.stem}.png"
                page.screenshot(path=str(shot))
                from PIL import Image

                colours = Image.open(shot).convert("L").getextrema()
                assert colours[1] - colours[0] > 100, f"{path.name}: blank screenshot"
                page.close()
        finally:
            browser.close()


def test_two_builds_are_byte_identical(sample: tuple[Path, list[str]], tmp_path: Path) -> None:
    result = build(SAMPLE_DATASET, years=[2022], out=tmp_path, use_cache=False, log=lambda _: None)
    assert result.ok
    first, second = digests(year_dir(sample)), digests(tmp_path / "yen_bai" / "2022")
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing


def test_dask_builds_the_same_bytes(sample: tuple[Path, list[str]], tmp_path: Path) -> None:
    """Issue 9: the same build on Dask distributed (a LocalCluster of two worker processes)."""
    lines: list[str] = []
    result = build(SAMPLE_DATASET, years=[2022], out=tmp_path, use_cache=False, log=lines.append,
                   scheduler="local", jobs=2)
    assert result.ok, lines
    assert any("2 worker Dask (LocalCluster" in line for line in lines)
    first, second = digests(year_dir(sample)), digests(tmp_path / "yen_bai" / "2022")
    assert first.keys() == second.keys() and len(first) > 20  # the full set, checked by test_every_output_exists
    assert [name for name in first if first[name] != second[name]] == []


def test_second_build_executes_nothing(sample: tuple[Path, list[str]]) -> None:
    before = digests(year_dir(sample))
    result = build(SAMPLE_DATASET, years=[2022], out=sample[0], log=lambda _: None)
    assert result.ok and result.executed == [] and result.unchanged == [2022]
    assert digests(year_dir(sample)) == before


# ----------------------------------------------------------------------------- a tiny dataset

@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two years (2022, 2023); a new cooperative's name carries HTML markup."""
    base = tmp_path_factory.mktemp("nho")
    rows = with_cell(HTX_ROWS, 0, HTX_HEADERS.index("Tên HTX"), EVIL)
    root = make_dataset(base / "tinh_thu", htx_rows=rows)
    make_dataset(root, htx_rows=rows, year=2023)
    out = base / "out"
    result = build(root, all_years=True, out=out, log=lambda _: None)
    assert result.ok and result.published == [2022, 2023]
    return root, out


def test_markup_in_names_is_text_everywhere(tiny: tuple[Path, Path]) -> None:
    root, out = tiny
    folder = out / "tinh_thu" / "2022"
    page = (folder / "02_hop_tac_xa.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>HTX</b>" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;b&gt;HTX&lt;/b&gt;" in page
    for html_page in folder.glob("*.html"):
        assert "<script" not in html_page.read_text(encoding="utf-8"), html_page.name
    text = subprocess.run(["pdftotext", str(folder / "bao_cao_kttt_2022.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "<script>alert('x')</script>" in " ".join(text.split())
    wb = openpyxl.load_workbook(folder / "bang_bieu_2022.xlsx")
    names = [r[1].value for r in wb["htx_thanh_lap_moi"].iter_rows(min_row=5)]
    assert EVIL in names


def test_changing_one_register_reruns_only_what_reads_it(tiny: tuple[Path, Path]) -> None:
    root, out = tiny
    before_2022 = digests(out / "tinh_thu" / "2022")
    rows = with_cell(with_cell(HTX_ROWS, 0, HTX_HEADERS.index("Tên HTX"), EVIL), 1, HTX_HEADERS.index("Số thành viên"), 31)
    write_xlsx(root / "2023" / "htx.xlsx", HTX_HEADERS, rows)
    result = build(root, all_years=True, out=out, log=lambda _: None)
    assert result.ok
    assert sorted(result.executed) == sorted((2023, n) for n in NOTEBOOKS)
    assert result.unchanged == [2022] and result.published == [2023]
    assert digests(out / "tinh_thu" / "2022") == before_2022


def test_a_broken_dataset_leaves_the_publication_untouched(tiny: tuple[Path, Path]) -> None:
    root, out = tiny
    register = root / "2023" / "htx.xlsx"
    good = register.read_bytes()
    write_xlsx(register, HTX_HEADERS, with_cell(HTX_ROWS, 0, HTX_HEADERS.index("Ngày thành lập"), "31/02/2023"))
    before = digests(out / "tinh_thu")
    lines: list[str] = []
    try:
        result = build(root, all_years=True, out=out, log=lines.append)
    finally:
        register.write_bytes(good)
    assert not result.ok
    assert any("2023/htx.xlsx, trang «Sheet1», dòng 2, cột «Ngày thành lập»" in line for line in lines)
    assert digests(out / "tinh_thu") == before


def test_another_dataset_of_the_same_name_is_refused(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    """Issue 12.3: a copy named like a published dataset never publishes over it."""
    root, out = tiny
    other = tmp_path / "tinh_thu"
    shutil.copytree(root, other)
    before = digests(out / "tinh_thu")
    lines: list[str] = []
    result = build(other, all_years=True, out=out, log=lines.append)
    assert not result.ok and result.executed == [] and result.unchanged == []
    assert any(f"là báo cáo của thư mục dữ liệu {root}" in line for line in lines), lines
    assert digests(out / "tinh_thu") == before


def test_a_failing_notebook_keeps_the_previous_year_and_the_failed_notebook(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    import nbformat

    root, _ = tiny
    out = tmp_path / "out"
    books = tmp_path / "notebooks"
    books.mkdir()
    shutil.copy(NOTEBOOKS_DIR / "01_tong_quan.ipynb", books)
    assert build(root, years=[2023], out=out, log=lambda _: None, notebook_dir=books).ok
    before = digests(out / "tinh_thu" / "2023")
    nb = nbformat.read(NOTEBOOKS_DIR / "01_tong_quan.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('hỏng có chủ ý')", id="loi-01"))
    nbformat.write(nb, books / "02_loi.ipynb")
    lines: list[str] = []
    result = build(root, years=[2023], out=out, log=lines.append, notebook_dir=books)
    assert not result.ok and 2023 in result.failed
    assert "02_loi" in result.failed[2023] and "ValueError: hỏng có chủ ý" in result.failed[2023]
    assert "ô thực thi số" in result.failed[2023]
    kept = out / "tinh_thu" / ".loi" / "2023" / "02_loi.ipynb"
    assert kept.is_file() and "papermill-error-cell" in kept.read_text(encoding="utf-8")
    assert digests(out / "tinh_thu" / "2023") == before


def test_build_prints_the_warnings_of_a_valid_dataset(tmp_path: Path) -> None:
    """Issue 12.4: a column that will not be used is said by ``build`` too, not only ``validate``."""
    headers = list(HTX_HEADERS)
    headers[headers.index("Ghi chú")] = "Doanh thu năm (triệu đồng)"
    root = make_dataset(tmp_path / "tinh_thu", htx_headers=headers)
    books = tmp_path / "notebooks"
    books.mkdir()
    shutil.copy(NOTEBOOKS_DIR / "01_tong_quan.ipynb", books)
    lines: list[str] = []
    assert build(root, years=[2022], out=tmp_path / "out", formats=["csv"], log=lines.append,
                 notebook_dir=books).ok
    said = [line for line in lines if "[Cảnh báo]" in line]
    assert any("«Doanh thu năm (triệu đồng)» không được dùng" in line for line in said), lines
    assert any("hợp lệ (1 cảnh báo" in line for line in lines), lines
