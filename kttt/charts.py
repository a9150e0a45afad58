"""Matplotlib figures in one house style, with Vietnamese labels and units.

Every chart function takes a :class:`~kttt.tables.Context` and returns a :class:`Chart`:
notebooks display it (as SVG, vector on screen and on paper), the build embeds it. SVG
output is reproducible: no date in the metadata, ids salted with a constant. Text stays text
(``svg.fonttype: none``; DejaVu Sans first, then common sans fonts): files a quarter of the
size, PDFs about three times faster to draw, and chart labels are searchable.

>>> from kttt.tables import Context
>>> c = sector_bars(Context.open("data/yen_bai", 2022), "htx")
>>> c.svg().startswith("<?xml"), c.title
(True, 'HTX hiện có theo lĩnh vực năm 2022')
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from kttt import fmt  # noqa: E402
from kttt.contract import LABELS, SECTOR_LABELS  # noqa: E402
from kttt.indicators import CATALOGUE, PROVINCE  # noqa: E402

PALETTE = ["#1f5f8b", "#e07b39", "#4a9c6d", "#c44e52", "#8172b2", "#937860", "#64b5cd", "#8c8c8c"]
TARGET_COLOR = "#c44e52"

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "svg.fonttype": "none",  # text stays text: small files, fast PDF, selectable labels
    "svg.hashsalt": "kttt",
    "axes.formatter.use_locale": False,
}


def vi_formatter(decimals: int = 0) -> FuncFormatter:
    """Axis ticks in Vietnamese number format (``5.894``, ``2,1``).

    >>> vi_formatter()(5894, 0)
    '5.894'
    """
    return FuncFormatter(lambda x, _pos: fmt.number(x, decimals))


@dataclass
class Chart:
    """A finished figure: shown as SVG in notebooks, embedded in reports."""

    key: str
    title: str
    figure: Figure
    _svg: str | None = None

    def svg(self) -> str:
        """The figure as reproducible SVG text (the figure is closed after the first call)."""
        if self._svg is None:
            buffer = io.StringIO()
            with plt.rc_context(STYLE):
                self.figure.savefig(buffer, format="svg", bbox_inches="tight",
                                    metadata={"Date": None, "Creator": "kttt"})
            plt.close(self.figure)
            text = buffer.getvalue().replace("'DejaVu Sans'", "'DejaVu Sans', 'Segoe UI', Arial, sans-serif")
            # a title for screen readers; the figure's own text is drawn as paths
            text = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f"<title>{html.escape(self.title)}</title>", text, count=1)
            self._svg = text
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg()

    def alt(self) -> str:
        """The text alternative of the chart's image, generated from the drawn data."""
        from kttt.chart_data import alt_text, panels

        self.svg()  # drawn first: ticks and labels are final
        return alt_text(self.title, panels(self.figure))

    def _repr_html_(self) -> str:
        """The chart as an image with its text alternative, and its data as tables in a
        collapsed ``<details>`` (``partials/chart.html.j2``; :mod:`kttt.chart_data`)."""
        import base64

        from kttt.chart_data import alt_text, panels
        from kttt.markup import fragment

        svg = self.svg()
        found = panels(self.figure)
        return fragment("partials/chart.html.j2", title=self.title, alt=alt_text(self.title, found),
                        svg_base64=base64.b64encode(svg.encode("utf-8")).decode("ascii"),
                        panels=[p for p in found if not p.empty])


def _figure(width: float = 7.2, height: float = 3.6) -> tuple[Figure, plt.Axes]:
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax


def _bar_labels(ax: plt.Axes, bars, decimals: int = 0, horizontal: bool = False) -> None:  # noqa: ANN001
    labels = [fmt.number(b.get_width() if horizontal else b.get_height(), decimals) for b in bars]
    ax.bar_label(bars, labels=labels, padding=2, fontsize=8)


