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
import html
from dataclasses import dataclass
from pathlib import Path

from kttt import fmt
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
    parts = [f'<div class="kttt-banner"><p><strong>{html.escape(line)}</strong></p>']
    if ctx.boundary_note:
        parts.append(f'<p class="dia-gioi">{html.escape(ctx.boundary_note)}</p>')
    if notice:
        parts.append(f'<p class="mo-phong">{html.escape(notice)}</p>')
    parts.append("</div>")
    text = "\n".join(filter(None, [line, ctx.boundary_note, notice]))
    return Html("".join(parts), text)


def section(title: str, *items: object) -> Html | None:
    """A heading and what follows it, only when there is something to show (a table of former
    provinces exists only for a merged province): nothing at all otherwise."""
    shown = [i for i in items if i is not None]
    if not shown:
        return None
    bodies = []
    for item in shown:
        rich = getattr(item, "_repr_html_", None)
        if rich is not None:
            bodies.append(rich())
        else:
            svg = getattr(item, "svg", None)
            bodies.append(svg() if svg is not None else html.escape(str(item)))
    return Html(f"<h2>{html.escape(title)}</h2>" + "".join(bodies), title)


def narrative(ctx: Context) -> Html:
    """The generated paragraphs of the overview (the published report's register)."""
    paras = paragraphs(ctx.table, ctx.year, ctx.dataset.targets, ctx.info, bool(ctx.boundary_note))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return Html(f'<div class="loi-van">{body}</div>', "\n\n".join(paras))


def summary_line(ctx: Context) -> Html:
    """One line of counts for the data-check notebook."""
    files = ctx.dataset.files
    read = builtins.sum(f.rows_read for f in files)
    accepted = builtins.sum(f.rows_accepted for f in files)
    rejected = builtins.sum(f.rows_rejected for f in files)
    text = (f"Đã đọc {fmt.number(len(files))} tệp, {fmt.number(read)} dòng: nhận {fmt.number(accepted)}, "
            f"loại {fmt.number(rejected)}.")
    return Html(f"<p>{html.escape(text)}</p>", text)
