"""The year's workbook: every report table, a sheet each, set up to print as an office prints it.

Each table sheet keeps one fixed layout — row 1 the title, row 2 the synthetic-data notice,
row 3 the note, row 4 the headers, data from row 5 — and prints on A4, one page wide
(landscape when the table is wide), with rows 1–4 repeated on every page and "Trang x / y" in
the footer. Header rows are frozen, tables have filters, columns are as wide as their longest
word or value (headers wrap between words).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from kttt.tables import NOTEBOOK_TITLES, Context, ReportTable

NUMBER_FORMATS = {"int": "#,##0", "dec1": "#,##0.0", "money": "#,##0.0", "pct": '#,##0.0"%"', "date": "dd/mm/yyyy"}

HEADER_ROW = 3  # 0-based: row 4 as Excel shows it
A4 = 9  # Excel's paper code
PORTRAIT_WIDTH = 95.0  # column width units (≈ characters) that fit A4 portrait within the margins
LANDSCAPE_WIDTH = PORTRAIT_WIDTH * 297 / 210  # the same, A4 landscape
LANDSCAPE_FROM = 1.15  # wider than this × PORTRAIT_WIDTH: landscape (narrower: portrait, scaled ≥ 87%)
TEXT_CAP, NUMBER_CAP = 42.0, 18.0  # widest column, in characters, before text wraps
LINE_HEIGHT = 15.0  # points per line of 11 pt text


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


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide, broken between words.

    >>> wrapped_lines("Thu nhập BQ lao động HTX (triệu đồng/tháng)", 14)
    4
    >>> wrapped_lines("Chỉ tiêu", 30), wrapped_lines("", 10)
    (1, 1)
    """
    lines, used = 1, 0
    for word in text.split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need <= width or used == 0:
            used = need
        else:
            lines += 1
            used = len(word)
    return lines


def column_width(header: str, shown: list[str], numeric: bool) -> float:
    """A column's width in characters: its longest header word and longest shown value (plus
    a margin), at least 8, at most 42 for text (longer text wraps) and 18 for numbers.

    >>> column_width("Số HTX hiện có", ["652", "5.894"], numeric=True)
    8.0
    >>> column_width("Vốn điều lệ", ["1.300.000,5"], numeric=True)
    13.0
    >>> column_width("Nguồn", ["Liên minh HTX tỉnh Yên Bái, tin «Hội nghị …», 10/01/2023" * 2], numeric=False)
    42.0
    """
    longest_word = max((len(w) for w in header.split()), default=0)
    longest_value = max((len(v) for v in shown), default=0)
    cap = NUMBER_CAP if numeric else TEXT_CAP
    return float(min(max(longest_word + 2, longest_value + 2, 8), cap))


@dataclass(frozen=True)
class Layout:
    """How a table sheet prints: column widths, header lines, orientation."""

    widths: list[float]
    header_lines: int
    landscape: bool


def layout(table: ReportTable) -> Layout:
    """Column widths from the Vietnamese headers and the values as shown; landscape when the
    columns together are clearly wider than A4 portrait (a little wider prints portrait,
    scaled to the page width)."""
    shown = table.formatted()
    widths = [column_width(str(c), list(shown[c]), table.kind(c) not in ("text", "bool"))
              for c in table.frame.columns]
    lines = max((wrapped_lines(str(c), w) for c, w in zip(table.frame.columns, widths, strict=True)), default=1)
    return Layout(widths, lines, sum(widths) > PORTRAIT_WIDTH * LANDSCAPE_FROM)


def _header_footer_text(text: str) -> str:
    """Text for an Excel page header/footer: ``&`` doubled (it starts a code there)."""
    return text.replace("&", "&&")


ROWS_PER_PAGE = {False: 44, True: 30}  # rows of 15 pt an A4 page holds at 100 % (portrait, landscape)


