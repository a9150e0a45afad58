"""One CSV per report table, downloadable under the table on the published page.

A :class:`~kttt.tables.ReportTable` displayed in a notebook carries its raw values next to its
HTML, under the media type :data:`MEDIA_TYPE` (Jupyter shows the HTML and ignores it). The page
renderer (:mod:`kttt.outputs.html`) writes each such table as ``bang_<key>_<year>.csv`` next
to the pages and lists the file under the table. So the CSV is exactly the table the page
shows (all rows, even when the page shows the first 30), whatever notebook shows it.

The CSV: UTF-8 with a byte-order mark (Excel then reads the Vietnamese headers), comma
separated, the table's Vietnamese headers, numbers as numbers in full precision (machine
format: ``121.25``, whole numbers without ``.0``), dates as ``yyyy-mm-dd``, empty for no value.
A text cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) gets a leading apostrophe, so a name typed into a register can
never become a formula on a reader's computer (OWASP's advice on CSV injection).

>>> import pandas as pd
>>> from kttt.tables import ReportTable
>>> t = ReportTable("vi_du", "Ví dụ", pd.DataFrame({"Chỉ tiêu": ["Số HTX"], "Đạt (%)": [121.25],
...                  "Số": [652.0], "Ngày": [pd.Timestamp("2022-12-31")]}), {"Đạt (%)": "pct", "Số": "int"})
>>> print(csv_text(payload(t)), end="")
Chỉ tiêu,Đạt (%),Số,Ngày
Số HTX,121.25,652,2022-12-31
>>> file_name("chi_tieu_chinh", 2022)
'bang_chi_tieu_chinh_2022.csv'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from kttt.tables import ReportTable

MEDIA_TYPE = "application/vnd.kttt.table+json"
PATTERN = "bang_{key}_{year}.csv"


def file_name(key: str, year: int) -> str:
    """The CSV file of table ``key`` in a year's publication."""
    return PATTERN.format(key=key, year=year)


def _plain(value: Any) -> Any:
    """A JSON value: numbers as numbers, no value as None, dates as ``yyyy-mm-dd``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()[:10]
    return str(value)


def payload(table: ReportTable) -> dict[str, Any]:
    """What the CSV needs: key, title, headers and every row's raw values (JSON-ready)."""
    frame = table.frame
    return {
        "key": table.key,
        "title": table.title,
        "columns": [str(c) for c in frame.columns],
        "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)],
    }


def _cell(value: Any) -> str:
    """One CSV cell.

    >>> _cell(97.0), _cell(121.25), _cell(-3.0), _cell(None), _cell("=1+1"), _cell("HTX Đoàn Kết")
    ('97', '121.25', '-3', '', "'=1+1", 'HTX Đoàn Kết')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, int):
        return str(value)
    from kttt.fmt import csv_text as safe

    return str(safe(str(value)))


def csv_text(data: dict[str, Any]) -> str:
    """The CSV text of a table payload (without the byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(data["columns"])
    for row in data["rows"]:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def write(data: dict[str, Any], path: Path) -> None:
    """Write a table payload as CSV (UTF-8 with a byte-order mark)."""
    path.write_text(csv_text(data), encoding="utf-8-sig", newline="")
