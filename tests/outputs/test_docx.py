"""The official report (.docx) as its users open it: python-docx reads the styles, the page
setup and the text back; LibreOffice (headless) converts it to PDF."""

from __future__ import annotations

import datetime as dt
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from docx.document import Document
from docx.shared import Pt

from kttt.outputs import docx as report
from kttt.outputs import fonts
from tests.outputs.documents import office_to_pdf, pdf_pages, pdf_text

FILE = "bao_cao_kttt_2022.docx"


def test_the_summary_line_follows_the_year_status() -> None:
    assert report.summary_line(2022, report.is_estimate(object(), 2022)) == (
        "Kết quả phát triển kinh tế tập thể năm 2022 và phương hướng, nhiệm vụ năm 2023")
    estimate = SimpleNamespace(info=lambda year: SimpleNamespace(is_estimate=True))
    assert report.summary_line(2026, report.is_estimate(estimate, 2026)) == (
        "Kết quả phát triển kinh tế tập thể ước thực hiện năm 2026 và phương hướng, nhiệm vụ năm 2027")


def test_the_letterhead_reads_dataset_yaml_and_falls_back() -> None:
    head = report.letterhead(SimpleNamespace(ten="Tỉnh Lào Cai", co_quan="Ủy ban nhân dân tỉnh Lào Cai",
                                             co_quan_chu_quan="", dia_danh="Lào Cai", ky_hieu="BC-UBND"))
    assert (head.issuer, head.place, head.number_line) == ("Ủy ban nhân dân tỉnh Lào Cai", "Lào Cai", "Số: …/BC-UBND")
    assert report.letterhead(SimpleNamespace(ten="Thành phố Hà Nội")).place == "Hà Nội"


def test_fixed_zip_keeps_every_entry_and_stamps_the_data_date(tmp_path: Path) -> None:
    import io

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    fixed = zipfile.ZipFile(io.BytesIO(report.fixed_zip(raw.getvalue(), dt.date(2022, 12, 31))))
    assert [i.filename for i in fixed.infolist()] == ["[Content_Types].xml", "word/document.xml"]
    assert {i.date_time for i in fixed.infolist()} == {(2022, 12, 31, 0, 0, 0)}
    assert fixed.read("word/document.xml") == b"<w:document/>"


# ----------------------------------------------------------------------------- the built document

@pytest.fixture(scope="module")
def built(year_2022: Path) -> Document:
    return docx.Document(str(year_2022 / FILE))


def _texts(doc: Document) -> list[str]:
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out += [p.text for p in cell.paragraphs]
    return out


def _tables_text(doc: Document, index: int) -> list[str]:
    return [p.text for row in doc.tables[index].rows for cell in row.cells for p in cell.paragraphs]




@pytest.mark.e2e
def test_styles_are_those_of_nghi_dinh_30(built: Document) -> None:
    normal = built.styles["Normal"]
    assert normal.font.name == fonts.DOCX_FONT == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14
    pf = normal.paragraph_format
    assert pf.alignment == 3  # justified
    assert 1.0 <= pf.first_line_indent.cm <= 1.27 + 1e-6
    assert pf.space_after >= Pt(6)
    for name in ("Heading 1", "Heading 2", report.STYLE_SUMMARY, report.STYLE_CELL, report.STYLE_PLACEHOLDER):
        assert name in [s.name for s in built.styles], name
    assert built.styles["Heading 1"].font.name == "Times New Roman" and built.styles["Heading 1"].font.bold


@pytest.mark.e2e
def test_page_setup_a4_margins_and_landscape_annexes(built: Document) -> None:
    first = built.sections[0]
    assert round(first.page_width.mm) == 210 and round(first.page_height.mm) == 297
    assert 20 <= round(first.top_margin.mm) <= 25 and 20 <= round(first.bottom_margin.mm) <= 25
    assert 30 <= round(first.left_margin.mm) <= 35 and 15 <= round(first.right_margin.mm) <= 20
    assert first.different_first_page_header_footer  # no page number on page 1
    header = first.header.paragraphs[0]
    assert 'w:instr="PAGE"' in header._p.xml  # the page number field …
    assert header.style.name == report.STYLE_PAGE_NUMBER and header.style.paragraph_format.alignment == 1  # centred
    assert all(not s.different_first_page_header_footer for s in built.sections[1:])
    orientations = {round(s.page_width.mm) for s in built.sections}
    assert orientations == {210, 297}  # wide annex tables on landscape pages