def new_vs_target(ctx) -> Chart:  # noqa: ANN001
    """New HTX and THT of the year against the province's targets (an assumed target labelled so)."""
    from kttt.narrative import assumed_targets

    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.2))
        for ax, (code, label) in zip(axes, (("htx_thanh_lap_moi", "HTX"), ("tht_thanh_lap_moi", "THT")), strict=True):
            value = ctx.province(code)
            target = ctx.province(code, "chi_tieu")
            plan = "Kế hoạch giả định" if code in assumed_targets(ctx) else "Kế hoạch"
            names = ["Thực hiện"] + ([plan] if not fmt.is_empty(target) else [])
            values = [0 if fmt.is_empty(value) else value] + ([target] if not fmt.is_empty(target) else [])
            bars = ax.bar(names, values, color=[PALETTE[0], "#bbbbbb"][: len(values)], width=0.55)
            _bar_labels(ax, bars)
            ax.set_title(f"{label} thành lập mới năm {ctx.year}")
            ax.yaxis.set_major_formatter(vi_formatter())
            ax.margins(y=0.15)
        fig.tight_layout()
    return Chart("moi_so_voi_ke_hoach", f"HTX và THT thành lập mới so với kế hoạch năm {ctx.year}", fig)


def sector_bars(ctx, kind: str = "htx") -> Chart:  # noqa: ANN001
    """Existing HTX (or THT) by sector, horizontal bars."""
    code = "htx_hien_co" if kind == "htx" else "tht_hien_co"
    t = ctx.table
    rows = t[(t.ma_chi_tieu == code) & (t.dia_ban == PROVINCE) & (t.linh_vuc != "")]
    rows = rows[rows["gia_tri"] > 0].sort_values("gia_tri")
    fig, ax = _figure(7.2, 0.45 * max(len(rows), 3) + 0.9)
    with plt.rc_context(STYLE):
        bars = ax.barh([SECTOR_LABELS.get(s, s) for s in rows["linh_vuc"]], rows["gia_tri"], color=PALETTE[0])
        _bar_labels(ax, bars, horizontal=True)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.xaxis.set_major_formatter(vi_formatter())
        name = "HTX" if kind == "htx" else "THT"
        ax.set_title(f"{name} hiện có theo lĩnh vực năm {ctx.year}")
        ax.margins(x=0.12)
        fig.tight_layout()
    return Chart(f"{kind}_linh_vuc", f"{name} hiện có theo lĩnh vực năm {ctx.year}", fig)


MAX_BARS = 15  # an area chart with more areas shows the ones with the largest values


def unit_bars(ctx, code: str, level: str | None = None) -> Chart:  # noqa: ANN001
    """One indicator by area (districts while they exist, else communes), horizontal bars, with
    the unit in the title; with more than :data:`MAX_BARS` areas, the largest ones."""
    level = level or ctx.area_level
    t = ctx.table
    rows = t[(t.ma_chi_tieu == code) & (t.cap_dia_ban == level) & (t.linh_vuc == "")]
    rows = rows.assign(_v=rows["gia_tri"].fillna(0)).sort_values(["_v", "dia_ban"])
    total = len(rows)
    rows = rows.tail(MAX_BARS)
    meta = CATALOGUE[code]
    decimals = 0 if meta.kind in ("count", "sum") else 1
    fig, ax = _figure(7.2, 0.4 * max(len(rows), 3) + 1.0)
    with plt.rc_context(STYLE):
        bars = ax.barh([ctx.unit_name(u) for u in rows["dia_ban"]], rows["_v"], color=PALETTE[2])
        _bar_labels(ax, bars, decimals, horizontal=True)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        if decimals == 0:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(vi_formatter(decimals))
        what = {"huyen": "huyện", "xa": "xã, phường", "tinh_cu": "tỉnh cũ"}.get(level or "", "địa bàn")
        head = f"{len(rows)}/{total} {what} cao nhất" if total > len(rows) else f"theo {what}"
        title = f"{meta.name_vi} {head} {ctx.short_label} ({meta.unit})"
        ax.set_title(title)
        ax.margins(x=0.15)
        fig.tight_layout()
    return Chart(f"dia_ban_{code}", title, fig)


