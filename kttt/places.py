"""The administrative columns of a register file: every row's district and commune, resolved.

Before 1/7/2025 the district column ``don_vi`` is required and the commune column ``xa``
optional (a commune must lie in the row's district); from 1/7/2025 ``xa`` is required and
``don_vi`` optional (a former district helps to place a former commune). A cell naming a former
unit is converted through the crosswalk, with a note (file, row, header, old → new). Each unit
is resolved at the year's data date by :meth:`kttt.geography.Units.resolve`.

A row's outcome — its place, its errors, its notes — depends only on its two cells, so it is
worked out once per distinct (district cell, commune cell) pair (a file of 100.000 rows names a
few hundred) and given to every row with that pair, under the row's own number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kttt.columns import typed_codes
from kttt.contract import COMMUNES_ONLY_FROM, fold
from kttt.geography import ONE_DAY, Crosswalk, Resolved, Unit, Units
from kttt.problems import Problem
from kttt.values import BadCell, as_text

if TYPE_CHECKING:
    from kttt.read import Table
    from kttt.registers import Mapped, Settings

PLACE_COLUMNS = ("don_vi", "xa", "tinh_cu", "huyen_cu", "xa_cu")  # what a row's place fills in its frame


@dataclass
class Place:
    """A row's administrative columns, resolved."""

    don_vi: str | None = None
    xa: str | None = None
    tinh_cu: str | None = None
    huyen_cu: str | None = None
    xa_cu: str | None = None


class Geography:
    """Resolves unit cells against one dataset's units and crosswalk, memoised (thousands of
    rows, in every file of every year, name a few hundred units): see :func:`geography`."""

    def __init__(self, units: Units, crosswalk: Crosswalk):
        self.units = units
        self.crosswalk = crosswalk
        self._memo: dict[tuple, Resolved] = {}

    def resolve(self, text: str, level: str, date: dt.date, parent: str | None) -> Resolved:
        # memo by the name as resolution reads it: fold() keeps diacritics ("Sa Pa" and "Sa Pả" are
        # two wards); a diacritic-less key let the first spelling's result stand for the other
        exact = ("text", text, level, date, parent)
        if exact not in self._memo:
            key = (fold(text), level, date, parent)
            if key not in self._memo:
                self._memo[key] = self.units.resolve(text, level, date, parent, self.crosswalk)
            self._memo[exact] = self._memo[key]
        return self._memo[exact]

    def continuity(self, commune: Unit) -> tuple[str | None, str | None]:
        """The former district and former province of a new commune, where its former communes
        all lay in one (every new commune lies in one former province; some in two districts)."""
        key = ("continuity", commune)
        if key not in self._memo:
            districts, provinces = set(), set()
            for old in self.crosswalk.sources(commune, self.units):
                district = self.units.at(old.parent, old.until or commune.since, "huyen") if old.parent else None
                districts.add(district.code if district else None)
                provinces.add(self.province_of(district, district.until or commune.since) if district else None)
            self._memo[key] = (next(iter(districts)) if len(districts) == 1 else None,  # type: ignore[assignment]
                               next(iter(provinces)) if len(provinces) == 1 else None)
        return self._memo[key]  # type: ignore[return-value]

    def province_of(self, district: Unit | None, date: dt.date) -> str | None:
        if district is None or not district.parent:
            return None
        parent = self.units.at(district.parent, date, "tinh") or self.units.at(district.parent, district.until or date, "tinh")
        return parent.code if parent is not None else None


_SHARED: dict[tuple[int, int], Geography] = {}
_SHARED_LIMIT = 8


def geography(units: Units, crosswalk: Crosswalk) -> Geography:
    """The :class:`Geography` of these units and crosswalk, shared by every file loaded with
    them (each answer depends on the text, level, date and parent asked, all in its key)."""
    key = (id(units), id(crosswalk))
    geo = _SHARED.get(key)
    if geo is None or geo.units is not units or geo.crosswalk is not crosswalk:
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.pop(next(iter(_SHARED)))
        geo = _SHARED[key] = Geography(units, crosswalk)
    return geo


def _unit_problem(rel: str, sheet: str | None, n: int | None, m: Mapped, raw: Any, r: Resolved) -> Problem:
    return Problem(rel, n, m.header, raw, r.reason_vi, r.reason_en, code=r.code, sheet=sheet)


