"""A chart's data read back from the drawn figure: its text alternative and its data table.

Every chart of :mod:`kttt.charts` is a matplotlib figure. Instead of each chart function
declaring its data a second time (which could drift from what is drawn), the data are read
from the artists that were drawn — bars (``BarContainer``), labelled lines and labelled point
series — one :class:`Panel` per axes. Categories come from the axis' tick labels (category
axes label every category), bars that are not at a tick (histograms) are named by their
interval. From the panels: the alt text of the chart's image (:func:`alt_text`) and the
tables under it on the page.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.bar(["Thực hiện", "Kế hoạch"], [97, 80])
>>> _ = ax.set_title("HTX thành lập mới năm 2022")
>>> panel = panels(fig)[0]
>>> panel.categories, [s.values for s in panel.series]
(['Thực hiện', 'Kế hoạch'], [[97.0, 80.0]])
>>> alt_text("HTX và THT thành lập mới", panels(fig))
'Biểu đồ: HTX và THT thành lập mới. HTX thành lập mới năm 2022 — Thực hiện: 97; Kế hoạch: 80.'
>>> plt.close(fig)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from kttt import fmt

ALT_ITEMS = 12  # up to this many categories are named one by one in the alt text


@dataclass
class Series:
    """One drawn series: a name and one value per category (None where it has none)."""

    name: str
    values: list[float | None] = field(default_factory=list)


@dataclass
class Panel:
    """The data of one axes: its title, its categories and the series drawn over them."""

    title: str
    category_header: str
    categories: list[str]
    series: list[Series]
    histogram: bool = False

    @property
    def decimals(self) -> int:
        """0 when every value is whole, else 1 (the report's display rule)."""
        values = [v for s in self.series for v in s.values if v is not None]
        return 0 if all(float(v).is_integer() for v in values) else 1

    def rows(self) -> list[tuple[str, list[str]]]:
        """(category, formatted values) rows, Vietnamese number format, "–" for none."""
        d = self.decimals
        return [(c, [fmt.number(s.values[i], d) for s in self.series]) for i, c in enumerate(self.categories)]

    @property
    def empty(self) -> bool:
        return not self.categories or not self.series


def _title(ax: Axes) -> str:
    for loc in ("left", "center", "right"):
        text = ax.get_title(loc=loc)
        if text:
            return text
    return ""


def _tick_names(axis) -> dict[float, str]:  # noqa: ANN001 - a matplotlib Axis
    """Tick position → tick label (category axes carry one tick per category)."""
    locs = list(axis.get_majorticklocs())
    labels = [t.get_text() for t in axis.get_majorticklabels()]
    return {round(float(x), 6): text for x, text in zip(locs, labels, strict=False) if text}


def _visible_label(label: str) -> str | None:
    return None if not label or label.startswith("_") else label


def _interval(lo: float, hi: float) -> str:
    decimals = 0 if float(lo).is_integer() and float(hi).is_integer() else 1
    return f"{fmt.number(lo, decimals)} – {fmt.number(hi, decimals)}"


def _panel(ax: Axes) -> Panel | None:
    order: list[str] = []
    columns: dict[str, dict[str, float | None]] = {}
    histogram = False
    horizontal = False
    header = ""

    def put(series: str, category: str, value: float | None) -> None:
        if category not in order:
            order.append(category)
        columns.setdefault(series, {})[category] = value

    value_label = ""
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    for container in bars:
        horizontal = getattr(container, "orientation", "vertical") == "horizontal"
        axis = ax.yaxis if horizontal else ax.xaxis
        names = _tick_names(axis)
        value_label = (ax.get_xlabel() if horizontal else ax.get_ylabel()) or value_label
        header = (ax.get_ylabel() if horizontal else ax.get_xlabel()) or header
        name = _visible_label(container.get_label()) or value_label or "Giá trị"
        patches = list(container.patches)
        if horizontal:
            patches = patches[::-1]  # read top to bottom, as the eye does
        for patch in patches:
            if horizontal:
                centre, lo, size, value = (patch.get_y() + patch.get_height() / 2, patch.get_y(),
                                           patch.get_height(), patch.get_width())
            else:
                centre, lo, size, value = (patch.get_x() + patch.get_width() / 2, patch.get_x(),
                                           patch.get_width(), patch.get_height())
            category = names.get(round(float(centre), 6))
            if category is None:
                histogram = True
                category = _interval(lo, lo + size)
            put(name, category, float(value))
    for line in ax.get_lines():
        name = _visible_label(line.get_label())
        if name is None:
            continue
        names = _tick_names(ax.xaxis)
        header = ax.get_xlabel() or header
        for x, y in zip(np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float),
                        strict=True):
            category = names.get(round(float(x), 6)) or fmt.number(x, 0 if float(x).is_integer() else 1)
            put(name, category, None if np.isnan(y) else float(y))
    for collection in ax.collections:
        name = _visible_label(collection.get_label())
        if name is None or not isinstance(collection, PathCollection):
            continue
        names = _tick_names(ax.xaxis)
        for x, y in np.asarray(collection.get_offsets(), dtype=float):
            category = names.get(round(float(x), 6)) or fmt.number(x, 0 if float(x).is_integer() else 1)
            put(name, category, float(y))
    title = _title(ax)
    if not order:
        if not title:
            return None
        return Panel(title, "", [], [])
    series = [Series(name, [values.get(c) for c in order]) for name, values in columns.items()]
    if not header:
        header = "Khoảng giá trị" if histogram else "Hạng mục"
    return Panel(title, header, order, series, histogram)