def former_province_trend(ctx, code: str = "htx_hien_co") -> Chart | None:  # noqa: ANN001
    """A merged province's history stacked by former province (None for an unmerged one)."""
    if not ctx.merged:
        return None
    from kttt.indicators import compute_groups

    years = [y for y in ctx.dataset.years if y <= ctx.year]
    groups = compute_groups(ctx.dataset, years, "tinh_cu")
    part = groups[groups.ma_chi_tieu == code]
    fig, ax = _figure(7.2, 3.3)
    with plt.rc_context(STYLE):
        bottom = np.zeros(len(years))
        for i, p in enumerate(ctx.dataset.meta.tinh_cu):
            values = part[part.dia_ban == p.ma].set_index("nam")["gia_tri"].reindex(years).fillna(0).to_numpy()
            ax.bar([str(y) for y in years], values, bottom=bottom, color=PALETTE[i % len(PALETTE)], width=0.6,
                   label=p.label)
            bottom = bottom + values
        for x, total in zip([str(y) for y in years], bottom, strict=True):
            ax.annotate(fmt.number(total), (x, total), xytext=(0, 3), textcoords="offset points", ha="center",
                        fontsize=8)
        labels = [f"{y}\n(ước)" if ctx.dataset.info(y).is_estimate else str(y) for y in years]
        ax.set_xticks(range(len(years)), labels)
        ax.yaxis.set_major_formatter(vi_formatter())
        ax.margins(y=0.15)
        title = f"{CATALOGUE[code].name_vi} qua các năm: tổng của các tỉnh cũ"
        ax.set_title(title)
        # beside the plot: a legend inside would cover the tallest bar's label
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
        fig.tight_layout()
    return Chart(f"tinh_cu_{code}", title, fig)


