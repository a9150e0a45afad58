"""kttt.markup: one Jinja environment, autoescaped and strict; report blocks rendered through it."""

from __future__ import annotations

import jinja2
import pandas as pd
import pytest

from kttt.markup import environment, fragment
from kttt.tables import ReportTable

EVIL = "<script>alert('x')</script> & <b>HTX</b>"


def test_fragments_escape_data() -> None:
    html = fragment("partials/paragraphs.html.j2", paragraphs=[EVIL], css_class="loi-van")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html


def test_an_undefined_name_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(jinja2.UndefinedError):
        fragment("partials/line.html.j2")


def test_one_environment() -> None:
    from kttt.outputs import html

    assert html.environment() is environment()


def _table(rows: int) -> ReportTable:
    frame = pd.DataFrame({"Tên": [EVIL] + [f"HTX {i}" for i in range(1, rows)], "Số": [float(i) for i in range(rows)]})
    return ReportTable("thu", f"Bảng {EVIL}", frame, {"Số": "int"}, note=EVIL)


def test_table_html_escapes_every_cell_and_marks_headers() -> None:
    html = _table(3).to_html()
    assert "<script>" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;") == 4  # caption, region label, cell, note
    assert '<th scope="col">Tên</th>' in html and '<td class="so">2</td>' in html
    assert html.startswith('<figure class="bang" id="bang-thu">') and html.endswith("</figure>")


def test_a_long_table_says_how_many_rows_it_shows() -> None:
    html = _table(40).to_html(30)
    assert html.count("<tr>") == 31  # header + 30 rows
    assert "Hiển thị 30/40 dòng" in html


def test_an_empty_table_has_no_header_without_rows() -> None:
    html = ReportTable("rong", "Rỗng", pd.DataFrame({"A": []})).to_html()
    assert "<table" not in html and "Không có dòng nào." in html
