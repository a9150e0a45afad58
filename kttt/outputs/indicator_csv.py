"""The year's indicator table as CSV (the same bytes as ``kttt indicators --format csv``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kttt.indicators import to_machine


def write_indicator_csv(path: Path, table: pd.DataFrame) -> None:
    """The indicator table in machine format (the same as ``kttt indicators``)."""
    path.write_text(to_machine(table).to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """``chi_so_<year>.csv``: the year's indicator table."""
    from kttt.outputs import OUTPUTS

    path = target / OUTPUTS["csv"].file_name(source.year)
    write_indicator_csv(path, source.ctx.table)
    return [path.name]
