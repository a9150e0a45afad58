"""A register column parsed at once: fast paths in bulk, the scalar rule for everything else.

The rule for one cell is :func:`kttt.values.parse_cell` — the one definition of what a cell may
hold and of every message about it. This module applies that rule to a whole column (a numpy
object array: None for blank, :class:`~kttt.values.BadCell`, or the value as read) fast, and
agrees with it cell for cell (``tests/test_vectorised.py`` checks that on random columns):

1. **Blank cells** are settled at once: the scalar's answer for a blank (empty; "no" in a yes/no
   column marked with ``x``; the "required value is empty" error) holds for all of them.
2. The other cells are **split by Python type** (``1``, ``1.0`` and ``True`` are equal in Python
   but not to the rule), known from the cells' *kinds* (:func:`cell_kinds`: one pass over the
   cells' types when the sheet is read); a column is nearly always of one type — text in CSV,
   numbers or dates in Excel.
3. **Fast paths** take a type group in bulk and return the cells they *accept*:
   numbers already numeric in a number column (numpy: finite, whole for counts, the money
   factor, the column's bounds), Excel date cells in a date column (their ordinals, the
   plausible range) and text in a text column (NFC and invisible characters over the joined
   column, then ``strip``).
4. **Everything else** goes **once per distinct value** (:func:`pandas.factorize`; 100.000 rows
   name a few hundred sectors, statuses, dates or member counts): numbers and dates written as
   text by their patterns (:data:`~kttt.values.NUMBER_PATTERNS`,
   :data:`~kttt.values.DATE_PATTERNS`) over the joined texts, one regex pass; every value no
   fast path accepts to the scalar rule. Errors therefore are the scalar's own, by construction.

A parsed column is stored typed: ``float64`` (NaN = empty) for counts and numbers,
``datetime64[D]`` (NaT = empty) for dates, ``object`` (None = empty) otherwise.

>>> from kttt.contract import HTX
>>> cells = np.array(["12", None, "1.250", "x", 7.0], dtype=object)
>>> parsed = parse_column(HTX.column("so_thanh_vien"), cells, "vi", 1.0, dt.date(2025, 12, 31))
>>> parsed.values.tolist(), {i: e.code for i, e in parsed.errors.items()}
([12.0, nan, 1250.0, nan, 7.0], {1: 'thieu_gia_tri', 3: 'khong_phai_so'})
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from kttt.contract import EARLIEST_DATE, Column
from kttt.values import (
    DATE_PATTERNS,
    INVISIBLE_CHARS,
    NUMBER_PATTERNS,
    CellError,
    clean_text,
    is_blank,
    machine_text,
    marks_with_x,
    parse_cell,
)

# The kind of a cell: the code of its exact Python type in KINDS (0 = blank), or OTHER (a
# BadCell, or a type readers seldom give, asked cell by cell). 1, 1.0 and True are equal in
# Python but not to the rule: the parsers group cells by kind, never by value alone.
KINDS: tuple[type, ...] = (type(None), str, float, int, bool, dt.date, dt.datetime)
BLANK, STR, FLOAT, INT, OTHER = 0, 1, 2, 3, len(KINDS)
_CODES = {t: code for code, t in enumerate(KINDS)}
_SEP = "\x00"  # joins texts: a starter that composes with nothing, so NFC keeps it a boundary
_DROP = dict.fromkeys(map(ord, INVISIBLE_CHARS))
# a text of spaces and invisible characters only, in the joined texts with a separator in front
# (NFC never turns another character into one of these: checked over every code point)
_BLANK_PIECE = re.compile(f"{_SEP}[\\s{INVISIBLE_CHARS}]+(?={_SEP}|\\Z)")


# --------------------------------------------------------------------------- cells in bulk

def cell_kinds(cells: np.ndarray) -> np.ndarray:
    """The kind code of every cell (int8, same shape), from one pass over the cells' types.

    >>> from kttt.values import BadCell
    >>> cell_kinds(np.array([None, "a", 1.0, True, BadCell("loi", "#N/A")], dtype=object)).tolist()
    [0, 1, 2, 4, 7]
    """
    return kinds_of(cells.ravel().tolist()).reshape(cells.shape)


def kinds_of(cells: Iterable[Any]) -> np.ndarray:
    """:func:`cell_kinds` of cells given one after the other (a writable int8 array)."""
    return np.frombuffer(bytearray(map(_CODES.get, map(type, cells), repeat(OTHER))), dtype=np.int8)


def clear_blanks(cells: np.ndarray, kinds: np.ndarray) -> None:
    """Make every blank cell (:func:`~kttt.values.is_blank`) None, kind BLANK, in place: ``""``
    and NaN by numpy; a text of spaces or invisible characters only is looked for in all the
    texts joined (one regex) and, where one may be, every text is asked.

    >>> cells = np.array([None, "", " \u200b ", "a", float("nan"), 0.0], dtype=object)
    >>> kinds = cell_kinds(cells); clear_blanks(cells, kinds); cells.tolist(), kinds.tolist()
    ([None, None, None, 'a', None, 0.0], [0, 0, 0, 1, 0, 2])
    """
    flat, codes = cells.ravel(), kinds.ravel()
    texts = np.flatnonzero(codes == STR)
    empty = flat[texts] == ""
    blank = [texts[empty]]
    rest = texts[~empty]
    listed = flat[rest].tolist()
    if _BLANK_PIECE.search(_SEP + _SEP.join(listed)):
        blank.append(rest[np.array([is_blank(t) for t in listed], dtype=bool)])
    floats = np.flatnonzero(codes == FLOAT)
    blank.append(floats[np.isnan(flat[floats].astype(np.float64))])
    other = np.flatnonzero(codes == OTHER)
    blank.append(other[np.array([is_blank(v) for v in flat[other].tolist()], dtype=bool)])
    gone = np.concatenate(blank)
    cells.flat[gone] = None  # by C-order position, whatever the arrays' layout
    kinds.flat[gone] = BLANK


def blank_cells(cells: np.ndarray) -> np.ndarray:
    """:func:`~kttt.values.is_blank` of every cell of an object array, at once.

    >>> blank_cells(np.array([None, "", " ", "a", float("nan"), 0.0], dtype=object)).tolist()
    [True, True, True, False, True, False]
    """
    copy = cells.copy()
    kinds = cell_kinds(copy)
    clear_blanks(copy, kinds)
    return kinds == BLANK


def type_groups(cells: np.ndarray, kinds: np.ndarray | None = None) -> list[tuple[type, np.ndarray]]:
    """The positions of the non-blank (not None) cells of a column, grouped by the cells' exact
    Python type (``kinds``: their :func:`cell_kinds`, when known).

    >>> [(t.__name__, p.tolist()) for t, p in type_groups(np.array(["a", None, 1.0, "b"], dtype=object))]
    [('str', [0, 3]), ('float', [2])]
    """
    kinds = cell_kinds(cells) if kinds is None else kinds
    counts = np.bincount(kinds, minlength=OTHER + 1)
    groups = [(KINDS[code], np.flatnonzero(kinds == code)) for code in range(1, OTHER) if counts[code]]
    if counts[OTHER]:  # asked cell by cell
        other = np.flatnonzero(kinds == OTHER)
        types = [type(v) for v in cells[other].tolist()]
        for t in dict.fromkeys(types):
            groups.append((t, other[[u is t for u in types]]))
    return groups


def clean_texts(texts: list[str]) -> list[str]:
    """:func:`~kttt.values.clean_text` of every text: NFC and the invisible characters over the
    joined texts (one call each, and only when needed), then ``strip`` each.

    >>> nfd = unicodedata.normalize("NFD", "Tiến ")
    >>> clean_texts([nfd, "HTX\u200b01", "  a"]) == ["Tiến", "HTX01", "a"]
    True
    """
    joined = _SEP.join(texts)
    if joined.count(_SEP) != max(len(texts) - 1, 0):  # a text holds the separator itself
        return [clean_text(t) for t in texts]
    if not unicodedata.is_normalized("NFC", joined):
        joined = unicodedata.normalize("NFC", joined)
    if any(ch in joined for ch in INVISIBLE_CHARS):
        joined = joined.translate(_DROP)
    return list(map(str.strip, joined.split(_SEP))) if texts else []


def by_value(values: np.ndarray, rule: Callable[[Any], Any]) -> tuple[list[Any], np.ndarray]:
    """``rule`` applied once per distinct value of ``values`` (one Python type, no None): the
    answers (a value, or the :class:`CellError` raised) and, for every cell, the index of its
    answer.

    >>> from kttt.values import parse_bool
    >>> answers, index = by_value(np.array(["có", "?", "có"], dtype=object), parse_bool)
    >>> answers[0], answers[1].code, index.tolist()
    (True, 'khong_phai_co_khong', [0, 1, 0])
    """
    index, uniques = pd.factorize(values)
    return [_try(rule, u) for u in uniques], index


# --------------------------------------------------------------------------- a column

@dataclass
class Parsed:
    """A column parsed: typed values (empty where blank or wrong) and the errors by position."""

    values: np.ndarray
    errors: dict[int, CellError] = field(default_factory=dict)


def empty_values(kind: str, n: int) -> np.ndarray:
    """A column of ``n`` empty values stored as a column of that type is stored."""
    if kind in ("int", "number"):
        return np.full(n, np.nan)
    if kind == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return np.full(n, None, dtype=object)


def _stored(kind: str, answers: list[Any]) -> np.ndarray:
    """Answers of the rule as the column stores them (an error is stored empty)."""
    good = [None if isinstance(a, Exception) else a for a in answers]
    if kind in ("int", "number"):
        return np.array([np.nan if a is None else float(a) for a in good], dtype=np.float64)
    if kind == "date":
        return np.array([np.datetime64("NaT") if a is None else np.datetime64(a, "D") for a in good],
                        dtype="datetime64[D]")
    out = np.empty(len(good), dtype=object)
    out[:] = good
    return out


def _numbers_fast(col: Column, values: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Numbers already numeric: the ones the rule accepts (finite, whole for counts, within the
    column's bounds after the money factor) and their values."""
    x = values.astype(np.float64)
    ok = np.isfinite(x)
    if col.type == "int":
        ok &= np.floor(np.where(ok, x, 0.0)) == np.where(ok, x, 0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        if factor != 1.0:
            x = x * factor
        if col.minimum is not None:
            ok &= ~(x < col.minimum)
        if col.maximum is not None:
            ok &= ~(x > col.maximum)
    return ok, x


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _dates_fast(values: np.ndarray, latest: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Excel date cells in a date column: the ones within the plausible range, as days."""
    days = np.fromiter(map(dt.date.toordinal, values.tolist()), np.int64, len(values)) - _EPOCH
    parsed = days.astype("datetime64[D]")
    ok = (parsed >= np.datetime64(EARLIEST_DATE, "D")) & (parsed <= np.datetime64(latest, "D"))
    return ok, parsed


# every line of the joined texts: the number (group 1) or the date (day, month, year or year,
# month, day), else nothing — one regex pass over a column's distinct texts
_NUMBER_LINES = {fmt: re.compile(f"^(?:({p})|.*)$", re.M) for fmt, p in NUMBER_PATTERNS.items()}
_DATE_LINES = re.compile(f"^(?:{DATE_PATTERNS[0]}|{DATE_PATTERNS[1]}|.*)$", re.M)


def _lines(texts: list[str], pattern: re.Pattern[str]) -> list[Any] | None:
    """``pattern.findall`` over the stripped texts joined by line breaks: one finding per text;
    None when a text holds a line break itself."""
    stripped = list(map(str.strip, texts))
    joined = "\n".join(stripped)
    if joined.count("\n") != len(stripped) - 1:
        return None
    found = pattern.findall(joined.replace("\u00a0", "") if pattern is not _DATE_LINES else joined)
    return found if len(found) == len(stripped) else None


def _number_texts_fast(col: Column, texts: np.ndarray, number_format: str, factor: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Numbers written as text in the dataset's format (:func:`~kttt.values.parse_number`):
    matched by its pattern over the joined texts, converted at once, then checked as numbers."""
    found = _lines(texts.tolist(), _NUMBER_LINES[number_format]) if len(texts) else []
    if not found:
        return np.zeros(len(texts), dtype=bool), np.full(len(texts), np.nan)
    matched = np.array([bool(f) for f in found], dtype=bool)
    x = np.full(len(texts), np.nan)
    if matched.any():
        x[matched] = list(map(float, machine_text("\n".join(f for f in found if f), number_format).split("\n")))
    ok, x = _numbers_fast(col, x, factor)
    return ok & matched, x


def _date_texts_fast(texts: np.ndarray, latest: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Dates written as text (:func:`~kttt.values.parse_date`): day, month and year taken by the
    patterns over the joined texts; a date that does not exist, or lies outside the plausible
    range, is left to the rule."""
    n = len(texts)
    found = _lines(texts.tolist(), _DATE_LINES) if n else []
    if not found:
        return np.zeros(n, dtype=bool), np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    parts = np.zeros((n, 3), dtype=np.int64)  # year, month, day
    matched = np.zeros(n, dtype=bool)
    for i, (d1, m1, y1, y2, m2, d2) in enumerate(found):
        if y1:
            parts[i], matched[i] = (int(y1), int(m1), int(d1)), True
        elif y2:
            parts[i], matched[i] = (int(y2), int(m2), int(d2)), True
    year, month, day = parts.T
    exists = matched & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    first = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    parsed = np.where(exists, first.astype("datetime64[D]") + (day - 1), np.datetime64("NaT", "D"))
    exists &= parsed.astype("datetime64[M]") == first  # the day lies in its month
    ok = exists & (parsed >= np.datetime64(EARLIEST_DATE, "D")) & (parsed <= np.datetime64(latest, "D"))
    return ok, parsed


def _texts_fast(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Texts in a text column: cleaned; an empty result is left to the rule."""
    cleaned = np.empty(len(values), dtype=object)
    cleaned[:] = clean_texts(values.tolist())
    return cleaned != "", cleaned


def parse_column(col: Column, cells: np.ndarray, number_format: str, factor: float, latest: dt.date,
                 kinds: np.ndarray | None = None) -> Parsed:
    """Every cell of a (non-unit) register column by :func:`~kttt.values.parse_cell`, at once
    (see the module doc). ``cells`` hold None for blank (as read); ``kinds`` are their
    :func:`cell_kinds` when known."""
    n = len(cells)
    out = Parsed(empty_values(col.type, n))
    kinds = cell_kinds(cells) if kinds is None else kinds
    groups = type_groups(cells, kinds)
    x_marks = False
    if col.type == "bool":
        x_marks = any(any(map(marks_with_x, pd.unique(cells[pos]))) for _t, pos in groups)

    def rule(value: Any) -> Any:
        return parse_cell(col, value, number_format, x_marks, factor, latest)

    def settle(pos: np.ndarray, answers: list[Any], index: np.ndarray, fast: Any = None) -> None:
        """Cells at ``pos`` whose distinct values (``index``) got ``answers``; those a fast path
        took over the distinct values (``fast``: accepted, typed values) are stored as it says."""
        stored = _stored(col.type, answers)
        if fast is not None:
            stored[fast[0]] = fast[1][fast[0]]
        out.values[pos] = stored[index]
        failed = np.array([isinstance(a, CellError) for a in answers], dtype=bool)
        for k in np.flatnonzero(failed[index]):
            out.errors[int(pos[k])] = answers[index[k]]

    blank = np.flatnonzero(kinds == BLANK)
    if blank.size:
        settle(blank, [_try(rule, None)], np.zeros(blank.size, dtype=np.intp))
    for kind, pos in groups:
        values = cells[pos]
        fast = None
        if kind is float and col.type in ("int", "number"):
            fast = _numbers_fast(col, values, factor)
        elif kind is str and col.type == "text":
            fast = _texts_fast(values)
        elif kind is dt.date and col.type == "date":
            fast = _dates_fast(values, latest)
        if fast is not None:
            ok, parsed = fast
            out.values[pos[ok]] = parsed[ok]
            pos, values = pos[~ok], values[~ok]
            if not pos.size:
                continue
        index, uniques = pd.factorize(values)
        over_uniques = None  # text numbers and text dates: a fast path over the distinct texts
        if kind is str and col.type in ("int", "number"):
            over_uniques = _number_texts_fast(col, uniques, number_format, factor)
        elif kind is str and col.type == "date":
            over_uniques = _date_texts_fast(uniques, latest)
        taken = over_uniques[0] if over_uniques is not None else np.zeros(len(uniques), dtype=bool)
        answers = [None if t else _try(rule, u) for u, t in zip(uniques.tolist(), taken.tolist(), strict=True)]
        settle(pos, answers, index, over_uniques)
    return out


def _try(rule: Callable[[Any], Any], value: Any) -> Any:
    try:
        return rule(value)
    except CellError as exc:
        return exc


def typed_codes(cells: np.ndarray, kinds: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """A code for every cell, equal for two cells exactly when they are of one Python type and
    equal (-1 for None), and the number of codes.

    >>> codes, n = typed_codes(np.array(["a", 1.0, None, "a", True], dtype=object))
    >>> codes.tolist(), n
    ([0, 1, -1, 0, 2], 3)
    """
    codes = np.full(len(cells), -1, dtype=np.intp)
    count = 0
    for _kind, pos in type_groups(cells, kinds):
        index, uniques = pd.factorize(cells[pos])
        codes[pos] = index + count
        count += len(uniques)
    return codes, count
