"""What the notebooks call: open a year's report, show the banner and the narrative.

Notebooks stay thin: a parameters cell, then calls such as::

    ctx = report.open(data_dir, year)
    report.banner(ctx)
    report.narrative(ctx)
    tables.key_indicators(ctx)
    charts.new_vs_target(ctx)

Every display object renders escaped HTML (data-derived text included).

>>> ctx = open("data/yen_bai", 2022)
>>> "MÔ PHỎNG" in banner(ctx).html, year_line(ctx)
(True, 'Tỉnh Yên Bái — năm báo cáo 2022 (số liệu tại 31/12/2022).')
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from pathlib import Path

from kttt import fmt
from kttt.markup import fragment
from kttt.narrative import paragraphs
from kttt.tables import Context


@dataclass(frozen=True)
class Html:
    """A block of (already escaped) HTML that Jupyter displays."""

    html: str
    text: str = ""

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text or self.html


def open(data_dir: str | Path, year: int, history: bool = False) -> Context:  # noqa: A001
    """Load the dataset for ``year`` (the year before too; every year when ``history``)."""
    return Context.open(data_dir, int(year), history=history)


def synthetic_notice(ctx: Context) -> str:
    """The sentence every page built from synthetic data carries ("" for real data)."""
    if not ctx.dataset.meta.mo_phong:
        return ""
    return ("DỮ LIỆU MÔ PHỎNG — số liệu từng HTX, THT trong báo cáo này là giả định, "
            "chỉ dùng để minh họa và kiểm thử; không phải số liệu chính thức.")


def year_line(ctx: Context) -> str:
    """``Tỉnh Yên Bái — năm báo cáo 2022 (số liệu tại 31/12/2022).`` or, for an estimate year,
    ``Tỉnh Lào Cai — ước thực hiện năm 2026 (số liệu đến 30/11/2026).``"""
    meta, info = ctx.dataset.meta, ctx.info
    if info.is_estimate:
        return f"{meta.ten} — {info.label}."
    return f"{meta.ten} — năm báo cáo {ctx.year} (số liệu tại {fmt.date(info.data_date)})."


def banner(ctx: Context) -> Html:
    """The dataset and the year (an estimate year says so, with its data date), the note of a
    comparison across a boundary change, and the synthetic-data warning when ``mo_phong: true``."""
    notice = synthetic_notice(ctx)
    line = year_line(ctx)
    block = fragment("partials/banner.html.j2", line=line, boundary_note=ctx.boundary_note, notice=notice)
    return Html(block, "\n".join(filter(None, [line, ctx.boundary_note, notice])))


def section(title: str, *items: object) -> None:
    """Show a heading and the blocks under it — only when there is something to show (a table
    of former provinces exists only for a merged province): nothing at all otherwise. Each
    block is displayed on its own, so a table keeps its CSV download and a chart its data.

    >>> section("Theo tỉnh cũ", None) is None
    True
    """
    shown = [i for i in items if i is not None]
    if not shown:
        return None
    from IPython.display import display

    display(Html(fragment("partials/section.html.j2", title=title), title))
    for item in shown:
        display(item)
    return None


def narrative(ctx: Context) -> Html:
    """The generated paragraphs of the overview (the published report's register)."""
    paras = paragraphs(ctx.table, ctx.year, ctx.dataset.targets, ctx.info, bool(ctx.boundary_note))
    return Html(fragment("partials/paragraphs.html.j2", paragraphs=paras, css_class="loi-van"), "\n\n".join(paras))


def summary_line(ctx: Context) -> Html:
    """One line of counts for the data-check notebook."""
    files = ctx.dataset.files
    read = builtins.sum(f.rows_read for f in files)
    accepted = builtins.sum(f.rows_accepted for f in files)
    rejected = builtins.sum(f.rows_rejected for f in files)
    text = (f"Đã đọc {fmt.number(len(files))} tệp, {fmt.number(read)} dòng: nhận {fmt.number(accepted)}, "
            f"loại {fmt.number(rejected)}.")
    return Html(fragment("partials/line.html.j2", text=text), text)
