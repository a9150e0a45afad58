"""Executed notebooks → HTML pages (nbconvert, in-process, no CDN, no code).

The published page has no code, no prompts, no injected-parameters cell and no request
leaving it: the notebook body comes from nbconvert's ``basic`` template (no require.js,
MathJax or mermaid from a CDN) wrapped in kttt's own layout (``templates/base.html.j2``,
``page.html.j2``) with inline CSS; charts are SVG images with a text alternative and their
data table; fonts are the system's. Every table shown gets its CSV next to the pages
(:mod:`kttt.outputs.table_csv`), listed under it. Cell ids are renumbered so two runs render
the same bytes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import nbformat

from kttt import markup
from kttt.config import TEMPLATES_DIR
from kttt.outputs import table_csv

DROP_TAGS = {"parameters", "injected-parameters"}


@dataclass(frozen=True)
class PageInfo:
    """What the page around a notebook shows: names, navigation, provenance."""

    dataset_title: str
    year: int
    synthetic_notice: str
    footer: str
    pages: tuple[tuple[str, str], ...]  # (file name, title) of the year's pages
    year_label: str = ""  # "năm 2022", or "ước thực hiện năm 2026 (số liệu đến 30/11/2026)"
    notes: tuple[str, ...] = ()  # what every page of the year must say (a comparison across a boundary change)
    estimate: bool = False  # an estimate year: its data run "to" the data date ("số liệu đến")

    @property
    def label(self) -> str:
        """How the year is named on every page."""
        return self.year_label or f"năm {self.year}"


def environment() -> jinja2.Environment:
    """kttt's one Jinja environment (:mod:`kttt.markup`)."""
    return markup.environment()


@lru_cache(maxsize=1)
def _exporter():  # noqa: ANN202
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""
    return exporter


def css(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as published: parameter cells, empty code cells and stderr dropped,
    volatile metadata removed, cell ids renumbered."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & DROP_TAGS:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
            if not cell.outputs:
                continue
            cell.execution_count = None
            for output in cell.outputs:
                if "execution_count" in output:
                    output.execution_count = None
                output.get("data", {}).pop(table_csv.MEDIA_TYPE, None)
        cell.metadata = {}
        cells.append(cell)
    for i, cell in enumerate(cells, 1):
        cell.id = f"o{i:03d}"
    nb.cells = cells
    nb.metadata = {"kernelspec": nb.metadata.get("kernelspec", {}), "language_info": {"name": "python"}}
    return nb


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    return nb.metadata.get("kttt", {}).get("title", fallback)


def notebook_body(nb: nbformat.NotebookNode) -> str:
    """The notebook's rendered outputs and markdown, without page chrome."""
    body, _ = _exporter().from_notebook_node(clean_notebook(nb))
    return body.strip() + "\n"


def with_downloads(nb: nbformat.NotebookNode, year: int) -> tuple[nbformat.NotebookNode, list[dict]]:
    """The notebook with each shown table's CSV listed under it, and those tables' data.

    A table output carries its values under :data:`~kttt.outputs.table_csv.MEDIA_TYPE`; its
    HTML (``partials/table.html.j2``) ends with ``</figure>``, before which the download line
    (``partials/table_download.html.j2``) goes.
    """
    from kttt import fmt

    nb = copy.deepcopy(nb)
    tables = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            table = data.get(table_csv.MEDIA_TYPE)
            shown = data.get("text/html", "")
            if not table or not shown.rstrip().endswith("</figure>"):
                continue
            link = markup.fragment("partials/table_download.html.j2", file=table_csv.file_name(table["key"], year),
                                   title=table["title"], rows=fmt.number(len(table["rows"])))
            data["text/html"] = shown.rstrip()[: -len("</figure>")] + link + "\n</figure>"
            tables.append(table)
    return nb, tables


_HEADING_ID = re.compile(r'<(h[1-6]) id="([^"]*)"')


def prefix_ids(body: str, prefix: str) -> str:
    """Make heading and figure ids unique when several notebooks share one document."""
    body = _HEADING_ID.sub(lambda m: f'<{m.group(1)} id="{prefix}-{m.group(2)}"', body)
    body = body.replace('href="#', f'href="#{prefix}-')
    return re.sub(r'id="(bang-[^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', body)


def page(body: str, title: str, current: str, info: PageInfo) -> str:
    """A complete, offline HTML page for one notebook (``page.html.j2``)."""
    return markup.render("page.html.j2", title=title, body=body, current=current, info=info, css=css("style.css"))


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """The year's HTML pages (one per notebook), each shown table's CSV, and the index page."""
    from kttt import fmt
    from kttt.outputs import MANIFEST, expected_files
    from kttt.outputs.site import glance, year_index

    info = source.info
    written: list[str] = []
    for (file, title), name in zip(info.pages, source.notebooks, strict=True):
        nb, tables = with_downloads(source.notebooks[name], source.year)
        for table in tables:
            csv_file = table_csv.file_name(table["key"], source.year)
            table_csv.write(table, target / csv_file)
            if csv_file not in written:
                written.append(csv_file)
        (target / file).write_text(page(notebook_body(nb), title, file, info), encoding="utf-8")
        written.append(file)
    files = expected_files(source.year, source.formats, source.notebooks) | {MANIFEST}
    index = year_index(info, files, source.formats, glance(source.ctx), fmt.date(source.build_date))
    (target / "index.html").write_text(index, encoding="utf-8")
    return [*written, "index.html"]