def distribution(ctx, kind: str, column: str) -> Chart:  # noqa: ANN001
    """Histogram of one money field over operating HTX (or existing THT) that reported it."""
    frame = ctx.htx() if kind == "htx" else ctx.tht()
    mask = ctx.populations.operating_htx if kind == "htx" else ctx.populations.existing_tht
    values = frame.loc[mask, column].dropna().astype("float64").to_numpy()
    labels = {"doanh_thu": "Doanh thu", "loi_nhuan": "Lợi nhuận", "thu_nhap_bq": "Thu nhập bình quân người lao động"}
    unit = "triệu đồng/người/năm" if column == "thu_nhap_bq" else "triệu đồng"
    name = "HTX đang hoạt động" if kind == "htx" else "THT"
    fig, ax = _figure(7.2, 3.2)
    with plt.rc_context(STYLE):
        if len(values):
            upper = float(np.quantile(values, 0.98)) if len(values) > 10 else float(values.max())
            lower = min(0.0, float(values.min()))
            clipped = np.clip(values, lower, upper)
            ax.hist(clipped, bins=30, color=PALETTE[0], edgecolor="white", linewidth=0.4)
            mean = float(values.mean())
            ax.axvline(mean, color=TARGET_COLOR, linewidth=1.2)
            ax.annotate(f"bình quân {fmt.number(mean, 1)}", xy=(mean, ax.get_ylim()[1] * 0.92), color=TARGET_COLOR,
                        fontsize=8, xytext=(4, 0), textcoords="offset points")
        else:
            ax.text(0.5, 0.5, "Không có số liệu", ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(f"{labels[column]} ({unit}); giá trị trên bách phân vị 98 gộp vào cột cuối")
        ax.set_ylabel(f"Số {name.split()[0]}")
        ax.xaxis.set_major_formatter(vi_formatter())
        title = f"Phân bố {labels[column].lower()} của {name} năm {ctx.year}"
        ax.set_title(title)
        fig.tight_layout()
    return Chart(f"phan_bo_{kind}_{column}", title, fig)


def ratings(ctx) -> Chart:  # noqa: ANN001
    """Operating HTX by rating."""
    op = ctx.htx()[ctx.populations.operating_htx]
    order = ["tot", "kha", "trung_binh", "yeu", "khong_xep_loai"]
    counts = [int((op["xep_loai"] == k).sum()) for k in order]
    fig, ax = _figure(7.2, 3.0)
    with plt.rc_context(STYLE):
        bars = ax.bar([LABELS["xep_loai"][k] for k in order], counts,
                      color=[PALETTE[2], PALETTE[0], PALETTE[6], PALETTE[3], "#bbbbbb"], width=0.6)
        _bar_labels(ax, bars)
        ax.yaxis.set_major_formatter(vi_formatter())
        title = f"Xếp loại HTX đang hoạt động năm {ctx.year}"
        ax.set_title(title)
        ax.margins(y=0.15)
        fig.tight_layout()
    return Chart("xep_loai", title, fig)


def trend_lines(ctx, codes: list[str], title: str) -> Chart:  # noqa: ANN001
    """Indicators over the years, one line each (same unit expected)."""
    h = ctx.history
    fig, ax = _figure(7.2, 3.3)
    years = sorted(set(h["nam"]))
    with plt.rc_context(STYLE):
        for i, code in enumerate(codes):
            rows = h[h.ma_chi_tieu == code].set_index("nam").reindex(years)
            ax.plot(years, rows["gia_tri"], marker="o", color=PALETTE[i % len(PALETTE)], label=CATALOGUE[code].name_vi)
            last = rows["gia_tri"].dropna()
            if len(last):
                decimals = 0 if CATALOGUE[code].kind in ("count", "sum") else 1
                ax.annotate(fmt.number(last.iloc[-1], decimals), (last.index[-1], last.iloc[-1]),
                            xytext=(4, 4), textcoords="offset points", fontsize=8)
        ax.set_xticks(years, [str(y) for y in years])
        ax.yaxis.set_major_formatter(vi_formatter())
        ax.set_ylim(bottom=0)
        unit = CATALOGUE[codes[0]].unit
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        fig.tight_layout()
    return Chart("xu_huong_" + "_".join(codes), title, fig)


def trend_targets(ctx, code: str = "htx_thanh_lap_moi") -> Chart:  # noqa: ANN001
    """An indicator per year against its target where one was set (an assumed one labelled so)."""
    from kttt.narrative import assumed_codes

    h = ctx.history
    targets = ctx.dataset.targets
    years = sorted(set(h["nam"]))
    values = h[h.ma_chi_tieu == code].set_index("nam").reindex(years)["gia_tri"].fillna(0)
    goal = targets[targets.ma_chi_tieu == code].drop_duplicates("nam", keep="last").set_index("nam")["gia_tri"]
    fig, ax = _figure(7.2, 3.2)
    with plt.rc_context(STYLE):
        bars = ax.bar([str(y) for y in years], values.to_numpy(), color=PALETTE[0], width=0.55, label="Thực hiện")
        _bar_labels(ax, bars)
        assumed = {y for y in years if code in assumed_codes(targets, y)}
        for label, shown in (("Kế hoạch", [y for y in years if y not in assumed]),
                             ("Kế hoạch giả định", sorted(assumed))):  # an assumed target named so
            marked = [(str(y), goal[y]) for y in shown if y in goal.index]
            if marked:
                ax.scatter([m[0] for m in marked], [m[1] for m in marked], marker="_", s=900, linewidths=2.5,
                           color=TARGET_COLOR, label=label, zorder=3, alpha=1.0 if label == "Kế hoạch" else 0.5)
        ax.yaxis.set_major_formatter(vi_formatter())
        ax.margins(y=0.15)
        title = f"{CATALOGUE[code].name_vi} qua các năm so với kế hoạch"
        ax.set_title(title)
        # beside the plot: a legend inside would cover the tallest bar's label
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
        fig.tight_layout()
    return Chart(f"ke_hoach_{code}", title, fig)