def place_row(geo: Geography, settings: Settings, md: Mapped | None, mx: Mapped | None, raw_d: Any, raw_x: Any,
              rel: str, sheet: str | None, n: int | None = None) -> tuple[Place, list[Problem], list[Problem]]:
    """One row's place from its district and commune cells (None when blank or the column is
    absent): the place, its errors and its notes (warnings and conversions)."""
    date = settings.data_date
    before_change = COMMUNES_ONLY_FROM - ONE_DAY
    place = Place()
    errs: list[Problem] = []
    notes: list[Problem] = []
    place = Place()
    errs: list[Problem] = []
    district: Unit | None = None
    hint: str | None = None
    if isinstance(raw_d, BadCell):
        e = raw_d.error()
        errs.append(Problem(rel, n, md.header, raw_d, e.reason_vi, e.reason_en, code=e.code, sheet=sheet))
        raw_d = None
    if isinstance(raw_x, BadCell):
        e = raw_x.error()
        errs.append(Problem(rel, n, mx.header, raw_x, e.reason_vi, e.reason_en, code=e.code, sheet=sheet))
        raw_x = None
    if raw_d is not None and md is not None:
        text = as_text(raw_d)
        r = geo.resolve(text, "huyen", date, None)
        if r.unit is None and settings.communes_only and r.code in ("don_vi_het_hieu_luc", "don_vi_cu_bi_chia"):
            r = geo.resolve(text, "huyen", before_change, None)  # a former district, for continuity
            if r.unit is not None:
                place.huyen_cu = r.unit.code
                hint = r.unit.code
                r = Resolved()  # not an area at the data date
        if r.unit is not None:
            district = r.unit
            place.don_vi = district.code
            place.huyen_cu = district.code
            place.tinh_cu = geo.province_of(district, date)
            hint = district.code
            if r.padded:
                notes.append(Problem(rel, n, md.header, raw_d, f"mã được hiểu là {district.code} (mất số 0 ở đầu?)",
                                     f"read as code {district.code} (a lost leading zero?)", severity="canh_bao",
                                     code="ma_mat_so_0", sheet=sheet))
        elif r.code:
            errs.append(_unit_problem(rel, sheet, n, md, raw_d, r))
    elif not settings.communes_only and md is not None:
        errs.append(Problem(rel, n, md.header, None, "thiếu giá trị bắt buộc (đơn vị cấp huyện, số liệu trước "
                            "01/07/2025)", "required value is empty (district, data before 1/7/2025)",
                            code="thieu_gia_tri", sheet=sheet))
    if raw_x is not None and mx is not None:
        r = geo.resolve(as_text(raw_x), "xa", date, hint)
        if r.unit is not None:
            commune = r.unit
            place.xa = commune.code
            if r.former is not None:
                place.xa_cu = r.former.code
                old_parent = geo.units.at(r.former.parent, r.former.until or date, "huyen") \
                    if r.former.parent else None
                if old_parent is not None:
                    place.huyen_cu = old_parent.code
                    place.tinh_cu = geo.province_of(old_parent, old_parent.until or date)
                notes.append(Problem(rel, n, mx.header, raw_x,
                                     f"đơn vị cũ {r.former.label()} → {commune.name} ({commune.code})",
                                     f"former unit {r.former.name} ({r.former.code}) → {commune.name} ({commune.code})",
                                     severity="thong_bao", code="doi_don_vi", sheet=sheet))
            elif settings.communes_only and place.tinh_cu is None:
                former_district, former_province = geo.continuity(commune)
                place.huyen_cu = place.huyen_cu or former_district
                place.tinh_cu = former_province
            if r.padded:
                notes.append(Problem(rel, n, mx.header, raw_x, f"mã được hiểu là {commune.code} (mất số 0 ở đầu?)",
                                     f"read as code {commune.code} (a lost leading zero?)", severity="canh_bao",
                                     code="ma_mat_so_0", sheet=sheet))
            if district is not None and commune.parent and commune.parent != district.code and r.former is None:
                errs.append(Problem(rel, n, mx.header, raw_x,
                                    f"{commune.name} không thuộc {district.name} (thuộc đơn vị {commune.parent})",
                                    f"{commune.name} does not lie in {district.name} (it lies in {commune.parent})",
                                    code="xa_khong_thuoc_huyen", sheet=sheet))
        else:
            errs.append(_unit_problem(rel, sheet, n, mx, raw_x, r))
    elif settings.communes_only and mx is not None:
        errs.append(Problem(rel, n, mx.header, None, "thiếu giá trị bắt buộc (đơn vị cấp xã, số liệu từ 01/07/2025)",
                            "required value is empty (commune, data from 1/7/2025)", code="thieu_gia_tri",
                            sheet=sheet))
    return place, errs, notes


