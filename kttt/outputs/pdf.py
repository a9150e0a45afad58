"""The printable document: the year's chapters in one HTML document, rendered by WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from kttt.outputs.html import PageInfo, css, environment


def document(sections: list[tuple[str, str, str]], info: PageInfo, build_date: str) -> str:
    """The printable document: cover, table of contents, one chapter per notebook.

    ``sections`` holds (anchor, title, body html).
    """
    return environment().get_template("document.html.j2").render(
        sections=sections, info=info, css=css("print.css"), build_date=build_date)


def write_pdf(document_html: str, target: Path, base: Path) -> None:
    """Render the printable document with WeasyPrint (A4, running header, page numbers)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=document_html, base_url=str(base)).write_pdf(str(target))


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """``bao_cao_kttt_<year>.pdf``: cover, contents, one chapter per notebook."""
    from kttt.outputs import OUTPUTS
    from kttt.outputs.html import prefix_ids

    info = source.info
    sections = [(f"chuong-{name}", title, prefix_ids(source.bodies[name], name))
                for (_file, title), name in zip(info.pages, source.notebooks, strict=True)]
    pdf = target / OUTPUTS["pdf"].file_name(source.year)
    write_pdf(document(sections, info, source.build_date.isoformat()), pdf, target)
    return [pdf.name]
