"""The printed PDF: PDF/A-3a, tagged, fonts embedded, data dates, chapters then annexes."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest

from kttt.outputs import fonts
from kttt.outputs.html import PageInfo
from kttt.outputs.pdf import Section, document, report_order, sections, source_date_epoch, write_pdf
from tests.outputs.documents import pdf_text

INFO = PageInfo("Tỉnh Thử", 2022, "DỮ LIỆU MÔ PHỎNG — thử.", "Dựng bằng kttt.", (("a.html", "A"),))


def _meta(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout


def _info(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def _fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def assert_archival(pdf: Path, day: str) -> None:
    """PDF/A-3 level A identification, tagged, every font embedded and one of kttt's, data dates."""
    meta = _meta(pdf)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="A"' in meta
    assert f"<xmp:CreateDate>{day}T00:00:00+00:00</xmp:CreateDate>" in meta
    info = _info(pdf)
    assert re.search(r"Tagged:\s+yes", info)
    assert "A4" in info
    names = {f.family.replace(" ", "-") + ("-Bold" if f.weight >= 700 else "") for f in fonts.PDF_FONTS}
    rows = _fonts(pdf)
    assert rows
    for row in rows:
        assert row[0].split("+", 1)[1] in names, row
        assert row[-5] == "yes", f"not embedded: {row}"  # emb column


def test_annex_notebooks_come_last_and_are_numbered() -> None:
    books = {"00_kiem_tra": {"metadata": {"kttt": {"annex": True}}}, "01_tong_quan": {"metadata": {}},
             "06_phuong_phap": {"metadata": {"kttt": {"annex": True, "title": "Phương pháp"}}},
             "02_htx": {"metadata": {"kttt": {"title": "HTX"}}}}
    assert report_order(books) == ["01_tong_quan", "02_htx", "00_kiem_tra", "06_phuong_phap"]
    parts = sections({n: n for n in books}, {n: "" for n in books}, books)
    assert [(s.anchor, s.annex) for s in parts] == [("chuong-01_tong_quan", None), ("chuong-02_htx", None),
                                                  ("chuong-00_kiem_tra", 1), ("chuong-06_phuong_phap", 2)]
    assert parts[-1].heading == "Phụ lục 2. 06_phuong_phap"


def test_the_data_date_is_set_only_inside_the_block() -> None:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    with source_date_epoch(dt.date(2022, 12, 31)):
        assert os.environ["SOURCE_DATE_EPOCH"] == "1672444800"
    assert os.environ.get("SOURCE_DATE_EPOCH") == before


def test_a_small_document_is_archival_and_tagged(tmp_path: Path) -> None:
    parts = [Section("chuong-a", "Tổng quan", "<h1>Tổng quan</h1><p>Toàn tỉnh thành lập mới 97 HTX.</p>"),
             Section("chuong-b", "Kiểm tra dữ liệu", "<h1>Kiểm tra dữ liệu</h1><p>Đã đọc 7 tệp.</p>", 1)]
    pdf = tmp_path / "thu.pdf"
    write_pdf(document(parts, INFO, dt.date(2022, 12, 31)), pdf, tmp_path, dt.date(2022, 12, 31))
    assert_archival(pdf, "2022-12-31")
    text = " ".join(pdf_text(pdf).split())
    assert text.index("Toàn tỉnh thành lập mới 97 HTX") < text.index("PHỤ LỤC 1")
    assert "số liệu tại 31/12/2022" in text and "DỮ LIỆU MÔ PHỎNG" in text


@pytest.mark.e2e
def test_the_built_pdf_is_archival_with_annexes_last(year_2022: Path) -> None:
    pdf = year_2022 / "bao_cao_kttt_2022.pdf"
    assert_archival(pdf, "2022-12-31")
    text = " ".join(pdf_text(pdf).split())
    contents = text[text.index("Mục lục"):]
    assert contents.index("Xu hướng qua các năm") < contents.index("Phụ lục 1. Kiểm tra dữ liệu")
    body = text[text.index("Phụ lục 1. Kiểm tra dữ liệu") + 30:]  # after the contents
    assert body.index("Xu hướng qua các năm") < body.index("PHỤ LỤC 1")
    for figure in ("97 HTX", "121,2%", "652 HTX", "627 Tổ hợp tác", "209%", "5.894 THT"):
        assert figure in text, figure
