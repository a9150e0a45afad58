"""The administrative columns of a register file: every row's district and commune, resolved.

Before 1/7/2025 the district column ``don_vi`` is required and the commune column ``xa``
optional (a commune must lie in the row's district); from 1/7/2025 ``xa`` is required and
``don_vi`` optional (a former district helps to place a former commune). A cell naming a former
unit is converted through the crosswalk, with a note (file, row, header, old → new). Each unit
is resolved at the year's data date by :meth:`kttt.geography.Units.resolve`.

A row's outcome — its place, its errors, its notes — depends only on its two cells, so it is
worked out once per distinct district cell (:func:`district_part`) and once per distinct
(district, commune cell) pair (:func:`commune_part`) — a file of 100.000 rows names a few hundred
— and given to every row with those cells, under the row's own number. The answers are kept for
the other files of the dataset (:func:`geography`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kttt.columns import typed_codes
from kttt.contract import COMMUNES_ONLY_FROM
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
        # memo by the text as written: "Sa Pa" and "Sa Pả" are two wards, never one answer
        key = ("text", text, level, date, parent)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.units.resolve(text, level, date, parent, self.crosswalk)
        return found

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


def _problem(column: str, raw: Any, vi: str, en: str, code: str, severity: str = "loi") -> Problem:
    """A problem of a unit cell, apart from any file: its header is the column's key (the file's
    own header, file, sheet and row are given by :func:`resolve_places`)."""
    return Problem("", None, column, raw, vi, en, severity=severity, code=code)  # type: ignore[arg-type]


def _bad(column: str, cell: BadCell) -> Problem:
    e = cell.error()
    return _problem(column, cell, e.reason_vi, e.reason_en, e.code)


def _unresolved(column: str, raw: Any, r: Resolved) -> Problem:
    return _problem(column, raw, r.reason_vi, r.reason_en, r.code)


def _padded(column: str, raw: Any, unit: Unit) -> Problem:
    return _problem(column, raw, f"mã được hiểu là {unit.code} (mất số 0 ở đầu?)",
                    f"read as code {unit.code} (a lost leading zero?)", "ma_mat_so_0", "canh_bao")


@dataclass(frozen=True)
class DistrictPart:
    """What a row's district cell gives: its place so far, the district (the hint for the
    commune) and the cell's problems (a BadCell's error first, as the row reports it)."""

    don_vi: str | None = None
    huyen_cu: str | None = None
    tinh_cu: str | None = None
    hint: str | None = None
    district: Unit | None = None
    bad: tuple[Problem, ...] = ()
    errors: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()

    @property
    def state(self) -> tuple:
        """What the commune's part depends on."""
        return self.don_vi, self.huyen_cu, self.tinh_cu, self.hint, self.district


def district_part(geo: Geography, settings: Settings, has_column: bool, raw: Any) -> DistrictPart:
    """A row's district cell (None when blank or the column is absent), resolved at the data
    date (before 1/7/2025 required; from then on a former district only helps to place a former
    commune)."""
    date = settings.data_date
    bad: tuple[Problem, ...] = ()
    if isinstance(raw, BadCell):
        bad, raw = (_bad("don_vi", raw),), None
    if raw is None or not has_column:
        if not settings.communes_only and has_column:
            return DistrictPart(bad=bad, errors=(_problem(
                "don_vi", None, "thiếu giá trị bắt buộc (đơn vị cấp huyện, số liệu trước 01/07/2025)",
                "required value is empty (district, data before 1/7/2025)", "thieu_gia_tri"),))
        return DistrictPart(bad=bad)
    text = as_text(raw)
    r = geo.resolve(text, "huyen", date, None)
    huyen_cu = hint = None
    if r.unit is None and settings.communes_only and r.code in ("don_vi_het_hieu_luc", "don_vi_cu_bi_chia"):
        r = geo.resolve(text, "huyen", COMMUNES_ONLY_FROM - ONE_DAY, None)  # a former district, for continuity
        if r.unit is not None:
            huyen_cu = hint = r.unit.code
            r = Resolved()  # not an area at the data date
    if r.unit is not None:
        district = r.unit
        notes = (_padded("don_vi", raw, district),) if r.padded else ()
        return DistrictPart(district.code, district.code, geo.province_of(district, date), district.code, district,
                            bad, (), notes)
    return DistrictPart(None, huyen_cu, None, hint, None, bad, (_unresolved("don_vi", raw, r),) if r.code else ())


def commune_part(geo: Geography, settings: Settings, has_column: bool, raw: Any, d: DistrictPart
                 ) -> tuple[tuple[str | None, ...], tuple[Problem, ...], tuple[Problem, ...], tuple[Problem, ...]]:
    """A row's commune cell, resolved at the data date in the row's district (``d``): the row's
    place (:data:`PLACE_COLUMNS`), the BadCell error, the errors and the notes of the cell (a
    former unit converted, a code read with its leading zeros restored)."""
    date = settings.data_date
    place = Place(d.don_vi, None, d.tinh_cu, d.huyen_cu)
    bad: tuple[Problem, ...] = ()
    errs: list[Problem] = []
    notes: list[Problem] = []
    if isinstance(raw, BadCell):
        bad, raw = (_bad("xa", raw),), None
    if raw is not None and has_column:
        r = geo.resolve(as_text(raw), "xa", date, d.hint)
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
                notes.append(_problem("xa", raw, f"đơn vị cũ {r.former.label()} → {commune.name} ({commune.code})",
                                      f"former unit {r.former.name} ({r.former.code}) → {commune.name} ({commune.code})",
                                      "doi_don_vi", "thong_bao"))
            elif settings.communes_only and place.tinh_cu is None:
                former_district, former_province = geo.continuity(commune)
                place.huyen_cu = place.huyen_cu or former_district
                place.tinh_cu = former_province
            if r.padded:
                notes.append(_padded("xa", raw, commune))
            district = d.district
            if district is not None and commune.parent and commune.parent != district.code and r.former is None:
                errs.append(_problem("xa", raw, f"{commune.name} không thuộc {district.name} (thuộc đơn vị {commune.parent})",
                                     f"{commune.name} does not lie in {district.name} (it lies in {commune.parent})",
                                     "xa_khong_thuoc_huyen"))
        else:
            errs.append(_unresolved("xa", raw, r))
    elif settings.communes_only and has_column:
        errs.append(_problem("xa", None, "thiếu giá trị bắt buộc (đơn vị cấp xã, số liệu từ 01/07/2025)",
                             "required value is empty (commune, data from 1/7/2025)", "thieu_gia_tri"))
    return tuple(getattr(place, k) for k in PLACE_COLUMNS), bad, tuple(errs), tuple(notes)


