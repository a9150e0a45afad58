"""The published site: headline figures, CSV per table, charts with text and tables, and — in
Chromium — accessibility (axe-core, offline), keyboard navigation and print.

The e2e part builds 2022 of the sample (HTML + CSV) once for the module.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from kttt.config import REPO_ROOT, SAMPLE_DATASET
from kttt.outputs.html import PageInfo
from kttt.outputs.site import GLANCE, comparison, dataset_index, glance, year_index
from kttt.tables import Context
from tests.browser import launch, offline

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
EVIL = "<script>alert('x')</script> & <b>Tỉnh</b>"


# ----------------------------------------------------------------------------- unit

def test_headline_figures_of_2022_are_the_published_ones() -> None:
    figures = glance(Context.open(SAMPLE_DATASET, 2022))
    assert [f.code for f in figures] == list(GLANCE)
    values = {f.code: f.value for f in figures}
    assert values["htx_thanh_lap_moi"] == "97 HTX" and values["htx_hien_co"] == "652 HTX"
    assert values["tht_thanh_lap_moi"] == "627 THT" and values["tht_hien_co"] == "5.894 THT"
    assert values["thanh_vien_kttt"] == "63.300 người" and values["lao_dong_htx"] == "9.960 người"
    assert values["doanh_thu_bq_htx"] == "2,1 tỷ đồng/HTX"
    assert values["thu_nhap_bq_ld_htx_thang"] == "5,3 triệu đồng/người/tháng"
    details = {f.code: f.detail for f in figures}
    assert details["htx_thanh_lap_moi"] == "bằng 121,2% kế hoạch (80 HTX)"
    assert details["tht_thanh_lap_moi"] == "bằng 209% kế hoạch (300 THT)"


def test_a_first_year_has_no_comparison() -> None:
    assert comparison("htx_hien_co", 2020, float("nan"), float("nan"), float("nan"), float("nan")) == ""


def _info(title: str = "Tỉnh Thử") -> PageInfo:
    return PageInfo(title, 2022, "DỮ LIỆU MÔ PHỎNG — thử.", "chân trang", (("01_tong_quan.html", "Tổng quan năm"),))


def test_year_index_escapes_and_lists_only_files_that_exist() -> None:
    from kttt.outputs.site import Figure

    page = year_index(_info(EVIL), {"chi_so_2022.csv", "manifest.json"}, ("html", "pdf", "csv"),
                      [Figure("htx_hien_co", "Số HTX hiện có", "652 HTX", EVIL)], "31/12/2022")
    assert "<script>" not in page and "&lt;b&gt;Tỉnh&lt;/b&gt;" in page
    assert 'href="chi_so_2022.csv"' in page and "bao_cao_kttt_2022.pdf" not in page
    assert '<span class="gia-tri">652 HTX</span>' in page
    assert '<a class="bo-qua" href="#noi-dung">' in page and '<main id="noi-dung"' in page


def test_dataset_index_reads_what_each_year_published(tmp_path: Path) -> None:
    year = tmp_path / "2022"
    year.mkdir()
    (year / "manifest.json").write_text(json.dumps({"ngay_so_lieu": "2022-12-31", "dinh_dang": ["html", "pdf", "csv"]}))
    (year / "chi_so_2022.csv").write_text("ma_chi_tieu,dia_ban,linh_vuc,gia_tri\nhtx_hien_co,toan_tinh,,652\n"
                                          "htx_hien_co,132,,69\ntht_hien_co,toan_tinh,,5894\n", encoding="utf-8")
    (tmp_path / "2023").mkdir()  # not published: no manifest
    page = dataset_index(tmp_path, EVIL, "")
    assert 'href="2022/index.html"' in page and "2023" not in page
    assert 'href="2022/chi_so_2022.csv"' in page and "bao_cao_kttt_2022.pdf" not in page  # the PDF is absent
    assert "Số HTX hiện có: 652 HTX" in page and "Số THT hiện có: 5.894 THT" in page
    assert "(số liệu tại 31/12/2022)" in page and "<script>" not in page


# ----------------------------------------------------------------------------- e2e

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kttt.pipeline import build

    out = tmp_path_factory.mktemp("trang")
    lines: list[str] = []
    result = build(SAMPLE_DATASET, years=[2022], out=out, use_cache=False, formats=["html"], log=lines.append)
    assert result.ok, "\n".join(lines)
    return out / "yen_bai"


def pages(site: Path) -> list[Path]:
    return sorted((site / "2022").glob("*.html")) + [site / "index.html"]


@pytest.mark.e2e
def test_every_table_has_its_csv_with_every_row(site: Path) -> None:
    folder = site / "2022"
    seen = 0
    for page in sorted(folder.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="bang" id="bang-([^"]+)">(.*?)</figure>', text, re.S):
            key, inner = figure
            link = re.search(r'<a download="" href="(bang_[^"]+\.csv)">', inner)
            assert link and link.group(1) == f"bang_{key}_2022.csv", (page.name, key)
            rows = list(csv.reader(io.StringIO((folder / link.group(1)).read_text(encoding="utf-8-sig"))))
            shown = re.search(r"Hiển thị (\S+)/(\S+) dòng", inner)
            body_rows = inner.count("<tr>") - 1 if "<table" in inner else 0
            expected = int(shown.group(2).replace(".", "")) if shown else body_rows
            assert len(rows) - 1 == expected, (page.name, key)
            seen += 1
    assert seen >= 25
    rows = list(csv.reader(io.StringIO((folder / "bang_tht_thanh_lap_moi_2022.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Mã", "Tên", "Địa bàn", "Lĩnh vực", "Ngày thành lập"] and len(rows) == 628


@pytest.mark.e2e
def test_every_chart_image_has_a_text_alternative_and_a_data_table(site: Path) -> None:
    charts = 0
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        for img in re.findall(r"<img [^>]*>", text):
            alt = re.search(r'alt="([^"]*)"', img)
            assert alt and alt.group(1).startswith("Biểu đồ: "), (page.name, img[:120])
            charts += 1
        assert text.count('<figure class="bieu-do">') == text.count('<details class="so-lieu-bieu-do">'), page.name
    assert charts >= 20


@pytest.mark.e2e
def test_year_index_shows_the_headline_figures(site: Path) -> None:
    text = (site / "2022" / "index.html").read_text(encoding="utf-8")
    for figure in ("97 HTX", "652 HTX", "627 THT", "5.894 THT", "63.300 người", "2,1 tỷ đồng/HTX",
                   "bằng 121,2% kế hoạch (80 HTX)", "bằng 209% kế hoạch (300 THT)"):
        assert f">{figure}<" in text, figure
    assert "06_phuong_phap.html" in text and "Phương pháp và nguồn số liệu" in text
    top = (site / "index.html").read_text(encoding="utf-8")
    assert "Số HTX thành lập mới: 97 HTX" in top and "Số THT hiện có: 5.894 THT" in top


@pytest.mark.e2e
def test_no_serious_or_critical_accessibility_violation(site: Path) -> None:
    """axe-core (npm, package-lock.json) injected into each built page, offline, with the
    charts' data tables open."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing on CI: make test runs npm ci first")
        pytest.skip("axe-core is not installed: npm ci")
    from playwright.sync_api import sync_playwright

    script = AXE.read_text(encoding="utf-8")
    found: list[str] = []
    checked = 0
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for path in pages(site):
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                outside = offline(page)
                page.goto(path.as_uri())
                page.add_script_tag(content=script)
                # charts' data tables open: every element of the page is checked (closed, only the summary shows)
                page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
                result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                assert result["passes"], path.name  # axe really ran its rules
                checked += 1
                for v in result["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        found.append(f"{path.name}: {v['impact']} {v['id']} — {v['help']}: {v['nodes'][0]['html'][:160]}")
                assert not outside, (path.name, outside)
                page.close()
        finally:
            browser.close()
    assert checked == len(pages(site))
    assert not found, "\n".join(found)


@pytest.mark.e2e
def test_keyboard_skip_link_and_focus_ring(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            offline(page)
            page.goto((site / "2022" / "01_tong_quan.html").as_uri())
            page.keyboard.press("Tab")
            first = page.evaluate("() => [document.activeElement.className, document.activeElement.getBoundingClientRect().top, "
                                  "getComputedStyle(document.activeElement).outlineStyle]")
            assert first[0] == "bo-qua" and first[1] >= 0 and first[2] != "none"  # visible when focused
            page.keyboard.press("Enter")
            assert page.evaluate("() => document.activeElement.id") == "noi-dung"
            # a chart's data table opens from the keyboard
            summary = page.locator("details.so-lieu-bieu-do summary").first
            summary.focus()
            page.keyboard.press("Enter")
            assert page.evaluate("() => document.querySelector('details.so-lieu-bieu-do').open")
            # wide tables scroll from the keyboard: their region takes focus
            assert page.locator(".bang-cuon[tabindex='0']").count() >= 2
        finally:
            browser.close()


@pytest.mark.e2e
def test_printing_keeps_tables_whole(site: Path, tmp_path: Path) -> None:
    import subprocess

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            offline(page)
            page.goto((site / "2022" / "01_tong_quan.html").as_uri())
            page.emulate_media(media="print")
            style = page.evaluate("""() => {
                const s = (q, p) => getComputedStyle(document.querySelector(q))[p];
                return [s('nav', 'display'), s('figure.bang', 'breakInside'), s('.bang-cuon', 'overflowX'),
                        s('thead', 'display'), s('.tai-bang', 'display'), s('details.so-lieu-bieu-do', 'display')];
            }""")
            assert style == ["none", "avoid", "visible", "table-header-group", "none", "none"]
            pdf = tmp_path / "in.pdf"
            page.pdf(path=str(pdf), format="A4")
        finally:
            browser.close()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # the widest table of the overview, every column and every row on paper; its header repeated on the next page
    for cell in ("Tăng/giảm", "Đánh", "121,2%", "209%", "Tỷ lệ HTX xếp loại", "OCOP"):
        assert cell in text, cell
    assert text.count("Đơn vị tính") >= 2


@pytest.mark.e2e
def test_the_manifest_records_the_locked_environment(site: Path) -> None:
    import hashlib

    from kttt.config import LOCK_FILE

    manifest = json.loads((site / "2022" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["khoa_moi_truong"] == {"tep": "requirements.lock",
                                           "sha256": hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()}
    listed = {e["tep"] for e in manifest["dau_ra"]}
    assert {p.name for p in (site / "2022").glob("bang_*_2022.csv")} <= listed  # every table's CSV has its hash