def panels(figure: Figure) -> list[Panel]:
    """The data drawn on each axes of the figure, in the figure's order."""
    return [p for p in (_panel(ax) for ax in figure.axes) if p is not None]


def _describe(panel: Panel) -> str:
    """One panel in words: every category when there are few, else the range and the peaks."""
    if panel.empty:
        return "không có số liệu"
    d = panel.decimals
    if panel.histogram:
        counts = panel.series[0].values
        peak = int(np.nanargmax(np.array([np.nan if v is None else v for v in counts], dtype=float)))
        first, last = panel.categories[0].split(" – ")[0], panel.categories[-1].split(" – ")[-1]
        return (f"phân bố {fmt.number(sum(v or 0 for v in counts), 0)} đơn vị trên {len(counts)} khoảng "
                f"từ {first} đến {last}; nhiều nhất ở khoảng {panel.categories[peak]} "
                f"({fmt.number(counts[peak], d)})")
    parts = []
    for s in panel.series:
        label = f"{s.name}: " if len(panel.series) > 1 else ""
        pairs = [(c, v) for c, v in zip(panel.categories, s.values, strict=True) if v is not None]
        if len(pairs) <= ALT_ITEMS:
            parts.append(label + "; ".join(f"{c}: {fmt.number(v, d)}" for c, v in pairs))
        else:
            hi = max(pairs, key=lambda p: p[1])
            lo = min(pairs, key=lambda p: p[1])
            parts.append(label + f"{len(pairs)} nhóm, cao nhất {hi[0]} ({fmt.number(hi[1], d)}), "
                         f"thấp nhất {lo[0]} ({fmt.number(lo[1], d)})")
    return "; ".join(parts) if len(panel.series) == 1 else ". ".join(parts)


def alt_text(title: str, found: list[Panel]) -> str:
    """The chart's text alternative: its title, then each panel's data in words."""
    if not found:
        return f"Biểu đồ: {title}."
    pieces = []
    for panel in found:
        text = _describe(panel)
        show_title = panel.title and (len(found) > 1 or panel.title != title)
        pieces.append(f"{panel.title} — {text}" if show_title else text[:1].upper() + text[1:])
    return f"Biểu đồ: {title}. " + ". ".join(pieces) + "."
