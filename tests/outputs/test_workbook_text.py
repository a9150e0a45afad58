"""Issue 12.6: names that a spreadsheet would run as formulas stay text in the workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from kttt.outputs.workbook import write_workbook
from kttt.tables import Context, report_tables
from tests.builders import HTX_HEADERS, HTX_ROWS, make_dataset, with_cell

NAMES = ["=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3"]


def test_formula_like_names_are_stored_as_text(tmp_path: Path) -> None:
    rows = HTX_ROWS
    for i, name in enumerate(NAMES[:4]):
        rows = with_cell(rows, i, HTX_HEADERS.index("Tên HTX"), name)
    root = make_dataset(tmp_path / "ds", htx_rows=rows)
    ctx = Context.open(root, 2022, history=True)
    path = tmp_path / "bang_bieu_2022.xlsx"
    write_workbook(path, ctx, report_tables(ctx), dt.date(2022, 12, 31), "")
    book = openpyxl.load_workbook(path)  # formulas are read as formulas ("=…" with data_type "f")
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in NAMES:
                    found[c.value] = c.data_type
    assert set(found) >= {"=1+1", "+cmd|' /C calc'!A0"}, found  # the new and the dissolved HTX lists show names
    assert set(found.values()) == {"s"}, found  # text, never a formula
