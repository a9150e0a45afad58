"""The output formats of a year's publication, one registry entry each.

An :class:`Output` says what a format is called (``--format`` key), which files it writes for
a year, how the site labels it, which renderer makes it, whether it is rendered in a task
of its own (the PDF is the slow one) and which renderer makes it for a collection's roll-up
(``rollup``; None when the format is not made for collections). The CLI's ``--format`` choices, the files a published
year must hold, the render tasks, the site's download list and the manifest all read
:data:`OUTPUTS`; adding a format is one entry here and one renderer module.

A renderer is ``render(source: RenderSource, target: Path) -> list[str]``: it writes its files
into ``target`` (a staging folder) and returns their names.

>>> [o.name for o in OUTPUTS.values()]
['html', 'pdf', 'docx', 'xlsx', 'csv']
>>> OUTPUTS["pdf"].file_name(2022)
'bao_cao_kttt_2022.pdf'
>>> sorted(expected_files(2022, ("csv", "xlsx"), ["01_tong_quan"]))
['bang_bieu_2022.xlsx', 'chi_so_2022.csv']
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from kttt.outputs.html import PageInfo
    from kttt.tables import Context

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Output:
    """One output format of a year's publication."""

    name: str  # the --format key
    label: str  # what the site's download list calls it
    pattern: str  # the file name for a year ("" for the HTML pages, one per notebook)
    renderer: str  # "module:function", imported when first used
    default: bool = True  # built unless --format says otherwise
    always: bool = False  # built whatever --format says (the indicator CSV)
    own_task: bool = False  # rendered in a task of its own (slow: the PDF)
    rollup: str | None = None  # the renderer for a collection's roll-up (None: not made for collections)

    def file_name(self, year: int) -> str:
        return self.pattern.format(year=year)

    def files(self, year: int, notebooks: Iterable[str]) -> set[str]:
        """The files this format writes for a year."""
        if self.name == "html":
            return {f"{name}.html" for name in notebooks} | {"index.html"}
        return {self.file_name(year)}

    @property
    def render(self) -> Callable[[RenderSource, Path], list[str]]:
        return _function(self.renderer)

    def renderer_for(self, source: RenderSource) -> Callable[[RenderSource, Path], list[str]]:
        """The renderer of a province's year, or of a collection's roll-up."""
        if not source.collection:
            return self.render
        if self.rollup is None:
            raise ValueError(f"định dạng {self.name} không có cho báo cáo tổng hợp của một tập")
        return _function(self.rollup)


def _function(spec: str) -> Callable[..., Any]:
    module, function = spec.split(":")
    return getattr(importlib.import_module(module), function)


OUTPUTS: dict[str, Output] = {o.name: o for o in (
    Output("html", "Các trang HTML (bản công bố)", "", "kttt.outputs.html:render",
           rollup="kttt.outputs.html:render"),
    Output("pdf", "Báo cáo PDF (khổ A4, để in)", "bao_cao_kttt_{year}.pdf", "kttt.outputs.pdf:render",
           own_task=True, rollup="kttt.outputs.pdf:render"),
    Output("docx", "Báo cáo Word theo thể thức Nghị định 30/2020 (để soạn, trình ký)", "bao_cao_kttt_{year}.docx",
           "kttt.outputs.docx:render", own_task=True),
    Output("xlsx", "Bảng biểu Excel (mọi bảng của báo cáo)", "bang_bieu_{year}.xlsx",
           "kttt.outputs.workbook:render", rollup="kttt.rollup:render_workbook"),
    Output("csv", "Bảng chỉ tiêu CSV (định dạng máy đọc)", "chi_so_{year}.csv",
           "kttt.outputs.indicator_csv:render", always=True, rollup="kttt.outputs.indicator_csv:render"),
)}

DEFAULT_FORMATS: tuple[str, ...] = tuple(name for name, o in OUTPUTS.items() if o.default)


def choose(asked: Iterable[str] | None) -> tuple[str, ...]:
    """The formats to build, in registry order: the ones asked (the defaults when None) and
    every ``always`` format. Unknown names raise ``ValueError`` naming the known ones.

    >>> choose(["xlsx"]), choose(None)
    (('xlsx', 'csv'), ('html', 'pdf', 'docx', 'xlsx', 'csv'))
    """
    wanted = set(DEFAULT_FORMATS if asked is None else asked)
    unknown = wanted - set(OUTPUTS)
    if unknown:
        raise ValueError(f"định dạng không hỗ trợ: {', '.join(sorted(unknown))} "
                         f"(có: {', '.join(OUTPUTS)})")
    return tuple(name for name, o in OUTPUTS.items() if name in wanted or o.always)


