"""What a reader sees names publications, never a path of ours: HTML pages, the PDF and the
Word report, and the sources of the sample's targets and published figures."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from kttt.config import SAMPLE_DATASET
from tests.outputs.documents import pdf_text

# An absolute path, a folder of this repository or of the team's, a file URL, a Windows drive.
PATH = re.compile(r"(?<![\w.:/])/(?:work|tmp|home|root|usr|mnt|var|opt)/"
                  r"|(?<![\w.])(?:shared|data|reports|notebooks|kttt|tests|benchmarks)/"
                  r"|\.kttt-cache|\.dang-dung|file:/|\b[A-Za-z]:\\\\")


def paths_in(text: str) -> list[str]:
    """Every path-like piece of ``text``, with what follows it.

    >>> paths_in("Nguồn: Báo Yên Bái (baoyenbai.com.vn, mã bài 12/343905); tệp 2022/htx.xlsx")
    []
    >>> paths_in("Chỉ tiêu tỉnh giao (shared/seed), /work/main/data/yen_bai/chi_tieu.csv")
    ['shared/seed', '/work/main', 'data/yen_']
    """
    return [text[m.start():m.end() + 4] for m in PATH.finditer(text)]


class _Text(HTMLParser):
    """The text of a page as a reader sees it (no style, script or attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:  # what a reader meets too: alternative text and titles
            if name in ("alt", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(page: Path) -> str:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def docx_text(path: Path) -> str:
    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            parts += [p.text for p in part.paragraphs]
    core = doc.core_properties
    parts += [core.title, core.subject, core.comments, core.keywords]
    return " ".join(parts)


def test_the_sample_cites_publications() -> None:
    for name, column in (("chi_tieu.csv", "nguon"), ("so_lieu_cong_bo.csv", "nguon")):
        with (SAMPLE_DATASET / name).open(encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                source = row[column]
                assert source.strip(), (name, line)
                assert not paths_in(source), (name, line, source)
                assert "seed" not in source and "article" not in source, (name, line, source)


@pytest.mark.e2e
def test_no_path_in_what_a_reader_sees(year_2022: Path) -> None:
    texts = {page.name: html_text(page) for page in sorted(year_2022.glob("*.html"))}
    texts |= {page.name: html_text(page) for page in sorted(year_2022.parent.glob("*.html"))}
    texts["bao_cao_kttt_2022.pdf"] = pdf_text(year_2022 / "bao_cao_kttt_2022.pdf")
    texts["bao_cao_kttt_2022.docx"] = docx_text(year_2022 / "bao_cao_kttt_2022.docx")
    assert len(texts) >= 9
    found = {name: paths_in(text) for name, text in texts.items() if paths_in(text)}
    assert not found
    # the reconciliation shows the sources as publications
    assert "Liên minh HTX tỉnh Yên Bái, tin «Hội nghị Ban Chỉ đạo" in texts["00_kiem_tra_du_lieu.html"]