@dataclass
class Places:
    """The administrative columns of every row of a file (object arrays, None = empty), the
    errors by row position and the notes in row order."""

    columns: dict[str, np.ndarray]
    errors: dict[int, list[Problem]] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Key:
    """Stands for a mapped column while a row's outcome is worked out apart from any file: its
    problems carry the column's key as header, to be given the file's own header."""

    header: str


_DISTRICT, _COMMUNE = _Key("don_vi"), _Key("xa")


Outcome = tuple[tuple[str | None, ...], tuple[Problem, ...], tuple[Problem, ...]]  # place (PLACE_COLUMNS), errors, notes


def _outcome(geo: Geography, settings: Settings, has_d: bool, has_x: bool, raw_d: Any, raw_x: Any) -> Outcome:
    """:func:`place_row` of a pair of cells, apart from any file (memoised in ``geo``: the
    parts of a register, and the HTX and THT registers of a year, name the same units)."""
    key = ("outcome", settings.data_date, has_d, has_x, type(raw_d), raw_d, type(raw_x), raw_x)
    found = geo._memo.get(key)
    if found is None:
        place, errs, notes = place_row(geo, settings, _DISTRICT if has_d else None, _COMMUNE if has_x else None,
                                       raw_d, raw_x, "", None)
        found = geo._memo[key] = (tuple(getattr(place, k) for k in PLACE_COLUMNS), tuple(errs), tuple(notes))
    return found  # type: ignore[return-value]


def resolve_places(table: Table, md: Mapped | None, mx: Mapped | None, settings: Settings) -> Places:
    """Every row's place (see the module doc), from the table's district and commune columns
    (``md``, ``mx``; None when absent)."""
    geo = geography(settings.units, settings.crosswalk)
    rel, sheet, numbers = table.rel, table.sheet, table.numbers
    n = len(numbers)
    none, blank = np.full(n, None, dtype=object), np.zeros(n, dtype=np.int8)
    district = table.column(md.index) if md else none
    commune = table.column(mx.index) if mx else none
    codes_d, _ = typed_codes(district, table.column_kinds(md.index) if md else blank)
    codes_x, width = typed_codes(commune, table.column_kinds(mx.index) if mx else blank)
    pairs = (codes_d.astype(np.int64) + 1) * (width + 1) + (codes_x + 1)
    _, first, inverse = np.unique(pairs, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    out = Places({key: np.full(n, None, dtype=object) for key in PLACE_COLUMNS})
    outcomes = [_outcome(geo, settings, md is not None, mx is not None, district[i], commune[i])
                for i in first.tolist()]
    for k, key in enumerate(PLACE_COLUMNS):
        values = np.empty(len(outcomes), dtype=object)
        values[:] = [place[k] for place, _e, _n in outcomes]
        out.columns[key] = values[inverse]
    headers = {"don_vi": md.header if md else None, "xa": mx.header if mx else None}
    cells = {"don_vi": district, "xa": commune}

    def at(p: Problem, i: int) -> Problem:
        # the file's header, the row's number, the row's own cell (equal to the pair's)
        value = None if p.value is None else cells[p.header][i]  # type: ignore[index]
        return Problem(rel, int(numbers[i]), headers[p.header], value, p.reason_vi, p.reason_en,  # type: ignore[index]
                       p.severity, p.code, sheet)

    with_errors = np.array([bool(e) for _p, e, _n in outcomes], dtype=bool)
    for i in np.flatnonzero(with_errors[inverse]).tolist():
        out.errors[i] = [at(p, i) for p in outcomes[inverse[i]][1]]
    with_notes = np.array([bool(notes) for _p, _e, notes in outcomes], dtype=bool)
    for i in np.flatnonzero(with_notes[inverse]).tolist():
        out.notes.extend(at(p, i) for p in outcomes[inverse[i]][2])
    return out
