"""The year's workbook: every report table, a sheet each."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import xlsxwriter

from kttt.tables import NOTEBOOK_TITLES, Context, ReportTable

NUMBER_FORMATS = {"int": "#,##0", "dec1": "#,##0.0", "money": "#,##0.0", "pct": '#,##0.0"%"', "date": "dd/mm/yyyy"}


def all_tables(ctx: Context) -> list[ReportTable]:
    """Every table of every notebook of the year, in report order (see tables.report_tables)."""
    from kttt.tables import report_tables

    return report_tables(ctx)


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write_workbook(path: Path, ctx: Context, tables: list[ReportTable], build_date: dt.date,
                   notice: str) -> None:
    """One sheet per table: title, note, Vietnamese headers, number formats; reproducible bytes."""
    created = dt.datetime(build_date.year, build_date.month, build_date.day)
    wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    wb.set_properties({"title": f"Bảng biểu kinh tế tập thể năm {ctx.year} — {ctx.dataset.meta.ten}",
                       "author": "kttt", "created": created, "comments": notice})
    bold = wb.add_format({"bold": True, "font_size": 12})
    head = wb.add_format({"bold": True, "bg_color": "#EEF4F8", "border": 1, "text_wrap": True, "valign": "top"})
    note = wb.add_format({"italic": True, "font_color": "#5B6770"})
    warn = wb.add_format({"bold": True, "font_color": "#5C4400", "bg_color": "#FFF3CD"})
    formats = {kind: wb.add_format({"num_format": f, "border": 1}) for kind, f in NUMBER_FORMATS.items()}
    text = wb.add_format({"border": 1, "text_wrap": False})

    intro = wb.add_worksheet("gioi_thieu")
    intro.write_string(0, 0, f"Bảng biểu kinh tế tập thể năm {ctx.year} — {ctx.dataset.meta.ten}", bold)
    row = 1
    if notice:
        intro.write_string(row, 0, notice, warn)
        row += 1
    intro.write_string(row + 1, 0, "Trang tính", head)
    intro.write_string(row + 1, 1, "Bảng", head)
    intro.write_string(row + 1, 2, "Thuộc phần", head)
    for i, table in enumerate(tables, start=row + 2):
        intro.write_url(i, 0, f"internal:'{table.key}'!A1", string=table.key)
        intro.write_string(i, 1, table.title)
        intro.write_string(i, 2, NOTEBOOK_TITLES.get(table.notebook, table.notebook))
    intro.set_column(0, 0, 24)
    intro.set_column(1, 1, 70)
    intro.set_column(2, 2, 24)

    for table in tables:
        ws = wb.add_worksheet(table.key[:31])
        # fixed layout: row 1 title, row 2 synthetic-data notice, row 3 note, row 4 headers
        ws.write_string(0, 0, table.title, bold)
        if notice:
            ws.write_string(1, 0, notice, warn)
        if table.note:
            ws.write_string(2, 0, table.note, note)
        header_row = 3
        for j, column in enumerate(table.frame.columns):
            ws.write_string(header_row, j, str(column), head)
            kind = table.kind(column)
            width = max(len(str(column)), 10 if kind != "text" else 14)
            if kind == "text":
                longest = table.frame[column].astype(str).str.len().max() if len(table.frame) else 0
                width = max(width, min(int(longest or 0), 60))
            ws.set_column(j, j, min(width + 2, 62))
        for i, values in enumerate(table.frame.itertuples(index=False), start=header_row + 1):
            for j, column in enumerate(table.frame.columns):
                value = _cell_value(values[j])
                kind = table.kind(column)
                if value is None:
                    ws.write_blank(i, j, None, text)
                elif kind in NUMBER_FORMATS and kind != "date" and isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(i, j, value, formats[kind])
                elif kind == "date" and isinstance(value, dt.datetime):
                    ws.write_datetime(i, j, value, formats["date"])
                elif kind == "bool":
                    ws.write_string(i, j, "Có" if value else "Không", text)
                else:
                    ws.write_string(i, j, str(value), text)
        ws.freeze_panes(header_row + 1, 0)
    wb.close()


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """``bang_bieu_<year>.xlsx``: every table of the year, a sheet each."""
    from kttt.outputs import OUTPUTS

    path = target / OUTPUTS["xlsx"].file_name(source.year)
    write_workbook(path, source.ctx, all_tables(source.ctx), source.build_date, source.notice)
    return [path.name]
