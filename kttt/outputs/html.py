"""Executed notebooks → HTML pages (nbconvert, in-process, no CDN, no code).

The published page has no code, no prompts, no injected-parameters cell and no request
leaving it: the notebook body comes from nbconvert's ``basic`` template (no require.js,
MathJax or mermaid from a CDN) wrapped in kttt's own page with inline CSS; charts are inline
SVG; fonts are the system's. Cell ids are renumbered so two runs render the same bytes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import nbformat

from kttt.config import TEMPLATES_DIR

DROP_TAGS = {"parameters", "injected-parameters"}


@dataclass(frozen=True)
class PageInfo:
    """What the page around a notebook shows: names, navigation, provenance."""

    dataset_title: str
    year: int
    synthetic_notice: str
    footer: str
    pages: tuple[tuple[str, str], ...]  # (file name, title) of the year's pages


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                              keep_trailing_newline=True)


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


_HEADING_ID = re.compile(r'<(h[1-6]) id="([^"]*)"')


def prefix_ids(body: str, prefix: str) -> str:
    """Make heading and figure ids unique when several notebooks share one document."""
    body = _HEADING_ID.sub(lambda m: f'<{m.group(1)} id="{prefix}-{m.group(2)}"', body)
    body = body.replace('href="#', f'href="#{prefix}-')
    return re.sub(r'id="(bang-[^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', body)


def page(body: str, title: str, current: str, info: PageInfo) -> str:
    """A complete, offline HTML page for one notebook (or the year's index)."""
    return environment().get_template("page.html.j2").render(
        title=title, body=body, current=current, info=info, css=css("style.css"))


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """The year's HTML pages (one per notebook) and its index page."""
    from kttt.outputs import MANIFEST, expected_files
    from kttt.outputs.site import year_index

    info = source.info
    written = []
    for (file, title), name in zip(info.pages, source.notebooks, strict=True):
        (target / file).write_text(page(source.bodies[name], title, file, info), encoding="utf-8")
        written.append(file)
    files = expected_files(source.year, source.formats, source.notebooks) | {MANIFEST}
    (target / "index.html").write_text(year_index(info, files, source.formats), encoding="utf-8")
    return [*written, "index.html"]