@dataclass
class Places:
    """The administrative columns of every row of a file (object arrays, None = empty), the
    errors by row position and the notes in row order."""

    columns: dict[str, np.ndarray]
    errors: dict[int, list[Problem]] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


def _memo(geo: Geography, key: tuple, work: Any) -> Any:
    """``work()`` memoised in ``geo`` (the parts of a register, and the HTX and THT registers of
    a year, name the same units)."""
    found = geo._memo.get(key)
    if found is None:
        found = geo._memo[key] = work()
    return found


def _factorize(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For integer codes: each row's index among the distinct codes (in order of appearance) and
    the first row of each.

    >>> [a.tolist() for a in _factorize(np.array([5, -1, 5, 2]))]
    [[0, 1, 0, 2], [0, 1, 3]]
    """
    index, uniques = pd.factorize(codes)
    first = np.empty(len(uniques), dtype=np.intp)
    first[index[::-1]] = np.arange(len(codes))[::-1]
    return index, first


def resolve_places(table: Table, md: Mapped | None, mx: Mapped | None, settings: Settings) -> Places:
    """Every row's place (see the module doc), from the table's district and commune columns
    (``md``, ``mx``; None when absent). A row reports its cells' problems in this order: the
    BadCell errors (district, commune), the district's error, the commune's errors; its notes:
    the district's, then the commune's."""
    geo = geography(settings.units, settings.crosswalk)
    date, n = settings.data_date, len(table.numbers)
    none, blank = np.full(n, None, dtype=object), np.zeros(n, dtype=np.int8)
    cells = {"don_vi": table.column(md.index) if md else none, "xa": table.column(mx.index) if mx else none}
    codes_d, _ = typed_codes(cells["don_vi"], table.column_kinds(md.index) if md else blank)
    codes_x, width = typed_codes(cells["xa"], table.column_kinds(mx.index) if mx else blank)

    # the district cells, then the districts they name (several spellings, one district)
    index_d, first_d = _factorize(codes_d)
    parts = [_memo(geo, ("district", date, md is not None, type(raw), raw),
                   lambda raw=raw: district_part(geo, settings, md is not None, raw))
             for raw in cells["don_vi"][first_d].tolist()]
    states: dict[tuple, int] = {}
    state_of_part = np.array([states.setdefault(p.state, len(states)) for p in parts], dtype=np.int64)
    by_state = {states[p.state]: p for p in parts}
    # every distinct (district, commune cell)
    pairs = state_of_part[index_d] * (width + 1) + (codes_x + 1)
    inverse, first = _factorize(pairs)
    outcomes = []
    for i in first.tolist():
        raw, d = cells["xa"][i], by_state[int(state_of_part[index_d[i]])]
        outcomes.append(_memo(geo, ("commune", date, mx is not None, type(raw), raw, d.state),
                              lambda raw=raw, d=d: commune_part(geo, settings, mx is not None, raw, d)))
    out = Places({})
    for k, key in enumerate(PLACE_COLUMNS):
        values = np.empty(len(outcomes), dtype=object)
        values[:] = [place[k] for place, _b, _e, _n in outcomes]
        out.columns[key] = values[inverse]

    headers = {"don_vi": md.header if md else None, "xa": mx.header if mx else None}

    def at(p: Problem, i: int) -> Problem:
        # the file's header, the row's number, the row's own cell (equal to the one worked out)
        value = None if p.value is None else cells[p.header][i]  # type: ignore[index]
        return Problem(table.rel, int(table.numbers[i]), headers[p.header], value,  # type: ignore[index]
                       p.reason_vi, p.reason_en, p.severity, p.code, table.sheet)

    part_of_row = index_d
    has_errors = (np.array([bool(p.bad or p.errors) for p in parts], dtype=bool)[part_of_row]
                  | np.array([bool(b or e) for _p, b, e, _n in outcomes], dtype=bool)[inverse])
    for i in np.flatnonzero(has_errors).tolist():
        d, (_place, bad_x, errs_x, _notes) = parts[part_of_row[i]], outcomes[inverse[i]]
        out.errors[i] = [at(p, i) for p in (*d.bad, *bad_x, *d.errors, *errs_x)]
    has_notes = (np.array([bool(p.notes) for p in parts], dtype=bool)[part_of_row]
                 | np.array([bool(notes) for _p, _b, _e, notes in outcomes], dtype=bool)[inverse])
    for i in np.flatnonzero(has_notes).tolist():
        out.notes.extend(at(p, i) for p in (*parts[part_of_row[i]].notes, *outcomes[inverse[i]][3]))
    return out
