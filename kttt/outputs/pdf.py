"""The printed report as an archival document: PDF/A-3a (tagged), rendered by WeasyPrint.

The year's chapters come first, then the annexes (Phụ lục): every notebook whose metadata says
``"kttt": {"annex": true}`` — the data check, the methodology. Fonts are the files named in
:mod:`kttt.outputs.fonts`, embedded and checked after rendering (no silent fallback). The
PDF's dates are the data date (``RenderSource.build_date``), never the clock's: in the
document's metadata and, through ``SOURCE_DATE_EPOCH``, in the font tools WeasyPrint calls.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import html
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kttt.outputs import fonts
from kttt.outputs.html import PageInfo, css, environment

PDF_VARIANT = "pdf/a-3a"
"""PDF/A-3, level A: archival (fonts embedded, colour profile, XMP metadata) and accessible
(tagged, Unicode text). WeasyPrint ≥ 70 writes it."""


@dataclass(frozen=True)
class Section:
    """One chapter (or annex) of the printed document."""

    anchor: str
    title: str
    body: str  # HTML
    annex: int | None = None  # the annex's number (Phụ lục 1, 2 …); None for a chapter

    @property
    def heading(self) -> str:
        """The title the contents and the running header show.

        >>> Section("a", "Kiểm tra dữ liệu", "", 1).heading, Section("b", "Tổng quan", "").heading
        ('Phụ lục 1. Kiểm tra dữ liệu', 'Tổng quan')
        """
        return f"Phụ lục {self.annex}. {self.title}" if self.annex else self.title


def is_annex(notebook: Mapping[str, Any]) -> bool:
    """True when the notebook's metadata marks it as an annex (``"kttt": {"annex": true}``).

    >>> is_annex({"metadata": {"kttt": {"title": "Kiểm tra", "annex": True}}}), is_annex({"metadata": {}})
    (True, False)
    """
    return bool(notebook.get("metadata", {}).get("kttt", {}).get("annex", False))


def report_order(notebooks: Mapping[str, Any]) -> list[str]:
    """Notebook names in the order of the official documents: chapters, then annexes, each
    group in name order.

    >>> report_order({"00_kiem_tra": {"metadata": {"kttt": {"annex": True}}}, "01_tong_quan": {"metadata": {}}})
    ['01_tong_quan', '00_kiem_tra']
    """
    names = sorted(notebooks)
    return [n for n in names if not is_annex(notebooks[n])] + [n for n in names if is_annex(notebooks[n])]


def sections(titles: Mapping[str, str], bodies: Mapping[str, str], notebooks: Mapping[str, Any]) -> list[Section]:
    """The document's sections: chapters first, then numbered annexes."""
    out, annex = [], 0
    for name in report_order(notebooks):
        number = None
        if is_annex(notebooks[name]):
            annex += 1
            number = annex
        out.append(Section(f"chuong-{name}", titles[name], bodies[name], number))
    return out


_SVG_IMG = re.compile(r'<img alt="[^"]*" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
_SVG_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def describe_images(body: str) -> str:
    """Give every embedded SVG chart its own title as alternative text (the tagged PDF's
    figure description) instead of nbconvert's English placeholder.

    >>> svg = base64.b64encode("<svg><title>HTX mới &amp; cũ</title></svg>".encode()).decode()
    >>> describe_images(f'<img alt="No description" src="data:image/svg+xml;base64,{svg}">')[:32]
    '<img alt="HTX mới &amp; cũ" src='
    """
    def alt(match: re.Match[str]) -> str:
        try:
            svg = base64.b64decode(match.group(1)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return match.group(0)
        found = _SVG_TITLE.search(svg)
        text = html.unescape(found.group(1)).strip() if found else "Biểu đồ"
        return f'<img alt="{html.escape(text)}" src="data:image/svg+xml;base64,{match.group(1)}"'

    return _SVG_IMG.sub(alt, body)


def document(parts: list[Section], info: PageInfo, build_date: dt.date) -> str:
    """The printable document: cover, contents, chapters, annexes (HTML for WeasyPrint).

    Its creation and modification dates are the data date at 00:00 UTC: the PDF's
    information dictionary and its XMP metadata then say the same instant (PDF/A).
    """
    from kttt import fmt

    stamp = f"{build_date.isoformat()}T00:00:00+00:00"
    return environment().get_template("document.html.j2").render(
        sections=parts, info=info, css=css("print.css"), build_date=stamp,
        data_date=fmt.date(build_date), fonts=fonts.PDF_FONTS, text_family=fonts.css_family(fonts.TEXT_FAMILIES))


@contextlib.contextmanager
def source_date_epoch(day: dt.date) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` = the data date, for the duration of the block only.

    WeasyPrint hands fonts to fontTools when it must rewrite them (no HarfBuzz subsetter, a
    variable font): fontTools stamps the rewritten font with the time, or with
    SOURCE_DATE_EPOCH when set, and takes no parameter for it.

    >>> with source_date_epoch(dt.date(2022, 12, 31)):
    ...     os.environ["SOURCE_DATE_EPOCH"]
    '1672444800'
    """
    epoch = str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def embedded_fonts(rendered: Any) -> list[tuple[str, str, list[str]]]:  # noqa: ANN401 - a weasyprint Document
    """(family, SHA-256 of the whole font file, characters it had no glyph for) of every font
    a rendered WeasyPrint document drew with."""
    import hashlib

    from weasyprint.text.fonts import get_hb_object_data

    used = []
    for font in rendered.fonts.values():
        digest = hashlib.sha256(get_hb_object_data(font.hb_face)).hexdigest()
        used.append((font.family, digest, [chr(c) for c in font.missing]))
    return used


def write_pdf(document_html: str, target: Path, base: Path, build_date: dt.date,
              allowed: Iterable[fonts.FontFile] = fonts.PDF_FONTS) -> None:
    """Render the printable document as PDF/A-3a and check its fonts (:mod:`kttt.outputs.fonts`)."""
    import logging

    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    allowed = fonts.require(allowed)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font_config = FontConfiguration()
    rendered = HTML(string=document_html, base_url=str(base)).render(font_config=font_config)
    partial = target.with_name(target.name + ".tmp")
    with source_date_epoch(build_date):
        rendered.write_pdf(str(partial), pdf_variant=PDF_VARIANT)
    try:
        fonts.check_embedded(embedded_fonts(rendered), allowed)
    except fonts.FontError:
        partial.unlink()
        raise
    partial.replace(target)


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """``bao_cao_kttt_<year>.pdf``: cover, contents, chapters, annexes."""
    from kttt.outputs import OUTPUTS
    from kttt.outputs.html import prefix_ids

    info = source.info
    titles = {name: title for (_file, title), name in zip(info.pages, source.notebooks, strict=True)}
    bodies = {name: describe_images(prefix_ids(source.bodies[name], name)) for name in source.notebooks}
    pdf = target / OUTPUTS["pdf"].file_name(source.year)
    write_pdf(document(sections(titles, bodies, source.notebooks), info, source.build_date), pdf, target,
              source.build_date)
    return [pdf.name]
