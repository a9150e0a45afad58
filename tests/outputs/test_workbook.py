"""The workbook as an office prints it: print setup on every sheet, read back with openpyxl,
and printed by LibreOffice without sheets split into strips."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kttt.outputs.workbook import HEADER_ROW, layout, wrapped_lines
from kttt.tables import ReportTable
from tests.outputs.documents import office_to_pdf, pdf_pages, pdf_text

FILE = "bang_bieu_2022.xlsx"


def test_a_wide_table_prints_landscape_and_a_narrow_one_portrait() -> None:
    narrow = ReportTable("a", "A", pd.DataFrame({"Chỉ tiêu": ["Số HTX"], "Năm 2022": [652.0]}), {"Năm 2022": "int"})
    wide = ReportTable("b", "B", pd.DataFrame({f"Cột số {i} khá dài": ["một giá trị dài " * 2] for i in range(6)}))
    assert not layout(narrow).landscape and layout(wide).landscape
    assert layout(narrow).widths[0] >= len("Chỉ") + 2


def test_headers_wrap_between_words() -> None:
    assert wrapped_lines("Thu nhập BQ lao động HTX (triệu đồng/tháng)", 16) == 3


@pytest.fixture(scope="module")
def book(year_2022: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(year_2022 / FILE)


@pytest.mark.e2e
def test_every_sheet_has_a_print_setup(book: openpyxl.Workbook) -> None:
    from kttt.config import SAMPLE_DATASET
    from kttt.outputs.workbook import all_tables
    from kttt.tables import Context

    tables = {t.key: t for t in all_tables(Context.open(SAMPLE_DATASET, 2022, history=True))}
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # one page wide (absent = 1, the OOXML default); as many pages tall as its rows need at that
        # scale, given as a number (kttt.outputs.workbook.pages_tall), never "0 = automatic"
        assert (setup.fitToWidth or 1) == 1 and (setup.fitToHeight or 1) >= 1, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, ws.title
        assert ws.freeze_panes, ws.title
        if ws.title == "gioi_thieu":
            continue
        table = tables[ws.title]
        assert setup.orientation == ("landscape" if layout(table).landscape else "portrait"), ws.title
        assert ws.print_title_rows.replace("$", "") == f"1:{HEADER_ROW + 1}", ws.title
        assert ws.freeze_panes == f"A{HEADER_ROW + 2}", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{HEADER_ROW + 1}:"), ws.title
        for j, column in enumerate(table.frame.columns):
            letter = openpyxl.utils.get_column_letter(j + 1)
            longest_word = max(len(w) for w in str(column).split())
            assert ws.column_dimensions[letter].width >= longest_word, (ws.title, column)
    assert {ws.page_setup.orientation for ws in book.worksheets} == {"portrait", "landscape"}


@pytest.mark.e2e
def test_libreoffice_prints_it_one_page_wide(year_2022: Path, book: openpyxl.Workbook, tmp_path: Path) -> None:
    """No sheet printed as strips: every page begins with its sheet's repeated title rows, and
    the page count stays near what the rows need (at least 25 rows a page)."""
    pdf = office_to_pdf(year_2022 / FILE, tmp_path)
    pages = pdf_pages(pdf)
    rows = [max(ws.max_row - (HEADER_ROW + 1), 1) for ws in book.worksheets]
    assert len(book.worksheets) <= pages <= sum(-(-r // 25) for r in rows) + 1, pages
    titles = [ws.title for ws in book.worksheets]
    headings = {str(ws["A1"].value) for ws in book.worksheets}
    for page in range(1, pages + 1):
        text = pdf_text(pdf, page, page)
        assert any(h in text for h in headings), f"page {page} of {pages} has no sheet title: {text[:200]!r}"
    assert titles[0] == "gioi_thieu"
