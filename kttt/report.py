"""What the notebooks call: open a year's report, show the banner and the narrative.

Notebooks stay thin: a parameters cell, then calls such as::

    ctx = report.open(data_dir, year)
    report.banner(ctx)
    report.narrative(ctx)
    tables.key_indicators(ctx)
    charts.new_vs_target(ctx)

Every display object renders escaped HTML (data-derived text included).

>>> ctx = open("data/yen_bai", 2022)
>>> "MÔ PHỎNG" in banner(ctx).html
True
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


def banner(ctx: Context) -> Html:
    """The dataset, the year, and the synthetic-data warning when ``mo_phong: true``."""
    meta = ctx.dataset.meta
    notice = synthetic_notice(ctx)
    block = fragment("partials/banner.html.j2", dataset_title=meta.ten, year=ctx.year,
                     as_of=f"31/12/{ctx.year}", notice=notice)
    return Html(block, f"{meta.ten} — {ctx.year}" + (f"\n{notice}" if notice else ""))


def narrative(ctx: Context) -> Html:
    """The generated paragraphs of the overview (the published report's register)."""
    paras = paragraphs(ctx.table, ctx.year, ctx.dataset.targets)
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