@pytest.mark.e2e
def test_header_block_title_and_body(built: Document) -> None:
    block = _tables_text(built, 0)
    assert "ỦY BAN NHÂN DÂN TỈNH YÊN BÁI" in block
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in block and "Độc lập - Tự do - Hạnh phúc" in block
    assert "Số: …/BC-UBND" in block
    place = next(p for row in built.tables[0].rows for c in row.cells for p in c.paragraphs
                 if p.text == "Yên Bái, ngày … tháng … năm …")
    assert place.style.font.italic
    issuer = next(p for p in built.tables[0].rows[0].cells[0].paragraphs if p.text)
    assert issuer.style.font.bold and issuer.text.isupper()
    texts = [p.text for p in built.paragraphs]
    assert texts[:2] == ["BÁO CÁO", "Kết quả phát triển kinh tế tập thể năm 2022 và phương hướng, nhiệm vụ năm 2023"]
    assert any(t.startswith("DỮ LIỆU MÔ PHỎNG") for t in texts[:5])  # the first page says so
    headings = [p.text for p in built.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["I. KẾT QUẢ PHÁT TRIỂN KINH TẾ TẬP THỂ NĂM 2022", "II. ĐÁNH GIÁ CHUNG",
                        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2023"]
    body = " ".join(texts)
    assert "Toàn tỉnh thành lập mới 97 HTX, bằng 121,2% so với chỉ tiêu tỉnh giao (80 HTX)" in body
    assert "2 chỉ tiêu đạt và vượt kế hoạch" in body and "So với năm 2021: số HTX hiện có tăng" in body
    assert "Năm 2023, BCĐ phát triển KTTT tỉnh đặt mục tiêu: thành lập mới 300 THT và 80 HTX" in body
    placeholders = [r.text for p in built.paragraphs for r in p.runs if r.style.name == report.STYLE_PLACEHOLDER]
    assert len(placeholders) >= 5 and all(t.startswith("[") and t.endswith("]") for t in placeholders)
    everything = " ".join(_texts(built))
    assert "Nơi nhận:" in everything and "[Họ và tên]" in everything
    assert [s.footer.paragraphs[0].text for s in built.sections[:1]] == ["DỮ LIỆU MÔ PHỎNG — không phải số liệu chính thức"]


@pytest.mark.e2e
def test_annexes_hold_every_table_and_the_charts(built: Document, year_2022: Path) -> None:
    from kttt.config import SAMPLE_DATASET
    from kttt.outputs.workbook import all_tables
    from kttt.tables import Context

    expected = {t.title for t in all_tables(Context.open(SAMPLE_DATASET, 2022, history=True))}
    captions = [p.text for p in built.paragraphs if p.style.name == report.STYLE_CAPTION]
    annexed = {c.split(". ", 1)[1] for c in captions if c.startswith("Bảng I.")}
    assert annexed == expected
    assert captions.index(next(c for c in captions if c.startswith("Bảng I."))) > 0
    charts = [c for c in captions if c.startswith("Biểu đồ II.")]
    assert len(charts) == len(report.ANNEX_CHARTS)
    with zipfile.ZipFile(year_2022 / FILE) as package:
        images = [n for n in package.namelist() if n.startswith("word/media/")]
        assert len(images) == len(report.ANNEX_CHARTS) and all(n.endswith(".png") for n in images)
        assert {i.date_time for i in package.infolist()} == {(2022, 12, 31, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in package.namelist()
    # the data check's tables come last, as in the printed PDF
    assert captions[-len(charts) - 1].endswith("Đối chiếu với số liệu đã công bố năm 2022")


@pytest.mark.e2e
def test_document_properties_carry_the_data_date(built: Document) -> None:
    core = built.core_properties
    assert core.created == core.modified == dt.datetime(2022, 12, 31, tzinfo=dt.UTC)
    assert core.author == "Ủy ban nhân dân tỉnh Yên Bái" and core.language == "vi-VN"
    assert "MÔ PHỎNG" in core.comments


@pytest.mark.e2e
def test_libreoffice_opens_it_and_the_figures_read_right(year_2022: Path, tmp_path: Path) -> None:
    pdf = office_to_pdf(year_2022 / FILE, tmp_path)
    assert pdf_pages(pdf) > 10
    text = " ".join(pdf_text(pdf).split())
    for figure in ("97 HTX", "121,2%", "652", "627", "209%", "5.894"):
        assert figure in text, figure
    first = pdf_text(pdf, 1, 1, layout=True)
    second = pdf_text(pdf, 2, 2, layout=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "BÁO CÁO" in first
    assert first.split()[0] != "1"  # no number on the first page
    assert second.split()[0] == "2"  # the number heads page 2, centred in the top margin
    fonts_used = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "LiberationSerif" in fonts_used  # Times New Roman, drawn with its metric twin


def test_a_register_long_list_is_cut_in_the_annex(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12.9: the annex prints a table of ordinary size whole, never a register-long list
    (a 1.000.000-row THT register gave a 67.783-row Word table); the note points to the workbook."""
    import pandas as pd

    from kttt.tables import ANNEX_LIMIT, ReportTable, cut_note

    monkeypatch.setattr(report, "chart_images", lambda ctx: [])
    doc = docx.Document()
    report.define_styles(doc)
    head = report.letterhead(SimpleNamespace(ten="Tỉnh Thử"))
    long = ReportTable("tht_moi", "THT thành lập mới", pd.DataFrame({"Mã THT": [f"T{i}" for i in range(ANNEX_LIMIT + 1)]}))
    short = ReportTable("htx_moi", "HTX thành lập mới", pd.DataFrame({"Mã HTX": [f"H{i}" for i in range(ANNEX_LIMIT)]}))
    report.annexes(doc, SimpleNamespace(), head, [long, short])
    assert [len(t.rows) for t in doc.tables] == [ANNEX_LIMIT + 1, ANNEX_LIMIT + 1]  # a header row each
    notes = [p.text for p in doc.paragraphs if "dòng; danh sách đầy đủ" in p.text]
    assert notes == [cut_note(ANNEX_LIMIT, ANNEX_LIMIT + 1)]
