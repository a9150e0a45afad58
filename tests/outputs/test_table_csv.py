"""kttt.outputs.table_csv: a table's CSV holds its headers and raw values, readable back as numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kttt.config import SAMPLE_DATASET
from kttt.outputs import table_csv
from kttt.outputs.html import clean_notebook, with_downloads
from kttt.tables import Context, key_indicators, new_tht


def test_values_are_numbers_with_vietnamese_headers(tmp_path: Path) -> None:
    ctx = Context.open(SAMPLE_DATASET, 2022)
    table = key_indicators(ctx)
    path = tmp_path / "t.csv"
    table_csv.write(table_csv.payload(table), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a byte-order mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [str(c) for c in table.frame.columns]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Số HTX thành lập mới"][3] == "97" and by_name["Số HTX thành lập mới"][7] == "121.25"
    assert by_name["Số THT hiện có"][3] == "5894"
    back = pd.read_csv(path)
    assert back["Năm 2022"].tolist() == pytest.approx(table.frame["Năm 2022"].tolist(), nan_ok=True)


def test_the_csv_has_every_row_even_when_the_page_shows_thirty() -> None:
    ctx = Context.open(SAMPLE_DATASET, 2022)
    table = new_tht(ctx).shown(30)
    data = table._repr_mimebundle_()[table_csv.MEDIA_TYPE]
    assert len(data["rows"]) == 627 and table.to_html(30).count("<tr>") == 31
    assert all(row[-1].startswith("2022-") for row in data["rows"])  # dates as yyyy-mm-dd


def test_the_page_lists_each_tables_csv_and_the_publication_drops_the_raw_values() -> None:
    ctx = Context.open(SAMPLE_DATASET, 2022)
    table = key_indicators(ctx)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("tables.key_indicators(ctx)", id="c1")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": table._repr_html_(), table_csv.MEDIA_TYPE: table._repr_mimebundle_()[table_csv.MEDIA_TYPE],
        "text/plain": repr(table)}, execution_count=1)]
    nb.cells = [cell]
    linked, tables = with_downloads(nb, 2022)
    html = linked.cells[0].outputs[0].data["text/html"]
    assert [t["key"] for t in tables] == ["chi_tieu_chinh"]
    assert 'href="bang_chi_tieu_chinh_2022.csv"' in html and html.endswith("</p>\n</figure>")
    assert table_csv.MEDIA_TYPE not in clean_notebook(linked).cells[0].outputs[0].data
    assert "bang_chi_tieu_chinh_2022.csv" not in nb.cells[0].outputs[0].data["text/html"]  # input untouched


def test_a_name_never_becomes_a_spreadsheet_formula(tmp_path: Path) -> None:
    from kttt.tables import ReportTable

    evil = '=HYPERLINK("http://x","bấm")'
    table = ReportTable("ten", "Tên", pd.DataFrame({"Tên": [evil, "@SUM(1)", "HTX Đoàn Kết"], "Số": [-3.0, 1.0, 2.0]}),
                        {"Số": "int"})
    path = tmp_path / "t.csv"
    table_csv.write(table_csv.payload(table), path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[1:] == [["'" + evil, "-3"], ["'@SUM(1)", "1"], ["HTX Đoàn Kết", "2"]]