def expected_files(year: int, formats: Iterable[str], notebooks: Iterable[str]) -> set[str]:
    """The files a year's publication holds for these formats (the manifest aside)."""
    books = list(notebooks)
    return set().union(*(OUTPUTS[name].files(year, books) for name in choose(formats)))


def downloads(year: int, formats: Iterable[str]) -> list[tuple[str, str]]:
    """(file name, label) of every single-file output, for the site's download list."""
    return [(o.file_name(year), o.label) for name, o in OUTPUTS.items() if o.pattern and name in set(formats)]


@dataclass
class RenderSource:
    """What every renderer of a year reads: the dataset, the executed notebooks, provenance.

    Heavy things (the loaded dataset, the notebooks, their HTML bodies) are read once, when a
    renderer first asks for them.
    """

    root: Path
    year: int
    executed: dict[str, str | Path | bytes]  # notebook name → executed .ipynb (a path, or its bytes)
    formats: tuple[str, ...]
    commit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    parse_cache: str | None = None  # a folder of parsed registers shared between processes
    collection: bool = False  # a collection's roll-up (``root`` holds province datasets)

    @cached_property
    def ctx(self) -> Context:
        """The year's context: a province's (:class:`kttt.tables.Context`) or a collection's
        (:class:`kttt.rollup.CollectionContext`) — both have ``dataset.meta`` and ``table``."""
        if self.collection:
            from kttt.rollup import CollectionContext

            return CollectionContext.open(self.root, self.year, parse_cache=self.parse_cache)  # type: ignore[return-value]
        from kttt.tables import Context

        return Context.open(self.root, self.year, history=True, parse_cache=self.parse_cache)

    @property
    def build_date(self) -> dt.date:
        """The date the data describe (not the clock's): every tool's timestamp — 31/12, or an
        estimate year's data date (``<year>/nam.yaml``)."""
        dataset = self.ctx.dataset
        return dataset.data_date(self.year) if hasattr(dataset, "data_date") else dt.date(self.year, 12, 31)

    @cached_property
    def notebooks(self) -> dict[str, Any]:
        import nbformat

        return {name: nbformat.reads(item.decode("utf-8"), as_version=4) if isinstance(item, bytes)
                else nbformat.read(item, as_version=4) for name, item in sorted(self.executed.items())}

    @cached_property
    def bodies(self) -> dict[str, str]:
        from kttt.outputs.html import notebook_body

        return {name: notebook_body(nb) for name, nb in self.notebooks.items()}

    @cached_property
    def notice(self) -> str:
        from kttt.report import synthetic_notice

        return synthetic_notice(self.ctx)

    @cached_property
    def info(self) -> PageInfo:
        from kttt import __version__, fmt
        from kttt.outputs.html import PageInfo, notebook_title
        from kttt.tables import NOTEBOOK_TITLES

        dataset = self.ctx.dataset
        meta = dataset.meta
        pages = tuple((f"{name}.html", notebook_title(nb, NOTEBOOK_TITLES.get(name, name)))
                      for name, nb in self.notebooks.items())
        estimate = hasattr(dataset, "info") and dataset.info(self.year).is_estimate
        label = dataset.year_label(self.year) if hasattr(dataset, "year_label") else ""
        short = self.commit[:12] if self.commit else "không rõ"
        footer = (f"Dựng bằng kttt {__version__} (commit {short}) từ bộ dữ liệu «{self.root.name}» — {meta.ten}; "
                  f"số liệu {'đến' if estimate else 'tại'} {fmt.date(self.build_date)}"
                  f"{' (ước thực hiện)' if estimate else ''}. Nguồn gốc từng tệp đầu vào (SHA-256), phiên bản các "
                  "gói và tham số: manifest.json." + (" " + self.notice if self.notice else ""))
        notes = tuple(filter(None, [getattr(self.ctx, "boundary_note", "")]))
        return PageInfo(meta.ten, self.year, self.notice, footer, pages, label, notes, estimate)


def render(names: Iterable[str], source: RenderSource, target: Path) -> list[str]:
    """Render these formats of a year into ``target``; returns the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for name in names:
        written += OUTPUTS[name].renderer_for(source)(source, target)
    return written