def pages_tall(width: float, rows: int, landscape: bool) -> int:
    """How many pages tall a sheet prints once scaled to one page wide: the rows it has over
    what a page holds at that scale (a page holds more rows when the sheet is shrunk).

    Given to the print setup as a number, with "1 page wide": with Excel's "as many as needed"
    (0) LibreOffice paginates a long fitted sheet at one scale and draws it at another, which
    leaves a blank last page.

    >>> pages_tall(60, 100, False), pages_tall(190, 627, False), pages_tall(130, 10, True)
    (3, 8, 1)
    """
    available = LANDSCAPE_WIDTH if landscape else PORTRAIT_WIDTH
    scale = min(1.0, available / max(width, 1.0))
    per_page = max(1, int(ROWS_PER_PAGE[landscape] / scale))
    return max(1, -(-rows // per_page))


def _print_setup(ws, title: str, notice: str, landscape: bool, repeat_to: int | None,  # noqa: ANN001
                 width: float, rows: int) -> None:
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, pages_tall(width, rows, landscape))  # one page wide, as tall as the rows need
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.center_horizontally()
    if repeat_to is not None:
        ws.repeat_rows(0, repeat_to)
    ws.set_header("&L" + _header_footer_text(title[:120]), margin=0.3)
    left = ("&L" + _header_footer_text("DỮ LIỆU MÔ PHỎNG")) if notice else ""
    ws.set_footer(left + "&CTrang &P / &N", margin=0.3)


def write_workbook(path: Path, ctx: Context, tables: list[ReportTable], build_date: dt.date,
                   notice: str) -> None:
    """One sheet per table: title, note, Vietnamese headers, number formats, print setup;
    reproducible bytes."""
    created = dt.datetime(build_date.year, build_date.month, build_date.day)
    label = ctx.dataset.year_label(ctx.year) if hasattr(ctx.dataset, "year_label") else f"năm {ctx.year}"
    book_title = f"Bảng biểu kinh tế tập thể {label} — {ctx.dataset.meta.ten}"
    wb = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    wb.set_properties({"title": book_title, "author": "kttt", "created": created, "comments": notice})
    bold = wb.add_format({"bold": True, "font_size": 12, "text_wrap": True, "valign": "top"})
    head = wb.add_format({"bold": True, "bg_color": "#EEF4F8", "border": 1, "text_wrap": True, "valign": "top"})
    note = wb.add_format({"italic": True, "font_color": "#5B6770", "text_wrap": True, "valign": "top"})
    warn = wb.add_format({"bold": True, "font_color": "#5C4400", "bg_color": "#FFF3CD", "text_wrap": True,
                          "valign": "top"})
    formats = {kind: wb.add_format({"num_format": f, "border": 1, "valign": "top"}) for kind, f in NUMBER_FORMATS.items()}
    text = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})

    intro = wb.add_worksheet("gioi_thieu")
    intro_widths = [24.0, 70.0, 24.0]
    for j, w in enumerate(intro_widths):
        intro.set_column(j, j, w)
    _banner(intro, 0, book_title, bold, intro_widths)
    row = 1
    if notice:
        _banner(intro, row, notice, warn, intro_widths)
        row += 1
    intro.write_string(row + 1, 0, "Trang tính", head)
    intro.write_string(row + 1, 1, "Bảng", head)
    intro.write_string(row + 1, 2, "Thuộc phần", head)
    for i, table in enumerate(tables, start=row + 2):
        intro.write_url(i, 0, f"internal:'{table.key[:31]}'!A1", string=table.key)
        intro.write_string(i, 1, table.title, text)
        intro.write_string(i, 2, NOTEBOOK_TITLES.get(table.notebook, table.notebook), text)
    intro.freeze_panes(row + 2, 0)
    _print_setup(intro, book_title, notice, landscape=False, repeat_to=row + 1, width=sum(intro_widths),
                 rows=row + 2 + len(tables))

    for table in tables:
        ws = wb.add_worksheet(table.key[:31])
        shape = layout(table)
        columns = list(table.frame.columns)
        for j, width in enumerate(shape.widths):
            ws.set_column(j, j, width)
        # fixed layout: row 1 title, row 2 synthetic-data notice, row 3 note, row 4 headers
        _banner(ws, 0, table.title, bold, shape.widths)
        if notice:
            _banner(ws, 1, notice, warn, shape.widths)
        if table.note:
            _banner(ws, 2, table.note, note, shape.widths)
        for j, column in enumerate(columns):
            ws.write_string(HEADER_ROW, j, str(column), head)
        ws.set_row(HEADER_ROW, LINE_HEIGHT * shape.header_lines)
        kinds = [table.kind(c) for c in columns]
        for i, values in enumerate(table.frame.itertuples(index=False), start=HEADER_ROW + 1):
            for j, kind in enumerate(kinds):
                value = _cell_value(values[j])
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
        last_row = HEADER_ROW + max(len(table.frame), 1)
        if columns:
            ws.autofilter(HEADER_ROW, 0, last_row, len(columns) - 1)
            ws.print_area(0, 0, last_row, len(columns) - 1)  # exactly the table: no trailing blank page
        ws.freeze_panes(HEADER_ROW + 1, 0)
        _print_setup(ws, table.title, notice, shape.landscape, repeat_to=HEADER_ROW, width=sum(shape.widths),
                     rows=HEADER_ROW + 1 + len(table.frame))
    wb.close()


def _banner(ws, row: int, value: str, cell_format, widths: list[float]) -> None:  # noqa: ANN001
    """A line of text across the table's width (merged, wrapped, tall enough for its lines)."""
    total = sum(widths) if widths else 60.0
    if len(widths) > 1:
        ws.merge_range(row, 0, row, len(widths) - 1, value, cell_format)
    else:
        ws.write_string(row, 0, value, cell_format)
    ws.set_row(row, LINE_HEIGHT * 1.1 * wrapped_lines(value, total * 0.95))


def render(source, target: Path) -> list[str]:  # noqa: ANN001 - a kttt.outputs.RenderSource
    """``bang_bieu_<year>.xlsx``: every table of the year, a sheet each."""
    from kttt.outputs import OUTPUTS

    path = target / OUTPUTS["xlsx"].file_name(source.year)
    write_workbook(path, source.ctx, all_tables(source.ctx), source.build_date, source.notice)
    return [path.name]
