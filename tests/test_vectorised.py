"""The loader parses a register a column at a time (kttt.columns, kttt.read.to_grid); the rule for
one cell stays kttt.values (parse_cell, is_blank, clean_text). These tests give both the same
random cells — of every kind the readers give: text (numbers, dates, labels, spaces, invisible
characters, NFD), numbers (whole, fractional, negative, huge, infinite), booleans, dates, date
and time, Excel's value-less cells — and ask for the same answer, cell for cell: the same
typed value, the same errors with the same messages."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kttt.columns import (
    KINDS,
    OTHER,
    blank_cells,
    cell_kinds,
    clean_texts,
    parse_column,
    type_groups,
    typed_codes,
)
from kttt.contract import HTX, THT, Column, normalize
from kttt.read import to_grid
from kttt.values import BadCell, CellError, as_text, clean_text, is_blank, parse_cell

LATEST = dt.date(2023, 12, 31)
COLUMNS = {f"{reg.name}.{c.key}": c for reg in (HTX, THT) for c in reg.columns if c.type != "unit"}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = [
    "", " ", "  \t", "\u200b", " \u00ad\ufeff ", "\u00a0", "x", "X ", " x", "có", "Có", "Không", "khong", "c", "k",
    "1", "0", "true", "False", "yes", "no", "dung", "sai", "12", "0012", "1.250", "1,250", "2.100,5", "2,100.5",
    "-3", "+4", " 7 ", "1\u00a0250", "1e5", "1.2.3", "12,", ",5", "٣", "１２", "NaN", "inf", "-0", "9000000000000000000",
    "05/01/2022", "5/1/2022", "31/02/2022", "29/02/2024", "2022-12-31", "2022-12-31 00:00", "2022-12-31T00:00:00",
    "2022-13-01", "01/01/1899", "31/12/2024", "31/12/2023", "1/1/1900", "0/1/2000",
    "Nông nghiệp", "nong nghiep", "NÔNG NGHIỆP", "Nông - lâm - ngư nghiệp", "CN-TTCN", "TM-DV", "Tín dụng", "Khác",
    "TB", "Trung bình", "trung_binh", "Tốt", "Kém", "Không xếp loại", "Đang hoạt động", "Giải thể", "Chấm dứt",
    "Tạm ngừng hoạt động", "HTX", "QTDND", "lhhtx", "Hàng không vũ trụ", "HTX\u200b01", "HTX 01", "5200000001",
    unicodedata.normalize("NFD", "Tiến Thành"), unicodedata.normalize("NFD", "Nông nghiệp"), "a\x00b", "#N/A",
]

texts = st.one_of(st.sampled_from(WORDS), st.text(max_size=12),
                  st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(" ".join))
floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 0.5, 1.0, 3.0, -2.0, 12.0, 1e6, 1e6 + 1, 1e8, 1e8 + 1, 1e4 + 1, 9e18,
                                    1e308, -1e308, 2100.5, 1e-7]),
                   st.integers(-10**9, 10**9).map(float))
cells = st.one_of(
    st.none(), texts, texts, floats, floats,
    st.integers(-10**12, 10**12), st.integers(-10**25, 10**25), st.booleans(),
    st.dates(dt.date(1800, 1, 1), dt.date(2100, 12, 31)),
    st.datetimes(dt.datetime(1890, 1, 1), dt.datetime(2030, 12, 31)),
    st.sampled_from([BadCell("loi", "#DIV/0!"), BadCell("loi", "#N/A"), BadCell("cong_thuc", "(công thức chưa có giá trị)")]),
)


def as_read(values: list[Any]) -> np.ndarray:
    """Cells as the readers give them: blank cells are None."""
    out = np.empty(len(values), dtype=object)
    out[:] = [None if is_blank(v) else v for v in values]
    return out


def scalar(col: Column, cells: np.ndarray, number_format: str, factor: float) -> list[Any]:
    """The one-cell rule applied cell by cell, as the loader did before: a value or the error."""
    x_marks = col.type == "bool" and any(c is not None and normalize(as_text(c)) == "x" for c in cells)
    out: list[Any] = []
    for c in cells:
        try:
            out.append(parse_cell(col, c, number_format, x_marks, factor, LATEST))
        except CellError as exc:
            out.append(exc)
    return out


def same(col: Column, stored: Any, expected: Any) -> bool:
    """A stored value (float64 NaN, datetime64 NaT or object None = empty) equals the scalar answer."""
    if isinstance(expected, CellError) or expected is None:
        return stored is None or (isinstance(stored, float) and math.isnan(stored)) or \
            (isinstance(stored, np.datetime64) and np.isnat(stored))
    if col.type == "number":
        return stored == expected and math.copysign(1, stored) == math.copysign(1, expected)
    if col.type == "int":
        return stored == expected and float(stored).is_integer()
    if col.type == "date":
        return stored.astype(object) == expected
    return type(stored) is type(expected) and stored == expected


@FAST
@given(key=st.sampled_from(sorted(COLUMNS)), values=st.lists(cells, max_size=30),
       number_format=st.sampled_from(["vi", "en"]), factor=st.sampled_from([1.0, 1.0, 1000.0, 1e-6, 12.0]))
def test_a_column_parses_as_its_cells_one_by_one(key: str, values: list[Any], number_format: str, factor: float) -> None:
    col = COLUMNS[key]
    factor = factor if col.money else 1.0
    column = as_read(values)
    parsed = parse_column(col, column, number_format, factor, LATEST)
    expected = scalar(col, column, number_format, factor)
    for i, want in enumerate(expected):
        assert same(col, parsed.values[i], want), (i, column[i], parsed.values[i], want)
        if isinstance(want, CellError):
            got = parsed.errors[i]
            assert (got.code, got.reason_vi, got.reason_en) == (want.code, want.reason_vi, want.reason_en)
        else:
            assert i not in parsed.errors, (i, column[i], parsed.errors[i].reason_vi)


@pytest.mark.parametrize("value", [1, 1.0, True, "1"])
def test_equal_cells_of_other_types_are_parsed_apart(value: Any) -> None:
    """1, 1.0, True and "1" are equal or alike in Python, not to the rule (True is no number)."""
    column = as_read([1, 1.0, True, "1", value])
    for col in (HTX.column("so_thanh_vien"), HTX.column("ma_htx"), HTX.column("dung_luat")):
        parsed = parse_column(col, column, "vi", 1.0, LATEST)
        expected = scalar(col, column, "vi", 1.0)
        assert [i for i, e in enumerate(expected) if isinstance(e, CellError)] == sorted(parsed.errors)
        assert all(same(col, parsed.values[i], e) for i, e in enumerate(expected))


def test_a_yes_no_column_marked_with_x_reads_blank_as_no() -> None:
    col = HTX.column("dung_luat")
    parsed = parse_column(col, as_read(["x", None, " X", ""]), "vi", 1.0, LATEST)
    assert parsed.values.tolist() == [True, False, True, False] and not parsed.errors
    parsed = parse_column(col, as_read(["có", None]), "vi", 1.0, LATEST)
    assert parsed.values.tolist() == [True, None]


@FAST
@given(st.lists(cells, max_size=40))
def test_blank_cells_are_the_cells_is_blank_says(values: list[Any]) -> None:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    assert blank_cells(column).tolist() == [is_blank(v) for v in values]


@FAST
@given(st.lists(st.lists(cells, max_size=6), max_size=8))
def test_a_grid_holds_the_rows_with_blanks_as_none(rows: list[list[Any]]) -> None:
    grid = to_grid(rows)
    width = max(map(len, rows), default=0)
    expected = [[None if is_blank(v) else v for v in r] + [None] * (width - len(r)) for r in rows]
    got = grid.cells.tolist()
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert [type(x) for x in g] == [type(x) for x in e]
        assert all(x is y or x == y for x, y in zip(g, e, strict=True))
    assert grid.kinds.tolist() == cell_kinds(grid.cells).tolist()


@FAST
@given(st.lists(texts, max_size=30))
def test_texts_are_cleaned_as_one_by_one(values: list[str]) -> None:
    assert clean_texts(values) == [clean_text(v) for v in values]


@FAST
@given(st.lists(cells, max_size=30))
def test_codes_are_equal_for_cells_of_one_type_and_value(values: list[Any]) -> None:
    column = as_read(values)
    codes, count = typed_codes(column)
    for i, a in enumerate(column):
        assert (codes[i] == -1) == (a is None)
        for j, b in enumerate(column):
            if a is not None and b is not None:
                alike = type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))
                assert (codes[i] == codes[j]) == alike, (a, b)
    assert count == len({c for c in codes.tolist() if c >= 0})


def test_cells_are_grouped_by_their_exact_type() -> None:
    class Text(str):
        pass

    column = np.array(["a", Text("b"), 1.0, None, dt.datetime(2024, 1, 1), dt.date(2024, 1, 1)], dtype=object)
    groups = {t: p.tolist() for t, p in type_groups(column)}
    assert groups == {str: [0], float: [2], dt.datetime: [4], dt.date: [5], Text: [1]}
    assert cell_kinds(column).tolist() == [KINDS.index(str), OTHER, KINDS.index(float), 0, KINDS.index(dt.datetime),
                                           KINDS.index(dt.date)]
